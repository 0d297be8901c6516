"""`python -m bench` (`make bench`): every benchmark in turn, each printing its table."""
import runpy

for name in ("bench.ingest", "bench.marts", "bench.pages", "bench.briefings", "bench.supervision"):
    print(f"\n## {name}\n", flush=True)
    runpy.run_module(name, run_name="__main__")
