"""The sixth source, task_reports (contract.md §2.6), and the compliance it feeds (§4 mart_task_compliance):
each bad input of issue 13 with its bilingual message, nothing lost, and the 25th on both sides."""
from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from domain import supervision

HEADER = ["unit", "task", "period", "kind", "reported_date", "progress", "done_text", "problems", "next_steps",
          "evidence"]
ZH = {"unit": "报送单位", "task": "任务编号", "period": "报送期间", "kind": "类型", "reported_date": "报送日期",
      "progress": "进展", "done_text": "工作进展", "problems": "存在问题", "next_steps": "下步打算", "evidence": "佐证材料"}
ID_NUMBER = "11010519491231002X"        # checksum valid (the standard's example)


def report(unit="公安局", task="3.1", period="2024-03", kind="monthly", reported="2024-03-20", progress="in_progress",
           done="开展合成作战", problems="", next_steps="继续推进", evidence="前公发〔2024〕3号") -> list[str]:
    return [unit, task, period, kind, reported, progress, done, problems, next_steps, evidence]


def write(path: Path, rows: list[list[str]], *, chinese: bool = False, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding=encoding, newline="") as f:
        out = csv.writer(f)
        out.writerow([ZH[h] for h in HEADER] if chinese else HEADER)
        out.writerows(rows)
    return path


@pytest.fixture
def lenient(monkeypatch):
    """Bad-row tests use small files: the 5 % rejection limit would reject them whole."""
    monkeypatch.setenv("QUARANTINE_MAX_PERCENT", "100")


def stored(env) -> list[tuple]:
    return env.query("select unit, task, period, kind, reported_date::varchar, progress, late "
                     "from fact_task_reports order by source_row")


def quarantined(env) -> dict[int, str]:
    return dict(env.query("select row_number, reasons from quarantine where source = 'task_reports'"))


# --- good input ------------------------------------------------------------------------------------------------
def test_a_valid_file_loads_every_row_with_its_due_date(env, run_cli, tmp_path):
    f = write(tmp_path / "r.csv", [report(), report(task="3.2", period="2024Q1", kind="quarterly", progress="done")])
    code, out = run_cli("ingest", "task_reports", f)
    assert code == 0, out
    assert env.query("select task, due_date::varchar, late from fact_task_reports order by task") == [
        ("3.1", "2024-03-25", False), ("3.2", "2024-03-25", False)]
    assert env.query("select status, rows_read, rows_loaded, rows_quarantined from pipeline_runs") == [
        ("loaded", 2, 2, 0)]


def test_chinese_headers_labels_gbk_and_xlsx_load_the_same(env, run_cli, tmp_path):
    rows = [report(unit="旗禁毒委", task="1.1", kind="月报", progress="推进中", reported="2024年3月20日"),
            report(unit="教育局", task="2.2", period="2024年3月", kind="月报", progress="已完成", reported="2024/3/21")]
    code, out = run_cli("ingest", "task_reports", write(tmp_path / "gbk.csv", rows, chinese=True, encoding="gbk"))
    assert code == 0, out
    first = stored(env)
    assert first == [("旗禁毒委员会", "1.1", "2024-03", "monthly", "2024-03-20", "in_progress", False),
                     ("教育局", "2.2", "2024-03", "monthly", "2024-03-21", "done", False)]
    env.emptied()
    xlsx = tmp_path / "r.xlsx"
    pd.DataFrame(rows, columns=[ZH[h] for h in HEADER]).to_excel(xlsx, index=False)
    code, out = run_cli("ingest", "task_reports", xlsx)
    assert code == 0, out
    assert stored(env) == first


def test_the_abbreviations_extracts_write_are_their_plan_units(env, run_cli, tmp_path):
    """domain/units.csv: 政府办 and 旗禁毒办 as extracts write them are 旗政府办公室 and 禁毒办, stored by the plan's name."""
    f = write(tmp_path / "r.csv", [report(unit="政府办", task="1.1"), report(unit="旗禁毒办", task="1.1")])
    code, out = run_cli("ingest", "task_reports", f)
    assert code == 0 and "隔离 0 行" in out, out
    assert [r[0] for r in stored(env)] == ["旗政府办公室", "禁毒办"]


def test_collective_units_expand_to_members_and_townships(env, run_cli, tmp_path, lenient):
    """旗禁毒委员会各成员单位 (task 1.1) lets every named unit report; 各苏木镇 (task 4.1) every township, by name or
    code; a township is no member unit of task 1.2."""
    f = write(tmp_path / "r.csv", [report(unit="林草局", task="1.1"), report(unit="乌拉山镇", task="4.1"),
                                   report(unit="150823105", task="4.1"), report(unit="乌拉山镇", task="1.2")])
    code, out = run_cli("ingest", "task_reports", f)
    assert code == 0, out
    assert [(r[0], r[1]) for r in stored(env)] == [("林草局", "1.1"), ("乌拉山镇", "4.1"), ("大佘太镇", "4.1")]
    assert list(quarantined(env)) == [4]


def test_run_loads_task_reports_from_landing(env, run_cli):
    write(env.data_dir / "landing" / "task_reports" / "march.csv", [report()])
    code, out = run_cli("run")
    assert code == 0, out
    assert env.count("fact_task_reports") == 1


# --- bad input (issue 13 "Bad input") ----------------------------------------------------------------------------
def test_unknown_unit_or_task_is_quarantined_with_its_row(env, run_cli, tmp_path, lenient):
    f = write(tmp_path / "r.csv", [report(), report(unit="不存在局"), report(task="9.9")])
    code, out = run_cli("ingest", "task_reports", f)
    assert code == 0, out
    reasons = quarantined(env)
    assert set(reasons) == {2, 3}
    assert "报送单位(unit): 未知的取值“不存在局” / unknown value '不存在局'" in reasons[2]
    assert "任务编号(task)" in reasons[3] and "unknown value '9.9'" in reasons[3]
    assert env.count("fact_task_reports") == 1
    assert "第2行 / row 2" in out


def test_a_unit_not_responsible_for_the_task_is_quarantined_with_the_reason(env, run_cli, tmp_path, lenient):
    assert "教育局" not in supervision.units_of("3.4")
    code, out = run_cli("ingest", "task_reports", write(tmp_path / "r.csv", [report(unit="教育局", task="3.4")]))
    assert code == 0, out
    assert quarantined(env) == {1: "报送单位(unit): 该单位不是任务 3.4 的牵头单位或责任单位 / "
                                   "this unit neither leads nor answers for task 3.4"}


def test_a_period_in_the_future_is_quarantined(env, run_cli, tmp_path, lenient):
    today = date.today()
    future = f"{today.year + 1}-{today.month:02d}"
    f = write(tmp_path / "r.csv", [report(), report(period=future, reported=today.isoformat())])
    run_cli("ingest", "task_reports", f)
    assert quarantined(env) == {2: "报送期间(period): 报送期间尚未开始 / the period has not begun yet"}


def test_a_kind_that_does_not_fit_its_period_is_quarantined(env, run_cli, tmp_path, lenient):
    f = write(tmp_path / "r.csv", [report(period="2024Q1"), report(period="2024-03", kind="quarterly"),
                                   report(period="2024Q1", kind="adhoc")])
    run_cli("ingest", "task_reports", f)
    assert set(quarantined(env)) == {1, 2}
    assert "kind and period do not fit" in quarantined(env)[1]


def test_an_unreadable_period_is_quarantined(env, run_cli, tmp_path, lenient):
    f = write(tmp_path / "r.csv", [report(period="2024-13"), report(period="三月"), report(period="2024/3")])
    run_cli("ingest", "task_reports", f)
    assert quarantined(env) == {n: "报送期间(period): 报送期间格式应为 2024-03（月报）或 2024Q1（季度总结） / "
                                   "period must look like 2024-03 (monthly) or 2024Q1 (quarterly)" for n in (1, 2)}
    assert env.query("select period from fact_task_reports") == [("2024-03",)]


def test_a_late_monthly_report_is_kept_and_marked_late(env, run_cli, tmp_path):
    f = write(tmp_path / "r.csv", [report(reported="2024-03-25"), report(task="3.2", reported="2024-03-26")])
    code, out = run_cli("ingest", "task_reports", f)
    assert code == 0, out
    assert env.query("select task, late from fact_task_reports order by task") == [("3.1", False), ("3.2", True)]
    assert "1 份报送晚于截止日（已保留，标记为迟报） / 1 reports came after their deadline (kept, marked late)" in out


def test_the_same_file_twice_is_skipped(env, run_cli, tmp_path):
    f = write(tmp_path / "r.csv", [report()])
    run_cli("ingest", "task_reports", f)
    code, out = run_cli("ingest", "task_reports", f)
    assert code == 0
    assert env.query("select status from pipeline_runs order by started_at") == [("loaded",), ("skipped",)]
    assert env.count("fact_task_reports") == 1
    assert "already loaded" in out


def test_free_text_holding_an_identity_number_is_quarantined_masked_never_stored(env, run_cli, tmp_path, lenient):
    f = write(tmp_path / "r.csv", [report(problems=f"走访对象身份证{ID_NUMBER}未到场"),
                                   report(task="3.2", evidence="卷宗号 110105194912310021")])   # wrong checksum: a file number
    code, out = run_cli("ingest", "task_reports", f)
    assert code == 0, out
    assert quarantined(env) == {1: "存在问题(problems): 文本中含身份证号（110105********002X），该行未入库，请删除后重报 / "
                                   "the text holds an identity number (110105********002X): the row was not stored. "
                                   "Remove it and report again"}
    assert ID_NUMBER not in out
    tables = [r[0] for r in env.query("select table_name from information_schema.tables")]
    for table in tables:
        assert not env.query(f"select 1 from {table} t where strpos(t::varchar, ?) > 0", [ID_NUMBER]), table


def test_a_missing_required_column_rejects_the_file(env, run_cli, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("unit,task,period\n公安局,3.1,2024-03\n", encoding="utf-8")
    code, out = run_cli("ingest", "task_reports", path)
    assert code == 1
    assert "kind" in out and "progress" in out


# --- compliance (contract §4 mart_task_compliance) -------------------------------------------------------------
def compliance(env, unit: str) -> dict[str, tuple]:
    return {p: (d, s) for p, d, s in env.query(
        "select period, reported_date::varchar, status from mart_task_compliance where unit = ?", [unit])}


def test_compliance_on_both_sides_of_the_25th(env, run_cli, tmp_path):
    """公安局 reports March on the 25th (on time) and April on the 26th (late); 教育局 only in May, on time; a
    quarterly summary or an ad-hoc report does not count as the monthly report."""
    f = write(tmp_path / "r.csv", [
        report(reported="2024-03-25"), report(task="3.2", reported="2024-03-26"),     # the first report decides
        report(period="2024-04", reported="2024-04-26"),
        report(unit="教育局", task="2.2", period="2024-05", reported="2024-05-02"),
        report(unit="公安局", task="3.1", period="2024Q2", kind="quarterly", reported="2024-05-20"),
        report(unit="公安局", task="3.1", period="2024-05", kind="adhoc", reported="2024-05-20"),
    ])
    code, out = run_cli("ingest", "task_reports", f)
    assert code == 0, out
    assert compliance(env, "公安局") == {"2024-03": ("2024-03-25", "on_time"), "2024-04": ("2024-04-26", "late"),
                                        "2024-05": (None, "not_due")}
    assert compliance(env, "教育局") == {"2024-03": (None, "missing"), "2024-04": (None, "missing"),
                                        "2024-05": ("2024-05-02", "on_time")}
    units = {r[0] for r in env.query("select distinct unit from mart_task_compliance")}
    assert units == set(supervision.plan_units())
    assert env.query("select distinct due_date::varchar from mart_task_compliance where period = '2024-04'") == [
        ("2024-04-25",)]


def test_the_progress_matrix_keeps_the_latest_report(env, run_cli, tmp_path):
    f = write(tmp_path / "r.csv", [report(period="2024-03", progress="in_progress", reported="2024-03-20"),
                                   report(period="2024-04", progress="blocked", problems="经费未到位",
                                          reported="2024-04-20")])
    run_cli("ingest", "task_reports", f)
    assert env.query("select progress, period, problems, reports from mart_task_progress "
                     "where unit = '公安局' and task = '3.1'") == [("blocked", "2024-04", "经费未到位", 2)]
    never = env.query("select progress, reports from mart_task_progress where unit = '教育局' and task = '2.2'")
    assert never == [(None, 0)]
