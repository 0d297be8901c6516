"""The drug-user registry from `mart_registry_township`: aggregates only, no person ever appears.

The view's snapshot is the latest one dated within the period (else the latest before it); the comparison
snapshot is the latest one at least a year earlier. Several townships are combined from the mart's counts
(rates recomputed from numerators and denominators, as the mart defines them: a column no township filled is
no input, so its rate is null, never 0 %; users per case worker on the base of the setting `staff_ratio_base`,
the mart's `staff_ratio_users`), the whole banner is the mart's `150823` row, whose rates equal the mart's.
"""
from __future__ import annotations

from datetime import date

import pandas as pd

import domain
from analysis import db
from analysis.access import Scope
from analysis.filters import Filters

MART = "mart_registry_township"
COUNTS = ("registered", "existing_users", "abstinent_3y", "deceased", "emigrated", "community_detox",
          "community_rehab", "compulsory", "detained", "out_of_control", "other_status", "at_large",
          "newly_found_quarter", "newly_found_year", "face_checked", "info_verified", "community_ordered",
          "community_reported", "case_workers", "risk_high", "risk_medium", "risk_low", "risk_unknown", "male",
          "female", "age_under_18", "age_18_34", "age_35_plus", "age_unknown", "students", "minors",
          "employment_support", "staff_ratio_users")
RECORDED = ("face_check_recorded", "info_verified_recorded", "case_worker_recorded", "reported_recorded")
RATES = """case when face_check_recorded then 100.0 * face_checked / nullif(at_large, 0) end as face_check_rate,
    case when info_verified_recorded then 100.0 * info_verified / nullif(at_large, 0) end as info_verified_rate,
    case when reported_recorded then 100.0 * community_reported / nullif(community_ordered, 0) end
        as community_execution_rate,
    case when case_worker_recorded then staff_ratio_users / nullif(case_workers, 0) end as users_per_case_worker"""
STATUSES = ("community_detox", "community_rehab", "compulsory", "detained", "out_of_control", "other_status")
RISKS = ("risk_high", "risk_medium", "risk_low", "risk_unknown")
AGES = ("age_under_18", "age_18_34", "age_35_plus", "age_unknown")
SEXES = ("male", "female")


def _places(f: Filters, scope: Scope) -> list[str]:
    """Township codes whose rows make up the view; the banner row when the whole banner is in view."""
    towns = scope.townships_for(f.towns)
    return list(towns) if towns else [domain.BANNER_CODE]


def snapshots(f: Filters) -> tuple[date | None, date | None]:
    """(the view's snapshot, the comparison snapshot a year earlier); None where there is none."""
    frame = db.query(f"""
        with s0 as (
            select coalesce(max(snapshot_date) filter (where snapshot_date between ? and ?),
                            max(snapshot_date) filter (where snapshot_date <= ?)) as s0
            from (select distinct snapshot_date from {MART}))
        select s0, (select max(snapshot_date) from {MART}
                    where snapshot_date <= s0 - interval 1 year) as s1
        from s0""", [f.date_from, f.date_to, f.date_to])
    row = frame.iloc[0]
    return (_day(row["s0"]), _day(row["s1"]))


def _day(value: object) -> date | None:
    return None if pd.isna(value) else pd.Timestamp(value).date()


def combined(f: Filters, scope: Scope, days: list[date]) -> pd.DataFrame:
    """One row per snapshot in `days`: the view's counts summed and its rates recomputed."""
    sums = ", ".join([f"sum({c})::bigint as {c}" for c in COUNTS] + [f"bool_or({c}) as {c}" for c in RECORDED])
    return db.query(f"""
        with summed as (
            select snapshot_date, {sums}, bool_or(over_listing_threshold) as over_listing_threshold
            from {MART}
            where township_code in (select unnest(?::varchar[])) and snapshot_date in (select unnest(?::date[]))
            group by snapshot_date)
        select *, {RATES} from summed order by snapshot_date""", [_places(f, scope), days])


def headline(f: Filters, scope: Scope) -> tuple[pd.Series | None, pd.Series | None]:
    """The view's figures at its snapshot and a year earlier."""
    s0, s1 = snapshots(f)
    if s0 is None:
        return None, None
    frame = combined(f, scope, [d for d in (s0, s1) if d])
    by_day = {_day(r.snapshot_date): r for _, r in frame.iterrows()} if not frame.empty else {}
    return by_day.get(s0), by_day.get(s1) if s1 else None


def series(f: Filters, scope: Scope) -> pd.DataFrame:
    """Every snapshot of the period: existing users, abstinent stock, newly found, rates."""
    days = db.query(f"select distinct snapshot_date from {MART} where snapshot_date between ? and ? "
                    "order by 1", [f.date_from, f.date_to])["snapshot_date"]
    return combined(f, scope, [_day(d) for d in days])


def staff_ratio_base() -> str:
    """The base users per case worker were computed on: the setting `staff_ratio_base` the warehouse was built
    with (ref_settings), which may differ from the settings file edited since."""
    return str(db.query("select value from ref_settings where setting = 'staff_ratio_base'")["value"].iloc[0])


def by_township(f: Filters, scope: Scope, day: date | None) -> pd.DataFrame:
    """Every township at one snapshot (within the scope and selection), with its listing line."""
    towns = scope.townships_for(f.towns)
    return db.query(f"""
        select township_code, existing_users, listing_threshold, over_listing_threshold, out_of_control,
               newly_found_year, abstinent_3y, face_check_rate, info_verified_rate, community_execution_rate,
               users_per_case_worker
        from {MART}
        where snapshot_date = ? and area_level = 'township'
          and (? or township_code in (select unnest(?::varchar[])))
        order by existing_users desc, township_code""", [day, not towns, list(towns)])


def over_listing_line(f: Filters, scope: Scope, day: date) -> pd.DataFrame:
    """The areas above their 挂牌整治 line at snapshot `day`: the banner first (when the whole banner is in
    view), then the townships in view, most users first; each with its users and its line."""
    towns = scope.townships_for(f.towns)
    return db.query(f"""
        select area_level, township_code, existing_users, listing_threshold
        from {MART}
        where snapshot_date = ? and over_listing_threshold
          and (area_level = 'banner' and ?
               or area_level = 'township' and (? or township_code in (select unnest(?::varchar[]))))
        order by area_level = 'township', existing_users desc, township_code""",
                    [day, scope.whole_banner and not f.towns, not towns, list(towns)])


def mix(row: pd.Series, columns: tuple[str, ...]) -> pd.DataFrame:
    """A composition (status, risk, age, sex) of one snapshot as rows of (category, persons)."""
    return pd.DataFrame({"group": list(columns), "persons": [int(row[c]) for c in columns]})
