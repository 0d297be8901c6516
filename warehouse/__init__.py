"""The DuckDB warehouse: schema, marts and atomic publishing.

Writers never touch the live file. `publishing()` copies it (or starts an empty one), hands out a
read-write connection to the copy, rebuilds the marts, checkpoints, and moves the copy over the live file
with `os.replace`. Readers that already have the old file open keep reading it; new connections see the new
version. A crash at any moment leaves the live file as it was, and the next writer clears the leftovers.
"""
from __future__ import annotations

import errno
import fcntl
import hashlib
import importlib
import os
import queue
import re
import secrets
import shutil
import sys
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager, suppress
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

import duckdb

import config
import domain
import i18n

HERE = Path(__file__).resolve().parent
MARTS_DIR = HERE / "marts"
TMP_SUFFIX = ".building"
SCRATCH = ".intake-scratch"
DISK_FULL_ERRNOS = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT}
DISK_FULL_TEXTS = ("No space left on device", "File too large", "Disk quota exceeded")


class DiskFull(Exception):
    """A write failed for want of space: nothing was published (exit code 1, one line)."""


def disk_full(exc: BaseException) -> bool:
    """Whether `exc` (an OSError, or a DuckDB error wrapping one) is a full disk or a file-size limit."""
    if isinstance(exc, OSError) and exc.errno in DISK_FULL_ERRNOS:
        return True
    return isinstance(exc, duckdb.Error) and any(t in str(exc) for t in DISK_FULL_TEXTS)


def live_path() -> Path:
    """The warehouse file (ConfigError when the setting names a folder)."""
    path = config.path("warehouse_path")
    if path.is_dir():
        raise config.ConfigError(i18n.both("warehouse_is_folder", path=path))
    return path


def _connect(path: Path, shown: Path, **options) -> duckdb.DuckDBPyConnection:
    """duckdb.connect, a file that is not a DuckDB database (or a truncated one) being a configuration fault
    (ConfigError); a full disk or another process's lock stays what it is."""
    try:
        return duckdb.connect(str(path), **options)
    except (duckdb.IOException, duckdb.SerializationException) as exc:
        if disk_full(exc) or "lock" in str(exc).lower():
            raise
        raise config.ConfigError(i18n.both("warehouse_damaged", path=shown, detail=type(exc).__name__)) from exc


def writer_config() -> dict[str, object]:
    """DuckDB's configuration for a connection that writes a warehouse (a load, a rebuild, a briefing's
    warehouse as of a day): its memory limit (`load_memory_limit`) and threads (`load_threads`, 0 for DuckDB's
    own default, every core)."""
    threads = int(config.get("load_threads"))
    return {"memory_limit": config.get("load_memory_limit"), **({"threads": threads} if threads else {})}


def connect_readonly(path: Path | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the live warehouse (FileNotFoundError when none was published yet)."""
    path = path or live_path()
    if not path.exists():
        raise FileNotFoundError(path)
    return _connect(path, path, read_only=True)


def scratch_dir(path: Path | None = None) -> Path:
    """The private folder (0700) beside the warehouse for temporary copies of raw input (transcoded files).

    Only the writer holding the lock uses it, so whatever it holds when a writer starts was left by a writer
    that died (kill -9): `publishing` sweeps it then.
    """
    return private_folder(SCRATCH, path)


def private_folder(name: str, path: Path | None = None) -> Path:
    """The folder `name` beside the warehouse (`path`, or the live one), made if missing, readable by this user
    only (0700): what it holds is as personal as the warehouse."""
    folder = (path or live_path()).parent / name
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    return folder


def remove(path: Path) -> None:
    """A file or a folder with what it holds, if there."""
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None):
    """The first value of a query (None when it returns no row).

    DuckDB 2.0 keeps a result open until it is fully fetched, and refuses other work on the connection
    meanwhile: fetch everything, never `fetchone()`.
    """
    rows = con.execute(sql, params or []).fetchall()
    return rows[0][0] if rows else None


def columns(con: duckdb.DuckDBPyConnection, relation: str) -> list[str] | None:
    """The columns of a table or view (temporary ones included), in order; None when there is no such relation.

    Binding the relation is all it costs: `describe` and `duckdb_tables()` read the catalog's every entry (with
    sizes), 5–20 ms on a load's connection, asked a few times by every load."""
    try:
        return con.table(relation).columns
    except duckdb.CatalogException:
        return None


def attach_read_only(con: duckdb.DuckDBPyConnection, path: Path | str, alias: str) -> None:
    """Attach the warehouse file at `path` to `con`, read-only, as `alias` (a quote in the path kept)."""
    quoted = str(path).replace("'", "''")
    con.execute(f"attach '{quoted}' as {alias} (read_only)")


def version(con: duckdb.DuckDBPyConnection) -> str | None:
    return scalar(con, "select value from warehouse_meta where key = 'version'")


@contextmanager
def writer_lock(path: Path) -> Iterator[None]:
    """One writer at a time; the OS drops the lock if the writer dies (kill -9 included). A folder that cannot hold
    the lock (a file in its place, no write permission) is a configuration fault."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path.with_name(path.name + ".lock"), "w")
    except (FileExistsError, NotADirectoryError, PermissionError) as exc:
        raise config.ConfigError(i18n.both("warehouse_folder_unusable", folder=path.parent,
                                           detail=type(exc).__name__)) from exc
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def writer_busy(path: Path | None = None) -> bool:
    """Whether another writer holds the lock now (so that a second one can say it waits, not hang silently)."""
    path = path or live_path()
    lock = path.with_name(path.name + ".lock")
    if not lock.exists():
        return False
    with open(lock, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
    return False


@contextmanager
def scratch(path: Path | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection to a throw-away copy of the warehouse (a dry run's), never published.

    It holds the writer lock, as a load does: the raw input's temporary copies share `scratch_dir`, which a
    writer sweeps when it starts, and the copy is of one published version. Named like a half-built copy, so
    that one left by a killed dry run is swept too."""
    path = path or live_path()
    with writer_lock(path):
        _clear_leftovers(path)
        copy = path.with_name(f"{path.name}{TMP_SUFFIX}-dry-run-{os.getpid()}")
        try:
            if path.exists():
                shutil.copyfile(path, copy)
            con = _connect(copy, path, config=writer_config())
            try:
                apply_schema(con)
                yield con
            finally:
                con.close()
        finally:
            _discard(copy)


def _new_version() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _clear_leftovers(path: Path) -> None:
    """Half-built copies (with DuckDB's spill folder, `<copy>.tmp`) and temporary raw input left by a writer
    that died (called under the writer lock)."""
    for stale in path.parent.glob(path.name + TMP_SUFFIX + "*"):
        remove(stale)
    scratch = path.parent / SCRATCH
    if scratch.is_dir():
        for stale in scratch.iterdir():
            stale.unlink()


@contextmanager
def publishing(path: Path | None = None, changed: Iterable[str] | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """Yield a read-write connection to a fresh copy of the warehouse, then publish it atomically.

    `changed` names the stored tables the block may write: only the marts that read them are rebuilt
    (`build_marts`); None, every mart. It is read when the block ends, so the block may take out of the set a
    table it turned out not to write. If the block raises, the copy is thrown away and the live warehouse is
    untouched; a full disk is raised as DiskFull (the copy removed first, whatever else fails while cleaning up).
    """
    path = path or live_path()
    with writer_lock(path):
        _clear_leftovers(path)
        building = path.with_name(f"{path.name}{TMP_SUFFIX}-{os.getpid()}")
        try:
            with _building(path, building, changed) as con:
                yield con
        except Exception as exc:
            if disk_full(exc):
                raise DiskFull(i18n.both("disk_full", folder=path.parent)) from exc
            raise


@contextmanager
def _building(path: Path, building: Path, changed: Iterable[str] | None) -> Iterator[duckdb.DuckDBPyConnection]:
    """The copy being built, published when the block ends; removed (WAL included) when anything fails."""
    try:
        if path.exists():
            shutil.copyfile(path, building)
        con = _connect(building, path, config=writer_config())   # a damaged copy names the live file
        try:
            apply_schema(con)
            stamp_version(con)
            yield con
            build_marts(con, changed)
            con.execute("update warehouse_meta set value = ? where key = 'published_at'", [_now()])
            con.execute("checkpoint")
            con.close()
            fsync(building)
            os.replace(building, path)
            fsync(path.parent)
        except BaseException:
            with suppress(Exception):   # a connection broken by the failure cannot hide it
                con.close()
            raise
    except BaseException:
        _discard(building)
        raise


def _discard(copy: Path) -> None:
    """A copy of the warehouse that will not be published, with its write-ahead log."""
    copy.unlink(missing_ok=True)
    Path(str(copy) + ".wal").unlink(missing_ok=True)


def fsync(path: Path) -> None:
    """Flush a file, or a folder's entries (a rename, a new link), to the disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute((HERE / "schema.sql").read_text(encoding="utf-8"))


def stamp_version(con: duckdb.DuckDBPyConnection) -> str:
    """Give the warehouse being built its version id (briefings archive the version they came from)."""
    v = _new_version()
    con.execute("insert or replace into warehouse_meta values ('version', ?), ('published_at', ?)", [v, _now()])
    return v


REFERENCE_TABLES = {
    "ref_townships": "townships.csv",
    "ref_substances": "substances.csv",
    "ref_targets": "targets.csv",
    "ref_five_never": "five_never.csv",
    "ref_plan_tasks": "plan-tasks.csv",
    "ref_correction_factors": "correction_factors.csv",
    "ref_four_up_four_down": "four_up_four_down.csv",
    "ref_wastewater_levels": "wastewater_levels.csv",
    "ref_early_warnings": "early_warnings.csv",
    "ref_check_tasks": "check_tasks.csv",
    "ref_units": "units.csv",
    "ref_unit_names": "unit_names.csv",
    "ref_quarantine_checks": "quarantine_checks.csv",
}


def load_reference(con: duckdb.DuckDBPyConnection) -> bool:
    """(Re)load the domain's reference tables (all text) so that marts can join them; kept as they are when
    what they are made from has not changed since they were loaded (`_reference_stamp`). Returns whether they
    were loaded.

    Also `ref_labels` (display labels of every code) and `ref_t_critical`: two-sided critical values of
    Student's t for the setting `trend_alpha`, one row per degree of freedom, so that the wastewater trend's
    significance test stays in SQL. scipy is imported here, not at module level, to keep it off the
    dashboard's import path.
    """
    import csv

    stamp = _reference_stamp()
    if not _reference_outdated(con, stamp):
        return False    # the same domain files and settings: the tables already hold what they would be loaded with
    for table, file in REFERENCE_TABLES.items():
        # Read here and passed as one list per column: these files are ours and tiny, and one statement with
        # parameters costs a fraction of DuckDB's CSV reader. An empty field is null, as read_csv reads it.
        with open(domain.HERE / file, encoding="utf-8", newline="") as f:
            header, *rows = [row for row in csv.reader(f) if row]
        columns = [[row[i] or None for row in rows] for i in range(len(header))]
        select = ", ".join(f'unnest(?::varchar[]) as "{c}"' for c in header)
        con.execute(f"create or replace table {table} as select {select}", columns)
    _load_labels(con)
    _load_supervision(con)
    from scipy.special import stdtrit  # inverse CDF of Student's t

    alpha = float(config.get("trend_alpha"))
    dfs = list(range(1, 1001))
    con.execute("create or replace table ref_t_critical as select unnest(?::integer[]) as df, "
                "?::double as alpha, unnest(?::double[]) as t_critical",
                [dfs, alpha, stdtrit(dfs, 1 - alpha / 2).tolist()])
    con.execute("insert or replace into warehouse_meta values ('reference_stamp', ?)", [stamp])
    return True


def _reference_outdated(con: duckdb.DuckDBPyConnection, stamp: str | None = None) -> bool:
    return scalar(con, "select value from warehouse_meta where key = 'reference_stamp'") != (stamp or
                                                                                            _reference_stamp())


def import_ahead(con: duckdb.DuckDBPyConnection) -> None:
    """If this publish will load the reference tables (a new warehouse, edited domain files), import the scipy
    that needs (0.1 s) on a thread now: a load calls this where DuckDB works without the GIL."""
    if "scipy.special" not in sys.modules and _reference_outdated(con):
        threading.Thread(target=importlib.import_module, args=("scipy.special",), name="import-ahead",
                         daemon=True).start()


def _reference_stamp() -> str:
    """A digest of what the reference tables are made from: every file of `domain/`, this module (which
    loads them) and the setting `trend_alpha` (a millisecond to compute; loading the tables takes twenty)."""
    digest = hashlib.sha256(str(config.get("trend_alpha")).encode())
    _digest_files(digest, {Path(__file__): None})
    _digest_domain(digest)
    return digest.hexdigest()


def _digest_domain(digest) -> None:
    """Add every file of `domain/` (the plan's rules as data) to `digest`."""
    _digest_files(digest, {p: None for p in sorted(domain.HERE.iterdir()) if p.is_file()})


def _digest_files(digest, files: dict[Path, str | None]) -> None:
    """Add each file's name and content (its text when given, else read) to `digest`."""
    for path, text in files.items():
        digest.update(path.name.encode() + b"\0" + (path.read_bytes() if text is None else text.encode()) + b"\0")


def _load_labels(con: duckdb.DuckDBPyConnection) -> None:
    """`ref_labels`: the Chinese and English display label of every code of every vocabulary."""
    kinds = ["substance", "township", *domain.enums()]
    rows = [(kind, label.code, label.zh, label.en) for kind in kinds for label in domain.labels(kind).values()]
    con.execute("create or replace table ref_labels as select unnest(?::varchar[]) as kind, unnest(?::varchar[]) "
                "as code, unnest(?::varchar[]) as zh, unnest(?::varchar[]) as en", [list(c) for c in zip(*rows)])


def _load_supervision(con: duckdb.DuckDBPyConnection) -> None:
    """`ref_task_units` (task × unit × role, collectives expanded; `reporter` marks the units due to report
    every month) and `ref_report_calendar` (the deadline day), from `domain.supervision`."""
    from domain import supervision

    reporters = set(supervision.plan_units())
    rows = [(task, unit, role, unit in reporters) for task, roles in supervision.task_roles().items()
            for unit, role in roles.items()]
    con.execute("create or replace table ref_task_units as select unnest(?::varchar[]) as task, "
                "unnest(?::varchar[]) as unit, unnest(?::varchar[]) as role, unnest(?::boolean[]) as reporter",
                [list(c) for c in zip(*rows)])
    con.execute("create or replace table ref_report_calendar as select ?::integer as deadline_day",
                [supervision.deadline_day()])


def mart_files() -> list[Path]:
    """Mart SQL files in build order (the numeric prefix orders dependencies)."""
    return sorted(MARTS_DIR.glob("*.sql"))


DERIVED_PREFIXES = ("mart_", "int_")
CREATES = re.compile(r"create or replace (?:table|view|macro) (\w+)")
TABLES_MADE = re.compile(r"create or replace (?:table|view) (\w+)")


@lru_cache(maxsize=512)
def _found(pattern: re.Pattern, sql: str) -> tuple[str, ...]:
    """`pattern.findall(sql)`, kept: every publish asks the same questions of the same mart files (which marts
    a file depends on, which settings it reads), about a tenth of a small load's rebuild when asked anew."""
    return tuple(pattern.findall(sql))


def mart_sql() -> dict[Path, str]:
    """Each mart file's SQL, in build order."""
    return {f: f.read_text(encoding="utf-8") for f in mart_files()}


def mart_dependencies(texts: dict[Path, str] | None = None) -> dict[Path, set[Path]]:
    """Each mart file → the earlier mart files whose table or macro it names (reads, calls, or mentions in a
    comment: a dependency too many only builds something later than it could)."""
    texts = mart_sql() if texts is None else texts
    maker = {name: f for f, sql in texts.items() for name in _found(CREATES, sql)}
    named = re.compile(r"\b(" + "|".join(maker) + r")\b")
    return {f: {maker[n] for n in _found(named, sql) if maker[n] < f} for f, sql in texts.items()}


def build_marts(con: duckdb.DuckDBPyConnection, changed: Iterable[str] | None = None) -> None:
    """Recompute the marts from the stored facts, on a warehouse no reader sees yet (the copy `publishing`
    builds, or a private one): the marts are committed one by one, so a failure leaves half a rebuild, which
    the caller throws away with the copy.

    `changed` names the stored tables written since the marts were last built: only the marts that read one of
    them, and the marts that read those, are computed again (`marts_reading`). Every mart is, with every derived
    table and view dropped first (so the warehouse holds exactly what `warehouse/marts/` defines), when
    `changed` is None, when the marts or the domain's rules are not those this program computes
    (`marts_outdated`), when a setting or a reference table differs from what they were built with, or when a
    mart is missing (a new warehouse). The settings are SQL variables for the build and are stored in
    `ref_settings`, which views read and which records what a version was built with. Marts are built
    `mart_build_workers` at a time, each as soon as the marts it reads are built: DuckDB plans a statement on one
    core, and most marts are small, so two at a time keep both cores busy.
    """
    texts = mart_sql()
    stamp = mart_stamp(texts)
    reference_loaded = load_reference(con)
    tables = _tables(con)
    stale = (reference_loaded | _settings_changed(con, texts, tables) | marts_outdated(con, stamp)
             | _marts_missing(texts, tables))
    store_settings(con)
    if changed is None or stale:
        for name, kind in con.execute("select table_name, table_type from information_schema.tables "
                                      "where table_schema = 'main'").fetchall():
            if name.startswith(DERIVED_PREFIXES):
                con.execute(f"drop {'view' if kind == 'VIEW' else 'table'} {name}")
    else:
        texts = marts_reading(set(changed), texts)
    _build_in_dependency_order(con, texts, max(1, int(config.get("mart_build_workers"))))
    con.execute("insert or replace into warehouse_meta values ('mart_stamp', ?)", [stamp])


def marts_reading(tables: set[str], texts: dict[Path, str] | None = None) -> dict[Path, str]:
    """The mart files (with their SQL, in build order) that name one of `tables`, or a mart made by such a file,
    directly or not: what a change to those tables can change. Named in a comment counts too (one mart too
    many is only built when it need not be)."""
    texts = mart_sql() if texts is None else texts
    needs = mart_dependencies(texts)
    named = re.compile(r"\b(" + "|".join(map(re.escape, sorted(tables))) + r")\b") if tables else None
    affected: set[Path] = set()
    for f, sql in texts.items():        # in build order: what a mart reads is decided before it
        if (named is not None and _found(named, sql)) or needs[f] & affected:
            affected.add(f)
    return {f: sql for f, sql in texts.items() if f in affected}


def _marts_missing(texts: dict[Path, str], tables: set[str]) -> bool:
    """Whether a table or view the mart files make is not in the warehouse (a new one, or one built by a version
    with other marts). Every file makes one, and a macro is made by the file that makes its table."""
    made = {n for sql in texts.values() for n in _found(TABLES_MADE, sql)}
    return not made <= tables


def mart_stamp(texts: dict[Path, str] | None = None) -> str:
    """A digest of the rules the marts compute with as this program has them: `warehouse/marts/` and the
    domain's files (the plan's targets, thresholds, units and vocabularies, loaded as reference tables). Stored
    by each rebuild, so that a warehouse whose marts an earlier version of the program computed (other queries,
    or the same queries on other rules) is told apart (`marts_outdated`) and rebuilt."""
    digest = hashlib.sha256()
    _digest_files(digest, mart_sql() if texts is None else texts)
    _digest_domain(digest)
    return digest.hexdigest()


def marts_basis() -> str:
    """A digest of everything the marts compute with besides the stored tables: this program's mart files and
    domain rules (`mart_stamp`), what the reference tables are made from (`_reference_stamp`) and the values of
    the settings the marts read (`mart_settings`). Equal stored tables and an equal basis make equal marts."""
    texts = mart_sql()
    settings = sorted((name, str(config.get(name))) for name in mart_settings(texts))
    return hashlib.sha256(f"{mart_stamp(texts)} {_reference_stamp()} {settings}".encode()).hexdigest()


def marts_outdated(con: duckdb.DuckDBPyConnection, stamp: str | None = None) -> bool:
    """Whether the warehouse's marts were computed from other mart files or domain rules than this program's
    (or before rebuilds were stamped); `stamp`, this program's `mart_stamp` when the caller has it."""
    return scalar(con, "select value from warehouse_meta where key = 'mart_stamp'") != (stamp or mart_stamp())


def _settings_changed(con: duckdb.DuckDBPyConnection, texts: dict[Path, str], tables: set[str]) -> bool:
    """Whether a setting the marts compute with (`mart_settings`) differs from the value they were last built
    with (`ref_settings`)."""
    stored = dict(con.execute("select setting, value from ref_settings").fetchall()) \
        if "ref_settings" in tables else {}
    return any(stored.get(name) != str(config.get(name)) for name in mart_settings(texts))


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in con.execute("select table_name from information_schema.tables "
                                      "where table_schema = 'main'").fetchall()}


def store_settings(con: duckdb.DuckDBPyConnection) -> None:
    """Every setting's value in `ref_settings`: what the version is built with (the marts read them as variables
    of the connection that builds them, `set_variables`)."""
    values = {name: str(config.get(name)) for name in config.registry()}
    con.execute("create or replace table ref_settings as select unnest(?::varchar[]) as setting, "
                "unnest(?::varchar[]) as value", [list(values), list(values.values())])


VARIABLE = re.compile(r"getvariable\(\s*'(\w+)'\s*\)")
SETTING_READ = re.compile(r"\bsetting\s*=\s*'(\w+)'")


def mart_variables(texts: dict[Path, str] | None = None) -> set[str]:
    """The settings the marts read with `getvariable` and the setting's name in single quotes
    (tests/test_settings.py checks that every `getvariable` of a mart is written so)."""
    texts = mart_sql() if texts is None else texts
    return {name for sql in texts.values() for name in _found(VARIABLE, sql)}


def mart_settings(texts: dict[Path, str] | None = None) -> set[str]:
    """The settings the marts compute with: read as variables (`mart_variables`) or from `ref_settings`
    (`setting = 'name'`, in a view, which reads them when it is queried)."""
    texts = mart_sql() if texts is None else texts
    return mart_variables(texts) | {name for sql in texts.values() for name in _found(SETTING_READ, sql)}


def set_variables(con: duckdb.DuckDBPyConnection, names: Iterable[str] | None = None) -> None:
    """The settings (all, or `names`) as SQL variables of this connection, read by the marts with
    `getvariable`: one string of statements with typed literals. Parsing it costs about 0.25 ms a setting, and
    a rebuild sets them on each connection it builds on, hence only those the marts read."""
    names = config.registry() if names is None else names
    literals = {name: _literal(config.get(name)) for name in names}
    con.execute("; ".join(f"set variable {name} = {sql}" for name, sql in literals.items() if sql is not None))


def _literal(value: object) -> str | None:
    """A setting's value as an SQL literal of the type a parameter would bind (None: not a scalar)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return f"{value}::integer" if -2**31 <= value < 2**31 else f"{value}::bigint"
    if isinstance(value, float):
        return f"{value!r}::double"     # finite: config refuses NaN and infinity
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return None


def _critical_first(needs: dict[Path, set[Path]]):
    """Sort key: the marts that more marts wait on (directly or not) first, then in file order, so the long
    chain to the six-zero board starts early instead of behind small marts that nothing needs."""
    waiting_on: dict[Path, set[Path]] = {f: set() for f in needs}
    for f in sorted(needs, reverse=True):       # a mart's dependents are later files, already complete
        for dep in needs[f]:
            waiting_on[dep] |= {f} | waiting_on[f]
    return lambda f: (-len(waiting_on[f]), f)


def _build_in_dependency_order(con: duckdb.DuckDBPyConnection, texts: dict[Path, str], workers: int) -> None:
    """Run every mart file, at most `workers` at a time, once every mart it depends on is committed; each on one
    of `workers` cursors (a connection of its own, with the settings as its variables), made here and lent to
    one build at a time (none for no files)."""
    if not texts:
        return
    variables = mart_variables(texts)
    cursors = [con.cursor() for _ in range(workers)]
    idle: queue.SimpleQueue[duckdb.DuckDBPyConnection] = queue.SimpleQueue()
    for cursor in cursors:
        set_variables(cursor, variables)
        idle.put(cursor)

    def build(sql_file: Path) -> None:
        cursor = idle.get()
        try:
            cursor.execute(texts[sql_file])
        finally:
            idle.put(cursor)

    waiting = mart_dependencies(texts)
    first = _critical_first(waiting)
    running: dict[Future, Path] = {}
    try:
        with ThreadPoolExecutor(workers, thread_name_prefix="mart") as pool:
            while waiting or running:
                for ready in sorted((f for f, needs in waiting.items() if not needs), key=first):
                    if len(running) >= workers:
                        break
                    del waiting[ready]
                    running[pool.submit(build, ready)] = ready
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    built = running.pop(future)
                    future.result()     # a failed mart stops the build; those running finish first
                    for needs in waiting.values():
                        needs.discard(built)
    finally:
        for cursor in cursors:
            cursor.close()
