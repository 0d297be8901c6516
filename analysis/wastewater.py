"""Wastewater: normalised residue loads (mg/day/1000 inhabitants), from the warehouse's wastewater marts.

`mart_wastewater_quarterly` holds each quarter's mean for every site, township and the banner (townships and
the banner population-weighted across sites), with the level against the area's own history and the trend
class. Several selected townships are combined the same way: Σ mean × population ÷ Σ population. A period's
mean is the mean of its quarterly means, compared with the same quarters of the previous year (as in
`mart_wastewater_year`). Substances that wastewater cannot read as use stay out of the use charts.
"""
from __future__ import annotations

import pandas as pd

import domain
from analysis import db
from analysis.access import Scope
from analysis.filters import Filters
from analysis.labels import label
from analysis.where import Where

QUARTERLY = "mart_wastewater_quarterly"
LOADS = "mart_wastewater_loads"
USE = "readable_as_use and abuse_marker"


def _area(f: Filters, scope: Scope) -> tuple[str, list]:
    """Rows of the quarterly mart that make up the view: the banner's, or the selected townships'."""
    towns = scope.townships_for(f.towns)
    if not towns:
        return "area_level = 'banner'", []
    return "area_level = 'township' and area_code in (select unnest(?::varchar[]))", [list(towns)]


def _combined(f: Filters, scope: Scope, first: str, last: str) -> tuple[str, list]:
    """SQL of the view's quarterly series (quarter, substance, mean, samples...) between two quarters."""
    area, area_params = _area(f, scope)
    subs = "and substance in (select unnest(?::varchar[]))" if f.subs else ""
    sql = f"""
        select quarter, quarter_index, substance,
               sum(mean_load_per_1000 * population_served) / nullif(sum(population_served), 0) as mean_load,
               sum(samples)::bigint as samples, sum(samples_below_loq)::bigint as samples_below_loq,
               sum(sites)::bigint as sites
        from {QUARTERLY}
        where {area} and {USE} and quarter between ? and ? {subs}
        group by quarter, quarter_index, substance"""
    return sql, [*area_params, first, last, *([list(f.subs)] if f.subs else [])]


def by_quarter(f: Filters, scope: Scope) -> pd.DataFrame:
    """Quarterly mean load per substance over the period."""
    sql, params = _combined(f, scope, f.q_from, f.q_to)
    return db.query(f"""
        select quarter, substance, mean_load as load_mg_day_per_1000, samples, samples_below_loq as below_loq_samples
        from ({sql}) order by quarter, substance""", params)


def by_substance(f: Filters, scope: Scope) -> pd.DataFrame:
    """Per substance over the period: samples, below-LOQ share, mean load, and the same quarters last year."""
    prev = f.previous_year()
    sql, params = _combined(f, scope, prev.q_from, f.q_to)
    return db.query(f"""
        with series as ({sql}),
        cur as (select * from series where quarter between ? and ?),
        paired as (
            select cur.*, before.mean_load as before_load
            from cur left join series as before
              on before.substance = cur.substance and before.quarter_index = cur.quarter_index - 4)
        select substance, sum(samples)::bigint as samples, sum(samples_below_loq)::bigint as below_loq_samples,
               100.0 * sum(samples_below_loq) / nullif(sum(samples), 0) as below_loq_share,
               avg(mean_load) as load_mg_day_per_1000,
               avg(before_load) as load_previous_year,
               100.0 * (avg(mean_load) filter (where before_load is not null) - avg(before_load))
                   / nullif(avg(before_load), 0) as yoy_change_pct
        from paired group by substance
        order by load_mg_day_per_1000 desc nulls last, substance""", [*params, f.q_from, f.q_to])


def by_site(f: Filters, scope: Scope, lang: str) -> pd.DataFrame:
    """Quarterly mean per site and substance; `site` is a display label."""
    w = Where(f, scope, quarter_column="quarter", substance_column="substance")
    frame = db.query(f"""
        select quarter, site_id, site_name, township_code, substance, mean_load_per_1000 as load_mg_day_per_1000,
               samples, samples_below_loq as below_loq_samples
        from {QUARTERLY} where area_level = 'site' and {USE} and {w.sql}
        order by quarter, site_id, substance""", w.params)
    return with_site_label(frame, lang)


def samples(f: Filters, scope: Scope, substance: str, lang: str) -> pd.DataFrame:
    """Every sample of one substance: date, site, load, and whether it was below LOQ."""
    w = Where(f, scope, date_column="sample_date")
    frame = db.query(f"""
        select sample_date, site_id, site_name, township_code,
               case when below_loq then 'below_loq' else 'measured' end as measurement, load_mg_day_per_1000,
               concentration_measured_ng_l, loq_ng_l
        from {LOADS} where {w.sql} and substance = ?
        order by sample_date, site_id""", [*w.params, substance])
    return with_site_label(frame, lang)


def levels(f: Filters, scope: Scope, lang: str) -> pd.DataFrame:
    """At the period's last quarter: each area's level against its own history and its trend class.

    Areas: the banner (whole-banner view only) or the selected townships, and their sites.
    """
    towns = scope.townships_for(f.towns)
    place = ("(area_level = 'banner' or area_level = 'site')" if not towns else
             "area_level in ('township', 'site') and township_code in (select unnest(?::varchar[]))")
    subs = "and substance in (select unnest(?::varchar[]))" if f.subs else ""
    frame = db.query(f"""
        select area_level, area_code, site_id, site_name, township_code, substance,
               mean_load_per_1000 as load_mg_day_per_1000, yoy_change_pct, level, level_percentile,
               trend_class as trend, trend_change_pct_per_year
        from {QUARTERLY}
        where quarter = ? and {USE} and {place} {subs}
        order by case area_level when 'banner' then 0 when 'township' then 1 else 2 end, area_code,
                 load_mg_day_per_1000 desc""",
                     [f.q_to, *([list(towns)] if towns else []), *([list(f.subs)] if f.subs else [])])
    area = [label("township", c, lang) if lvl != "site" else None
            for lvl, c in zip(frame["area_level"], frame["area_code"])]
    sites = with_site_label(frame, lang)["site"] if not frame.empty else pd.Series(dtype="string")
    frame["area"] = [a if a is not None else s for a, s in zip(area, sites)]
    return frame[["area", "substance", "load_mg_day_per_1000", "yoy_change_pct", "level", "level_percentile",
                  "trend", "trend_change_pct_per_year"]]


def rising(f: Filters, scope: Scope) -> pd.DataFrame:
    """Areas (banner or townships) whose trend is rising at the period's last quarter."""
    towns = scope.townships_for(f.towns)
    place = "area_level in ('banner', 'township')" if not towns else \
        "area_level = 'township' and area_code in (select unnest(?::varchar[]))"
    return db.query(f"""
        select area_code as township_code, substance, trend_change_pct_per_year, level
        from {QUARTERLY}
        where quarter = ? and {USE} and trend_class = 'rising' and {place}
        order by area_level, area_code, substance""", [f.q_to, *([list(towns)] if towns else [])])


def not_read_here() -> list[str]:
    """Substances the use charts leave out (population markers, not measurable)."""
    return [s["code"] for s in domain.substances()
            if s["wastewater_readable"] != "true" or s["abuse_marker"] != "true"]


def with_site_label(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Add `site`: the plant's own name in Chinese; id and township in English."""
    if frame.empty:
        return frame.assign(site=pd.Series(dtype="string"))
    names = [f"{n or i}" if lang == "zh" else f"{i} ({label('township', t, lang)})"
             for i, n, t in zip(frame["site_id"], frame["site_name"], frame["township_code"])]
    return frame.assign(site=names)
