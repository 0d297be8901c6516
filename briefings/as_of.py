"""The warehouse as it stood at a day: a briefing for a period that ends before the data does reads this.

The marts judge a year in progress from the facts they hold (pending checks, `as_of`, same-period
comparisons), so a 2024Q3 briefing written in 2025 must not read marts computed on data to 2025: it would
show the full-year 2024 statuses. `warehouse_at(day)` copies the stored tables of the live warehouse into a
private temporary file, cuts the dated facts at `day`, and runs the warehouse's own mart rebuild on it (one
rule set). `warehouse_meta` is copied as it is: the briefing still cites the live version it came from.

The file lives in a temporary folder (0700) that is removed on every way out of the block, failure included.
"""
from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import duckdb

import config
import i18n
import warehouse

LIVE = "live"

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
def warehouse_at(day: date, live: Path | None = None) -> Iterator[Path]:
    """A warehouse file holding the live warehouse's data as of `day` (inclusive) and marts rebuilt on it."""
    folder = Path(tempfile.mkdtemp(prefix="briefing-as-of-"))   # mkdtemp: mode 0700, only this user
    try:
        path = folder / "as_of.duckdb"
        try:
            _build(path, live or warehouse.live_path(), day)
        except Exception as exc:
            if warehouse.disk_full(exc):
                raise warehouse.DiskFull(i18n.both("brief.as_of_disk_full", folder=folder.parent)) from exc
            raise
        yield path
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _build(path: Path, live: Path, day: date) -> None:
    con = duckdb.connect(str(path), config={"memory_limit": config.get("load_memory_limit")})
    try:
        quoted = str(live).replace("'", "''")
        warehouse.apply_schema(con)     # the stored tables with their keys (warehouse_meta is upserted)
        declared = set(_tables(con, con.execute("select current_database()").fetchone()[0]))
        con.execute(f"attach '{quoted}' as {LIVE} (read_only)")
        for table in _tables(con, LIVE):
            rows = f"select {_columns(table)} from {LIVE}.{table} {_cut(table)}"
            sql = f"insert into {table} by name {rows}" if table in declared else f"create table {table} as {rows}"
            con.execute(sql, [day] * sql.count("?"))   # every parameter is the cut day
        con.execute(f"detach {LIVE}")
        warehouse.build_marts(con)
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
