"""Task reports (创建工作进展报送): a year of monthly reports and quarterly summaries of the member units.

Each unit draws a profile (story.yaml `task_reports`): how often its monthly report comes after the 25th or
not at all. Progress on a task moves from not started to done over the year, some tasks are blocked for a
few months (with a problem stated). One row is planted with an identity number in its text, which the
pipeline must quarantine. The second half of 2024 is a GBK CSV with Chinese headers, 2025 an XLSX.
"""
from __future__ import annotations

import random
from datetime import date, timedelta

from demo.story import END, TASK_REPORTS, source_rng
from demo.write import Style, Table, table
from domain import supervision

SPEC = TASK_REPORTS
ID_IN_TEXT = "11010519491231002X"       # the GB 11643 standard's own example number, checksum valid


def months() -> list[date]:
    """First days of the months from `first_month` to the story's end."""
    year, month = map(int, str(SPEC["first_month"]).split("-"))
    out = []
    while date(year, month, 1) <= END:
        out.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _profile(rng: random.Random) -> dict:
    pick, total = rng.random(), 0.0
    for spec in SPEC["profiles"].values():
        total += spec["share"]
        if pick < total:
            return spec
    return spec


def _reported(rng: random.Random, due: date, late: bool) -> date:
    """A report date: before the deadline, or up to ten days after it, never after the story's end."""
    day = due + timedelta(days=rng.randint(1, 10)) if late else due - timedelta(days=rng.randint(0, 14))
    return min(day, END)


def _progress(step: int, total: int, blocked: range) -> str:
    if step in blocked:
        return "blocked"
    share = step / total
    return "not_started" if share < 0.1 else "done" if share > 0.85 else "in_progress"


def _row(unit: str, task: str, period: str, kind: str, reported: date, progress: str) -> dict:
    problem = "协调经费未到位，等待旗政府审批" if progress == "blocked" else "无"
    return {"unit": unit, "task": task, "period": period, "kind": kind, "reported_date": reported,
            "progress": progress, "done_text": f"按方案推进任务{task}各项工作", "problems": problem,
            "next_steps": "对照任务清单查漏补缺", "evidence": f"前禁毒办〔{period[:4]}〕工作台账"}


def report_rows(seed: int) -> list[dict]:
    rng = source_rng(seed, "task_reports")
    calendar = months()
    rows = []
    for unit in supervision.plan_units():
        profile = _profile(rng)
        tasks = (supervision.named_tasks(unit) or supervision.tasks_of(unit))[: SPEC["tasks_per_unit"]]
        blocked = {t: range(s, s + rng.randint(2, 4)) if rng.random() < SPEC["blocked_share"] else range(0)
                   for t in tasks for s in [rng.randint(2, len(calendar) - 3)]}
        for step, month in enumerate(calendar):
            period = month.strftime("%Y-%m")
            due = supervision.due_date(period)
            if rng.random() < profile["missing"] or due > END:
                continue
            reported = _reported(rng, due, rng.random() < profile["late"])
            rows += [_row(unit, t, period, "monthly", reported, _progress(step, len(calendar), blocked[t]))
                     for t in tasks]
            if month.month % 3 == 0:
                quarter = f"{month.year}Q{month.month // 3}"
                rows += [_row(unit, t, quarter, "quarterly", reported, _progress(step, len(calendar), blocked[t]))
                         for t in tasks]
    return rows


def task_report_tables(seed: int) -> list[Table]:
    rng = source_rng(seed, "task_reports_files")
    rows = report_rows(seed)
    split = date(2025, 1, 1)
    first = [r for r in rows if r["reported_date"] < split]
    second = [r for r in rows if r["reported_date"] >= split]
    gbk = table("task_reports", "task_reports/task_reports_2024H2.csv", first,
                Style(headers="zh", labels="zh", dates="mixed"), rng, encoding="gbk")
    xlsx = table("task_reports", "task_reports/task_reports_2025H1.xlsx", second, Style(headers="en"), rng,
                 fmt="xlsx", encoding=None)
    row = rng.randrange(len(second))
    xlsx.plant(row, "done_text", f"已走访吸毒人员（身份证号{ID_IN_TEXT}）", "identity number in free text")
    return [gbk, xlsx]
