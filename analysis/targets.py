"""The plan's targets for one year: 六个零目标 (with the checks behind each), 五个坚决不能发生, 四升四降.

Banner-level figures: they are shown only to users whose scope is the whole banner.
"""
from __future__ import annotations

import pandas as pd

from analysis import db
from analysis.access import Scope


class OutOfScope(Exception):
    """Banner-level figures asked for by a user bound to a township."""


def _banner_only(scope: Scope) -> None:
    if not scope.whole_banner:
        raise OutOfScope


def six_zero(year: int, scope: Scope) -> pd.DataFrame:
    """One row per target: status, counts of checks, and for a target not met its tasks and lead units."""
    _banner_only(scope)
    return db.query("""
        select target, target_zh, target_en, status, checks_total, checks_passed, checks_failed, checks_no_data,
               plan_tasks, lead_units, provisional
        from mart_six_zero where year = ?""", [year])


def six_zero_checks(year: int, scope: Scope) -> pd.DataFrame:
    """Every check of every target: value, rule, result and evidence."""
    _banner_only(scope)
    return db.query("""
        select target, "check", description_zh, description_en, value, operator, threshold, result, evidence,
               clause
        from mart_six_zero_checks where year = ? order by check_order""", [year])


def five_never(year: int, scope: Scope) -> pd.DataFrame:
    _banner_only(scope)
    return db.query("""
        select event, description_zh, description_en, count, status, has_data
        from mart_five_never where year = ? order by event""", [year])


def four_up_four_down(year: int, scope: Scope) -> pd.DataFrame:
    _banner_only(scope)
    return db.query("""
        select indicator, description_zh, description_en, previous_value, value, change, expected_direction,
               achieved, status, unit
        from mart_four_up_four_down where year = ?
        order by case expected_direction when 'up' then 0 else 1 end, indicator""", [year])


def arrow(change: float | None) -> str:
    """↑ / ↓ / → for the actual movement against the previous year ('—' when unknown)."""
    if change is None or pd.isna(change):
        return "—"
    return "↑" if change > 0 else "↓" if change < 0 else "→"


def describe(frame: pd.DataFrame, lang: str) -> pd.Series:
    """The row's own description in the reader's language (the marts carry both)."""
    return frame[f"description_{lang}"]
