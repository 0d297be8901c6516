"""The extract layout (contract.md §2) and the one writer: how a table is spelt (header language,
enumeration labels, date formats) and written as CSV or XLSX with fixed timestamps, so the same seed gives
the same bytes."""
from __future__ import annotations

import io
import random
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from tqdm import tqdm

import domain
from demo.story import CSV_CHUNK_ROWS, fmt_date


# =============================================================================================
# Extract layout (contract.md §2)
# =============================================================================================
HEADERS_ZH: dict[str, dict[str, str]] = {
    "wastewater": {
        "sample_id": "样本编号", "site_id": "采样点编号", "site_name": "采样点名称", "township": "苏木镇",
        "sample_date": "采样日期", "flow_m3_d": "日流量(立方米)", "population_served": "服务人口",
        "substance": "目标物", "concentration_ng_l": "浓度(ng/L)", "loq_ng_l": "定量限(ng/L)",
        "lab": "检测机构"},
    "hair": {
        "sample_id": "样本编号", "collection_date": "采样日期", "township": "苏木镇", "id_number": "身份证号",
        "subject_group": "检测对象类别", "segment_cm": "检测段(cm)", "substance": "检测物质",
        "concentration_ng_mg": "浓度(ng/mg)", "result": "检测结果"},
    "registry": {
        "snapshot_date": "数据日期", "id_number": "身份证号", "name": "姓名", "sex": "性别",
        "birth_date": "出生日期", "township": "现居住地苏木镇", "household_region": "户籍地区划",
        "first_found_date": "初次发现日期", "last_found_date": "最近查获日期", "primary_drug": "主要滥用毒品",
        "control_status": "管控状态", "order_date": "责令/决定日期", "reported": "是否报到执行",
        "risk_level": "风险等级", "last_face_check_date": "最近见面核查日期", "info_verified": "信息是否核准",
        "is_student": "是否在校学生", "employment_support": "是否就业帮扶", "case_worker_id": "专职人员编号"},
    "cases": {
        "case_id": "案件编号", "filed_date": "立案日期", "solved_date": "破案日期", "township": "发案地苏木镇",
        "category": "类别", "case_type": "案由", "drug": "毒品种类", "seized_g": "缴获数量(克)",
        "plants": "毒品原植物(株)", "suspects": "抓获人数", "minor_suspects": "其中未成年人",
        "outflow_suspects": "外地抓获本地籍人数", "involves_out_of_control_user": "是否涉脱管失控吸毒人员",
        "severity": "影响程度", "target_level": "目标案件级别"},
    "indicators": {"period": "期间", "unit": "单位", "indicator": "指标", "value": "数值", "source": "来源"},
    "task_reports": {
        "unit": "报送单位", "task": "任务编号", "period": "报送期间", "kind": "类型", "reported_date": "报送日期",
        "progress": "进展", "done_text": "工作进展", "problems": "存在问题", "next_steps": "下步打算",
        "evidence": "佐证材料"},
}
COLUMNS: dict[str, list[str]] = {source: list(names) for source, names in HEADERS_ZH.items()}
LABELLED = {  # column → vocabulary whose codes it holds (rendered as code, Chinese label or mixed)
    "township": "township", "substance": "substance", "primary_drug": "substance", "drug": "substance",
    "subject_group": "subject_group", "control_status": "control_status", "risk_level": "risk_level",
    "category": "category", "case_type": "case_type", "severity": "severity",
    "target_level": "target_level", "kind": "report_kind", "progress": "progress",
}
DATE_STYLES = ("iso", "slash", "dot", "zh")
FIXED_ZIP_TIME = (2025, 1, 1, 0, 0, 0)
FIXED_CORE_TIME = "2025-01-01T00:00:00Z"


# =============================================================================================
# Tables, rendering and the one writer
# =============================================================================================
@dataclass(frozen=True)
class Style:
    """How a file spells things: header language, enumerations ('code', 'zh', 'mixed'), dates."""
    headers: str = "en"
    labels: str = "code"
    dates: str = "iso"


@dataclass
class Table:
    """One extract file: its text cells under English column names, and how to write it."""
    source: str
    path: str
    frame: pd.DataFrame
    headers: str = "en"
    fmt: str = "csv"
    encoding: str | None = "utf-8"
    newline: str = "\n"
    numeric: tuple[str, ...] = ()          # XLSX: columns written as number cells
    bad_rows: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)

    def plant(self, row: int, column: str, value: str, reason: str, warning: bool = False) -> None:
        """Overwrite one cell (0-based row) and record it, 1-based, as a bad row or a warning."""
        self.frame.iat[row, self.frame.columns.get_loc(column)] = value
        (self.warnings if warning else self.bad_rows).append(
            {"row": row + 1, "column": column, "reason": reason})

    def manifest_entry(self) -> dict:
        return {"source": self.source, "path": self.path, "rows": len(self.frame),
                "encoding": self.encoding, "headers": self.headers, "format": self.fmt,
                "bad_rows": sorted(self.bad_rows, key=lambda b: b["row"]),
                "warnings": sorted(self.warnings, key=lambda b: b["row"])}


@cache
def spellings(kind: str, code: str) -> tuple[str, ...]:
    """Every way an extract may write `code`: the code, its Chinese labels, street names."""
    if kind == "substance":
        row = next(s for s in domain.substances() if s["code"] == code)
        return (code, row["name_zh"], *filter(None, row["aliases"].split("|")))
    if kind == "township":
        row = next(t for t in domain.townships() if t["code"] == code)
        return (code, row["name_zh"], *filter(None, row["aliases"].split("|")))
    return (code, *domain.enums()[kind][code]["labels"])


def spell(kind: str, code: str, mode: str, rng: random.Random) -> str:
    if mode == "code" or code not in domain.labels(kind):
        return code
    if mode == "zh":
        return domain.labels(kind)[code].zh
    return rng.choice(spellings(kind, code))


def render_cell(column: str, value: object, style: Style, rng: random.Random) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, date):
        return fmt_date(value, rng.choice(DATE_STYLES) if style.dates == "mixed" else style.dates)
    if column in LABELLED:
        return spell(LABELLED[column], str(value), style.labels, rng)
    return str(value)


def render(source: str, rows: list[dict], style: Style, rng: random.Random) -> pd.DataFrame:
    """Rows of Python values (dates, bools, codes, preformatted numbers) → a frame of text cells."""
    columns = COLUMNS[source]
    cells = [[render_cell(c, row.get(c), style, rng) for c in columns] for row in rows]
    return pd.DataFrame(cells, columns=columns, dtype=object)


def table(source: str, path: str, rows: list[dict], style: Style, rng: random.Random, **kw) -> Table:
    return Table(source, path, render(source, rows, style, rng), headers=style.headers, **kw)


def _xlsx_cell(value: object, numeric: bool) -> object:
    if numeric and isinstance(value, str) and re.fullmatch(r"-?\d+(\.\d+)?", value):
        return float(value) if "." in value else int(value)
    return value


def _normalised_zip(data: bytes) -> bytes:
    """Rewrite an XLSX with fixed timestamps so the same content gives the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*", rb"\g<1>"
                              + FIXED_CORE_TIME.encode(), body)
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME), body,
                         compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _write_xlsx(path: Path, frame: pd.DataFrame, numeric: set[str]) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Sheet1")
    sheet.append(list(frame.columns))
    flags = [c in numeric for c in frame.columns]
    for row in frame.itertuples(index=False, name=None):
        sheet.append([_xlsx_cell(v, f) for v, f in zip(row, flags)])
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(_normalised_zip(buffer.getvalue()))


def _write_csv(path: Path, frame: pd.DataFrame, encoding: str, newline: str, progress: bool) -> None:
    starts = range(0, max(len(frame), 1), CSV_CHUNK_ROWS)
    chunks = tqdm(starts, desc=path.name, unit="chunk", leave=False, disable=not progress or len(starts) < 2)
    with open(path, "w", encoding=encoding, newline="") as handle:
        for start in chunks:
            frame.iloc[start:start + CSV_CHUNK_ROWS].to_csv(
                handle, index=False, header=start == 0, lineterminator=newline)


def write_table(root: Path, tab: Table, progress: bool = False) -> dict:
    """The one writer: CSV (any encoding, LF or CRLF) or XLSX (first sheet), English or Chinese headers."""
    path = root / tab.path
    path.parent.mkdir(parents=True, exist_ok=True)
    names = HEADERS_ZH[tab.source] if tab.headers == "zh" else {c: c for c in tab.frame.columns}
    numeric = {names[c] for c in tab.numeric}
    frame = tab.frame.rename(columns=names)
    if tab.fmt == "xlsx":
        _write_xlsx(path, frame, numeric)
    else:
        _write_csv(path, frame, tab.encoding or "utf-8", tab.newline, progress)
    return tab.manifest_entry()
