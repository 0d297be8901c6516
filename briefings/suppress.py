"""Small counts in a public briefing (domain.md §7): below banner level, a count of 1–4 shows as "<5".

A rate is suppressed when its own base is hidden, or when the count it implies on that base (rate × base)
would be: 3.0 % of 99 tests is 3 positives, which the table must not let a reader work out.
Complementary suppression: where a column has a published total (the banner row) and exactly one hidden
cell, that cell is the total minus the others, so a second cell (the smallest shown one) is withheld too.
The banner's own figures are never suppressed: they are the published totals. An internal briefing shows
everything. The threshold is the setting `briefing_public_min_count`.
"""
from __future__ import annotations

import pandas as pd

import config
from analysis import fmt


def threshold() -> int:
    return int(config.get("briefing_public_min_count"))


def hidden(value: object, public: bool, banner: bool) -> bool:
    """True when `value` is a count that a public briefing must not show at this level."""
    if not public or banner or fmt.missing(value):
        return False
    return 0 < float(value) < threshold()


def count(value: object, public: bool, banner: bool) -> str:
    return f"<{threshold()}" if hidden(value, public, banner) else fmt.number(value)


def implied(value: object, base: object) -> float | None:
    """The count a rate (0–100) implies on its base, as a reader would work it out."""
    return None if fmt.missing(value) or fmt.missing(base) else round(float(value) * float(base) / 100)


def rate(value: object, base: object, public: bool, banner: bool, digits: int = 1) -> str:
    """A rate (0–100) shown unless its base or the count it implies is hidden (then "—", never a figure)."""
    if hidden(base, public, banner) or hidden(implied(value, base), public, banner):
        return fmt.DASH
    return fmt.percent(value, digits)


def small(counts: pd.DataFrame, public: bool) -> pd.DataFrame:
    """The township cells of `counts` that are small counts (shown as "<5")."""
    return counts.map(lambda v: hidden(v, public, banner=False)).astype(bool)


def withheld(counts: pd.DataFrame, public: bool, links: dict[str, str] | None = None) -> pd.DataFrame:
    """Which township cells of `counts` (one column per count with a published banner total) a public table
    hides: the small ones, then complementary cells until no column has exactly one hidden cell.

    `links` maps a base column to a column derived from it (hair tests → implied positives): hiding a base
    hides what is computed on it, which can leave that column with one hidden cell in turn."""
    mask = small(counts, public)
    if not public:
        return mask
    links = links or {}
    while True:
        for base, derived in links.items():
            mask[derived] |= mask[base]
        lonely = [c for c in mask.columns if mask[c].sum() == 1]
        if not lonely:
            return mask
        column = lonely[0]
        shown = pd.to_numeric(counts.loc[~mask[column], column], errors="coerce").dropna()
        if shown.empty:
            return mask
        mask.loc[(shown[shown > 0] if (shown > 0).any() else shown).idxmin(), column] = True
