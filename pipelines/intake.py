"""The dry run of a load, for the data-intake page and `python -m pipelines ingest --dry-run` alike.

`preview` runs the real pipeline (`ingest.dry_run`: a scratch copy of the warehouse, thrown away) and adds
what a clerk checks before loading: the file's header mapped onto the source's columns. `report_lines` is
the same report as text for the command line. Nothing personal: quarantined rows name their row number and
record reference, never an identity number.
"""
from __future__ import annotations

import csv
import hashlib
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import config
import i18n
from pipelines import ingest, read
from domain.sources import Source, sources

STAGES = ("hash", "read", "normalise", "validate", "store")   # the order `ingest` reports them in
UPLOADS = "uploads"     # landing/uploads/: kept apart from landing/<source>/, which `run` loads unasked


def keep(name: str, data: bytes) -> Path:
    """Keep an uploaded file in the landing folder under its content hash (`<sha256>/<base name>`), private
    (mode 0600: it holds identity numbers). The same content uploaded again is the same file."""
    digest = hashlib.sha256(data).hexdigest()
    folder = config.path("data_dir") / "landing" / UPLOADS / digest
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / (Path(name).name or "upload")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    return path


@dataclass
class Preview:
    result: ingest.FileResult
    mapping: dict[str, str]         # file column → source column (empty when the header does not fit)


def header(path: Path) -> list[str]:
    """The first row of a CSV (in its detected encoding) or of a workbook's first sheet."""
    if path.suffix.lower() == ".csv":
        with open(path, encoding=read.detect_encoding(path), newline="") as f:
            return [h.strip() for h in next(csv.reader(f), [])]
    from openpyxl import load_workbook

    read._check_workbook(path)      # a zip bomb is refused before openpyxl inflates anything
    book = load_workbook(path, read_only=True)
    try:
        first = next(book.worksheets[0].iter_rows(max_row=1, values_only=True), ())
    finally:
        book.close()
    return [str(h).strip() for h in first if h is not None]


def mapping(source: Source, path: Path, supplied: tuple[str, ...] = ()) -> dict[str, str]:
    """File column → source column; empty when the header does not fit (the dry run's verdict says why)."""
    try:
        head = header(path)
        positions, _ = read.map_header(source, head, supplied)
    except Exception:  # any damage a reader trips on: the dry run's verdict names it
        return {}
    return {head[i]: name for name, i in positions.items()}


def guess(path: Path) -> str | None:
    """The source a file's header looks like, or None (unreadable, or like no source)."""
    try:
        return read.guess_source(header(path))
    except Exception:  # any damage a reader trips on: the dry run then says what is wrong with the file
        return None


def preview(source_name: str, paths: list[Path], snapshot_date: date | None = None,
            reload: bool = False) -> list[Preview]:
    source = sources()[source_name]
    supplied = ("snapshot_date",) if snapshot_date else ()
    results = ingest.dry_run(source_name, paths, snapshot_date, reload=reload)
    for r in results:      # "n rows loaded" is the load's message; the verdict and the counts say it here
        done = i18n.both("file_loaded", loaded=r.rows_loaded, quarantined=len(r.quarantine))
        r.messages = [m for m in r.messages if m != done]
    return [Preview(r, mapping(source, p, supplied)) for r, p in zip(results, paths)]


def report_lines(previews: list[Preview], shown: int) -> list[str]:
    """The dry run as text: verdict, encoding, header mapping, expectations, the first `shown` bad rows."""
    lines = []
    for p in previews:
        r = p.result
        lines.append(f"[{r.source}] {r.file_name}: {i18n.both('dry_verdict_' + r.status)}"
                     + (f" — {r.message}" if r.message else ""))
        lines.append("  " + i18n.both("dry_facts", encoding=r.encoding or "—", rows=r.rows_read,
                                      loaded=r.rows_loaded, quarantined=len(r.quarantine)))
        for column, target in p.mapping.items():
            lines.append(f"  {column} → {target}")
        for c in r.checks:
            mark = "✔" if c["success"] else "✘"
            lines.append(f"  {mark} {c['expectation']} {c['column_name'] or ''}: {c['unexpected_count'] or 0}"
                         f"/{c['element_count'] or 0}")
        for q in r.quarantine[:shown]:
            ref = f" [{q['record_ref']}]" if q["record_ref"] else ""
            lines.append(f"    第{q['row_number']}行 / row {q['row_number']}{ref}: {q['reasons']}")
        if len(r.quarantine) > shown:
            lines.append(f"    … +{len(r.quarantine) - shown}")
    return lines
