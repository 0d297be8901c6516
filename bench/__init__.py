"""Benchmarks: each module prints a markdown table comparing the system with a plain DuckDB baseline
measured in the same run. Shared helpers live in `bench.common`."""
