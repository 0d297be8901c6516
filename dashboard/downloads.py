"""A chart's or table's data as CSV (UTF-8 with BOM, so Excel reads Chinese) and XLSX."""
from __future__ import annotations

import io

import pandas as pd


def to_csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode("utf-8-sig")


def to_xlsx(frame: pd.DataFrame, sheet: str = "data") -> bytes:
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        frame.to_excel(writer, index=False, sheet_name=sheet[:31])
    return buf.getvalue()


def file_stem(name: str, period: str) -> str:
    """Download file name: the chart's name and the period, no characters a file system dislikes."""
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in f"{name}_{period}")
    return safe.strip("_")
