"""A chart's or table's data as CSV (UTF-8 with BOM, so Excel reads Chinese) and XLSX.

Extract text (sites, file names, notes) reaches these files, and a spreadsheet runs a cell that starts with
`=`, `+`, `-`, `@`, a tab or a carriage return as a formula (`=HYPERLINK(…)`, `+cmd|…`). Every text cell
that starts so gets a leading single quote (the OWASP CSV-injection rule), headers included; XLSX text cells
are also written as plain strings, never formulas. Numbers stay numbers, and text that is a plain number
(`-10.0%`, `+3`) is left alone: a spreadsheet reads it as a number, not a formula. A missing value is "—".
"""
from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from analysis.fmt import DASH, endless

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?(\d[\d,]*)?\.?\d+%?")


def safe_text(text: str) -> str:
    """Text a spreadsheet shows as it is: a leading quote before a formula's first character."""
    if text.startswith(FORMULA_START) and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def safe_value(value: object) -> object:
    """A cell's value for a download: missing → "—", infinite → "∞" (no spreadsheet holds an infinite number), text
    made safe, other numbers and dates unchanged."""
    if isinstance(value, str):
        return safe_text(value)
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return DASH
    return endless(value) or value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as it is written: safe headers, safe text cells, "—" for every missing value."""
    out = pd.DataFrame({i: _safe_column(frame.iloc[:, i]) for i in range(frame.shape[1])}, index=frame.index)
    out.columns = [safe_text(str(c)) for c in frame.columns]
    return out


def _safe_column(column: pd.Series) -> pd.Series:
    typed = pd.api.types.is_numeric_dtype(column) or pd.api.types.is_datetime64_any_dtype(column)
    infinite = pd.api.types.is_float_dtype(column) and bool(np.isinf(column).any())
    if typed and not pd.api.types.is_bool_dtype(column) and not column.isna().any() and not infinite:
        return column
    return column.astype(object).map(safe_value)


def to_csv(frame: pd.DataFrame) -> bytes:
    """RFC 4180 line ends (CR LF), so a field holding a lone CR is quoted instead of splitting its row."""
    return safe_frame(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def to_xlsx(frame: pd.DataFrame, sheet: str = "data") -> bytes:
    """One sheet: the header row, then the rows; text cells typed as strings (no formula is ever read)."""
    safe = safe_frame(frame)
    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet[:31])
    ws.append([_cell(ws, c) for c in safe.columns])
    for row in safe.itertuples(index=False, name=None):
        ws.append([_cell(ws, v) for v in row])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _cell(ws, value: object) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def file_stem(name: str, period: str) -> str:
    """Download file name: the chart's name and the period, no characters a file system dislikes."""
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in f"{name}_{period}")
    return safe.strip("_")
