"""The app's read-only view of the warehouse.

Publishing replaces the warehouse file with `os.replace`, so the file's identity (inode + mtime) says which
version is live. The cached connection is keyed on that identity: the first query after a load opens the new
file, while queries already running on the old one finish undisturbed.

DuckDB keeps one database instance per path in a process, and `connect(path, read_only=True)` while an
older connection is open hands back the old instance (stale data). So each identity gets its own in-memory
instance with the file ATTACHed read-only: two versions can be open side by side. Every query takes its own
cursor (`con.cursor()`): DuckDB raises "connection is busy" when threads share one connection.
"""
from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import duckdb
import pandas as pd
import streamlit as st

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


@st.cache_resource(max_entries=2, show_spinner=False)
def _connection(ident: Identity) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    con.execute(f"attach '{ident.path}' as {ALIAS} (read_only)")
    return con


@contextmanager
def pinned() -> Iterator[Identity]:
    """Every query in the block reads the version that was live when it began, even if a load publishes
    meanwhile (a briefing's figures all come from one version). The connection is opened at once: the file
    at the path may be replaced during the block, and the open connection keeps reading the old one."""
    ident = identity()
    _connection(ident)
    token = _PINNED.set(ident)
    try:
        yield ident
    finally:
        _PINNED.reset(token)


def cursor(ident: Identity) -> duckdb.DuckDBPyConnection:
    """A fresh cursor on the version `ident`, with the warehouse as its default database."""
    cur = _connection(ident).cursor()
    cur.execute(f"use {ALIAS}")
    return cur


_MISSING = re.compile(r"Table with name (\w+) does not exist")


@st.cache_data(max_entries=1024, show_spinner=False)
def _query(ident: Identity, sql: str, params: tuple) -> pd.DataFrame:
    cur = cursor(ident)
    try:
        return cur.execute(sql, list(params)).df()
    except duckdb.CatalogException as exc:
        found = _MISSING.search(str(exc))
        if found:
            raise MartMissing(found.group(1)) from exc
        raise
    finally:
        cur.close()


def query(sql: str, params: tuple | list = ()) -> pd.DataFrame:
    """Run a read query on the live version (results cached per version)."""
    return _query(identity(), sql, tuple(_hashable(p) for p in params))


def _hashable(value: object) -> object:
    return list(value) if isinstance(value, (tuple, frozenset, set)) else value


@st.cache_data(max_entries=8, show_spinner=False)
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
    return _relations(identity())


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


def meta() -> Meta:
    """Version id and publication time (UTC ISO) of the live warehouse."""
    rows = dict(query("select key, value from warehouse_meta").itertuples(index=False, name=None))
    return Meta(rows.get("version"), rows.get("published_at"))


def clear_caches() -> None:
    """Forget every cached connection and result (the benchmark's cold start)."""
    _query.clear()
    _relations.clear()
    _connection.clear()
