"""Marts benchmark (issue 3): rebuilding every mart, and the mart queries the app's pages run, each against a
plain DuckDB scan of the underlying fact tables measured in the same run and the same process.

    python -m bench.marts [--data DIR] [--repeat N]

The national-scale demo (~1.2 M registry rows, ~300 wastewater plants) is generated into DIR once (shared with
`bench.ingest`), loaded through the real pipeline into a temporary warehouse, and copied; the measurements run
on a connection to the copy.

Targets: rebuild of all marts ≤ 10 × a full scan of the fact tables; each page query < 100 ms warm.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

from bench.common import best_of, national_demo, stopwatch, table

TARGET_REBUILD_RATIO = 10.0
TARGET_PAGE_MS = 100.0
FACTS = ("fact_wastewater", "fact_hair", "fact_registry", "fact_cases", "fact_indicators")

# Page queries: what the app's pages ask the marts for (the slowest shape of each), with the fact table a
# reader without marts would have to scan instead.
PAGE_QUERIES = {
    "registry by township, latest snapshot": ("fact_registry", """
        select * from mart_registry_township
        where snapshot_date = (select max(snapshot_date) from mart_registry_township)
        order by existing_users desc"""),
    "registry trend, banner, all snapshots": ("fact_registry", """
        select snapshot_date, existing_users, newly_found_year, abstinent_3y, face_check_rate,
               community_execution_rate
        from mart_registry_township where township_code = '150823' order by snapshot_date"""),
    "wastewater daily series, one substance": ("fact_wastewater", """
        select sample_date, site_id, load_mg_day_per_1000, below_loq
        from mart_wastewater_loads where substance = 'methamphetamine' order by site_id, sample_date"""),
    "wastewater quarterly levels and trends": ("fact_wastewater", """
        select quarter, area_level, area_code, mean_load_per_1000, level, trend_class, yoy_change_pct
        from mart_wastewater_quarterly where substance = 'methamphetamine' order by area_code, quarter"""),
    "hair samples and persons by quarter and group": ("fact_hair", """
        select quarter, subject_group, sum(samples) as samples, sum(persons) as persons,
               100.0 * sum(positive_samples) / sum(samples) as rate
        from mart_hair_samples where township_code = '150823' group by all order by all"""),
    "cases by quarter and type": ("fact_cases", """
        select quarter, case_type, sum(cases), sum(suspects), sum(seized_display)
        from mart_cases_quarter group by all order by all"""),
    "six-zero board, latest year": ("fact_registry", """
        select * from mart_six_zero where year = (select max(year) from mart_six_zero)"""),
    "six-zero checks, latest year": ("fact_registry", """
        select * from mart_six_zero_checks where year = (select max(year) from mart_six_zero_checks)"""),
    "five never + four up four down": ("fact_cases", """
        select f.year, f.event, f.count, g.indicator, g.value, g.achieved
        from mart_five_never f join mart_four_up_four_down g using (year)
        where f.year = (select max(year) from mart_five_never)"""),
    "early warnings": ("fact_wastewater", """
        select * from mart_early_warnings order by quarter desc limit 200"""),
}


def scan(con, tables) -> None:
    """The plain baseline: read every column of every row (count and a hash of each whole row)."""
    for t in tables:
        con.execute(f"select count(*), sum(hash({t})) from {t}").fetchall()


def mart_times(con) -> list[tuple[str, float]]:
    """Seconds each mart file takes to rebuild (best of three), to show where a rebuild spends its time."""
    import warehouse

    best: dict[str, float] = {}
    marts = warehouse.mart_sql()
    for _ in range(3):
        with stopwatch() as t:
            warehouse.load_reference(con)
        best["reference tables"] = min(best.get("reference tables", t["s"]), t["s"])
        warehouse.set_variables(con)
        for sql_file, sql in marts.items():
            with stopwatch() as t:
                con.execute(sql)
            best[sql_file.stem] = min(best.get(sql_file.stem, t["s"]), t["s"])
    return list(best.items())


def load(data: Path, work: Path) -> Path:
    """Load the national demo through the real pipeline into a fresh warehouse under `work`."""
    os.environ.update(WAREHOUSE_PATH=str(work / "wh.duckdb"), PSEUDONYM_KEY_FILE=str(work / "key"),
                      DATA_DIR=str(work / "data"))
    from pipelines.ingest import ingest

    manifest = national_demo(data)
    for source in ("wastewater", "registry", "hair", "cases", "indicators"):
        files = [data / f["path"] for f in manifest["files"] if f["source"] == source]
        results = ingest(source, files, progress=False)
        bad = [r for r in results if r.status == "rejected"]
        if bad:
            raise SystemExit(f"{source}: {bad[0].message}")
    return work / "wh.duckdb"


def load_rebuilds(con, repeat: int) -> dict[str, tuple[int, float]]:
    """Per source: how many marts a load of it rebuilds, and the best time of that rebuild."""
    import warehouse
    from domain.sources import names
    from pipelines.ingest import tables_written_by

    out = {}
    for source in names():
        written = tables_written_by([source])
        out[source] = (len(warehouse.marts_reading(written)),
                       best_of(lambda: warehouse.build_marts(con, written), repeat))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "drugwatch-bench-national")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    import duckdb

    import warehouse

    work = Path(tempfile.mkdtemp(prefix="bench-marts-"))
    try:
        with stopwatch() as t_load:
            live = load(args.data, work)
        copy = work / "copy.duckdb"
        shutil.copyfile(live, copy)
        con = duckdb.connect(str(copy))
        rows = {t: con.execute(f"select count(*) from {t}").fetchall()[0][0] for t in FACTS}
        scan(con, FACTS)                                   # warm the buffer pool before either measurement
        warehouse.build_marts(con)                         # first build pays for imports (scipy) and caches
        scans, rebuilds = [], []
        for _ in range(args.repeat):                       # interleaved, so both see the same machine load
            scans.append(best_of(lambda: scan(con, FACTS), 1))
            rebuilds.append(best_of(lambda: warehouse.build_marts(con), 1))
        full_scan, rebuild = min(scans), min(rebuilds)
        after_load = load_rebuilds(con, args.repeat)
        per_mart = mart_times(con)
        con.execute("checkpoint")
        con.close()

        reader = duckdb.connect(str(copy), read_only=True)
        page_rows = []
        for name, (fact, sql) in PAGE_QUERIES.items():
            reader.execute(sql).fetchall()                 # warm
            warm = best_of(lambda: reader.execute(sql).fetchall(), max(args.repeat, 5))
            baseline = best_of(lambda: scan(reader, [fact]), args.repeat)
            n = len(reader.execute(sql).fetchall())
            page_rows.append([name, n, warm * 1000, f"{fact}: {baseline * 1000:,.1f}", f"{warm / baseline:.2f}×",
                              f"< {TARGET_PAGE_MS:g} ms", "yes" if warm * 1000 < TARGET_PAGE_MS else "no"])
        reader.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)

    ratio = rebuild / full_scan
    print(f"\nnational demo: {', '.join(f'{t} {n:,}' for t, n in rows.items())} rows; "
          f"loaded in {t_load['s']:.0f} s; python {sys.version.split()[0]}, {os.cpu_count()} cores, "
          f"best of {args.repeat}\n")
    print(table(["measure", "seconds", "baseline: full scan of the fact tables (s)", "ratio", "target", "met"],
                [["rebuild all marts (warehouse.build_marts)", rebuild, full_scan, f"{ratio:.1f}×",
                  f"≤ {TARGET_REBUILD_RATIO:g}×", "yes" if ratio <= TARGET_REBUILD_RATIO else "no"]]))
    print("\nafter a load, only the marts reading what it wrote (warehouse.marts_reading):\n")
    print(table(["load of", "marts rebuilt", "seconds", "share of a full rebuild"],
                [[source, f"{n} of {len(warehouse.mart_files())}", secs, f"{secs / rebuild:.0%}"]
                 for source, (n, secs) in after_load.items()]))
    pairs = ", ".join(f"{r / s:.1f}×" for s, r in zip(scans, rebuilds))
    print(f"\nrebuild ÷ scan in each interleaved round: {pairs}\n")
    print(table(["rebuild step", "ms", "share"],
                [[name, secs * 1000, f"{secs / sum(v for _, v in per_mart):.0%}"] for name, secs in per_mart]))
    print()
    slowest = max(page_rows, key=lambda r: r[2])
    slowest[0] = f"**{slowest[0]}** (slowest)"
    print(table(["page query (warm)", "rows", "ms", "baseline: scan of the fact table (ms)", "ratio", "target",
                 "met"], page_rows))


if __name__ == "__main__":
    main()
