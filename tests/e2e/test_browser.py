"""The dashboard in a real browser: `streamlit run app.py` on a free port against a demo warehouse, driven by
Debian's chromium through Playwright. Opens every page in Chinese, switches to English and walks the menu,
applies a filter, clicks a township in a chart to drill into it, and loads new data while the server runs.
Screenshots go to tests/artifacts/.

Skipped when /usr/bin/chromium is absent, unless REQUIRE_BROWSER=1 (CI), where that is a failure.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import config
import i18n
from dashboard import nav
from tests.app_helpers import DemoWarehouse, copy_warehouse
from tests.conftest import fixture

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
ARTIFACTS = Path(config.ROOT) / "tests" / "artifacts"
SEAT = "150823100"
PAGES = [p.key for p in nav.PAGES]

pytestmark = pytest.mark.slow     # a real browser: left out of `make test-fast`


def require_browser() -> None:
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} is absent (apt-get install chromium fonts-noto-cjk, or `make system-deps`)"
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(message)
    pytest.skip(message)


@dataclass
class Server:
    url: str
    data: DemoWarehouse
    proc: subprocess.Popen


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def browser():
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def server(browser, demo_build, tmp_path_factory) -> Iterator[Server]:
    data = copy_warehouse(demo_build, tmp_path_factory.mktemp("e2e"))
    port = free_port()
    log = open(data.root / "streamlit.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=config.ROOT, env={**os.environ, **data.env()}, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.read() == b"ok":
                    break
        except OSError:
            pass
        assert proc.poll() is None, (data.root / "streamlit.log").read_text()
        assert time.time() < deadline, "streamlit did not start"
        time.sleep(0.3)
    yield Server(url, data, proc)
    proc.terminate()
    proc.wait(timeout=20)
    log.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 2200}, locale="zh-CN")
    p = context.new_page()
    errors: list[str] = []
    p.on("pageerror", lambda e: errors.append(str(e)))
    yield p
    context.close()
    assert not errors, errors


def settle(p, title: str) -> None:
    """Wait until the page shows `title` and Streamlit has finished running."""
    p.get_by_role("heading", level=1).filter(has_text=title).first.wait_for(timeout=30_000)
    p.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000)
    p.wait_for_timeout(1500)          # charts and data grids paint after the run ends
    assert p.locator("[data-testid='stException']").count() == 0
    assert p.get_by_text("Page not found").count() == 0


def shot(p, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    p.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def metric_value(p, label: str) -> str:
    box = p.locator("[data-testid='stMetric']").filter(has=p.get_by_text(label, exact=True)).first
    return box.locator("[data-testid='stMetricValue']").inner_text().strip()


def address(server: Server, key: str, query: str = "") -> str:
    """A page's URL: the first page of the register is the app's root."""
    path = "" if key == PAGES[0] else key
    return f"{server.url}/{path}{query}"


def test_every_page_in_chinese_then_english(server, page):
    for key in reversed(PAGES):        # a deep link first: the fresh server's first run is not app.py
        page.goto(address(server, key, "?lang=zh"))
        settle(page, i18n.t(f"page.{key}", "zh"))
        assert "lang=zh" in page.url and "from=" in page.url
        shot(page, f"{key}_zh")
    page.goto(address(server, "overview"))
    settle(page, i18n.t("page.overview", "zh"))
    page.locator("[data-testid='stSidebar']").get_by_text("English", exact=True).click()
    settle(page, i18n.t("page.overview", "en"))
    assert "lang=en" in page.url
    for key in PAGES[1:]:              # the menu keeps the session: language and filters stay
        page.locator("[data-testid='stSidebarNav']").get_by_text(i18n.t(f"page.{key}", "en"), exact=True).click()
        settle(page, i18n.t(f"page.{key}", "en"))
        assert "lang=en" in page.url
        shot(page, f"{key}_en")


def test_township_filter_changes_the_numbers_and_the_url(server, page):
    existing = ("select existing_users from mart_registry_township where snapshot_date = "
                "(select max(snapshot_date) from mart_registry_township) and township_code = ?")
    page.goto(address(server, "registry", "?lang=zh"))
    settle(page, i18n.t("page.registry", "zh"))
    label = i18n.t("col.existing_users", "zh")
    assert metric_value(page, label) == f"{server.data.value(existing, ['150823']):,}"
    towns = page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").first
    towns.click()
    page.keyboard.type("乌拉山镇")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    page.wait_for_url(f"**town={SEAT}**", timeout=30_000)
    settle(page, i18n.t("page.registry", "zh"))
    assert metric_value(page, label) == f"{server.data.value(existing, [SEAT]):,}"
    shot(page, "registry_filtered_zh")
    page.goto(page.url)                # a shared link opens the same view
    settle(page, i18n.t("page.registry", "zh"))
    assert metric_value(page, label) == f"{server.data.value(existing, [SEAT]):,}"


def test_clicking_a_township_in_a_chart_opens_it(server, page):
    page.goto(address(server, "registry", "?lang=zh"))
    settle(page, i18n.t("page.registry", "zh"))
    chart = page.locator(".js-plotly-plot").first
    chart.scroll_into_view_if_needed()
    bars = chart.locator(".bars .point path")
    bars.first.wait_for(timeout=30_000)
    bars.first.click(force=True)      # the first bar drawn is the township with the most users
    page.wait_for_url(f"**/townships?**town=**", timeout=30_000)
    settle(page, i18n.t("page.townships", "zh"))
    shot(page, "townships_drilled_zh")
    assert f"town={SEAT}" in page.url


def test_new_data_shows_after_a_load_without_restart(server, page):
    cases_2024 = "select coalesce(sum(cases), 0) from mart_cases_quarter where year = 2024"
    page.goto(address(server, "cases", "?lang=zh&from=2024Q1&to=2024Q4"))   # the fixture's cases are of 2024
    settle(page, i18n.t("page.cases", "zh"))
    label = i18n.t("col.cases", "zh")
    before = server.data.value(cases_2024)
    assert metric_value(page, label) == f"{before:,}"
    load = subprocess.run([sys.executable, "-m", "pipelines", "ingest", "cases", str(fixture("cases"))],
                          cwd=config.ROOT, env={**os.environ, **server.data.env()}, capture_output=True, text=True)
    assert load.returncode == 0, load.stdout + load.stderr
    after = server.data.value(cases_2024)
    assert after > before
    page.reload()
    settle(page, i18n.t("page.cases", "zh"))
    assert metric_value(page, label) == f"{after:,}"
    assert server.proc.poll() is None, "the same server, never restarted"
    shot(page, "cases_after_load_zh")


def test_a_clerk_uploads_a_file_sees_the_dry_run_loads_it_and_finds_the_run(server, page, demo_build, tmp_path):
    from tests.test_intake_page import BAD_ROWS, hair_upload

    upload = tmp_path / "hair_upload.csv"
    upload.write_bytes(hair_upload(demo_build))
    rows = upload.read_bytes().count(b"\n") - 1
    loaded_files = "select count(*) from pipeline_runs where status = 'loaded'"
    page.goto(address(server, "intake", "?lang=zh"))
    settle(page, i18n.t("page.intake", "zh"))
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(upload))
    page.get_by_text(i18n.t("dry_verdict_loaded", "zh"), exact=True).first.wait_for(timeout=60_000)
    facts = i18n.t("intake.facts", "zh", encoding="utf-8", rows=f"{rows:,}", loaded=f"{rows - len(BAD_ROWS):,}",
                   quarantined=str(len(BAD_ROWS)))
    assert page.get_by_text(facts).count() == 1
    assert server.data.value("select count(*) from pipeline_runs where file_name = 'hair_upload.csv'") == 0
    shot(page, "intake_dry_run_zh")
    page.get_by_role("button", name=i18n.t("intake.load", "zh", n=1)).click()
    page.get_by_text(i18n.t("intake.progress_done", "zh")).first.wait_for(timeout=120_000)
    settle(page, i18n.t("page.intake", "zh"))
    assert server.data.query("select status, rows_quarantined from pipeline_runs "
                             "where file_name = 'hair_upload.csv'") == [("loaded", len(BAD_ROWS))]
    shot(page, "intake_loaded_zh")
    page.locator("[data-testid='stSidebarNav']").get_by_text(i18n.t("page.quality", "zh"), exact=True).click()
    settle(page, i18n.t("page.quality", "zh"))
    assert metric_value(page, i18n.t("col.files_loaded", "zh")) == f"{server.data.value(loaded_files):,}"
