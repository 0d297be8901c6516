"""The data-intake desk behind `pages/intake.py`: the page's checks of an upload, the dry run shown file by file,
and the load with its progress bar, waiting notice and audit records.

Imported by the page only once files are uploaded: it brings the pipeline (and, with the first dry run, Great
Expectations), which no reading page needs. The dry run and the load are the pipeline's own
(`pipelines.intake.preview`, `pipelines.ingest.ingest`, the same publish as the command line).
"""
from __future__ import annotations

import logging
from collections import defaultdict
from pathlib import Path

import pandas as pd
import streamlit as st

import config
import i18n
import warehouse
from analysis import db, fmt, quality
from analysis.labels import label
from analysis.present import present
from dashboard import login, nav, ui
from dashboard.text import lang, tr
from pipelines import ingest, intake

log = logging.getLogger(__name__)
AUTO = "auto"
SUFFIXES = (".csv", ".xlsx")
DRY_KEY = "_intake_dry_runs"      # (source, files) → the dry run's previews, until the next load
VERDICT = {"loaded": st.success, "rejected": st.error, "skipped": st.warning}


def desk(uploads: list, chosen: str, v: ui.View) -> None:
    """Dry-run the uploads, show each file's report, then offer the load (and a deliberate reload)."""
    todo: dict[str, dict[str, list[Path]]] = {"loaded": defaultdict(list), "skipped": defaultdict(list)}
    st.subheader(tr("intake.dry_run"))
    try:
        previews = [(source, path, p) for source, paths in accepted(uploads, chosen).items()
                    for path, p in zip(paths, dry_run(source, paths))]
    except Exception as exc:  # never a traceback on the page
        st.error(explained(exc), icon=":material/error:")
        return
    for n, (source, path, p) in enumerate(previews):
        show(p, n, v.lang)
        if p.result.status in todo:
            todo[p.result.status][source].append(path)

    loadable, again = todo["loaded"], todo["skipped"]
    if loadable and st.button(tr("intake.load", n=sum(map(len, loadable.values()))), type="primary", key="intake_load"):
        load(loadable, False, v)
    if again:
        st.caption(tr("intake.reload_help"))
        if st.button(tr("intake.reload", n=sum(map(len, again.values()))), key="intake_reload"):
            load(again, True, v)


def accepted(uploads: list, chosen: str) -> dict[str, list[Path]]:
    """The uploaded files by source, each kept in the landing folder; a refused file is said so, left out."""
    limit_mb = float(config.get("intake_upload_max_mb"))
    by_source: dict[str, list[Path]] = defaultdict(list)
    seen: set[str] = set()
    for upload in uploads:
        data = upload.getvalue()
        suffix = Path(upload.name).suffix.lower()
        if suffix not in SUFFIXES:
            st.error(tr("intake.bad_format", file=upload.name, suffix=suffix or "—"), icon=":material/block:")
            continue
        if len(data) > limit_mb * 2**20:
            st.error(tr("intake.too_big", file=upload.name, mb=f"{len(data) / 2**20:.1f}", limit=f"{limit_mb:g}"),
                     icon=":material/block:")
            continue
        path = intake.keep(upload.name, data)
        if path.parent.name in seen:
            st.warning(tr("intake.given_twice", file=upload.name), icon=":material/content_copy:")
            continue
        seen.add(path.parent.name)
        source = chosen if chosen != AUTO else intake.guess(path)
        if source is None:
            st.error(tr("intake.no_guess", file=upload.name), icon=":material/help:")
            continue
        by_source[source].append(path)
    return by_source


def dry_run(source: str, paths: list[Path]) -> list[intake.Preview]:
    """The dry run of `paths`, once per published version (a load from elsewhere changes the verdicts)."""
    runs = st.session_state.setdefault(DRY_KEY, {})
    key = (source, tuple(map(str, paths)), db.identity())
    if key not in runs:
        wait_notice()
        with st.spinner(tr("intake.checking")):
            runs[key] = intake.preview(source, paths)
    return runs[key]


def explained(exc: Exception) -> str:
    """What to tell the clerk when the pipeline stops: its own bilingual words for a fault of the installation
    (settings, key, suite) or a full disk, else only that it failed; the log keeps the trace."""
    log.exception("intake failed")
    if isinstance(exc, (config.ConfigError, warehouse.DiskFull)):     # a broken suite is a ConfigError too
        return f"{tr('intake.load_failed')} — {quality.split_bilingual(str(exc), lang())}"
    return tr("intake.load_failed")


CHECK_COLUMNS = {"expectation": "expectation", "column_name": "column_name", "description": "description",
                 "success": "passed", "element_count": "rows_checked", "unexpected_count": "unexpected_rows"}
QUARANTINE_COLUMNS = {"row_number": "row_number", "record_ref": "record_ref", "columns": "columns",
                      "reasons": "reasons"}


def show_table(title_key: str, rows: list[dict], columns: dict[str, str], key: str, lang: str,
               source: str = "") -> None:
    """`rows` under a bold title, as `columns` (row key → shown column), bilingual texts cut to the reader's
    half and `source`'s column names as its file heads them; "none" when empty."""
    st.markdown(f"**{tr(title_key)}**")
    if not rows:
        st.caption(tr("intake.none"))
        return
    data = pd.DataFrame([{c: r.get(k) for k, c in columns.items()} for r in rows])
    for c in ("reasons", "description"):
        if c in data:
            data[c] = [quality.split_bilingual(x, lang) for x in data[c]]
    for c in ("column_name", "columns"):
        if c in data:
            data[c] = [quality.columns_named(source, x, lang) for x in data[c]]
    st.dataframe(present(data, lang), hide_index=True, key=key)


def show(p: intake.Preview, n: int, lang: str) -> None:
    """One file's dry run: verdict, encoding and rows, header mapping, every expectation, quarantined rows."""
    r = p.result
    st.markdown(f"##### {r.file_name} · {label('source', r.source, lang)}")
    note = quality.split_bilingual(r.message, lang)
    VERDICT[r.status](tr("dry_verdict_" + r.status) + (f": {note}" if note else ""))
    st.caption(tr("intake.facts", encoding=r.encoding or "—", rows=fmt.number(r.rows_read),
                  loaded=fmt.number(r.rows_loaded), quarantined=fmt.number(len(r.quarantine))))
    mapping = [{"file_column": f, "stored_column": c} for f, c in p.mapping.items()]
    show_table("intake.mapping", mapping, {"file_column": "file_column", "stored_column": "stored_column"},
               f"intake_map_{n}", lang)
    checks = [{**c, "success": bool(c["success"])} for c in r.checks]
    show_table("intake.checks", checks, CHECK_COLUMNS, f"intake_checks_{n}", lang, r.source)
    show_table("intake.quarantine", r.quarantine, QUARANTINE_COLUMNS, f"intake_quarantine_{n}", lang, r.source)


def wait_notice() -> None:
    """Another load (or dry run) holds the warehouse: say so before waiting for it, not hang silently."""
    if warehouse.writer_busy():
        st.info(tr("intake.waiting"), icon=":material/hourglass_top:")


def load(todo: dict[str, list[Path]], reload: bool, v: ui.View) -> None:
    """Load through the pipeline, one publish per source; a busy warehouse is waited for, visibly."""
    wait_notice()
    steps = sum(map(len, todo.values())) * len(intake.STAGES)
    bar = st.progress(0.0, text=tr("intake.progress_start"))
    offset = 0
    results: list[ingest.FileResult] = []
    for source, paths in todo.items():
        def advance(index: int, file: str, stage: str, base: int = offset) -> None:
            done = base + index * len(intake.STAGES) + intake.STAGES.index(stage) + 1
            bar.progress(done / steps, text=f"{file}: {i18n.t('stage_' + stage, v.lang)}")
        try:
            results += ingest.ingest(source, paths, progress=False, reload=reload, on_stage=advance)
        except Exception as exc:  # never a traceback on the page
            st.error(explained(exc), icon=":material/error:")
        offset += len(paths) * len(intake.STAGES)
    bar.progress(1.0, text=tr("intake.progress_done"))
    st.session_state.pop(DRY_KEY, None)
    for r in results:
        login.record(v.user, "intake_load", source=r.source, file=r.file_name, run=r.run_id, status=r.status,
                     reload=str(reload).lower())
        VERDICT[r.status](f"{r.file_name}: {quality.split_bilingual(r.message, v.lang)}")
    st.page_link(nav.page("quality").file, label=tr("intake.see_quality"), icon=":material/fact_check:")


