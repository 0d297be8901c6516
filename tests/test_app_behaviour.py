"""How the dashboard behaves at its edges: formats, downloads, the catalogue, the URL, empty and missing
data, a user bound to one township, and what it must never import."""
from __future__ import annotations

import io
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

import config
import i18n
from analysis import fmt, registry, targets
from analysis.access import Scope, User
from analysis.filters import Filters
from dashboard import audit, downloads, nav, users
from tests.app_helpers import (Account, assert_healthy, copy_warehouse, metric, open_app, open_page, sign_in, texts,
                               use, with_accounts)

SEAT = "150823100"
ROOT = Path(config.ROOT)


# --- formats ---------------------------------------------------------------------------------------------
def test_numbers_and_dates_are_written_for_the_reader():
    assert fmt.number(1234) == "1,234" and fmt.number(1234.56, 1) == "1,234.6"
    assert fmt.percent(12.5) == "12.5%" and fmt.percent(None) == fmt.DASH
    assert fmt.day(date(2024, 3, 5), "zh") == "2024年3月5日"
    assert fmt.day(date(2024, 3, 5), "en") == "2024-03-05"
    assert fmt.change(110, 100) == "+10.0%" and fmt.change(90, 100) == "-10.0%" and fmt.change(5, 0) is None
    assert fmt.quarter("2024Q3", "zh") == "2024年第3季度" and fmt.quarter("2024Q3", "en") == "2024 Q3"
    assert fmt.moment("2024-03-05T06:07:00+00:00", "zh") == "2024年3月5日 14:07 (UTC+8)"


def test_downloads_keep_chinese_for_excel():
    frame = pd.DataFrame({"苏木镇": ["乌拉山镇", "先锋镇"], "案事件数": [3, 1]})
    csv = downloads.to_csv(frame)
    assert csv.startswith("\ufeff".encode()) and "乌拉山镇" in csv.decode("utf-8-sig")
    back = pd.read_excel(io.BytesIO(downloads.to_xlsx(frame)))
    assert back.equals(frame)
    assert downloads.file_stem("各苏木镇现有吸毒人员（与 60 人挂牌线相比）", "2024Q1-2024Q4") == \
        "各苏木镇现有吸毒人员_与_60_人挂牌线相比__2024Q1-2024Q4"


# --- the catalogue ------------------------------------------------------------------------------------------
APP_KEYS = {k for f in [ROOT / "i18n" / "app.yaml"] for k in __import__("yaml").safe_load(f.read_text("utf-8"))}


@pytest.mark.parametrize("key", sorted(APP_KEYS))
def test_every_app_string_has_both_languages_with_the_same_placeholders(key):
    entry = i18n.catalogue()[key]
    assert set(entry) == {"zh", "en"}, "an unquoted comma in a YAML flow mapping splits the text"
    assert entry.get("zh") and entry.get("en")
    assert set(re.findall(r"{(\w+)}", entry["zh"])) == set(re.findall(r"{(\w+)}", entry["en"]))


def test_every_string_the_app_asks_for_is_in_the_catalogue():
    used = set()
    for path in [ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "dashboard").glob("*.py"),
                 *(ROOT / "analysis").glob("*.py")]:
        src = path.read_text("utf-8")
        # a whole key (a prefix joined to a code, "stage_" + stage, is checked where its codes are listed)
        used |= set(re.findall(r"""\b(?:tr|_t|i18n\.t)\(\s*["']([\w.]+)["']\s*[,)]""", src))
        used |= {f"chart.{m}" for m in re.findall(r"""(?:Chart|\btable)\(\s*["'](\w+)["']""", src)}
        used |= set(re.findall(r"""(?:section\(|hline_label=|note=)\s*["']([\w.]+)["']""", src))
    assert used, "the scan finds the keys"
    assert sorted(k for k in used if k not in i18n.catalogue()) == []


# --- URL ------------------------------------------------------------------------------------------------
def test_a_shared_link_opens_the_same_view(demo):
    at = open_page("hair", "en", **{"from": "2023Q2", "to": "2024Q1", "town": SEAT, "sub": "methamphetamine"})
    assert_healthy(at)
    assert at.select_slider(key="f_period").value == ("2023Q2", "2024Q1")
    assert at.multiselect(key="f_towns").value == [SEAT]
    assert at.multiselect(key="f_subs").value == ["methamphetamine"]
    assert at.query_params == {"lang": "en", "from": "2023Q2", "to": "2024Q1", "town": SEAT,
                               "sub": "methamphetamine"}
    samples = demo.value("select sum(samples) from mart_hair_samples where quarter between '2023Q2' and '2024Q1' "
                         "and township_code = ?", [SEAT])
    assert metric(at, "col.samples", "en") == fmt.number(samples)


def test_nonsense_in_the_url_falls_back_to_the_default_view(demo):
    at = open_app("xx", **{"from": "2099Q9", "to": "junk", "town": "999,150823100", "sub": "water"})
    assert_healthy(at)
    assert at.title[0].value == i18n.t("page.overview", "zh")
    last = demo.value("select max(d) from (select max(sample_date) d from fact_wastewater union all "
                      "select max(collection_date) from fact_hair union all select max(snapshot_date) from "
                      "fact_registry union all select max(filed_date) from fact_cases)")
    default = {"from": f"{last.year}Q1", "to": f"{last.year}Q{(last.month - 1) // 3 + 1}"}   # the latest year
    assert at.query_params == {"lang": "zh", **default, "town": SEAT}


def test_language_switch_keeps_the_filters(demo):
    at = open_page("cases", "zh", town=SEAT)
    at = at.radio(key="f_lang").set_value("en").run()
    assert at.title[0].value == i18n.t("page.cases", "en")
    assert at.query_params["lang"] == "en" and at.query_params["town"] == SEAT


# --- empty, missing, absent ----------------------------------------------------------------------------------
@pytest.mark.parametrize("key", [p.key for p in nav.PAGES])
def test_a_filter_that_leaves_nothing_shows_an_empty_state(demo, key):
    at = open_page(key, "zh", sub="etomidate", town="150823201")
    assert_healthy(at)
    if key in ("wastewater", "hair", "cases"):          # the pages the substance filter applies to
        empty = [i18n.t("state.empty", "zh")[:10], "当前筛选条件下没有数据"]
        assert any(any(e in s for e in empty) for s in texts(at)), texts(at)


def test_a_mart_not_yet_computed_is_said_so(demo_build, tmp_path, monkeypatch):
    data = copy_warehouse(demo_build, tmp_path)
    with duckdb.connect(str(data.warehouse)) as con:
        con.execute("drop table mart_six_zero")
        con.execute("drop table mart_hair_positivity")
    use(data, monkeypatch)
    for key, relation in (("overview", "mart_six_zero"), ("hair", "mart_hair_positivity")):
        at = open_page(key, "zh")
        assert not at.exception
        assert any(i18n.t("state.not_computed", "zh", relation=relation) == s for s in texts(at))
        assert any(i18n.t("frame.sources", "zh") in s for s in texts(at)), "the rest of the page still shows"


def test_no_warehouse_yet_is_explained(tmp_path, monkeypatch):
    missing = tmp_path / "nowhere" / "warehouse.duckdb"
    monkeypatch.setenv("WAREHOUSE_PATH", str(missing))
    at = open_app("zh")
    assert not at.exception
    assert i18n.t("state.no_warehouse", "zh", path=str(missing)) in [w.value for w in at.warning]


# --- access: roles and township scope ---------------------------------------------------------------------------
def test_scope_keeps_a_township_user_inside_their_township():
    scope = Scope(frozenset({SEAT}))
    assert scope.townships_for(()) == (SEAT,)
    assert scope.townships_for(("150823105",)) == (SEAT,)
    assert Scope().townships_for(("150823105",)) == ("150823105",)
    assert User("u", frozenset({"viewer"}), SEAT).scope == scope
    assert User("u", frozenset({"office"}), "150823").scope.whole_banner


def test_queries_take_the_scope(demo):
    scope = Scope(frozenset({SEAT}))
    towns = registry.by_township(Filters("2024Q1", "2024Q4"), scope, date(2024, 12, 31))
    assert towns["township_code"].tolist() == [SEAT]
    now, _ = registry.headline(Filters("2024Q1", "2024Q4", ("150823105",)), scope)
    assert now["existing_users"] == demo.value("select existing_users from mart_registry_township "
                                               "where snapshot_date = '2024-12-31' and township_code = ?", [SEAT])
    with pytest.raises(targets.OutOfScope):
        targets.six_zero(2024, scope)


@pytest.fixture
def accounts(tmp_path, monkeypatch):
    """Local sign-in, with real Argon2-hashed accounts in a private users file and audit log."""
    return with_accounts(tmp_path, monkeypatch, Account("viewer1", "seat-viewer-pw", ("viewer",), SEAT),
                         Account("office1", "office-pw-2024", ("office",)))


def test_a_viewer_bound_to_a_township_sees_only_their_pages_and_township(demo, accounts):
    at = open_app("zh")
    assert not at.metric and at.text_input(key="login_password")            # nothing before signing in
    at = sign_in(at, "viewer1", "seat-viewer-pw")
    assert_healthy(at)
    assert at.multiselect(key="f_towns").options == ["乌拉山镇"]
    assert i18n.t("state.banner_only", "zh") in [i.value for i in at.info]
    assert metric(at, "col.existing_users") == fmt.number(demo.value(
        "select existing_users from mart_registry_township where snapshot_date = "
        "(select max(snapshot_date) from mart_registry_township) and township_code = ?", [SEAT]))
    visible = [p.key for p in nav.visible(frozenset({"viewer"}))]
    assert "registry" not in visible and "overview" in visible
    assert i18n.t("login.signed_in_as", "zh", name="viewer1") in [c.value for c in at.sidebar.caption]


def test_a_wrong_password_shows_nothing_and_is_audited(demo, accounts):
    at = sign_in(open_app("en"), "office1", "not-the-password")
    assert i18n.t("login.failed", "en") in [e.value for e in at.error]
    assert not at.metric
    at = sign_in(at, "office1", "office-pw-2024")
    assert_healthy(at)
    at.sidebar.button(key="sign_out").click().run()
    assert at.text_input(key="login_password")
    log = audit.entries()
    assert [(e["user"], e["event"]) for e in log] == [
        ("office1", "sign_in_failed"), ("office1", "sign_in"), ("office1", "page"), ("office1", "sign_out")]
    assert log[2]["page"] == "overview"
    text = (accounts / "audit.jsonl").read_text(encoding="utf-8") + (accounts / "secrets" / "users.yaml").read_text("utf-8")
    assert "office-pw-2024" not in text and "not-the-password" not in text


def test_accounts_command(accounts, capsys, monkeypatch):
    import stat

    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-password\n"))
    assert users.main(["add", "data1", "--role", "data", "--role", "analyst", "--password-stdin"]) == 0
    assert users.verify("data1", "a-long-password").roles == frozenset({"data", "analyst"})
    assert users.verify("data1", "wrong") is None and users.verify("nobody", "a-long-password") is None
    assert stat.S_IMODE((accounts / "secrets" / "users.yaml").stat().st_mode) == 0o600
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-password\n"))
    assert users.main(["add", "x", "--role", "boss", "--password-stdin"]) == 2
    assert "boss" in capsys.readouterr().err


# --- what the app must not load -------------------------------------------------------------------------------
def test_the_app_never_imports_great_expectations_or_the_pipelines(demo_build):
    script = f"""
import os, sys
os.environ.update({demo_build.env()!r})
sys.path.insert(0, {str(ROOT)!r})
from tests.app_helpers import open_app, switch
from dashboard import nav
at = open_app("zh")
for page in nav.PAGES:
    if page.key == "intake":    # the data team's loading page runs the pipeline (issue 12)
        continue
    switch(at, page.key)
    assert not at.exception, page.key
print(sorted(m for m in sys.modules if m.split(".")[0] in ("great_expectations", "pipelines", "scipy")))
"""
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.strip().splitlines()[-1] == "[]"
