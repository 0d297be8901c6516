"""The tests' reads of a warehouse file: one in-memory DuckDB for the test process, with the file attached
read-only for each read. Opening a database costs DuckDB about 20 ms of start-up whatever the file, attaching a
file to one already open a fifth of that, and the tests read after nearly every load."""
from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

import warehouse

_DB = duckdb.connect()
_NAMES = itertools.count()


@contextmanager
def reading(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection whose default database is the file at `path`, detached when the block ends."""
    name = f"read_{next(_NAMES)}"
    con = _DB.cursor()
    try:
        warehouse.attach_read_only(con, path, name)
        con.execute(f"use {name}")
        yield con
    finally:
        con.execute("use memory")
        con.execute(f"detach database if exists {name}")
        con.close()


def rows(path: Path, sql: str, params: list | None = None) -> list[tuple]:
    with reading(path) as con:
        return con.execute(sql, params or []).fetchall()


def dicts(path: Path, sql: str, params: list | None = None) -> list[dict]:
    with reading(path) as con:
        cur = con.execute(sql, params or [])
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]
