"""What was loaded already, by content: light enough for `python -m pipelines run` with nothing new, which
imports neither the pipeline's data libraries nor Great Expectations."""
from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def loaded_hashes(con: duckdb.DuckDBPyConnection, source: str) -> set[str]:
    """Content already loaded as `source` (a file loaded as another source is new to this one: it gets that
    source's own verdict, e.g. "this looks like a hair extract", not "already loaded")."""
    return {r[0] for r in con.execute("select file_sha256 from pipeline_runs where status = 'loaded' "
                                      "and source = ?", [source]).fetchall()}
