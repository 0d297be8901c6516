"""What was loaded already, by content: light enough for `python -m pipelines run` with nothing new, which
imports neither the pipeline's data libraries nor Great Expectations."""
from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from functools import lru_cache, wraps
from pathlib import Path
from typing import TypeVar

import duckdb

T = TypeVar("T")


def per_file(read: Callable[[Path], T]) -> Callable[[Path], T]:
    """`read(path)` cached by the file's identity, size and modification time (nanoseconds): a file asked about
    again (`run` finds new files by hash and `ingest` records the hash; the intake page reruns on every click)
    is not read again, a file changed in between is. A failure is not cached."""
    @lru_cache(maxsize=64)
    def cached(path: str, device: int, inode: int, size: int, mtime_ns: int) -> T:
        return read(Path(path))

    @wraps(read)
    def reading(path: Path) -> T:
        st = os.stat(path)
        return cached(os.path.realpath(path), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)

    reading.cache_info = cached.cache_info
    return reading


@per_file
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
