"""Loading extract files: read → normalise → validate (while storing) → quarantine, then publish once.

Every file of one command is processed inside one new warehouse copy, each in its own transaction: a file
either loads whole (its bad rows quarantined) or leaves no fact behind. The copy is published atomically
at the end (`warehouse.publishing`), so readers never see half a load and a crash changes nothing.
"""
from __future__ import annotations

import gc
import importlib
import uuid
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

import duckdb
from tqdm import tqdm

import config
import i18n
import warehouse
from pipelines import normalise, privacy, read, validate
from pipelines.runs import loaded_hashes, sha256_of
from domain.sources import Source, extract_names, sources


@dataclass
class FileResult:
    source: str
    file_name: str
    sha256: str | None                  # None for a file that could not be read
    status: str = "loaded"              # loaded | rejected | skipped
    rows_read: int = 0
    rows_loaded: int = 0
    encoding: str | None = None
    quarantine: list[dict] = field(default_factory=list)
    checks: list[dict] = field(default_factory=list)    # every expectation's result (validate.Outcome.results)
    messages: list[str] = field(default_factory=list)
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    started_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))

    @property
    def message(self) -> str:
        return "; ".join(self.messages)


Stage = Callable[[int, str, str], None]     # (file index, file name, stage) as a file moves on


def ingest(source_name: str, paths: list[Path], snapshot_date: date | None = None,
           progress: bool = True, *, reload: bool = False, on_stage: Stage | None = None) -> list[FileResult]:
    """Validate and load files of one source; one new warehouse version for the lot.

    `reload` loads content already loaded again on purpose (to restore a replaced registry snapshot);
    the run says so in `pipeline_runs`."""
    return _published([source_name], lambda con: _process(con, source_name, paths, snapshot_date, progress, reload,
                                                          on_stage))


def ingest_sources(files: dict[str, list[Path]]) -> list[FileResult]:
    """Validate and load the files of several sources (`run`): one new warehouse version for them all, so the
    marts are rebuilt once and no reader sees one source's new files beside another's old ones."""
    return _published(list(files), lambda con: [r for source, paths in files.items()
                                                for r in _process(con, source, paths, None, True, False, None)])


RUN_RECORDS = ("pipeline_runs", "quarantine", "validation_results")


def _published(source_names: list[str],
               process: Callable[[duckdb.DuckDBPyConnection], list[FileResult]]) -> list[FileResult]:
    """`process` run in one new warehouse version, which rebuilds the marts reading what a load of these sources
    writes (`tables_written_by`) less what the run turned out not to write (`_untouched`): the marts that judge
    the plan's targets read every source, and computing them again for nothing is most of a small load."""
    written = tables_written_by(source_names)
    with warehouse.publishing(changed=written) as con:
        results = process(con)
        written -= _untouched(results, source_names)
        return results


def _untouched(results: list[FileResult], source_names: list[str]) -> set[str]:
    """Stored tables of `tables_written_by` that no file of the run wrote: a source's facts when none of its files
    loaded (a refused file's writes are rolled back with its transaction, a file loaded before is skipped unread),
    and the quarantine when no file set a row aside (a run only ever adds to it)."""
    loaded = {r.source for r in results if r.status == "loaded"}
    untouched = {sources()[name].table for name in source_names if name not in loaded}
    return untouched if any(r.quarantine for r in results) else untouched | {"quarantine"}


def tables_written_by(source_names: list[str]) -> set[str]:
    """The stored tables a load of these sources writes: their facts and the records of every run (only the
    marts that read one of them are rebuilt, `warehouse.build_marts`)."""
    return {sources()[name].table for name in source_names} | set(RUN_RECORDS)


def dry_run(source_name: str, paths: list[Path], snapshot_date: date | None = None, *,
            reload: bool = False) -> list[FileResult]:
    """What `ingest` would do, file by file, done in a copy of the warehouse that is thrown away: the same
    reading, validation, quarantine and replacements, nothing published (`warehouse.scratch`)."""
    with warehouse.scratch() as con:
        return _process(con, source_name, paths, snapshot_date, False, reload, None)


def _process(con: duckdb.DuckDBPyConnection, source_name: str, paths: list[Path], snapshot_date: date | None,
             progress: bool, reload: bool, on_stage: Stage | None) -> list[FileResult]:
    source = sources()[source_name]
    key = privacy.load_key()
    today = date.today()
    results = []
    done = loaded_hashes(con, source_name)
    bar = tqdm(paths, desc=source_name, unit="file", disable=not progress)
    for index, path in enumerate(bar):
        def stage(name: str, index: int = index, path: Path = path) -> None:
            bar.set_postfix_str(f"{path.name}: {i18n.both('stage_' + name)}")
            if on_stage is not None:
                on_stage(index, path.name, name)
        if not gc.isenabled():      # a load command's (cli.collecting_per_file): the file before's garbage
            gc.collect(1)
        stage("hash")
        result = _hashed(source_name, path)
        again = result.sha256 in done
        if again and not reload:
            result.status = "skipped"
            result.messages.append(i18n.both("file_already_loaded", when=_loaded_when(con, source_name,
                                                                                      result.sha256)))
        elif result.status != "rejected":
            _load_file(con, source, path, result, today, key, snapshot_date, stage)
            if result.status == "loaded":
                done.add(result.sha256)
                if again:
                    result.messages.insert(0, i18n.both("file_reloaded"))
        _record(con, result)
        results.append(result)
    return results


def _hashed(source_name: str, path: Path) -> FileResult:
    """The file's result with its hash; rejected, with the reason, when it cannot be read (no permission, gone
    meanwhile) or is no regular file (a folder, a pipe, a link leading nowhere): that file only."""
    if not path.is_file():
        return FileResult(source_name, path.name, None, status="rejected", messages=[i18n.both("file_not_regular")])
    try:
        return FileResult(source_name, path.name, _hash_while_scanning(path))
    except OSError as exc:
        return FileResult(source_name, path.name, None, status="rejected",
                          messages=[i18n.both("file_unreadable", detail=type(exc).__name__)])


def _hash_while_scanning(path: Path) -> str:
    """The file's SHA-256, computed on a thread while this one scans the file ahead of `read_into`
    (`read.prescan`): hashing reads and digests without the GIL, the scan holds it, so the two take the time of
    the longer instead of both. A file that turns out to be loaded already wasted its scan."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        hashing = pool.submit(sha256_of, path)
        read.prescan(path)
        return hashing.result()


def _loaded_when(con: duckdb.DuckDBPyConnection, source: str, sha: str) -> str:
    when = warehouse.scalar(con, "select max(started_at) from pipeline_runs where file_sha256 = ? "
                                 "and source = ? and status = 'loaded'", [sha, source])
    return str(when)[:19] if when else "?"


def _load_file(con: duckdb.DuckDBPyConnection, source: Source, path: Path, result: FileResult,
               today: date, key: bytes, snapshot_date: date | None, stage: Callable[[str], None]) -> None:
    outcome = None
    raw = None
    con.execute("begin transaction")
    try:
        stage("read")
        raw = read.read_into(con, source, path, ("snapshot_date",) if snapshot_date else ())
        result.encoding = raw.encoding
        if raw.ignored:
            result.messages.append(i18n.both("file_ignored_columns", columns=", ".join(raw.ignored)))
        stage("normalise")
        validate.preload()  # not before the file's scan: Python and the import, both holding the GIL, took 10×
        warehouse.import_ahead(con)
        with read.scanning():
            normalise.build(con, source, raw.present, today, key, snapshot_date)
        read.number(con, raw, "norm_unnumbered", "norm")
        result.rows_read = raw.rows_read
        stage("validate")
        outcome = _validate_while_storing(con, source, result.run_id, today)
        result.quarantine = _quarantine_rows(con, source, raw, outcome)
        if outcome.file_failures:
            raise read.FileRejected(i18n.both("file_rule_failed", rule="; ".join(outcome.file_failures)))
        _check_share(len(result.quarantine), raw.rows_read)
        stage("store")
        result.rows_loaded = _settle(con, source, result)
        if source.checks:
            result.messages += importlib.import_module(f"pipelines.{source.checks}").messages(con, result.run_id)
        con.execute("commit")
        result.messages.insert(0, i18n.both("file_loaded", loaded=result.rows_loaded,
                                            quarantined=len(result.quarantine)))
    except (read.FileRejected, duckdb.Error, ArithmeticError, ValueError, OSError) as exc:  # this file only...
        _rollback(con, exc)
        if isinstance(exc, config.ConfigError) or warehouse.disk_full(exc):
            raise   # ...unless the installation or the disk is at fault: every file would fail alike
        result.status = "rejected"
        result.rows_loaded = 0
        result.messages.insert(0, str(exc) if isinstance(exc, read.FileRejected)
                               else i18n.both("file_failed", detail=type(exc).__name__))
    except BaseException as exc:
        _rollback(con, exc)
        raise
    finally:
        _drop_raw(con, raw)
    con.execute("drop view if exists norm; drop table if exists norm_unnumbered; drop table if exists row_numbers")
    if outcome is not None:  # a rejected file's results too: the data-quality page shows what failed
        result.checks = outcome.results
        _store_validation(con, source, result.run_id, outcome)


def _rollback(con: duckdb.DuckDBPyConnection, cause: BaseException) -> None:
    """Roll the file's transaction back; if the failure broke the connection, the failure is what counts
    (raised as it is, never hidden behind "cannot rollback")."""
    try:
        con.execute("rollback")
    except duckdb.Error:
        raise cause from None


def _drop_raw(con: duckdb.DuckDBPyConnection, raw: read.RawFile | None) -> None:
    """The raw rows (with identity numbers) and any transcoded copy of the file, loaded or not.

    The copy goes first; the temporary tables go with the connection if a failure broke it (an error here
    would hide that failure)."""
    if raw is not None:
        raw.close()
    with suppress(duckdb.Error):
        con.execute("drop view if exists raw_unnumbered; drop table if exists raw_xlsx; "
                    "drop table if exists raw_rejects; drop table if exists raw_rejects_scan")


def _check_share(bad: int, total: int) -> None:
    limit = float(config.get("quarantine_max_percent"))
    if total and bad / total * 100 > limit:
        raise read.FileRejected(i18n.both("file_too_many_bad_rows", bad=bad, total=total,
                                          share=f"{bad / total * 100:.1f}", limit=f"{limit:g}"))


def _quarantine_rows(con: duckdb.DuckDBPyConnection, source: Source, raw: read.RawFile,
                     outcome: validate.Outcome) -> list[dict]:
    """One entry per bad row: parse problems first, then the suite's failures on other columns."""
    zh = {c.name: c.zh for c in source.columns}
    names = extract_names(source.name)
    reasons: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for row, detail in raw.malformed:
        reasons[row].append(("", i18n.both("row_malformed", detail=detail)))
    parsed = con.execute("select row_number, issues from norm where len(issues) > 0").fetchall()
    for row, issues in parsed:
        for issue in issues:
            column, kind = issue.split(":", 1)
            kind, _, value = kind.partition(":")     # an unknown spelling is named (normalise.shown_sql)
            text = i18n.both(f"issue_{kind}_named", value=value) if value else i18n.both("issue_" + kind)
            reasons[row].append((column, f"{zh.get(column, column)}({column}): {text}"))
    for row, failures in outcome.row_reasons.items():
        flagged = {c for c, _ in reasons.get(row, [])}
        for columns, text in failures:
            extract_cols = ",".join(names.get(c, c) for c in columns.split(","))
            if not set(extract_cols.split(",")) & flagged:
                reasons[row].append((extract_cols, text))
    refs = dict(con.execute("select row_number, record_ref from norm where row_number in (select unnest(?))",
                            [list(reasons)]).fetchall()) if reasons else {}
    values = _raw_values(con, source, raw, list(reasons))
    return [{"row_number": row, "record_ref": refs.get(row),
             "columns": ",".join(dict.fromkeys(c for c, _ in items if c)),
             "reasons": "; ".join(dict.fromkeys(t for _, t in items)), "raw_values": values.get(row)}
            for row, items in sorted(reasons.items())]


def _raw_values(con: duckdb.DuckDBPyConnection, source: Source, raw: read.RawFile, rows: list[int]) -> dict[int, str]:
    """Row → JSON of its values (extract column → text), for a source that `keeps_raw` (nothing personal), so a
    target card can tell which year and which check a quarantined row belongs to. A value that parsed is kept
    as read (the code of a spelling, an ISO date), one that did not as its text; every value is cut and any
    digit run like an identity number masked (normalise.shown_sql). `norm` is `raw_unnumbered` row for row."""
    if not (source.keeps_raw and rows):
        return {}
    cols = [c for c in source.columns if c.name in raw.present]
    pairs = ", ".join(f"'{c.name}', {normalise.shown_sql(f'coalesce(n.{c.target}::varchar, r.{c.name})')}"
                      for c in cols)
    return dict(con.execute(
        f"select row_number, raw_values from (select n.row_number, json_object({pairs})::varchar as raw_values "
        "from norm n positional join raw_unnumbered r) where row_number in (select unnest(?::bigint[]))",
        [rows]).fetchall())


def _validate_while_storing(con: duckdb.DuckDBPyConnection, source: Source, run_id: str,
                            today: date) -> validate.Outcome:
    """Great Expectations checks the rows while DuckDB stores them: two cores instead of one in turn.

    GX works on a pandas frame of its own, made on its thread from the rows it reads (Arrow and Python), while
    DuckDB inserts every row that parsed (on its threads, the GIL released), all in the file's open transaction.
    `_settle` then takes out the rows GX quarantined, or a rejection rolls the lot back.
    """
    available = set(warehouse.columns(con, "norm"))
    table = con.sql(validate.frame_query(source.name, available, "norm")).to_arrow_table()
    with ThreadPoolExecutor(max_workers=1) as pool:
        checking = pool.submit(validate.run, source.name, table, today)
        del table
        _insert(con, source, run_id, available)
        outcome = checking.result()
    if validate.collided(con, outcome, "norm"):       # two different keys hashed alike: check them exactly
        exact = con.sql(validate.frame_query(source.name, available, "norm", exact=True)).to_arrow_table()
        outcome = validate.run(source.name, exact, today)
    return outcome


def _insert(con: duckdb.DuckDBPyConnection, source: Source, run_id: str, available: set[str]) -> None:
    """Every row of the file that parsed, tagged with the run and its file row (`source_row`)."""
    stored = warehouse.columns(con, source.table)
    cols = [c for c in stored if c in available]
    con.execute(f"insert into {source.table} (run_id, source_row, {', '.join(cols)}) "
                f"select ?, row_number, {', '.join(cols)} from norm where len(issues) = 0", [run_id])


def _settle(con: duckdb.DuckDBPyConnection, source: Source, result: FileResult) -> int:
    """Take the quarantined rows back out of the insert, then let this file's rows replace stored rows that
    share their key (a registry file replaces its whole snapshot). Returns the rows loaded."""
    table, run = source.table, result.run_id
    con.execute(f"delete from {table} where run_id = ? and source_row in (select unnest(?::bigint[]))",
                [run, [q["row_number"] for q in result.quarantine]])
    match = " and ".join(f"t.{k} = g.{k}" for k in source.key)
    older = f"from {table} t where t.run_id <> ? and exists (select 1 from {table} g where g.run_id = ? and {match})"
    if source.name == "registry":
        dates = [str(r[0]) for r in con.execute(f"select distinct t.snapshot_date {older} order by 1", [run, run])
                 .fetchall()]
        if dates:
            result.messages.append(i18n.both("file_replaced_snapshot", date=", ".join(dates)))
    replaced = warehouse.scalar(con, f"delete {older}", [run, run])     # a delete returns the rows it removed
    if source.name != "registry" and replaced:
        result.messages.append(i18n.both("file_replaced_rows", rows=replaced))
    return warehouse.scalar(con, f"select count(*) from {table} where run_id = ?", [run])


def _store_validation(con: duckdb.DuckDBPyConnection, source: Source, run_id: str,
                      outcome: validate.Outcome) -> None:
    """The file's results, one row per expectation."""
    _insert_rows(con, "validation_results", {"run_id": run_id, "source": source.name}, outcome.results,
                 {"expectation": "varchar", "column_name": "varchar", "description": "varchar", "success": "boolean",
                  "element_count": "bigint", "unexpected_count": "bigint"})


def _insert_rows(con: duckdb.DuckDBPyConnection, table: str, fixed: dict[str, object], rows: list[dict],
                 types: dict[str, str]) -> None:
    """Insert `rows` (dicts holding the fields of `types`, field → SQL type) into `table` by column name, each
    with the `fixed` values: one statement with a list per field (a statement a row cost ~20 ms a file)."""
    if not rows:
        return
    heads = [f"? as {name}" for name in fixed] + [f"unnest(?::{t}[]) as {f}" for f, t in types.items()]
    con.execute(f"insert into {table} by name select {', '.join(heads)}",
                [*fixed.values(), *([r[f] for r in rows] for f in types)])


def _record(con: duckdb.DuckDBPyConnection, result: FileResult) -> None:
    con.execute(
        "insert into pipeline_runs values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, (select value from warehouse_meta "
        "where key = 'version'))",
        [result.run_id, result.source, result.file_name, result.sha256, result.started_at.replace(tzinfo=None),
         datetime.now(timezone.utc).replace(tzinfo=None), result.status, result.rows_read, result.rows_loaded,
         len(result.quarantine), result.message, result.encoding],
    )
    _insert_rows(con, "quarantine", {"run_id": result.run_id, "source": result.source, "file_name": result.file_name},
                 result.quarantine, {"row_number": "bigint", "record_ref": "varchar", "columns": "varchar",
                                     "reasons": "varchar", "raw_values": "varchar"})
