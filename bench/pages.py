"""Page render benchmark (issue 4): every dashboard page rendered by Streamlit's AppTest, cold and warm, on the
county demo and on the national-scale demo.

    python -m bench.pages [--scales county,national] [--data DIR] [--repeat N]

cold: the caches emptied (`analysis.db`'s connections and query results, `clear_caches()`),
      then a new session opens the page — the first visitor after a load. Python modules stay imported.
warm: the same session re-runs the page (a filter change that hits cached results), best of N.
Each figure is the whole script run of `app.py` with the page: frame, sidebar, queries, charts, tables.

Targets: every page < 1 s warm and < 3 s cold at national scale.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import table

TARGET_WARM_S = 1.0
TARGET_COLD_S = 3.0


def county(work: Path) -> None:
    """The county demo, generated and loaded through the real pipeline into `work`."""
    from tests.app_helpers import build_demo

    data = build_demo(work)
    os.environ.update(data.env())


def national(data: Path, work: Path) -> None:
    """The national demo (generated once into `data`, shared with the other benchmarks), loaded into `work`."""
    from bench.marts import load

    load(data, work)


def clear_caches() -> None:
    from analysis import db

    db.clear_caches()


def measure(repeat: int) -> list[list[object]]:
    """(page, cold s, warm s) for every page, in the menu's order."""
    import i18n
    from dashboard import nav

    return [[page.key, *time_page(page.file, repeat,
                                  lambda at, page=page: at.title[0].value == i18n.t(page.title_key, "zh"))]
            for page in nav.PAGES]


def time_page(file: str, repeat: int, shown: Callable[[Any], bool]) -> tuple[float, float]:
    """(cold, warm) seconds of one page with AppTest: cold after `clear_caches`, warm the best of `repeat`
    reruns; `shown(at)` must say the page itself was rendered, after the first run and after the last."""
    from streamlit.testing.v1 import AppTest

    from tests.app_helpers import APP, TIMEOUT, assert_healthy

    clear_caches()
    start = time.perf_counter()
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.switch_page(file).run()
    cold = time.perf_counter() - start
    warm = []
    for _ in range(repeat):
        assert_healthy(at)
        assert shown(at), file
        start = time.perf_counter()
        at.run()
        warm.append(time.perf_counter() - start)
    assert_healthy(at)
    assert shown(at), file
    return cold, min(warm)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="county,national")
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "drugwatch-bench-national")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    import logging

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    # AppTest sets its session state outside a script run, and Streamlit (which resets its loggers' levels
    # when it reads its config) warns "missing ScriptRunContext" for every page opened: that logger is off.
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").disabled = True
    out = []
    notes = []
    for scale in args.scales.split(","):
        work = Path(tempfile.mkdtemp(prefix=f"bench-pages-{scale}-"))
        try:
            start = time.perf_counter()
            county(work) if scale == "county" else national(args.data, work)
            loaded = time.perf_counter() - start
            import duckdb

            with duckdb.connect(os.environ["WAREHOUSE_PATH"], read_only=True) as con:
                sizes = {t: con.execute(f"select count(*) from {t}").fetchall()[0][0]
                         for t in ("fact_registry", "fact_wastewater", "fact_hair", "fact_cases")}
            notes.append(f"{scale}: {', '.join(f'{t} {n:,}' for t, n in sizes.items())} rows (loaded in {loaded:.0f} s)")
            for page, cold, warm in measure(args.repeat):
                national_scale = scale == "national"
                met = cold < TARGET_COLD_S and warm < TARGET_WARM_S
                out.append([scale, page, cold, warm, "yes" if met or not national_scale else "no"])
        finally:
            shutil.rmtree(work, ignore_errors=True)

    print(f"\npython {sys.version.split()[0]}, {os.cpu_count()} cores; AppTest script runs, warm = best of "
          f"{args.repeat}")
    for note in notes:
        print(f"- {note}")
    print()
    print(table(["scale", "page", "cold (s)", "warm (s)",
                 f"national target met (< {TARGET_COLD_S:g} s cold, < {TARGET_WARM_S:g} s warm)"], out))


if __name__ == "__main__":
    main()
