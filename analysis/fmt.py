"""Numbers, rates, dates and changes written for the reader, in Chinese or English.

Both languages group thousands with commas (1,234) and write rates as 12.5%. Dates are 2024年3月5日 in
Chinese and 2024-03-05 in English (ISO: unambiguous for every English reader). Missing values are "—";
an infinite one (users per worker with no worker, a rise from none) is "∞".
"""
from __future__ import annotations

import math
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pandas as pd

import config

DASH = "—"
INFINITY = "∞"


def missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def endless(value: object) -> str | None:
    """'∞' (or '-∞') for an infinite number, else None."""
    if isinstance(value, float) and math.isinf(value):
        return INFINITY if value > 0 else "-" + INFINITY
    return None


def number(value: float | int | None, digits: int = 0) -> str:
    """1,234 or 1,234.5; '—' when missing, '∞' when infinite."""
    if missing(value):
        return DASH
    return endless(value) or f"{value:,.{digits}f}"


def percent(value: float | None, digits: int = 1) -> str:
    """A rate already on the 0–100 scale: 12.5%; '∞' when infinite (a rise from none)."""
    if missing(value):
        return DASH
    return endless(value) or f"{value:,.{digits}f}%"


def change(current: float | None, previous: float | None, digits: int = 1) -> str | None:
    """Relative change against the previous value, '+12.5%'; None when it has no meaning (no base)."""
    if missing(current) or missing(previous) or previous == 0:
        return None
    return f"{(current - previous) / abs(previous) * 100:+,.{digits}f}%"


def points(current: float | None, previous: float | None, digits: int = 1) -> str | None:
    """Change of a rate in percentage points: '+2.0 pp' / '+2.0个百分点'."""
    if missing(current) or missing(previous):
        return None
    return f"{current - previous:+,.{digits}f}"


def day(value: date | datetime | str | None, lang: str) -> str:
    """2024年3月5日 (zh) or 2024-03-05 (en)."""
    if missing(value):
        return DASH
    d = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    if isinstance(d, datetime):
        d = d.date()
    return f"{d.year}年{d.month}月{d.day}日" if lang == "zh" else d.isoformat()


def moment(value: str | datetime | None, lang: str) -> str:
    """A UTC timestamp shown in the display time zone: 2024年3月5日 14:07 / 2024-03-05 14:07 (UTC+8)."""
    if missing(value) or value == "":
        return DASH
    ts = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=ZoneInfo("UTC"))
    local = ts.astimezone(ZoneInfo(config.get("display_timezone")))
    offset = local.utcoffset()
    hours = int(offset.total_seconds() // 3600) if offset is not None else 0
    return f"{day(local.date(), lang)} {local:%H:%M} (UTC{hours:+d})"


def quarter(value: str, lang: str) -> str:
    """2024Q3 → 2024年第3季度 (zh) or 2024 Q3 (en)."""
    if len(value) == 6 and value[4] == "Q":
        return f"{value[:4]}年第{value[5]}季度" if lang == "zh" else f"{value[:4]} Q{value[5]}"
    return value


def signed_percent(value: float | None, digits: int = 1) -> str | None:
    """A change already in percent, '+12.5%'; None when missing."""
    return None if missing(value) else f"{value:+,.{digits}f}%"


def join(items, lang: str) -> str:
    """A list in running text: 甲、乙、丙 / a, b, c."""
    return separator(lang).join(str(i) for i in items)


def separator(lang: str) -> str:
    """Between the items of a list in running text (SQL's `string_agg` takes it too)."""
    return "、" if lang == "zh" else ", "
