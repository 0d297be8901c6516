"""Cases and seizures from `mart_cases_quarter`: by quarter, case type and drug; target cases; outflow.

Banner counts are the banner's own cases: outflow records (township 外地) sit on rows 'outside' with 0 cases
and feed only the outflow figures, so every total here sums the townships."""
from __future__ import annotations

import pandas as pd

from analysis import db
from analysis.access import Scope
from analysis.filters import Filters
from analysis.where import Where

MART = "mart_cases_quarter"
OUTSIDE = "outside"   # the mart's row for outflow records (township 外地): outflow suspects only, 0 cases
TOTALS = ", ".join(f"coalesce(sum({c}), 0)::bigint as {c}" for c in (
    "cases", "criminal_cases", "suspects", "minor_suspects", "target_cases", "outflow_suspects"))


def _where(f: Filters, scope: Scope, period: bool = True) -> Where:
    return Where(f, scope, quarter_column="quarter", substance_column="drug", period=period)


def totals(f: Filters, scope: Scope) -> pd.Series:
    """Headline totals over the period, with `prev_<name>` for the same period a year earlier."""
    now, before = _where(f, scope), _where(f.previous_year(), scope)
    frame = db.query(f"""
        select * from (select {TOTALS} from {MART} where {now.sql})
        cross join (select {TOTALS.replace(' as ', ' as prev_')} from {MART} where {before.sql})""",
                     [*now.params, *before.params])
    return frame.iloc[0]


def by_quarter_type(f: Filters, scope: Scope) -> pd.DataFrame:
    w = _where(f, scope)
    return db.query(f"""
        select quarter, case_type, sum(cases)::bigint as cases, sum(suspects)::bigint as suspects
        from {MART} where {w.sql} group by all order by quarter, case_type""", w.params)


def by_drug(f: Filters, scope: Scope) -> pd.DataFrame:
    """Cases and seizures per drug; the amount in the drug's own unit (kilograms for caffeine, 安钠咖)."""
    w = _where(f, scope)
    return db.query(f"""
        select drug, sum(cases)::bigint as cases, sum(suspects)::bigint as suspects, sum(seized_display) as seized_amount,
               any_value(seizure_unit) as seizure_unit
        from {MART} where {w.sql} group by drug order by cases desc, drug""", w.params)


def by_year(f: Filters, scope: Scope) -> pd.DataFrame:
    """Per year up to the period's end: target cases, outflow traffickers (outflow suspects of trafficking cases,
    the plan's 外流贩毒人员) and their 3-year average. The average is mart_cases_year's, where a year in progress
    is set beside the same months of the years before (outflow records belong to no township, so it is the
    banner's)."""
    w = _where(f, scope, period=False)
    return db.query(f"""
        with years as (
            select year, sum(cases)::bigint as cases, sum(target_cases)::bigint as target_cases,
                   coalesce(sum(outflow_suspects) filter (where case_type = 'trafficking'), 0)::bigint
                       as outflow_traffickers
            from {MART} where {w.sql} and year <= ? group by year)
        select years.*, banner.outflow_3y_avg
        from years left join mart_cases_year as banner using (year)
        order by year""", [*w.params, f.year])


def by_township(f: Filters, scope: Scope) -> pd.DataFrame:
    """The banner's cases per township: they sum to the banner's total. Outflow records (row 'outside') are no
    township's cases; their suspects are in `totals()` and `by_year()`."""
    w = _where(f, scope)
    return db.query(f"""
        select township_code, sum(cases)::bigint as cases, sum(suspects)::bigint as suspects,
               sum(outflow_suspects)::bigint as outflow_suspects
        from {MART} where {w.sql} and township_code <> '{OUTSIDE}'
        group by township_code order by cases desc""", w.params)
