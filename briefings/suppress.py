"""Small counts in a public briefing (domain.md §7): below banner level, a count of 1–4 shows as "<5".

A rate is suppressed when its base count is hidden, or when the count it implies on that base (rate × base)
would be: 3.0 % of 99 tests is 3 positives, which the table must not let a reader work out.
The banner's own figures are never suppressed: they are the published totals. An internal briefing shows
everything. The threshold is the setting `briefing_public_min_count`.
"""
from __future__ import annotations

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


def rate(value: object, base: object, public: bool, banner: bool, digits: int = 1) -> str:
    """A rate (0–100) shown unless its base or the count it implies is hidden (then "—", never a figure)."""
    implied = None if fmt.missing(value) or fmt.missing(base) else round(float(value) * float(base) / 100)
    if hidden(base, public, banner) or hidden(implied, public, banner):
        return fmt.DASH
    return fmt.percent(value, digits)
