"""Supervision benchmark (issue 13): a two-year task_reports file of about 35,000 rows through the pipeline,
then the 督导 page rendered cold and warm on the warehouse it made.

    python -m bench.supervision [--repeat N]

The file: every unit that may report (the plan's 37 named units and the 17 townships) on every task it leads or
answers for (280 unit × task pairs, collectives expanded), over 24 months: a monthly report, a quarterly
summary each quarter and four ad-hoc reports a month — 280 × (24 + 8 + 96) = 35,840 rows, some late.
The file is loaded on top of the county demo (the app's filters need monitoring data; the demo's own ~1,600
reports stay). Targets: ingest < 10 s; the page < 1 s warm and < 3 s cold (office view and a unit's view).
The baseline, in the same run: a bare DuckDB `read_csv` of the same file into a table (`bench.ingest`'s child).
"""
from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

from bench.common import report_child, run_child, stopwatch, table

TARGET_INGEST_S, TARGET_WARM_S, TARGET_COLD_S = 10.0, 1.0, 3.0
MONTHS = 24
ADHOC_DAYS = (5, 12, 19, 28)


def months_before(today: date, count: int) -> list[date]:
    """First days of the `count` months before the month of `today`, oldest first."""
    out, year, month = [], today.year, today.month
    for _ in range(count):
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        out.append(date(year, month, 1))
    return out[::-1]


def write_file(path: Path, today: date) -> int:
    from domain import supervision
    from domain.sources import sources

    rng = random.Random(13)
    rows = 0
    with open(path, "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(c.name for c in sources()["task_reports"].columns)
        for task, roles in supervision.task_roles().items():
            for unit in roles:
                for month in months_before(today, MONTHS):
                    period = month.strftime("%Y-%m")
                    due = supervision.due_date(period)
                    progress = rng.choice(["in_progress", "in_progress", "done", "blocked", "not_started"])
                    problem = "无" if progress != "blocked" else "经费未到位"
                    text = [f"推进任务{task}", problem, "继续推进", "台账"]
                    sent = min(due + timedelta(days=rng.randint(-12, 6)), today)
                    out.writerow([unit, task, period, "monthly", sent.isoformat(), progress, *text])
                    if month.month % 3 == 0:
                        out.writerow([unit, task, f"{month.year}Q{month.month // 3}", "quarterly", sent.isoformat(),
                                      progress, *text])
                    for day in ADHOC_DAYS:
                        out.writerow([unit, task, period, "adhoc", month.replace(day=day).isoformat(), progress,
                                      *text])
                    rows += 1 + (month.month % 3 == 0) + len(ADHOC_DAYS)
    return rows


def child_ingest(csv_file: str) -> None:
    with stopwatch() as imports:
        import great_expectations  # noqa: F401  (loaded lazily by the pipeline: timed apart)

        from pipelines.ingest import ingest
    with stopwatch() as t:
        [result] = ingest("task_reports", [Path(csv_file)], progress=False)
    assert result.status == "loaded", result.message
    report_child(t["s"], imports=imports["s"], rows=result.rows_loaded)


def page_times(repeat: int, unit: str | None) -> tuple[float, float]:
    """(cold, warm) seconds of the supervision page, as the office or as `unit`'s account."""
    from analysis.access import User
    from bench.pages import time_page
    from dashboard import login

    original = login.user
    if unit:
        login.user = lambda: User("bench", frozenset({"unit"}), unit=unit)
    try:
        return time_page("pages/supervision.py", repeat,
                         lambda at: at.title[0].value == "督导台账" and len(at.dataframe) >= 3)
    finally:
        login.user = original


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--child", nargs="+")
    args = parser.parse_args()
    if args.child:
        child_ingest(args.child[0])
        return
    import logging

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").disabled = True
    from tests.app_helpers import build_demo

    work = Path(tempfile.mkdtemp(prefix="bench-supervision-"))
    try:
        os.environ.update(build_demo(work).env())    # the county demo: the app needs monitoring data for its filters
        path = work / "task_reports_bench.csv"
        rows = write_file(path, date.today())
        load = run_child(["bench.supervision", "--child", str(path)], dict(os.environ))
        bare = run_child(["bench.ingest", "--child", "baseline", str(path), str(work / "bare.duckdb")])
        office = page_times(args.repeat, None)
        unit = page_times(args.repeat, "公安局")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\npython {sys.version.split()[0]}, {os.cpu_count()} cores; {rows:,} rows, {load['rows']:,} loaded; "
          f"warm = best of {args.repeat}")
    print(table(["what", "seconds", "target", "met"], [
        ["ingest (pipeline, imports apart)", load["seconds"], f"< {TARGET_INGEST_S:g}",
         "yes" if load["seconds"] < TARGET_INGEST_S else "no"],
        ["ingest (whole command)", load["wall_s"], "—", "—"],
        ["baseline: bare DuckDB read_csv of the file into a table", bare["seconds"], "—", "—"],
        ["baseline: the same, whole process (start, import duckdb)", bare["wall_s"], "—", "—"],
        ["page cold, office", office[0], f"< {TARGET_COLD_S:g}", "yes" if office[0] < TARGET_COLD_S else "no"],
        ["page warm, office", office[1], f"< {TARGET_WARM_S:g}", "yes" if office[1] < TARGET_WARM_S else "no"],
        ["page cold, unit 公安局", unit[0], f"< {TARGET_COLD_S:g}", "yes" if unit[0] < TARGET_COLD_S else "no"],
        ["page warm, unit 公安局", unit[1], f"< {TARGET_WARM_S:g}", "yes" if unit[1] < TARGET_WARM_S else "no"],
    ]))


if __name__ == "__main__":
    main()
