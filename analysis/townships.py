"""Townships side by side: a scorecard per township and a ranking, from the registry, cases, hair and
early-warning marts.

The scorecard counts each township's registry checks at the snapshot in view as `mart_township_checks` judges
them (the listing line, out-of-control users, face-check and info-verified rates, users per case worker: the
banner board's inputs and comparison): passed, without input (checks_no_data: a column the snapshot leaves
blank, never a pass nor a 0 % fail) and how many apply (`mart_six_zero_rules.for_townships`).
"""
from __future__ import annotations

from datetime import date

import pandas as pd

import domain
from analysis import db, hair, registry
from analysis.access import Scope
from analysis.filters import Filters
from analysis.where import Where

RANK_BY = ("existing_per_10k", "existing_users", "newly_found_year", "cases", "positivity_rate",
           "warnings", "checks_passed", "checks_no_data")


def scorecard(f: Filters, scope: Scope) -> tuple[pd.DataFrame, date | None]:
    """One row per township in view, and the registry snapshot it reads."""
    s0, _ = registry.snapshots(f)
    towns = scope.townships_for(f.towns)
    people = pd.DataFrame({"township_code": [t["code"] for t in domain.townships()],
                           "population_est": [int(t["population_est"]) for t in domain.townships()]})
    if towns:
        people = people[people["township_code"].isin(towns)]
    reg = registry.by_township(f, scope, s0)    # no snapshot in the period: no rows, but every column
    w = Where(f, scope, quarter_column="quarter")
    cases = db.query(f"select township_code, sum(cases)::bigint as cases from mart_cases_quarter where {w.sql} "
                     "group by 1", w.params)
    tested = hair_by_township(f, scope)
    warn = db.query(f"select township_code, count(*) as warnings from mart_early_warnings where {w.sql} group by 1",
                    w.params)
    card = (people.merge(reg, on="township_code", how="left").merge(cases, on="township_code", how="left")
            .merge(tested, on="township_code", how="left").merge(warn, on="township_code", how="left"))
    for column in ("cases", "hair_samples", "hair_persons", "warnings"):
        card[column] = card[column].fillna(0).astype("int64")
    card["existing_per_10k"] = card["existing_users"] / card["population_est"] * 10_000
    card = _with_checks(card, s0)
    return card.drop(columns=["listing_threshold"], errors="ignore"), s0


def hair_by_township(f: Filters, scope: Scope) -> pd.DataFrame:
    """Hair samples, persons and sample positivity per township (`mart_hair_samples`)."""
    frame = hair.by(f, scope, "township_code")
    return frame.rename(columns={"samples": "hair_samples", "persons": "hair_persons"})[
        ["township_code", "hair_samples", "hair_persons", "positivity_rate"]]


def _with_checks(card: pd.DataFrame, day: date | None) -> pd.DataFrame:
    """`card` with each township's registry checks at snapshot `day`: passed, without input, and how many apply
    (a township without that snapshot, or no snapshot in view: every check without input)."""
    total = int(db.query("select count(*) as n from mart_six_zero_rules where for_townships")["n"].iloc[0])
    counted = db.query("""
        select township_code, count(*) filter (where result = 'pass') as checks_passed,
               count(*) filter (where result = 'no_data') as checks_no_data
        from mart_township_checks where snapshot_date = ? group by township_code""", [day])
    card = card.merge(counted, on="township_code", how="left")
    card["checks_passed"] = card["checks_passed"].fillna(0).astype("int64")
    card["checks_no_data"] = card["checks_no_data"].fillna(total).astype("int64")
    card["checks_total"] = total
    return card


def ranking(card: pd.DataFrame, by: str) -> pd.DataFrame:
    """Townships ordered by one scorecard column (highest first)."""
    if by not in RANK_BY:
        raise ValueError(by)
    return card[["township_code", by]].dropna().sort_values(by, ascending=False).reset_index(drop=True)


def warnings(f: Filters, scope: Scope, lang: str) -> pd.DataFrame:
    """Early warnings of the period in view, each with its evidence in the reader's language."""
    w = Where(f, scope, quarter_column="quarter", substance_column="substance")
    return db.query(f"""
        select quarter, township_code, kind, substance, evidence_{'zh' if lang == 'zh' else 'en'} as evidence
        from mart_early_warnings where {w.sql}
        order by quarter desc, township_code, kind""", w.params)
