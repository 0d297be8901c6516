"""Ingest benchmark (issue 2): the national-scale registry through the whole pipeline against a bare
DuckDB `read_csv` of the same file, each in its own process so peak memory is its own.

    python -m bench.ingest [--data DIR]

Targets: pipeline ≤ 3 × the bare load; peak memory < 1.5 GB; a rerun with nothing new < 2 s.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from bench.common import national_demo, report_child, run_child, stopwatch, table

TARGET_RATIO, TARGET_PEAK_MB, TARGET_RERUN_S = 3.0, 1536, 2.0


def child_baseline(csv_file: str, db: str) -> None:
    import duckdb

    with stopwatch() as t:
        con = duckdb.connect(db)
        con.execute(f"create table registry as select * from read_csv('{csv_file}', header=true)")
        con.close()
    report_child(t["s"])


def child_pipeline(csv_file: str) -> None:
    from pipelines.ingest import ingest

    with stopwatch() as t:
        [result] = ingest("registry", [Path(csv_file)], progress=False)
    assert result.status == "loaded", result.message
    report_child(t["s"])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "drugwatch-bench-national")
    parser.add_argument("--child", nargs="+")
    args = parser.parse_args()
    if args.child:
        {"baseline": child_baseline, "pipeline": child_pipeline}[args.child[0]](*args.child[1:])
        return
    manifest = national_demo(args.data)
    registry = next(args.data / f["path"] for f in manifest["files"] if f["source"] == "registry")
    rows = next(f["rows"] for f in manifest["files"] if f["source"] == "registry")
    work = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    env = dict(os.environ, WAREHOUSE_PATH=str(work / "wh.duckdb"), PSEUDONYM_KEY_FILE=str(work / "key"),
               DATA_DIR=str(work / "data"))
    landing = work / "data" / "landing" / "registry"
    landing.mkdir(parents=True)
    (landing / registry.name).symlink_to(registry)

    base = run_child(["bench.ingest", "--child", "baseline", str(registry), str(work / "bare.duckdb")], env)
    pipe = run_child(["bench.ingest", "--child", "pipeline", str(registry)], env)
    rerun = run_child(["pipelines", "run"], env)
    ratio = pipe["seconds"] / base["seconds"]
    print(f"\nregistry file: {registry.name}, {rows:,} rows, {registry.stat().st_size / 1e6:,.0f} MB; "
          f"python {sys.version.split()[0]}, {os.cpu_count()} cores\n")
    print(table(
        ["measure", "value", "baseline (bare DuckDB read_csv)", "ratio", "target", "met"],
        [["load time (s)", pipe["seconds"], base["seconds"], f"{ratio:.1f}×", f"≤ {TARGET_RATIO:g}×",
          "yes" if ratio <= TARGET_RATIO else "no"],
         ["peak memory (MB)", pipe["peak_mb"], base["peak_mb"], f"{pipe['peak_mb'] / base['peak_mb']:.1f}×",
          f"< {TARGET_PEAK_MB}", "yes" if pipe["peak_mb"] < TARGET_PEAK_MB else "no"],
         ["rerun, nothing new (s, whole command)", rerun["wall_s"], "", "", f"< {TARGET_RERUN_S:g}",
          "yes" if rerun["wall_s"] < TARGET_RERUN_S else "no"]],
    ))


if __name__ == "__main__":
    main()
