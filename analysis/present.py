"""From query results (codes, snake_case columns) to what a reader sees: labels and translated headers.

One presented frame serves the chart, the table and the CSV/XLSX download, so the three always agree.
"""
from __future__ import annotations

import pandas as pd

import config
import i18n
from analysis import fmt
from analysis.labels import CODE_KINDS, label

CODE_COLUMN = "__code"   # the township code behind a drillable row; never shown or downloaded


def header(column: str, lang: str) -> str:
    """Translated column header with its unit, e.g. 标准化负荷(毫克/千人/天)."""
    key = f"col.{column}"
    return i18n.t(key, lang) if key in i18n.catalogue() else column


def present(data: pd.DataFrame, lang: str, keep_code: str | None = None) -> pd.DataFrame:
    """Labels for code columns, 是/否 for flags, translated headers; `keep_code` keeps that column's raw
    codes under CODE_COLUMN (for click-through)."""
    out = data.copy()
    if keep_code is not None and keep_code in out:
        out[CODE_COLUMN] = out[keep_code].astype("string")
    for column in data.columns:
        kind = CODE_KINDS.get(column)
        if column.endswith("_at") and pd.api.types.is_datetime64_any_dtype(data[column]):
            out[column] = local_time(data[column])
        elif kind is not None:
            out[column] = [label(kind, v, lang) for v in data[column]]
        elif pd.api.types.is_bool_dtype(data[column]):
            out[column] = [label("yesno", str(bool(v)).lower(), lang) if pd.notna(v) else fmt.DASH for v in data[column]]
        elif data[column].isna().any() and not pd.api.types.is_numeric_dtype(data[column]):
            out[column] = _with_dash(data[column], lang)
    return out.rename(columns={c: header(c, lang) for c in data.columns})


def _with_dash(column: pd.Series, lang: str) -> pd.Series:
    """A text or date column with missing values: "—" where a value is missing (never None or NaT on the page);
    dates then read as the reader writes them (2024年3月5日)."""
    if pd.api.types.is_datetime64_any_dtype(column):
        return pd.Series([fmt.day(v, lang) for v in column], index=column.index)
    given = column.dropna()
    if len(given) and given.map(lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)).all():
        return pd.to_numeric(column)        # numbers held as objects stay numbers (formatted as numbers)
    return column.astype(object).where(column.notna(), fmt.DASH)


def local_time(column: pd.Series) -> pd.Series:
    """Stored timestamps are UTC without a zone: shown in the display time zone."""
    stamps = pd.to_datetime(column)
    if stamps.dt.tz is None:
        stamps = stamps.dt.tz_localize("UTC")
    return stamps.dt.tz_convert(config.get("display_timezone")).dt.tz_localize(None)


def visible(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop(columns=[CODE_COLUMN], errors="ignore")
