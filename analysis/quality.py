"""Data quality: loads, validation results per expectation, quarantined rows, freshness, test coverage.

Quarantined rows are shown by file, row number and reasons; the record reference is kept only for sources
whose references are sample or case ids (hair and registry references are masked identity numbers, which
the page does not show).
"""
from __future__ import annotations

import json
from datetime import date

import pandas as pd

import config
from analysis import db, fmt
from analysis.access import Scope
from analysis.filters import Filters, quarter_index
from analysis.where import Where
from domain.sources import extract_names, names, sources

SOURCES = tuple(names())
PERSON_SOURCES = ("hair", "registry")

FRESHNESS_SQL = """
with newest as (
    select 'wastewater' as source, max(sample_date) as newest_data from fact_wastewater
    union all select 'hair', max(collection_date) from fact_hair
    union all select 'registry', max(snapshot_date) from fact_registry
    union all select 'cases', max(filed_date) from fact_cases
    union all select 'indicators', max(case
        when period like '%Q%' then last_day(make_date(left(period, 4)::int, right(period, 1)::int * 3, 1))
        when period like '%H%' then last_day(make_date(left(period, 4)::int, right(period, 1)::int * 6, 1))
        else make_date(left(period, 4)::int, 12, 31) end) from fact_indicators
    union all select 'task_reports', max(reported_date) from fact_task_reports
),
runs as (
    select source,
           count(*) filter (where status = 'loaded') as files,
           count(*) filter (where status = 'rejected') as rejected,
           max(coalesce(finished_at, started_at)) filter (where status = 'loaded') as last_loaded_at
    from pipeline_runs group by source
)
select s.source, coalesce(runs.files, 0) as files, coalesce(runs.rejected, 0) as rejected,
       runs.last_loaded_at, newest.newest_data
from (select unnest(?::varchar[]) as source) s
left join runs using (source)
left join newest using (source)
"""


def freshness(today: date | None = None) -> pd.DataFrame:
    """Per source: files loaded and rejected, last load, newest data date, its age in days and stale flag."""
    frame = db.query(FRESHNESS_SQL, [list(SOURCES)])
    today = today or date.today()
    newest = pd.to_datetime(frame["newest_data"])
    frame["days_old"] = [(today - d.date()).days if pd.notna(d) else pd.NA for d in newest]
    limit = config.get("stale_after_days")
    frame["stale"] = [bool(pd.isna(d) or d > limit) for d in frame["days_old"]]
    frame["source"] = frame["source"].astype("string")
    return frame


def runs(limit: int = 500) -> pd.DataFrame:
    return db.query("""
        select started_at, source, file_name, status, rows_read, rows_loaded, rows_quarantined, message
        from pipeline_runs order by started_at desc limit ?""", [limit])


def run_totals() -> pd.DataFrame:
    """One row: files per status, rows read/loaded/quarantined."""
    return db.query("""
        select count(*) filter (where status = 'loaded') as files_loaded,
               count(*) filter (where status = 'rejected') as files_rejected,
               count(*) filter (where status = 'skipped') as files_skipped,
               coalesce(sum(rows_loaded), 0)::bigint as rows_loaded,
               coalesce(sum(rows_quarantined), 0)::bigint as rows_quarantined
        from pipeline_runs""")


def validation(source: str | None = None) -> pd.DataFrame:
    """Each expectation of each source: how often it was checked, failed, and the rows it flagged."""
    return db.query("""
        select source, expectation, column_name, any_value(description) as description,
               count(*) as checks, count(*) filter (where not success) as failed_checks,
               coalesce(sum(element_count), 0)::bigint as rows_checked,
               coalesce(sum(unexpected_count), 0)::bigint as unexpected_rows
        from validation_results
        where ? is null or source = ?
        group by all
        order by source, failed_checks desc, unexpected_rows desc, expectation, column_name""", [source, source])


def quarantine(source: str | None = None, limit: int = 2000) -> pd.DataFrame:
    """Quarantined rows: file, row number, columns, reasons and what the row says (record refs and values only
    for non-person sources; ingest keeps no values of the others either)."""
    rows = db.query("""
        select q.source, q.file_name, q.row_number,
               case when q.source in (select unnest(?::varchar[])) then null else q.record_ref end as record_ref,
               q.columns, q.reasons,
               case when q.source in (select unnest(?::varchar[])) then null else q.raw_values end as raw_values,
               r.started_at
        from quarantine q left join pipeline_runs r using (run_id)
        where ? is null or q.source = ?
        order by r.started_at desc, q.file_name, q.row_number
        limit ?""", [list(PERSON_SOURCES), list(PERSON_SOURCES), source, source, limit])
    rows["raw_values"] = [_said(v) for v in rows["raw_values"]]
    return rows


def _said(raw_values: str | None) -> str | None:
    """A kept row's values as "column=value; …" (blank values left out)."""
    if raw_values is None or pd.isna(raw_values):
        return None
    return "; ".join(f"{k}={v}" for k, v in json.loads(raw_values).items() if v is not None)


def coverage(f: Filters, scope: Scope) -> pd.DataFrame:
    """Per quarter of the period: wastewater samples and sites, hair samples and townships tested."""
    w = Where(f, scope, date_column="sample_date")
    h = Where(f, scope, date_column="collection_date")
    return db.query(f"""
        with quarters as (select unnest(?::varchar[]) as quarter),
        ww as (
            select year(sample_date) || 'Q' || quarter(sample_date) as quarter,
                   count(distinct sample_id) as wastewater_samples, count(distinct site_id) as wastewater_sites
            from fact_wastewater where {w.sql} group by 1),
        hair as (
            select year(collection_date) || 'Q' || quarter(collection_date) as quarter,
                   count(distinct sample_id) as hair_samples, count(distinct township_code) as hair_townships
            from fact_hair where {h.sql} group by 1)
        select quarter, coalesce(wastewater_samples, 0) as wastewater_samples,
               coalesce(wastewater_sites, 0) as wastewater_sites, coalesce(hair_samples, 0) as hair_samples,
               coalesce(hair_townships, 0) as hair_townships
        from quarters left join ww using (quarter) left join hair using (quarter)
        order by quarter""", [f.quarters, *w.params, *h.params])


def coverage_by_township(f: Filters, scope: Scope) -> pd.DataFrame:
    """Hair samples per quarter × township (the heat map of where tests happened)."""
    h = Where(f, scope, date_column="collection_date")
    return db.query(f"""
        select year(collection_date) || 'Q' || quarter(collection_date) as quarter, township_code,
               count(distinct sample_id) as hair_samples
        from fact_hair where {h.sql} group by all order by quarter, township_code""", h.params)


def missing_in_year(f: Filters, scope: Scope) -> dict[str, list[str]]:
    """Quarters of the view's target year (from its first quarter in that year to its end) without any
    wastewater sample or any hair test (the plan asks for both every quarter)."""
    first = max(f"{f.year}Q1", f.q_from, key=quarter_index)
    return missing_quarters(coverage(Filters(first, f.q_to, f.towns, f.subs), scope))


def missing_quarters(cov: pd.DataFrame) -> dict[str, list[str]]:
    """Quarters of the period without any wastewater sample or any hair test."""
    return {"wastewater": cov.loc[cov["wastewater_samples"] == 0, "quarter"].tolist(),
            "hair": cov.loc[cov["hair_samples"] == 0, "quarter"].tolist()}


def columns_named(source: str, columns: object, lang: str) -> object:
    """Comma-separated column names (stored, or as the extract heads them) as the data team's file heads them:
    in Chinese 苏木镇(township), in English the extract's header; a name of no column stays as it is."""
    if not isinstance(columns, str) or not columns or source not in sources():
        return columns
    names = [extract_names(source).get(name, name) for name in columns.split(",")]
    if lang == "zh":
        zh = {c.name: c.zh for c in sources()[source].columns}
        names = [f"{zh[name]}({name})" if name in zh else name for name in names]
    return fmt.separator(lang).join(names)


def split_bilingual(text: object, lang: str) -> str:
    """Stored messages read '中文 / English' per clause ('; '-separated): keep the reader's half."""
    if not isinstance(text, str):
        return ""
    parts = []
    for clause in text.split("; "):
        zh, sep, en = clause.partition(" / ")
        parts.append((zh if lang == "zh" else en) if sep else clause)
    return "; ".join(parts)
