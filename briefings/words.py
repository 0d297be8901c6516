"""How a briefing writes dates, changes and counts in running text (domain.md §7): the office's words, not a
dashboard's signs. "2024年7月18日", "同比上升5.0%", "持平", "18 July 2024", "up 5.0%"."""
from __future__ import annotations

from datetime import date, datetime

import i18n
from analysis import fmt

MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December")


def day(value: date | datetime | str | None, lang: str) -> str:
    """2024年7月18日 (as on the pages) / 18 July 2024; "—" when missing."""
    if lang == "zh" or fmt.missing(value):
        return fmt.day(value, lang)
    d = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return f"{d.day} {MONTHS_EN[d.month - 1]} {d.year}"


def movement(change_pct: float | None, lang: str, unit: str = "%", digits: int = 1) -> str | None:
    """上升5.0% / 下降5.0% / 持平 (up 5.0% / down 5.0% / unchanged) for a change already in `unit`;
    None when there is no change to speak of (no base)."""
    if fmt.missing(change_pct):
        return None
    size = round(abs(float(change_pct)), digits)
    if size == 0:
        return i18n.t("brief.flat", lang)
    key = "brief.up" if change_pct > 0 else "brief.down"
    return i18n.t(key, lang, size=f"{size:,.{digits}f}", unit=i18n.t(f"brief.unit_{unit}", lang))


def relative(current: object, previous: object, lang: str) -> str | None:
    """The relative change of `current` against `previous`, in words (None without a base)."""
    if fmt.missing(current) or fmt.missing(previous) or previous == 0:
        return None
    return movement((float(current) - float(previous)) / abs(float(previous)) * 100, lang)
