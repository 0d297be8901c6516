"""Hair tests as the plan counts them: samples and persons from `mart_hair_samples`; test items (sample ×
substance, 检测项次) from `mart_hair_positivity`, shown only as such, never as a headline.

A sample is one person on one date, positive when any substance reaches its cut-off; positivity = positive
samples ÷ samples, in %. Persons are distinct over a period within one year that starts at its first quarter
(the year so far, or one quarter); over any other period a person counts once in each quarter tested. The
whole banner reads the banner rows (township_code 150823), so a person tested in two townships counts once; a
township selection sums the townships chosen. Samples have no substance: the substance filter narrows the
test items only.
"""
from __future__ import annotations

import pandas as pd

import domain
from analysis import db
from analysis.access import Scope
from analysis.filters import Filters
from analysis.where import Where

SAMPLES = "mart_hair_samples"
ITEMS = "mart_hair_positivity"
SAMPLE_SUMS = ("sum(samples)::bigint as samples, sum({persons})::bigint as persons, "
               "sum(positive_samples)::bigint as positive_samples, sum({positive})::bigint as positive_persons, "
               "100.0 * sum(positive_samples) / nullif(sum(samples), 0) as positivity_rate")
ITEM_RATE = "100.0 * sum(positive) / nullif(sum(tested) - sum(undetermined), 0)"
ITEM_SUMS = f"sum(tested)::bigint as tested, sum(positive)::bigint as positive, {ITEM_RATE} as positivity_rate"


def _items(f: Filters, scope: Scope) -> Where:
    return Where(f, scope, quarter_column="quarter", substance_column="substance")


def persons_distinct(f: Filters) -> bool:
    """Whether the period's persons are distinct people: one quarter, or a year so far (Q1 to Qn)."""
    return f.q_from == f.q_to or (f.q_from[:4] == f.q_to[:4] and f.q_from.endswith("Q1"))


def _sums(f: Filters, by_quarter: bool = False) -> str:
    """The sums over the period; persons of a year so far add up each person's first quarter of the year."""
    year_so_far = persons_distinct(f) and f.q_from != f.q_to and not by_quarter
    if year_so_far:
        return SAMPLE_SUMS.format(persons="new_persons_in_year", positive="new_positive_persons_in_year")
    return SAMPLE_SUMS.format(persons="persons", positive="positive_persons")


def _samples(f: Filters, scope: Scope, by_township: bool = False) -> tuple[str, list[object]]:
    """Rows of `mart_hair_samples` in view: the banner rows for the whole banner, else the townships."""
    w = Where(f, scope, quarter_column="quarter")
    whole = not scope.townships_for(f.towns) and not by_township
    area = f"township_code {'=' if whole else '<>'} '{domain.BANNER_CODE}'"
    return f"{w.sql} and {area}", w.params


def totals(f: Filters, scope: Scope) -> pd.Series:
    """Samples, persons, positives and positivity over the period, with test items and lab disagreements
    beside them; `prev_<name>` is the same period a year earlier."""
    now, now_p = _samples(f, scope)
    before, before_p = _samples(f.previous_year(), scope)
    items = _items(f, scope)
    prev_sums = _sums(f.previous_year()).replace(" as ", " as prev_")
    frame = db.query(f"""
        select * from (select {_sums(f)} from {SAMPLES} where {now})
        cross join (select {prev_sums} from {SAMPLES} where {before})
        cross join (select sum(tested)::bigint as test_items, sum(lab_disagreements)::bigint as lab_disagreements
                    from {ITEMS} where {items.sql})""", [*now_p, *before_p, *items.params])
    return frame.iloc[0]


def by(f: Filters, scope: Scope, *dims: str) -> pd.DataFrame:
    """Samples, persons, positives and positivity grouped by `dims` (quarter, subject_group, township_code)."""
    allowed = {"quarter", "subject_group", "township_code"}
    if not dims or not set(dims) <= allowed:
        raise ValueError(f"dims must be among {sorted(allowed)}")
    where, params = _samples(f, scope, by_township="township_code" in dims)
    cols = ", ".join(dims)
    sums = _sums(f, by_quarter="quarter" in dims)
    return db.query(f"select {cols}, {sums} from {SAMPLES} where {where} group by {cols} order by {cols}", params)


def items_by(f: Filters, scope: Scope, *dims: str) -> pd.DataFrame:
    """Test items (sample × substance, 检测项次) grouped by `dims`, which must include the substance."""
    allowed = {"quarter", "subject_group", "township_code", "substance"}
    if "substance" not in dims or not set(dims) <= allowed:
        raise ValueError(f"dims must include substance and be among {sorted(allowed)}")
    w = _items(f, scope)
    cols = ", ".join(dims)
    return db.query(f"select {cols}, {ITEM_SUMS} from {ITEMS} where {w.sql} group by {cols} order by {cols}",
                    w.params)


def outside_registry(f: Filters, scope: Scope) -> pd.DataFrame:
    """Positive hair tests of persons the registry does not know (early warnings), in the period."""
    w = _items(f, scope)
    return db.query(f"""
        select quarter, township_code, subject_group, substance, sample_id, concentration_ng_mg, cutoff_ng_mg
        from mart_early_warnings
        where kind = 'hair_positive_outside_registry' and {w.sql}
        order by quarter, township_code, sample_id""", w.params)
