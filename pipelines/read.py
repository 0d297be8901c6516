"""Reading an extract file: its encoding and header, its rows as all-text `raw_unnumbered` (a view over
DuckDB's CSV reader, or a table for a workbook), and 1-based file row numbers for the normalised rows.

Only the columns the source knows are read; dropped columns (names) and unknown extras never reach a table.
Problems with the file as a whole raise `FileRejected` with a bilingual message.

The rows are accounted for independently of DuckDB's reader: `scan` counts the file's lines in a streaming
pass of its own, and when DuckDB's rows (read or set aside as malformed) are not as many, `number` counts
the records with Python's CSV tokenizer, and rejects a file whose rows are not all accounted for or where a
stray quote made the reader swallow the lines after it. Size and row limits (settings) are checked before any
reader runs; a workbook's from its zip directory, so that a zip bomb is refused without inflating it.
"""
from __future__ import annotations

import codecs
import csv
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import charset_normalizer
import duckdb
import numpy as np

import config
import i18n
import warehouse
from pipelines.runs import per_file
from warehouse import scalar
from domain.sources import Source, sources

ACCEPTED_ENCODINGS = {"utf_8", "gb18030", "gbk", "gb2312", "ascii", "hz"}  # charset-normalizer names
SNIFF_BYTES = 256 * 1024


class FileRejected(Exception):
    """The whole file is refused; nothing from it is loaded."""


@dataclass
class RawFile:
    encoding: str
    present: list[str]                            # source columns found in the header
    ignored: list[str] = field(default_factory=list)
    numbers: list[int] | None = None              # XLSX: each kept row's number; CSV: counted once read
    transcoded: Path | None = None                # the UTF-8 copy a GB18030 file is read from
    link: Path | None = None                      # a plain name DuckDB's reader opens instead (`_glob_free`)
    path: Path | None = None                      # CSV: the file, its lines (`scan`) and header width
    lines: int | None = None
    width: int = 0
    rows_read: int = 0                            # set by `number`
    malformed: list[tuple[int, str]] = field(default_factory=list)   # (row number, detail), set by `number`

    def close(self) -> None:
        if self.transcoded is not None:
            self.transcoded.unlink(missing_ok=True)
        if self.link is not None:
            self.link.unlink(missing_ok=True)
            with suppress(OSError):
                self.link.parent.rmdir()


CHUNK = 1 << 20
MB = 1 << 20
LF, CR, SPACE, DEL = 0x0A, 0x0D, 0x20, 0x7F
# Control characters (tab included, LF and CR not), DEL and the byte order mark, as an RE2 pattern removed by
# DuckDB from every value of a file holding any (`_scan` finds them: in GB18030 as in UTF-8 no byte below
# 0x30 is part of a longer character, so control bytes are control characters in both).
UNWANTED_SQL = r"'[\x00-\x09\x0B\x0C\x0E-\x1F\x7F\x{FEFF}]'"


@dataclass
class Scan:
    encoding: str       # utf-8, utf-8-sig or gb18030
    lines: int          # physical lines, the header's included (a last line without a newline counts)
    unwanted: bool      # a control character or an inner byte order mark somewhere in the file


@per_file
def scan(path: Path) -> Scan:
    """The file's encoding, lines and unwanted characters, in one streaming pass (two for a GB18030 file).

    UTF-8 is checked over the whole file in chunks (nothing large is held in memory); other files are
    identified by charset-normalizer and must then decode cleanly as GB18030. Counting newlines is the
    row count independent of DuckDB's CSV reader (`number` compares them).
    """
    with open(path, "rb") as f:
        head = f.read(SNIFF_BYTES)
    if head.startswith(b"\xef\xbb\xbf"):
        return _scan(path, "utf-8-sig") or _reject_encoding()
    found = _scan(path, "utf-8")
    if found is None:
        best = charset_normalizer.from_bytes(head).best()
        if best is None or best.encoding not in ACCEPTED_ENCODINGS:
            _reject_encoding()
        found = _scan(path, "gb18030") or _reject_encoding()
    return found


def prescan(path: Path) -> None:
    """`scan` a CSV within the size limit now, so that `read_into` finds it cached (`per_file`); whatever is
    wrong with the file is left for `read_into` to report (a failed scan is not cached)."""
    with suppress(Exception):
        if path.suffix.lower() == ".csv":
            _check_size(path.stat().st_size / MB, float(config.get("csv_max_mb")), "CSV_MAX_MB")
            scan(path)


def detect_encoding(path: Path) -> str:
    """`utf-8`, `utf-8-sig` or `gb18030` (a superset of GBK and GB2312); FileRejected for anything else."""
    return scan(path).encoding


def _scan(path: Path, encoding: str) -> Scan | None:
    """None when the file does not decode as `encoding`."""
    decoder = codecs.getincrementaldecoder(encoding)()
    lines, unwanted, last = 0, False, b"\n"
    try:
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(CHUNK), b""):
                text = decoder.decode(block)
                newlines, block_unwanted = _control_bytes(block)
                lines += newlines
                unwanted = unwanted or block_unwanted or "\ufeff" in text
                last = block[-1:]
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return None
    return Scan(encoding, lines + (last != b"\n"), unwanted)


def _control_bytes(block: bytes) -> tuple[int, bool]:
    """The newlines of `block`, and whether it holds any other control byte but CR (numpy: a few times
    faster than `bytes.translate` or a regular expression, which cost more than reading the file)."""
    octets = np.frombuffer(block, np.uint8)
    newlines = int(np.count_nonzero(octets == LF))
    low = int(np.count_nonzero(octets < SPACE))
    if low > newlines:
        low -= int(np.count_nonzero(octets == CR))
    return newlines, low > newlines or bool(np.count_nonzero(octets == DEL))


def tokenised_records(path: Path, encoding: str, width: int) -> int:
    """The file's records (the header's included) by Python's CSV tokenizer, which follows quoted values
    across lines; blank lines are no records. Called when DuckDB's rows and the file's lines disagree.

    A record read over several lines is a stray quote swallowing the rows after it, and rejects the file
    naming the row where it opened, when it has another number of fields than the header (`width`), or when
    one of its values holds as many separators as a whole row (a later quote closed it, the count right).
    """
    records, next_line = 0, 1
    try:
        for start, end, row in _csv_rows(path, encoding):
            next_line = end + 1
            if _is_record(row):
                if end > start and _swallowed(row, width):
                    _stray_quote(records, start)
                records += 1
    except csv.Error:       # a quoted value running on past the field size limit
        _stray_quote(records, next_line)
    return records


def _csv_rows(path: Path, encoding: str) -> Iterator[tuple[int, int, list[str]]]:
    """Python's CSV tokenizer over the file: each row with the first and last line of the file it spans (a quoted
    value may run over lines). A blank line is a row too, but no record (`_is_record`)."""
    with open(path, encoding=encoding, newline="") as f:
        reader = csv.reader(f)
        start = 1
        for row in reader:
            yield start, reader.line_num, row
            start = reader.line_num + 1


def _is_record(row: list[str]) -> bool:
    return any(row) or len(row) > 1


def _swallowed(row: list[str], width: int) -> bool:
    """Whether a record read over several lines took in lines of the file (see `tokenised_records`)."""
    return len(row) != width or any("\n" in v and v.count(",") >= width - 1 for v in row)


def _stray_quote(row: int, line: int) -> None:
    raise FileRejected(i18n.both("file_stray_quote", row=row, line=line))


def _check_size(size_mb: float, limit: float, setting: str) -> None:
    if size_mb > limit:
        raise FileRejected(i18n.both("file_too_large", size=f"{size_mb:,.0f}", limit=f"{limit:g}", setting=setting))


def _check_rows(rows: int, limit: int) -> None:
    if rows > limit:
        raise FileRejected(i18n.both("file_too_many_rows", rows=f"{rows:,}", limit=f"{limit:,}",
                                     setting="INPUT_MAX_ROWS"))


def _reject_encoding() -> str:
    raise FileRejected(i18n.both("file_encoding"))


def _header_key(text: str) -> str:
    return str(text).strip().lower().replace("（", "(").replace("）", ")").replace(" ", "")


def map_header(source: Source, header: list[str], supplied: tuple[str, ...] = ()) -> tuple[dict[str, int], list[str]]:
    """Positions of the source's columns in `header` (English or Chinese names), and the ignored extras.

    `supplied` columns are given on the command line (a registry's --snapshot-date) and need no header.
    """
    names = {}
    for c in source.columns:
        names[_header_key(c.name)] = c.name
        names[_header_key(c.zh)] = c.name
    found: dict[str, int] = {}
    ignored, twice = [], []
    for i, h in enumerate(header):
        name = names.get(_header_key(h))
        if name is None:
            ignored.append(str(h).strip())
        elif name in found:
            twice.append(name)
        else:
            found[name] = i
    if twice:
        raise FileRejected(i18n.both("file_duplicate_columns", columns=", ".join(twice)))
    missing = [c for c in source.required if c not in found and c not in supplied]
    if missing:
        message = i18n.both("file_missing_columns", columns=", ".join(missing))
        guess = guess_source(header)
        if guess and guess != source.name:
            message += "; " + i18n.both("file_wrong_source", guess=guess, source=source.name)
        raise FileRejected(message)
    return found, [h for h in ignored if h]


def guess_source(header: list[str]) -> str | None:
    """The source whose column names best match `header` (to explain a file given to the wrong source)."""
    keys = {_header_key(h) for h in header}
    scores = {
        s.name: sum(_header_key(c.name) in keys or _header_key(c.zh) in keys for c in s.columns)
        for s in sources().values()
    }
    best = max(scores, key=scores.get)
    return best if scores[best] >= 3 else None


def read_into(con: duckdb.DuckDBPyConnection, source: Source, path: Path,
              supplied: tuple[str, ...] = ()) -> RawFile:
    """Make `raw_unnumbered`: the file's rows in file order, one VARCHAR column per source column found.

    It is a view: for a CSV over DuckDB's reader, so that the file is parsed where the rows are used
    (normalising reads them twice) and its raw text, identity numbers included, is never held in a table;
    for a workbook over the sheet's rows (`raw_xlsx`). `number` then
    gives the normalised rows their file row numbers. Call `RawFile.close()` when done.
    """
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            return _read_csv(con, source, path, supplied)
        if suffix in {".xlsx", ".xlsm"}:
            return _read_xlsx(con, source, path, supplied)
    except FileRejected:
        raise
    except Exception as exc:  # whatever a damaged file makes a reader raise, the file is unreadable
        raise FileRejected(i18n.both("file_unreadable", detail=type(exc).__name__)) from exc
    raise FileRejected(i18n.both("file_format", suffix=suffix or "(none)"))


@contextmanager
def scanning() -> Iterator[None]:
    """Around statements that read `raw_unnumbered`: an error of DuckDB's CSV reader means the file is
    unreadable (its bad lines are set aside as rejects; what is left is a file it cannot parse at all)."""
    try:
        yield
    except duckdb.InvalidInputException as exc:
        raise FileRejected(i18n.both("file_unreadable", detail=type(exc).__name__)) from exc


def _read_csv(con: duckdb.DuckDBPyConnection, source: Source, path: Path, supplied: tuple[str, ...]) -> RawFile:
    _check_size(path.stat().st_size / MB, float(config.get("csv_max_mb")), "CSV_MAX_MB")
    found = scan(path)
    encoding = found.encoding
    with open(path, encoding=encoding, newline="") as f:
        try:
            header = next(csv.reader(f), [])
        except csv.Error as exc:        # a header cell beyond the field size limit (a quote left open in it)
            raise FileRejected(i18n.both("file_header_unreadable")) from exc
    if not any(h.strip() for h in header):
        raise FileRejected(i18n.both("file_empty"))
    positions, ignored = map_header(source, header, supplied)
    _check_rows(found.lines - 1, int(config.get("input_max_rows")))
    raw = RawFile(encoding, list(positions), ignored, path=path, lines=found.lines, width=len(header),
                  transcoded=_utf8_copy(path, encoding))
    try:
        raw.link = _glob_free(raw.transcoded or path)
    except BaseException:
        raw.close()
        raise
    readable = str(raw.link or raw.transcoded or path).replace("'", "''")
    all_cols = {f"c{i}": "VARCHAR" for i in range(len(header))}
    picked = ", ".join(f"{_scrubbed(f'c{i}') if found.unwanted else f'c{i}'} as {name}"
                       for name, i in positions.items())
    con.execute(
        f"create or replace temp view raw_unnumbered as select {picked} from read_csv('{readable}', "
        f"header=true, columns={_struct(all_cols)}, delim=',', quote='\"', escape='\"', "
        "store_rejects=true, rejects_table='raw_rejects', rejects_scan='raw_rejects_scan', auto_detect=false)")
    return raw


GLOB = re.compile(r"[*?\[\]{}]")


def _glob_free(path: Path) -> Path | None:
    """None for a path DuckDB's reader takes as it is, else a symbolic link of a plain name to it, in a private
    temporary folder (removed by `RawFile.close`): the reader takes a path as a pattern, so that `[c].csv` would
    read `c.csv`, and `c*.csv` every file it matches."""
    if not GLOB.search(str(path)):
        return None
    link = Path(tempfile.mkdtemp(prefix="extract-")) / "extract.csv"
    link.symlink_to(path.resolve())
    return link


def _scrubbed(col: str) -> str:
    """SQL: `col` without control characters and byte order marks (a BOM before a key would make a second key)."""
    return f"regexp_replace({col}, {UNWANTED_SQL}, '', 'g')"


def _utf8_copy(path: Path, encoding: str) -> Path | None:
    """None for a plain UTF-8 file (DuckDB reads it as it is), else a transcoded temporary copy.

    The copy holds the raw input (identity numbers, names): it is made in the warehouse's private scratch
    folder (0700, swept by the next writer if this one is killed), is itself 0600, and is removed here if
    the copy fails (a full disk) and by `RawFile.close` otherwise. DuckDB's reader needs a file it can scan
    twice, so a pipe would not do.
    """
    if encoding == "utf-8":
        return None
    fd, name = tempfile.mkstemp(suffix=".csv", dir=warehouse.scratch_dir())
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as tmp, \
                open(path, encoding=encoding, newline="") as src:
            shutil.copyfileobj(src, tmp, CHUNK)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)


def _struct(cols: dict[str, str]) -> str:
    return "{" + ", ".join(f"'{k}': '{v}'" for k, v in cols.items()) + "}"


def number(con: duckdb.DuckDBPyConnection, raw: RawFile, rows: str, numbered: str) -> None:
    """View `numbered`: table `rows` (built from `raw_unnumbered`, in its order) with file row numbers.

    A CSV's numbers count the malformed lines DuckDB's reader skipped (they are set aside in `raw.malformed`);
    DuckDB keeps insertion order, so the k-th stored row is the k-th well-formed data row of the file. Row ids
    count from an offset inside a transaction, hence the subtraction. Rejects an empty file.
    """
    n = scalar(con, f"select count(*) from {rows}")
    numbers = raw.numbers
    if numbers is None:
        raw.malformed = _as_records(raw, _rejected_lines(con))
        skipped = [line for line, _ in raw.malformed]
        if skipped:
            numbers = np.setdiff1d(np.arange(1, n + len(skipped) + 1, dtype=np.int64),
                                   np.array(skipped, dtype=np.int64))[:n].tolist()
    raw.rows_read = n + len(raw.malformed)
    if raw.lines is not None and raw.rows_read != raw.lines - 1:
        records = tokenised_records(raw.path, raw.encoding, raw.width) - 1
        if raw.rows_read != records:
            raise FileRejected(i18n.both("file_rows_unaccounted", rows=records, read=raw.rows_read))
    if raw.rows_read == 0:
        raise FileRejected(i18n.both("file_empty"))
    if numbers is None:
        con.execute(f"create or replace temp view {numbered} as select rowid - (select min(rowid) from {rows}) + 1 "
                    f"as row_number, * from {rows}")
        return
    con.execute("create or replace temp table row_numbers as select unnest(?::bigint[]) as row_number", [numbers])
    con.execute(f"create or replace temp view {numbered} as select r.row_number, u.* "
                f"from row_numbers r positional join {rows} u")


def _rejected_lines(con: duckdb.DuckDBPyConnection) -> list[tuple[int, str]]:
    """The data rows DuckDB's CSV reader could not read (each scan of the file records them again)."""
    if warehouse.columns(con, "raw_rejects") is None:
        return []
    rejects = con.execute("select line - 1, min(error_type) from raw_rejects group by 1 order by 1").fetchall()
    con.execute("drop table if exists raw_rejects; drop table if exists raw_rejects_scan")
    return [(int(line), str(err)) for line, err in rejects]


def _as_records(raw: RawFile, rejected: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The rejected lines renumbered as data rows: DuckDB names a malformed row by its line in the file less one,
    while rows are numbered as records (a blank line is none; a quoted value may run over lines). Each line's
    record is found with Python's CSV tokenizer; a line it cannot place keeps DuckDB's number."""
    if not rejected or raw.path is None:
        return rejected
    wanted = {line + 1 for line, _ in rejected}                 # lines of the file, the header's being 1
    placed: dict[int, int] = {}
    record = 0
    with suppress(csv.Error):
        for start, end, row in _csv_rows(raw.path, raw.encoding):
            if _is_record(row):
                placed.update((line, record) for line in range(start, end + 1) if line in wanted)
                record += 1
    return [(placed.get(line + 1, line), detail) for line, detail in rejected]


def _check_workbook(path: Path) -> None:
    """Refuse a workbook that would inflate beyond `xlsx_max_uncompressed_mb`, from the sizes its zip directory
    declares (Python's zip reader, under openpyxl, stops each entry at its declared size)."""
    try:
        with zipfile.ZipFile(path) as z:
            size = sum(i.file_size for i in z.infolist()) / MB
    except zipfile.BadZipFile as exc:
        raise FileRejected(i18n.both("file_unreadable", detail=type(exc).__name__)) from exc
    _check_size(size, float(config.get("xlsx_max_uncompressed_mb")), "XLSX_MAX_UNCOMPRESSED_MB")


def _read_xlsx(con: duckdb.DuckDBPyConnection, source: Source, path: Path, supplied: tuple[str, ...]) -> RawFile:
    import pandas as pd     # here, not at the top: a CSV load leaves pandas to Great Expectations' import,
                            # which runs beside DuckDB's normalising (`validate.preload`)

    _check_workbook(path)
    limit = int(config.get("input_max_rows"))
    # the header as a row of its own: pandas would rename a column given twice (value, value.1)
    sheet = pd.read_excel(path, sheet_name=0, dtype=str, header=None, engine="openpyxl", nrows=limit + 2)
    header = ["" if pd.isna(h) else str(h) for h in sheet.iloc[0]] if len(sheet) else []
    if not any(h.strip() for h in header):
        raise FileRejected(i18n.both("file_empty"))
    frame = sheet.iloc[1:]                      # its index is the data row's number (the header is row 0)
    _check_rows(len(frame), limit)
    positions, ignored = map_header(source, header, supplied)
    frame = frame.iloc[:, list(positions.values())]
    frame.columns = list(positions)
    frame = frame.dropna(how="all").astype({c: "object" for c in positions})
    con.execute("create or replace temp table raw_xlsx as select * from frame")
    scrubbed = ", ".join(f"{_scrubbed(c)} as {c}" for c in positions)
    con.execute(f"create or replace temp view raw_unnumbered as select {scrubbed} from raw_xlsx")
    return RawFile("xlsx", list(positions), ignored, numbers=np.asarray(frame.index).tolist())
