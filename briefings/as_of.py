"""The warehouse as it stood at a day: a briefing for a period that ends before the data does reads this.

The marts judge a year in progress from the facts they hold (pending checks, `as_of`, same-period
comparisons), so a 2024Q3 briefing written in 2025 must not read marts computed on data to 2025: it would
show the full-year 2024 statuses. `warehouse_at(day)` copies the stored tables of the live warehouse into a
file of its own, cuts the dated facts at `day`, and runs the warehouse's own mart rebuild on it (one rule set).
`warehouse_meta` is copied as it is: the briefing still cites the live version it came from.

The file is kept, so that the office's next briefing of the same period (new notes, the other language or
audience, another format) does not rebuild it: in a private folder (0700) beside the live warehouse (`FOLDER`,
as protected as the warehouse itself), named by the live version, the day and what the marts compute with
(`warehouse.marts_basis`). At most `briefing_as_of_kept` files stay, the least recently used removed first,
and a file of another live version is removed as soon as one of the live version is made (each is at most the
size of the warehouse). A file is built under a name of its own and kept under its key only when complete: a
failure, a full disk or a killed process leaves no half-built file that a briefing could read.
"""
from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import date
from pathlib import Path

import duckdb

import config
import i18n
import warehouse

LIVE = "live"
FOLDER = ".briefing-as-of"
PRIVATE = ".private-"     # + the process's id: a block's own name for the file it reads

# The day each dated fact happened on: rows after the cut day did not exist yet.
CUT_ON = {
    "fact_wastewater": "sample_date",
    "fact_hair": "collection_date",
    "fact_registry": "snapshot_date",
    "fact_cases": "filed_date",
}

# The last day an indicator's period covers (2024 → 12-31, 2024H1 → 06-30, 2024Q3 → 09-30); NULL for a
# period written otherwise, which is then left out.
PERIOD_END = """case
    when regexp_full_match(period, '\\d{4}') then make_date(period[1:4]::integer, 12, 31)
    when regexp_full_match(period, '\\d{4}(H[12]|Q[1-4])')
        then last_day(make_date(period[1:4]::integer, period[6]::integer * if(period[5] = 'H', 6, 3), 1))
end"""


@contextmanager
def warehouse_at(day: date, live: Path, version: str | None) -> Iterator[Path]:
    """A warehouse file holding the data of the warehouse at `live` (version `version`, the one the briefing
    reads) as of `day` (inclusive) and marts rebuilt on it: the kept one if there is one, else one built now
    (and kept unless `briefing_as_of_kept` is 0).

    The block reads a name of its own for the file (a hard link), removed when the block ends: pruning by
    another briefing never takes the file from under it."""
    folder = warehouse.private_folder(FOLDER, live)
    prefix = _prefix(version)
    kept = folder / f"{prefix}{day.isoformat()}-{warehouse.marts_basis()[:16]}.duckdb"
    keep = max(int(config.get("briefing_as_of_kept")), 0)
    mine = folder / f"{PRIVATE}{os.getpid()}-{secrets.token_hex(4)}.duckdb"
    try:
        try:
            os.link(kept, mine)
            os.utime(mine)      # the same file as `kept`: recently used, pruned last
        except FileNotFoundError:
            copied = _build_at(mine, live, day)
            # kept unless a load published meanwhile (the copy is then of a later version), another process kept
            # an equal one meanwhile, or the disk has no hard links
            if keep and copied == version:
                with suppress(OSError):
                    os.link(mine, kept)
        yield mine
    finally:
        for part in folder.glob(mine.name + "*"):     # with DuckDB's .wal and spill folder .tmp, if left
            warehouse.remove(part)
        _prune(folder, prefix, keep)


def _prefix(version: str | None) -> str:
    """The start of the names of a version's kept files: a digest, a file name whatever the id holds."""
    return hashlib.sha256(str(version).encode()).hexdigest()[:16] + "-"


def _build_at(path: Path, live: Path, day: date) -> str | None:
    """`_build`, a full disk told as such; returns the version copied."""
    try:
        return _build(path, live, day)
    except Exception as exc:
        if warehouse.disk_full(exc):
            raise warehouse.DiskFull(i18n.both("brief.as_of_disk_full", folder=path.parent)) from exc
        raise


def _prune(folder: Path, prefix: str, keep: int) -> None:
    """Remove the kept files of other versions than the one named by `prefix`, then the least recently used
    beyond `keep`, and the private names of processes that died."""
    files = sorted((p for p in folder.glob("*.duckdb") if not p.name.startswith(PRIVATE)),
                   key=_used, reverse=True)
    current = [p for p in files if p.name.startswith(prefix)]
    for stale in [p for p in files if p not in current] + current[keep:]:
        stale.unlink(missing_ok=True)
    for left in folder.glob(PRIVATE + "*"):
        pid = left.name[len(PRIVATE):].split("-", 1)[0]
        if not (pid.isdigit() and _alive(int(pid))):
            warehouse.remove(left)


def _used(path: Path) -> int:
    """When the kept file was last used (0 if another process has just removed it)."""
    try:
        return path.stat().st_mtime_ns
    except FileNotFoundError:
        return 0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True     # running (PermissionError: another user's)


def _build(path: Path, live: Path, day: date) -> str | None:
    """Copy, cut and rebuild (see the module's docstring); returns the version copied (`warehouse_meta`)."""
    con = duckdb.connect(str(path), config=warehouse.writer_config())
    try:
        warehouse.apply_schema(con)     # the stored tables with their keys (warehouse_meta is upserted)
        declared = set(_tables(con, warehouse.scalar(con, "select current_database()")))
        warehouse.attach_read_only(con, live, LIVE)
        for table in _tables(con, LIVE):
            rows = f"select {_columns(table)} from {LIVE}.{table} {_cut(table)}"
            sql = f"insert into {table} by name {rows}" if table in declared else f"create table {table} as {rows}"
            con.execute(sql, [day] * sql.count("?"))   # every parameter is the cut day
        con.execute(f"detach {LIVE}")
        warehouse.build_marts(con)
        return warehouse.version(con)
    finally:
        con.close()


def _tables(con: duckdb.DuckDBPyConnection, database: str) -> list[str]:
    """A database's own tables (facts, bookkeeping, references, meta); marts are rebuilt, not copied."""
    rows = con.execute("select table_name from duckdb_tables() where database_name = ? and schema_name = 'main'",
                       [database]).fetchall()
    return [name for (name,) in rows if not name.startswith(warehouse.DERIVED_PREFIXES)]


def _cut(table: str) -> str:
    """The WHERE clause keeping the rows of `table` that existed on the cut day."""
    if table in CUT_ON:
        return f"where {CUT_ON[table]} <= ?"
    if table == "fact_indicators":
        return f"where {PERIOD_END} <= ?"
    return ""


def _columns(table: str) -> str:
    """The select list: a case solved after the cut day was still unsolved on it."""
    if table == "fact_cases":
        return "* replace (case when solved_date <= ? then solved_date end as solved_date)"
    return "*"
