"""督导 Supervision (issue 13): the page in both languages for the office and for a unit's account (which sees
only its own), the calendar, the unit role's accounts, and the report form's round trip through the pipeline."""
from __future__ import annotations

import re
from datetime import date

import pandas as pd
import pytest

import domain
import i18n
from analysis import fmt, supervision
from analysis.access import User
from analysis.labels import label, task_label, unit_name, unit_names
from dashboard import audit, nav, report_form, users
from domain import supervision as plan
from tests.app_helpers import (Account, assert_healthy, copy_warehouse, frame, open_app, sign_in, switch, texts, use,
                               with_accounts)

UNIT = "财政局"          # lead unit of task 1.2, whose budget check fails in the demo
OTHER = "林草局"


@pytest.fixture
def accounts(tmp_path, monkeypatch):
    return with_accounts(tmp_path, monkeypatch, Account("office1", "office-pw-2024", ("office",)),
                         Account("jyj", "unit-pw-2024", ("unit",), unit=UNIT))


def office_page(lang: str):
    at = sign_in(open_app(lang), "office1", "office-pw-2024")
    return switch(at, "supervision")


def unit_page(lang: str):
    return sign_in(open_app(lang), "jyj", "unit-pw-2024")


def every_cell(at) -> set[str]:
    cells: set[str] = set()
    for d in at.dataframe:
        cells |= {str(c) for c in d.value.columns} | {str(v) for v in d.value.to_numpy().ravel()}
    return cells


# --- the office ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_office_sees_every_unit_and_task(demo, accounts, lang):
    at = office_page(lang)
    assert_healthy(at)
    shown = texts(at)
    for key in ("sup.calendar", "sup.compliance", "sup.matrix", "sup.failed"):
        assert i18n.t(key, lang) in shown
    grid = frame(at, "sup_compliance", lang)
    unit_col = i18n.t("col.unit", lang)
    assert list(grid[unit_col]) == unit_names(plan.plan_units(), lang)
    month = grid.columns[-1]
    expected = dict(demo.query("select unit, status from mart_task_compliance where period = ?", [month]))
    assert {u: s for u, s in zip(grid[unit_col], grid[month])} == {
        unit_name(u, lang): i18n.t(f"report_status.{s}", lang) for u, s in expected.items()}
    matrix = frame(at, "sup_matrix", lang)
    assert len(matrix) == 24
    task, latest = demo.query("select task, progress from mart_task_progress where unit = ? and progress is not null "
                              "order by task limit 1", [UNIT])[0]
    row = matrix[matrix.iloc[:, 0].str.startswith(f"{task} ")].iloc[0]
    assert row[unit_name(UNIT, lang)] == label("progress", latest, lang)
    failed = frame(at, "sup_failed", lang)
    assert len(failed) == demo.value("select count(*) from mart_accountability where kind = 'check' and year = "
                                     "(select max(year) from mart_accountability)")


CHINESE = re.compile(r"[\u4e00-\u9fff]")


def chinese_unit_names() -> set[str]:
    """Every Chinese name a unit is stored or written under: the plan's units, collectives, aliases, townships."""
    return {*plan.unit_names_en(), *plan.township_units()}


def test_the_english_page_names_every_unit_and_task_in_english(demo, accounts):
    """Units down the compliance grid and across the matrix, tasks down it, and the unit and task title of
    every detail table: English, from domain/unit_names.csv and plan-tasks.csv; no cell is a Chinese unit name."""
    at = office_page("en")
    assert_healthy(at)
    english = {r["unit"]: r["name_en"] for r in domain.read_csv("unit_names.csv")}
    titles = {r["title_en"] for r in plan.tasks()}
    unit_col, title_col = i18n.t("col.unit", "en"), i18n.t("col.task_title", "en")
    matrix = frame(at, "sup_matrix", "en")
    assert list(matrix.columns[1:]) == [english[u] for u in plan.plan_units()]
    assert list(matrix.iloc[:, 0]) == [f"{r['task']} {r['title_en']}" for r in plan.tasks()]
    assert list(frame(at, "sup_compliance", "en")[unit_col]) == [english[u] for u in plan.plan_units()]
    for table in ("sup_lagging", "sup_progress", "sup_failed"):
        shown = frame(at, table, "en")
        assert len(shown) and set(shown[unit_col]) <= set(english.values()), table
        if title_col in shown:
            assert set(shown[title_col]) <= titles, table
    assert not chinese_unit_names() & every_cell(at)


def test_the_compliance_metrics_count_the_latest_judged_month(demo, accounts):
    at = office_page("en")
    period, on_time = demo.query("select period, count(*) filter (where status = 'on_time') from mart_task_compliance "
                                 "where status <> 'not_due' group by period order by period desc limit 1")[0]
    label = i18n.t("sup.metric", "en", status=i18n.t("report_status.on_time", "en"), period=period)
    assert {m.label: m.value for m in at.metric}[label] == str(on_time)


# --- a unit's account --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_unit_account_sees_only_its_own_tasks_and_months(demo, accounts, lang):
    at = unit_page(lang)
    assert_healthy(at)
    assert i18n.t("sup.unit_note", lang, unit=unit_name(UNIT, lang, in_sentence=True)) in texts(at)
    own = frame(at, "sup_own_tasks", lang)
    assert sorted(own[i18n.t("col.task", lang)]) == sorted(plan.tasks_of(UNIT))
    grid = frame(at, "sup_compliance", lang)
    assert list(grid[i18n.t("col.unit", lang)]) == [unit_name(UNIT, lang)]
    owned = demo.value("select count(*) from mart_accountability where kind = 'check' and unit = ? and year = "
                       "(select max(year) from mart_accountability)", [UNIT])
    assert owned and set(frame(at, "sup_failed", lang)[i18n.t("col.unit", lang)]) == {unit_name(UNIT, lang)}
    assert not {unit_name(u, lang) for u in (OTHER, "公安局")} & every_cell(at)
    assert i18n.t("sup.form", lang) in texts(at)
    assert {f"**{task_label(t, lang)}**" for t in plan.tasks_of(UNIT)} <= set(texts(at))    # the form's tasks


def test_a_unit_account_opens_no_other_page():
    assert [p.key for p in nav.visible(frozenset({"unit"}))] == ["supervision"]
    assert supervision.bound_unit(User("u", frozenset({"unit"}), unit=UNIT)) == UNIT
    assert supervision.bound_unit(User("o", frozenset({"office", "unit"}), unit=UNIT)) is None


def test_unit_accounts_name_a_unit_of_the_plan(accounts, capsys):
    users.add("alias", "unit-pw-2024", ["unit"], unit="旗禁毒委")
    assert users.verify("alias", "unit-pw-2024").unit == "旗禁毒委员会"
    assert users.main(["list"]) == 0
    assert "alias\tunit\t旗禁毒委员会" in capsys.readouterr().out.splitlines()
    with pytest.raises(ValueError, match="not a unit of the plan"):
        users.add("x", "unit-pw-2024", ["unit"], unit="不存在局")
    with pytest.raises(ValueError, match="names its unit"):
        users.add("y", "unit-pw-2024", ["unit"])
    with pytest.raises(ValueError, match="names its unit"):
        users.add("z", "unit-pw-2024", ["office"], unit=UNIT)


# --- whom to press (督办) -----------------------------------------------------------------------------------------
def test_lagging_units_of_a_month(env, run_cli, tmp_path):
    """March 2024: 公安局 on time but tasks 3.1 and 4.1 blocked (listed as each language writes a list), 教育局
    late, every other unit missing; April judged too."""
    rows = ["unit,task,period,kind,reported_date,progress,problems",
            "公安局,3.1,2024-03,monthly,2024-03-20,blocked,经费未到位",
            "公安局,4.1,2024-03,monthly,2024-03-20,blocked,人手不足",
            "教育局,2.2,2024-03,monthly,2024-03-27,in_progress,",
            "教育局,2.2,2024-04,monthly,2024-04-30,in_progress,"]
    path = tmp_path / "r.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert run_cli("ingest", "task_reports", path)[0] == 0
    got = supervision.lagging("2024-03", None, "zh").set_index("unit")
    assert got.loc["公安局", ["report_status", "blocked_tasks"]].tolist() == ["on_time", "3.1、4.1"]
    assert supervision.lagging("2024-03", "公安局", "en")["blocked_tasks"].tolist() == ["3.1, 4.1"]
    assert got.loc["教育局", ["report_status", "last_reported", "months_missing"]].tolist() == ["late", "2024-03", 0]
    assert got.loc["林草局", "report_status"] == "missing" and pd.isna(got.loc["林草局", "last_reported"])
    assert len(got) == len(plan.plan_units())
    april = supervision.lagging("2024-04", "林草局", "zh")
    assert april[["unit", "months_missing"]].values.tolist() == [["林草局", 2]]
    assert supervision.lagging("2024-04", "公安局", "zh")["report_status"].tolist() == ["missing"]


# --- the calendar --------------------------------------------------------------------------------------------------
def test_the_calendar_lists_the_next_deadlines_and_inspections():
    got = supervision.calendar(date(2024, 6, 26), count=5)
    assert list(zip(got["date"], got["event"])) == [
        (date(2024, 7, 15), "inspection"), (date(2024, 7, 25), "monthly"), (date(2024, 8, 25), "monthly"),
        (date(2024, 9, 25), "monthly"), (date(2024, 9, 25), "quarterly")]
    on_the_day = supervision.calendar(date(2024, 11, 25), count=2)      # the deadline day itself still counts
    assert list(zip(on_the_day["date"], on_the_day["event"])) == [(date(2024, 11, 25), "monthly"),
                                                                   (date(2024, 12, 20), "inspection")]
    view = supervision.calendar_view(supervision.calendar(date(2024, 12, 1), count=1), "en")
    assert list(view["calendar_event"]) == ["Final acceptance (December)"]


# --- the form -----------------------------------------------------------------------------------------------------
def fill(at, task: str, progress: str, done: str, problems: str = ""):
    at.selectbox(key=f"sup_progress_{task}").set_value(progress)
    at.text_input(key=f"sup_done_{task}").input(done)
    at.text_input(key=f"sup_problems_{task}").input(problems)
    return at


def submit(at, lang: str):
    button = next(b for b in at.button if b.label == i18n.t("sup.form_submit", lang))
    return button.click().run(timeout=300)


def test_the_form_round_trip_through_the_pipeline(demo_build, accounts, tmp_path, monkeypatch):
    """A unit's report becomes a landing file, is loaded by the ingest command, shows a receipt of the stored rows,
    is audited; the same report again is skipped; nothing is written to the warehouse by the page itself."""
    mine = copy_warehouse(demo_build, tmp_path / "copy")
    use(mine, monkeypatch)
    at = unit_page("zh")
    tasks = plan.tasks_of(UNIT)
    period = at.selectbox(key="sup_period").value
    fill(at, tasks[0], "blocked", "开展禁毒课", "经费未到位")
    at = submit(at, "zh")
    assert_healthy(at)
    assert any(i18n.t("sup.receipt_loaded", "zh", file="").split("（")[0] in s.value for s in at.success)
    receipt = frame(at, "sup_receipt", "zh")
    assert list(receipt[i18n.t("col.task", "zh")]) == tasks
    assert list(receipt[i18n.t("col.progress", "zh")])[0] == "受阻"
    stored = mine.query("select task, period, progress, problems, late from fact_task_reports where unit = ? "
                        "and period = ? and kind = 'monthly' order by source_row", [UNIT, period])
    late = date.today() > plan.due_date(period)
    assert stored[0] == (tasks[0], period, "blocked", "经费未到位", late)
    assert len(stored) == len(tasks)
    landed = list((mine.data_dir / "landing" / "task_reports").glob(f"form_{period}_*.csv"))
    assert len(landed) == 1
    assert [(e["event"], e.get("status")) for e in audit.entries() if e["event"] == "task_report"] == [
        ("task_report", "loaded")]
    at = submit(at, "zh")                                   # the same report again: a file of the same content
    assert i18n.t("sup.receipt_skipped", "zh", file="").split("（")[0] in [w.value for w in at.warning][0]
    assert mine.value("select count(*) from fact_task_reports where unit = ? and period = ? and kind = 'monthly'",
                      [UNIT, period]) == len(tasks)


def test_a_form_holding_an_identity_number_is_refused_and_the_number_never_stored(demo_build, accounts, tmp_path,
                                                                                   monkeypatch):
    mine = copy_warehouse(demo_build, tmp_path / "copy")
    use(mine, monkeypatch)
    at = fill(unit_page("en"), plan.tasks_of(UNIT)[0], "in_progress", "visited 11010519491231002X at home")
    at = submit(at, "en")
    assert any(i18n.t("sup.receipt_rejected", "en", file="").split("(")[0] in e.value for e in at.error)
    bad = frame(at, "sup_receipt_quarantine", "en")
    assert "110105********002X" in " ".join(bad[i18n.t("col.reasons", "en")])
    assert "11010519491231002X" not in str(every_cell(at))
    assert not mine.query("select 1 from fact_task_reports t where strpos(t::varchar, '11010519491231002X') > 0")
    assert not list((mine.data_dir / "landing" / "task_reports").glob("*")), "a refused report leaves no file"


def test_receipt_of_a_file_never_loaded_says_so(demo, tmp_path):
    path = tmp_path / "never.csv"
    path.write_text("unit\n", encoding="utf-8")
    got = report_form.receipt(path)
    assert got.status == "rejected" and got.rows.empty
    assert got.message == i18n.both("sup.load_failed")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_matrix_shows_dash_for_never_reported_and_blank_for_not_its_task(lang):
    rows = pd.DataFrame({"task": ["1.1", "1.1", "2.2"], "unit": ["公安局", UNIT, UNIT],
                         "progress": ["done", None, "blocked"]})
    wide = supervision.matrix(rows, lang)
    police, finance = unit_name("公安局", lang), unit_name(UNIT, lang)
    done, blocked = label("progress", "done", lang), label("progress", "blocked", lang)
    assert wide.to_dict("records") == [{"task": task_label("1.1", lang), finance: "—", police: done},
                                       {"task": task_label("2.2", lang), finance: blocked, police: ""}]
    assert (police, finance) == (("公安局", UNIT) if lang == "zh" else ("Public Security Bureau", "Finance Bureau"))
    assert task_label("1.1", lang) == ("1.1 加强组织领导,确保党委政府对禁毒工作重视到位" if lang == "zh" else
                                       "1.1 Strengthen organisational leadership: ensure Party committees and "
                                       "governments give drug control full attention")


# --- 督办通知 ------------------------------------------------------------------------------------------------------
def test_reminders_are_written_per_lagging_unit_and_read_back(demo, tmp_path):
    import docx

    from briefings import notice
    from briefings.archive import renderer

    month = supervision.judged_months(supervision.compliance(None))[1]
    lagging = supervision.lagging(month, None, "zh")
    files = notice.publish(month, "zh", date(2025, 7, 1), tmp_path, formats=("docx",))
    assert len(files) == len(lagging) > 0
    first = lagging.iloc[0]
    text = "\n".join(p.text for p in docx.Document(files[0]).paragraphs)
    assert files[0].name == f"督办通知_{month}_01_{first['unit']}.docx"
    assert f"{first['unit']}：" in text and "督办〔" in text
    assert f"应于{month[:4]}年{int(month[5:])}月25日前报送" in text
    checks = supervision.failed_checks(int(month[:4]), first["unit"], "zh").drop_duplicates(["check_name", "task"])
    for r in checks.itertuples(index=False):
        assert f"{r.check_name}（任务{r.task}）" in text
    pdf = renderer("pdf")(notice.build(first, month, 1, "en", date(2025, 7, 1)), tmp_path / "one.pdf")
    assert pdf.read_bytes()[:5] == b"%PDF-"


def test_the_office_writes_the_reminders_from_the_page(demo, accounts, monkeypatch, tmp_path):
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    at = office_page("en")
    month = at.selectbox(key="sup_lagging_month").value
    at = at.button(key="sup_notice").click().run(timeout=300)
    assert_healthy(at)
    n = len(supervision.lagging(month, None, "zh"))
    assert i18n.t("sup.notice_done", "en", n=n, folder="").split(" ")[0] in at.success[0].value
    files = [b.label for b in at.download_button if b.label.startswith("Download reminder_")]
    assert len(files) == 2 * n and all(f.endswith((".docx", ".pdf")) for f in files)
    assert not [f for f in files if CHINESE.search(f)]          # named by the unit's English name
    assert [e["event"] for e in audit.entries()].count("reminders") == 1


def test_the_quarterly_briefing_names_the_units_that_reported_late_or_not_at_all(demo, tmp_path):
    from briefings import content, period as period_mod

    units = supervision.lagging_between("2024-10", "2024-12")
    expected = set(demo.query("select distinct unit from mart_task_compliance where period between '2024-10' and "
                              "'2024-12' and status in ('late', 'missing')"))
    assert units and {(u,) for u in units} == expected
    briefing = content.build(period_mod.parse("2024Q4"), "internal", "zh", date(2025, 1, 10), tmp_path)
    steps = briefing.sections[-1].paragraphs
    line = i18n.t("brief.step_reporting", "zh", units=fmt.join(units, "zh"))
    assert any(p.endswith(line) for p in steps), steps


def english_names() -> dict[str, str]:
    return {r["unit"]: r["name_en"] for r in domain.read_csv("unit_names.csv")}


def test_a_reminder_names_its_unit_in_the_readers_language(demo):
    """The notice's title and 主送 name the unit as stored in Chinese, and by its English name in English."""
    from briefings import notice

    month = supervision.judged_months(supervision.compliance(None))[1]
    row = supervision.lagging(month, None, "zh").iloc[0]
    zh = notice.build(row, month, 1, "zh", date(2025, 7, 1))
    assert zh.title == f"关于督促{row['unit']}报送{month[:4]}年{int(month[5:])}月创建工作进展情况的通知"
    assert zh.masthead.recipients == f"{row['unit']}："
    en = notice.build(row, month, 1, "en", date(2025, 7, 1))
    name = english_names()[row["unit"]]
    assert en.title == f"Reminder to the {name}: progress report for {month}"
    assert en.masthead.recipients == f"{name}: "
    assert not [t for t in [en.title, *(p for s in en.sections for p in s.paragraphs)] if CHINESE.search(t)]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_briefings_next_steps_name_tasks_and_units_in_the_readers_language(demo, tmp_path, lang):
    """五、下一步工作 of 2025H1: for each target not met its tasks and lead units, then the units to press. Chinese
    as stored (4.1深化排查，精准管控吸毒人员; 政法委), English from title_en and domain/unit_names.csv."""
    from briefings import content, period as period_mod

    zh = lang == "zh"
    rows = {r["task"]: r for r in plan.tasks()}
    english = english_names()

    def tasks(numbers: list[str]) -> str:
        if zh:
            return "、".join(t + rows[t]["title"].replace(",", "，") for t in numbers)
        return ", ".join(f"{t} {rows[t]['title_en']}" for t in numbers)

    def units(names: list[str]) -> str:
        return "、".join(names) if zh else ", ".join(f"the {english[u]}" for u in names)

    not_met = demo.query("select target_zh, target_en, plan_tasks, lead_units from mart_six_zero "
                         "where year = 2025 and status = 'not_met'")
    lagging = supervision.lagging_between("2025-01", "2025-06")
    expected = [i18n.t("brief.step_target", lang, target=target_zh if zh else target_en, tasks=tasks(numbers),
                       units=units(leads)) for target_zh, target_en, numbers, leads in not_met]
    expected.append(i18n.t("brief.step_reporting", lang, units=units(lagging)))
    briefing = content.build(period_mod.parse("2025H1"), "internal", lang, date(2025, 7, 10), tmp_path)
    steps = briefing.sections[-1].paragraphs
    assert not_met and lagging
    assert [line for line in expected if not any(p.endswith(line) for p in steps)] == []
    assert zh or not [p for p in steps if CHINESE.search(p)]
