"""What was loaded already, by content: light enough for `python -m pipelines run` with nothing new, which
imports neither the pipeline's data libraries nor Great Expectations."""
from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path

import duckdb


def sha256_of(path: Path) -> str:
    """The file's SHA-256. `run` asks for it to find the new files and `ingest` again to record them: the second
    answer comes from a cache keyed on the file's identity, size and modification time (nanoseconds), so a file
    changed in between is hashed anew."""
    st = os.stat(path)
    return _sha256(os.path.realpath(path), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


@lru_cache(maxsize=256)
def _sha256(path: str, device: int, inode: int, size: int, mtime_ns: int) -> str:
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
