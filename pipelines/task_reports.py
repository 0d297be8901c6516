"""Rules of the task_reports source (contract.md §2.6) that read several columns at once.

`normalise` adds these to the typed rows: the due date and lateness of monthly reports and quarterly
summaries (domain/supervision_calendar.yaml), and the row problems a column alone cannot show — a unit
reporting on a task it neither leads nor answers for, a period that has not begun, a kind that does not fit
its period (a monthly report for a quarter).
"""
from __future__ import annotations

from datetime import date

import duckdb

import i18n
from domain import supervision
from warehouse import scalar

DUE_KINDS = ("monthly", "quarterly")
SHAPES = "case kind when 'monthly' then 'month' else 'quarter' end"   # the period each kind is for


def _pairs_sql() -> str:
    pairs = sorted(f"{task}|{unit}" for task, roles in supervision.task_roles().items() for unit in roles)
    return "[" + ", ".join("'" + p.replace("'", "''") + "'" for p in pairs) + "]"


def _shape() -> str:
    """'month' or 'quarter': the form of a normalised period."""
    return "case when period like '%Q%' then 'quarter' else 'month' end"


def derived() -> list[str]:
    """Columns stored with each report: its due date (adhoc reports have none) and whether it came late."""
    due = f"case when kind in {DUE_KINDS} then {supervision.due_date_sql('period')} end"
    return [f"{due} as due_date", f"reported_date > {due} as late"]


def issues(today: date) -> list[str]:
    """`column:kind[:value]` problems (messages `issue_<kind>` / `issue_<kind>_named` in i18n)."""
    start = supervision.period_start_sql("period")
    return [
        f"case when unit is not null and task is not null and not list_contains({_pairs_sql()}, task || '|' || unit) "
        "then 'unit:not_responsible:' || task end",
        f"case when period is not null and {start} > date '{today.isoformat()}' then 'period:period_future' end",
        f"case when period is not null and kind in {DUE_KINDS} and {_shape()} <> {SHAPES} "
        "then 'period:kind_mismatch:' || kind end",
    ]


def messages(con: duckdb.DuckDBPyConnection, run_id: str) -> list[str]:
    """What the load report says besides the counts: how many reports of the file came late."""
    late = scalar(con, "select count(*) from fact_task_reports where run_id = ? and late", [run_id])
    return [i18n.both("file_reports_late", n=late)] if late else []
