"""Briefing benchmark: one quarterly briefing, internal, every format, on the county and the national demo.

    python -m bench.briefings [--scales county,national] [--data DIR] [--period 2024Q4]

Each stage is timed on its own (the figures from the warehouse; the DOCX, PDF and HTML writers) against a
plain scan, in the same process, of every mart the briefing reads. The caches are emptied before the
figures are gathered (the first briefing after a load). Target: a whole briefing < 10 s at national scale.
Then the figures once more, as the office's next briefing of the period gathers them (caches emptied, the
as-of warehouse kept: `briefings.as_of`).
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from datetime import date
from pathlib import Path

from bench.common import stopwatch, table
from bench.pages import clear_caches, county, national

TARGET_S = 10.0
MARTS = ("mart_registry_township", "mart_cases_quarter", "mart_hair_positivity", "mart_hair_samples",
         "mart_wastewater_quarterly", "mart_six_zero", "mart_five_never", "mart_four_up_four_down",
         "mart_early_warnings")


def plain_scan() -> float:
    import duckdb

    with duckdb.connect(os.environ["WAREHOUSE_PATH"], read_only=True) as con, stopwatch() as t:
        for mart in MARTS:
            con.execute(f"select * from {mart}").fetchall()
    return t["s"]


AGAIN = "figures and charts again, as-of warehouse kept (not in the whole)"


def measure(period_code: str, work: Path) -> list[tuple[str, float]]:
    from briefings import archive, content, period

    clear_caches()
    with stopwatch() as t:
        briefing = content.build(period.parse(period_code), "internal", "zh", date.today(), work / "charts")
    stages = [("figures and charts", t["s"])]
    for fmt in archive.FORMATS:
        with stopwatch() as t:
            archive.renderer(fmt)(briefing, work / f"briefing.{fmt}")
        stages.append((fmt, t["s"]))
    clear_caches()
    with stopwatch() as t:      # the office's next briefing of the period (new notes): the as-of warehouse kept
        content.build(period.parse(period_code), "internal", "en", date.today(), work / "again")
    return stages + [(AGAIN, t["s"])]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="county,national")
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "drugwatch-bench-national")
    parser.add_argument("--period", default="2024Q4")
    args = parser.parse_args()
    rows = []
    for scale in args.scales.split(","):
        work = Path(tempfile.mkdtemp(prefix=f"bench-briefings-{scale}-"))
        try:
            county(work) if scale == "county" else national(args.data, work)
            baseline = plain_scan()
            stages = measure(args.period, work)
            rows += [[scale, name, s, "", ""] for name, s in stages]
            total = sum(s for name, s in stages if name != AGAIN)
            met = "yes" if total < TARGET_S or scale != "national" else "no"
            rows.append([scale, "whole briefing", total, f"{baseline:.3f} s ({total / baseline:,.0f}×)", met])
        finally:
            shutil.rmtree(work, ignore_errors=True)
    print(f"\npython {sys.version.split()[0]}, {os.cpu_count()} cores; period {args.period}, internal, zh\n")
    print(table(["scale", "stage", "seconds", "baseline: plain scan of the marts read",
                 f"national target (< {TARGET_S:g} s)"], rows))


if __name__ == "__main__":
    main()
