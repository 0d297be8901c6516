"""督导 Supervision in a real browser (issue 13): `streamlit run app.py` with local sign-in and two accounts, an
office's and a unit's, made with `dashboard.users`. The office signs in through the form, opens the supervision
page and finds the calendar, the compliance table and the tasks × units matrix with what the warehouse holds, then
switches to English; the unit signs in, sees its own tasks only, fills the monthly report form and gets the receipt,
and the report is in the warehouse and the audit log. Screenshots go to tests/artifacts/.

The server, browser and page fixtures are those of `test_browser.py`; the accounts fixture below is autouse, so it
runs before them in this module and the server inherits its environment (local sign-in, the accounts file).
"""
from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

import i18n
from analysis import supervision
from analysis.labels import label, unit_name
from dashboard import audit, users
from domain import supervision as plan
from tests.e2e.test_browser import Server, browser, page, server, settle, shot  # noqa: F401  (fixtures)

pytestmark = pytest.mark.slow     # a real browser: left out of `make test-fast`

OFFICE = ("督导办", "office-pw-2024")
UNIT_ACCOUNT = ("财政局报送", "unit-pw-2024")
UNIT = "财政局"          # lead unit of task 1.2, whose budget check fails in the demo
OTHER = "林草局"         # a unit with tasks of its own, none of them shared with 财政局
TOP_ROWS = 8             # rows of a table the data grid surely draws (it draws only what fits its height)
BLOCKED = label("progress", "blocked", "zh")     # 受阻, as the form offers it
DONE, PROBLEM = "完成禁毒经费预算编制", "专项经费尚未拨付到位"


@pytest.fixture(scope="module", autouse=True)
def accounts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("accounts")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AUTH_MODE", "local")
        mp.setenv("USERS_FILE", str(root / "users.yaml"))
        mp.setenv("AUDIT_LOG_FILE", str(root / "audit.jsonl"))
        mp.setenv("SIGNIN_BACKOFF_SECONDS", "0")
        users.add(OFFICE[0], OFFICE[1], ["office"])
        users.add(UNIT_ACCOUNT[0], UNIT_ACCOUNT[1], ["unit"], unit=UNIT)
        yield root


def sign_in(p, server: Server, account: tuple[str, str], lang: str = "zh") -> None:
    p.goto(f"{server.url}/?lang={lang}")
    p.get_by_label(i18n.t("login.name", lang)).fill(account[0])
    p.get_by_label(i18n.t("login.password", lang)).fill(account[1])
    p.get_by_role("button", name=i18n.t("login.submit", lang)).click()
    p.locator("[data-testid='stSidebar']").get_by_text(i18n.t("login.signed_in_as", lang, name=account[0])).wait_for(
        timeout=30_000)


def grid_text(p, name: str, lang: str = "zh") -> str:
    """The cells of the table under the title of chart `name`, as the browser holds them (the data grid keeps an
    accessible copy of what it paints on its canvas)."""
    title = i18n.t(f"chart.{name}", lang)
    grid = p.locator(f"xpath=//*[@data-testid='stMarkdownContainer'][normalize-space(.)='{title}']"
                     "/following::*[@data-testid='stDataFrame'][1]")
    grid.wait_for(timeout=30_000)
    return settled_text(p, grid)


def settled_text(p, locator, timeout_s: float = 30) -> str:
    """The element's text once two reads 0.3 s apart agree: the data grid appears before it fills its accessible
    copy of the rows (a read right after it appeared once missed rows)."""
    before, deadline = None, time.monotonic() + timeout_s
    while True:
        now = locator.text_content() or ""
        if (now and now == before) or time.monotonic() > deadline:
            return now
        before = now
        p.wait_for_timeout(300)


def compliance_rows(server: Server, units: list[str], lang: str) -> str:
    """The text of the compliance table's header and its first rows, from `mart_task_compliance`: the unit (named
    in `lang`), then its status in each of the six latest months (the page's default)."""
    months = [m for (m,) in server.data.query(
        "select distinct period from mart_task_compliance order by period desc limit 6")][::-1]
    status = {(u, m): s for u, m, s in server.data.query("select unit, period, status from mart_task_compliance")}
    header = i18n.t("col.unit", lang) + "".join(months)
    return header + "".join(unit_name(u, lang) + "".join(i18n.t(f"report_status.{status[u, m]}", lang) for m in months)
                            for u in units)


def metric_value(p, label: str) -> str:
    box = p.locator("[data-testid='stMetric']").filter(has=p.get_by_text(label, exact=True)).first
    return box.locator("[data-testid='stMetricValue']").inner_text().strip()


def whole_shot(p, name: str) -> None:
    """A screenshot of the whole page: Streamlit scrolls inside its main block, which a full-page screenshot
    does not unfold, so the window is made as tall as the page for the shot."""
    size = p.viewport_size
    height = p.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    p.set_viewport_size({"width": size["width"], "height": max(size["height"], height)})
    p.wait_for_timeout(1500)          # the data grids repaint at the new size
    shot(p, name)
    p.set_viewport_size(size)


def open_supervision(p, lang: str) -> None:
    p.locator("[data-testid='stSidebarNav']").get_by_text(i18n.t("page.supervision", lang), exact=True).click()
    settle(p, i18n.t("page.supervision", lang))


def test_the_office_sees_the_matrix_the_compliance_and_the_calendar(server, page):
    sign_in(page, server, OFFICE)
    open_supervision(page, "zh")
    assert "lang=zh" in page.url
    for key in ("sup.calendar", "sup.compliance", "sup.lagging", "sup.matrix", "sup.failed"):
        assert page.get_by_text(i18n.t(key, "zh"), exact=True).count() == 1, key
    period, on_time, late, missing = server.data.query(
        "select period, count(*) filter (where status = 'on_time'), count(*) filter (where status = 'late'), "
        "count(*) filter (where status = 'missing') from mart_task_compliance where status <> 'not_due' "
        "group by period order by period desc limit 1")[0]
    for status, n in (("on_time", on_time), ("late", late), ("missing", missing)):
        shown = i18n.t("sup.metric", "zh", status=i18n.t(f"report_status.{status}", "zh"), period=period)
        assert metric_value(page, shown) == str(n)
    shown = compliance_rows(server, plan.plan_units()[:TOP_ROWS], "zh")
    assert grid_text(page, "sup_compliance").startswith(shown)
    assert i18n.t("report_status.late", "zh") in shown      # the demo has late units among the first rows
    matrix = grid_text(page, "sup_matrix")
    assert matrix.startswith(i18n.t("col.task", "zh") + "".join(plan.plan_units()[:6]))       # units across
    assert supervision.tasks_of(UNIT, "zh")[0][1] in matrix                                  # tasks down
    deadline = supervision.calendar(date.today(), count=1).iloc[0]
    assert deadline["date"].isoformat() in grid_text(page, "sup_calendar")
    whole_shot(page, "supervision_office_zh")
    page.locator("[data-testid='stSidebar']").get_by_text("English", exact=True).click()
    settle(page, i18n.t("page.supervision", "en"))
    assert "lang=en" in page.url
    for key in ("sup.calendar", "sup.compliance", "sup.matrix"):
        assert page.get_by_text(i18n.t(key, "en"), exact=True).count() == 1, key
    shown = compliance_rows(server, plan.plan_units()[:TOP_ROWS], "en")
    assert grid_text(page, "sup_compliance", "en").startswith(shown)
    assert page.get_by_text("Units late, missing or with a blocked task", exact=True).count() == 1
    assert page.get_by_role("button", name="Write the reminders (DOCX, PDF)", exact=True).count() == 1
    whole_shot(page, "supervision_office_en")


def test_a_unit_sees_its_own_tasks_and_reports_through_the_form(server, page):
    sign_in(page, server, UNIT_ACCOUNT)
    settle(page, i18n.t("page.supervision", "zh"))
    assert page.get_by_text(i18n.t("sup.unit_note", "zh", unit=UNIT)).count() == 1
    own = grid_text(page, "sup_own_tasks")
    tasks = plan.tasks_of(UNIT)
    assert all(task in own for task in tasks[:TOP_ROWS])
    assert BLOCKED not in own                         # the demo has none of 财政局's tasks blocked
    assert OTHER not in page.locator("[data-testid='stMain']").text_content()   # (every row: test_supervision.py)
    assert page.get_by_text(i18n.t("chart.sup_matrix", "zh"), exact=True).count() == 0
    task = tasks[0]
    period = supervision.report_periods(date.today())[0]
    key = task.replace(".", "-")                      # Streamlit's class for the widget keyed sup_…_1.1
    progress = page.locator(f".st-key-sup_progress_{key} [role='combobox']")
    progress.click()
    progress.fill(BLOCKED)
    page.keyboard.press("Enter")
    assert progress.input_value() == BLOCKED
    page.locator(f".st-key-sup_done_{key} input").fill(DONE)
    page.locator(f".st-key-sup_problems_{key} input").fill(PROBLEM)
    whole_shot(page, "supervision_unit_form")
    page.get_by_role("button", name=i18n.t("sup.form_submit", "zh")).click()
    stored_text = i18n.t("sup.receipt_loaded", "zh", file="").split("（")[0]
    page.locator("[data-testid='stAlert']").filter(has_text=stored_text).wait_for(timeout=300_000)
    settle(page, i18n.t("page.supervision", "zh"))
    receipt = grid_text(page, "sup_receipt")
    assert DONE in receipt and PROBLEM in receipt and BLOCKED in receipt
    assert BLOCKED in grid_text(page, "sup_own_tasks")       # the page above the form shows the new report
    stored = server.data.query("select task, progress, done_text, problems from fact_task_reports where unit = ? "
                               "and period = ? and kind = 'monthly' and problems = ?", [UNIT, period, PROBLEM])
    assert stored == [(task, "blocked", DONE, PROBLEM)]
    assert server.data.value("select count(*) from fact_task_reports where run_id = (select run_id from "
                             "fact_task_reports where problems = ?)", [PROBLEM]) == len(tasks)
    submitted = [e for e in audit.entries() if e["event"] == "task_report"]
    assert [(e["user"], e["period"], e["status"]) for e in submitted] == [(UNIT_ACCOUNT[0], period, "loaded")]
    whole_shot(page, "supervision_unit_receipt")
