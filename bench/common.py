"""Helpers shared by the benchmarks: timing, child-process peak memory, demo data, markdown tables."""
from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import config


@contextmanager
def stopwatch() -> Iterator[dict]:
    """`with stopwatch() as t: ...` then `t["s"]` holds the elapsed seconds."""
    box: dict = {}
    start = time.perf_counter()
    try:
        yield box
    finally:
        box["s"] = time.perf_counter() - start


def compiled() -> None:
    """Compile the program's modules to bytecode, as an installed program's are (pip compiles what it installs,
    the baseline's DuckDB included): a command's start then reads them rather than compiling each module (0.3 s
    of the national `ingest` where the environment says not to write bytecode, PYTHONDONTWRITEBYTECODE=1)."""
    import compileall
    import re

    compileall.compile_dir(config.ROOT, quiet=1, rx=re.compile(r"/(\.venv|tests|data)/"))


def best_of(fn: Callable[[], object], repeat: int = 3) -> float:
    """The fastest of `repeat` runs of fn, in seconds (a warm measurement)."""
    times = []
    for _ in range(repeat):
        with stopwatch() as t:
            fn()
        times.append(t["s"])
    return min(times)


def run_child(args: list[str], env: dict | None = None) -> dict:
    """Run `python -m ...args`: its wall time, plus the JSON it printed last (see `report_child`)."""
    with stopwatch() as t:
        proc = subprocess.run([sys.executable, "-m", *args], cwd=config.ROOT, env=env, capture_output=True,
                              text=True)
    if proc.returncode not in (0, 1):
        raise RuntimeError(proc.stderr[-2000:])
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    return {"wall_s": t["s"], **(json.loads(lines[-1]) if lines else {})}


def report_child(seconds: float, **extra: float) -> None:
    """Print what a measured child process reports: its own time, its peak resident memory, and `extra`."""
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, **extra}))


def national_demo(out: Path) -> dict:
    """The national-scale demo extracts, generated once into `out` (kept between runs)."""
    import demo

    manifest = out / "manifest.json"
    if manifest.exists():
        return json.loads(manifest.read_text(encoding="utf-8"))
    return demo.generate(out, "national", 20231, progress=True)


def table(headers: list[str], rows: list[list[object]]) -> str:
    def cell(v: object) -> str:
        return f"{v:,.3f}" if isinstance(v, float) else str(v)
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in r) + " |" for r in rows]
    return "\n".join(lines)
