"""Hair tests from `mart_hair_positivity`: positivity by quarter, subject group, township and substance.

A test is one sample × substance; positivity = positive ÷ tests whose result could be determined, in %.
"""
from __future__ import annotations

import pandas as pd

from analysis import db
from analysis.access import Scope
from analysis.filters import Filters
from analysis.where import Where

MART = "mart_hair_positivity"
RATE = "100.0 * sum(positive) / nullif(sum(tested) - sum(undetermined), 0)"
SUMS = f"sum(tested)::bigint as tested, sum(positive)::bigint as positive, {RATE} as positivity_rate"


def _where(f: Filters, scope: Scope) -> Where:
    return Where(f, scope, quarter_column="quarter", substance_column="substance")


def totals(f: Filters, scope: Scope) -> pd.Series:
    """Tests, positives and positivity over the period, with `prev_<name>` a year earlier."""
    now, before = _where(f, scope), _where(f.previous_year(), scope)
    frame = db.query(f"""
        select * from (select {SUMS}, sum(lab_disagreements)::bigint as lab_disagreements
                       from {MART} where {now.sql})
        cross join (select {SUMS.replace(' as ', ' as prev_')} from {MART} where {before.sql})""",
                     [*now.params, *before.params])
    return frame.iloc[0]


def by(f: Filters, scope: Scope, *dims: str) -> pd.DataFrame:
    """Tests, positives and positivity grouped by `dims` (quarter, subject_group, township_code, substance)."""
    allowed = {"quarter", "subject_group", "township_code", "substance"}
    if not dims or not set(dims) <= allowed:
        raise ValueError(f"dims must be among {sorted(allowed)}")
    w = _where(f, scope)
    cols = ", ".join(dims)
    return db.query(f"select {cols}, {SUMS} from {MART} where {w.sql} group by {cols} order by {cols}", w.params)


def outside_registry(f: Filters, scope: Scope) -> pd.DataFrame:
    """Positive hair tests of persons the registry does not know (early warnings), in the period."""
    w = Where(f, scope, quarter_column="quarter", substance_column="substance")
    return db.query(f"""
        select quarter, township_code, subject_group, substance, sample_id, concentration_ng_mg, cutoff_ng_mg
        from mart_early_warnings
        where kind = 'hair_positive_outside_registry' and {w.sql}
        order by quarter, township_code, sample_id""", w.params)
