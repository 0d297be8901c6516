"""The read-only view of the warehouse, for the app, the briefings and anything else that asks.

Publishing replaces the warehouse file with `os.replace`, so the file's identity (inode + mtime) says which
version is live. The cached connection is keyed on that identity: the first query after a load opens the new
file, while queries already running on the old one finish undisturbed.

DuckDB keeps one database instance per path in a process, and `connect(path, read_only=True)` while an
older connection is open hands back the old instance (stale data). So each identity gets its own in-memory
instance with the file ATTACHed read-only: two versions can be open side by side. Every query takes its own
cursor (`con.cursor()`): DuckDB raises "connection is busy" when threads share one connection.

Connections and results are kept in small bounded LRU maps keyed on the identity (no Streamlit: a command
line briefing uses the same cache); a result is handed out as a copy, so a caller may change it freely.
"""
from __future__ import annotations

import os
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Generic, NamedTuple, TypeVar

import duckdb
import pandas as pd

import warehouse

ALIAS = "wh"


class WarehouseMissing(Exception):
    """No warehouse has been published at the configured path yet."""


class MartMissing(Exception):
    """A relation the page reads is not in this warehouse version (not yet computed)."""

    def __init__(self, relation: str) -> None:
        super().__init__(relation)
        self.relation = relation


class Identity(NamedTuple):
    path: str
    inode: int
    mtime_ns: int


_PINNED: ContextVar[Identity | None] = ContextVar("pinned_version", default=None)


def identity(path: Path | None = None) -> Identity:
    """The live warehouse file's identity (or the pinned one); WarehouseMissing when there is none."""
    if path is None and _PINNED.get() is not None:
        return _PINNED.get()
    path = path or warehouse.live_path()
    try:
        st_ = os.stat(path)
    except FileNotFoundError as exc:
        raise WarehouseMissing(str(path)) from exc
    return Identity(str(path), st_.st_ino, st_.st_mtime_ns)


V = TypeVar("V")


class Lru(Generic[V]):
    """A bounded least-recently-used map, safe across threads (Streamlit serves each session from one).

    `get(key, make)` returns the kept value or keeps `make()`; `make` runs outside the lock, so a slow query
    never holds up the others (two threads asking for the same new key may both compute it once)."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], V]) -> V:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = make()
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def pop(self, key: Hashable) -> V | None:
        with self._lock:
            return self._items.pop(key, None)

    def drop(self, matches: Callable[[Hashable], bool]) -> None:
        """Forget every item whose key `matches`."""
        with self._lock:
            for key in [k for k in self._items if matches(k)]:
                del self._items[key]


_CONNECTIONS: Lru[duckdb.DuckDBPyConnection] = Lru(2)
_RESULTS: Lru[pd.DataFrame] = Lru(1024)
_RELATIONS: Lru[frozenset[str]] = Lru(8)


def _connection(ident: Identity) -> duckdb.DuckDBPyConnection:
    return _CONNECTIONS.get(ident, lambda: _attach(ident))


def _attach(ident: Identity) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    warehouse.attach_read_only(con, ident.path, ALIAS)
    return con


@contextmanager
def pinned(path: Path | None = None) -> Iterator[Identity]:
    """Every query in the block reads the version that was live when it began, even if a load publishes
    meanwhile (a briefing's figures all come from one version). The connection is opened at once: the file
    at the path may be replaced during the block, and the open connection keeps reading the old one.

    With `path`, the block reads that warehouse file instead (a briefing's as-of warehouse): it is a file of
    the block only, so its connection and results are dropped when the block ends (the caller removes it)."""
    ident = identity(path)
    _connection(ident)
    token = _PINNED.set(ident)
    try:
        yield ident
    finally:
        _PINNED.reset(token)
        if path is not None:
            _forget(ident)


def _forget(ident: Identity) -> None:
    """Drop everything kept for the version `ident` (its connection closed: the file may then be removed)."""
    con = _CONNECTIONS.pop(ident)
    for kept in (_RESULTS, _RELATIONS):
        kept.drop(lambda key: key == ident or (isinstance(key, tuple) and key[:1] == (ident,)))
    if con is not None:
        con.close()


def cursor(ident: Identity) -> duckdb.DuckDBPyConnection:
    """A fresh cursor on the version `ident`, with the warehouse as its default database."""
    cur = _connection(ident).cursor()
    cur.execute(f"use {ALIAS}")
    return cur


_MISSING = re.compile(r"Table with name (\w+) does not exist")


def _run(ident: Identity, sql: str, params: tuple) -> pd.DataFrame:
    cur = cursor(ident)
    try:
        return cur.execute(sql, [list(p) if isinstance(p, tuple) else p for p in params]).df()
    except duckdb.CatalogException as exc:
        found = _MISSING.search(str(exc))
        if found:
            raise MartMissing(found.group(1)) from exc
        raise
    finally:
        cur.close()


def query(sql: str, params: tuple | list = ()) -> pd.DataFrame:
    """Run a read query on the live version (results cached per version; each call gets its own copy)."""
    ident, key = identity(), tuple(_hashable(p) for p in params)
    return _RESULTS.get((ident, sql, key), lambda: _run(ident, sql, key)).copy()


def _hashable(value: object) -> object:
    """A list parameter (townships, substances) as a tuple, so the result can be kept under it."""
    return tuple(value) if isinstance(value, (list, tuple, frozenset, set)) else value


def _relations(ident: Identity) -> frozenset[str]:
    cur = cursor(ident)
    try:
        rows = cur.execute("select table_name from duckdb_tables() where database_name = ? "
                           "union select view_name from duckdb_views() where database_name = ?",
                           [ALIAS, ALIAS]).fetchall()
    finally:
        cur.close()
    return frozenset(r[0] for r in rows)


def relations() -> frozenset[str]:
    """Tables and views of the live version."""
    ident = identity()
    return _RELATIONS.get(ident, lambda: _relations(ident))


def require(*names: str) -> None:
    """Raise MartMissing for the first relation of `names` this version lacks."""
    have = relations()
    for name in names:
        if name not in have:
            raise MartMissing(name)


@dataclass(frozen=True)
class Meta:
    version: str | None
    published_at: str | None
    mart_stamp: str | None      # digest of the mart files and domain rules that computed them (`warehouse.mart_stamp`)

    @property
    def marts_outdated(self) -> bool:
        """Whether an earlier version of the program (other mart files or domain rules than these) computed the
        marts."""
        return self.mart_stamp != _program_mart_stamp()


def meta() -> Meta:
    """Version id, publication time (UTC ISO) and mart stamp of the live warehouse."""
    rows = dict(query("select key, value from warehouse_meta").itertuples(index=False, name=None))
    return Meta(rows.get("version"), rows.get("published_at"), rows.get("mart_stamp"))


@cache
def _program_mart_stamp() -> str:
    """The digest of this program's mart files and domain rules, read once: they do not change while it runs."""
    return warehouse.mart_stamp()


def clear_caches() -> None:
    """Forget every cached connection and result (the benchmark's cold start)."""
    for kept in (_RESULTS, _RELATIONS, _CONNECTIONS):
        kept.clear()
