"""Townships side by side: a scorecard per township and a ranking, from the registry, cases, hair and
early-warning marts.

The scorecard applies the plan's registry checks of `domain/targets.csv` (inputs `registry:*`: the listing
line, out-of-control users, face-check and info-verified rates, users per case worker) to each township, with
the same operators, thresholds and inputs as the banner-level `mart_six_zero_checks`: a rate with nobody at
large passes, a column the snapshot leaves blank is no input (counted under checks_no_data, never a pass nor a
0 % fail), users per case worker on the base of the setting `staff_ratio_base`.
"""
from __future__ import annotations

import operator as op
from datetime import date

import pandas as pd

import domain
from analysis import db, hair, registry
from analysis.access import Scope
from analysis.filters import Filters
from analysis.where import Where

OPERATORS = {">=": op.ge, ">": op.gt, "<=": op.le, "<": op.lt, "=": op.eq}
# Each registry check's input per township, as mart_six_zero_checks reads it for the banner.
CHECK_INPUTS = {
    "registry:existing_users": "existing_users",
    "registry:out_of_control": "out_of_control",
    "registry:face_check_rate": "case when face_check_recorded then coalesce(face_check_rate, 100) end",
    "registry:info_verified_rate": "case when info_verified_recorded then coalesce(info_verified_rate, 100) end",
    "registry:users_per_case_worker": """case
        when not case_worker_recorded and staff_ratio_users > 0 then null
        when staff_ratio_users = 0 then 0
        when case_workers = 0 then 'infinity'::double
        else users_per_case_worker
    end""",
}
RANK_BY = ("existing_per_10k", "existing_users", "newly_found_year", "cases", "positivity_rate",
           "warnings", "checks_passed", "checks_no_data")


def township_checks() -> pd.DataFrame:
    """The registry checks that apply to one township (scope 'township', or banner checks of rates)."""
    checks = db.query("""select "check", input, operator, threshold::double as threshold, scope
                         from ref_targets where input like 'registry:%'""")
    keep = (checks["scope"] == "township") | ~checks["input"].eq("registry:existing_users")
    return checks[keep & checks["input"].isin(list(CHECK_INPUTS))].reset_index(drop=True)


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
    passed, no_data, total = _checks_passed(_check_inputs(s0, card["township_code"]))
    card["checks_passed"] = passed
    card["checks_no_data"] = no_data
    card["checks_total"] = total
    return card.drop(columns=["listing_threshold"], errors="ignore"), s0


def hair_by_township(f: Filters, scope: Scope) -> pd.DataFrame:
    """Hair samples, persons and sample positivity per township (`mart_hair_samples`)."""
    frame = hair.by(f, scope, "township_code")
    return frame.rename(columns={"samples": "hair_samples", "persons": "hair_persons"})[
        ["township_code", "hair_samples", "hair_persons", "positivity_rate"]]


def _check_inputs(day: date | None, towns: pd.Series) -> pd.DataFrame:
    """Each registry check's input for every township of `towns` at snapshot `day` (null: no input)."""
    inputs = ", ".join(f'{sql} as "{name}"' for name, sql in CHECK_INPUTS.items())
    found = db.query(f"""select township_code, {inputs} from mart_registry_township
                         where snapshot_date = ? and area_level = 'township'""", [day])
    return pd.DataFrame({"township_code": towns}).merge(found, on="township_code", how="left")


def _checks_passed(inputs: pd.DataFrame) -> tuple[list[int], list[int], int]:
    """Per township: the checks passed and those without input (a township without a snapshot has none)."""
    checks = township_checks()
    passed, no_data = [], []
    for _, row in inputs.iterrows():
        values = [(row[c.input], c) for c in checks.itertuples(index=False)]
        passed.append(sum(pd.notna(v) and OPERATORS[c.operator](float(v), c.threshold) for v, c in values))
        no_data.append(sum(pd.isna(v) for v, _ in values))
    return passed, no_data, len(checks)


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
