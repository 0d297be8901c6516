"""Privacy by construction: no identity number, name or birth date leaves the ingest step."""
from __future__ import annotations

import csv
import re
import stat


from pipelines.read import detect_encoding

ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
ID_IN_BYTES = re.compile(rb"\d{17}[\dXx]")
HAN_RUN = re.compile(r"[\u3400-\u9fff]+")


def read_rows(path):
    if path.suffix == ".xlsx":
        import pandas as pd
        return pd.read_excel(path, dtype=str).fillna("").to_dict("records")
    with open(path, encoding=detect_encoding(path), newline="") as f:
        return list(csv.DictReader(f))


def personal_values(landing) -> tuple[set[str], set[str], set[str]]:
    """Identity numbers, names and birth dates found in the extracts."""
    ids, names, births = set(), set(), set()
    for path in sorted(landing.rglob("*")):
        if path.suffix not in {".csv", ".xlsx"}:
            continue
        for row in read_rows(path):
            for k, v in row.items():
                if k in {"id_number", "身份证号"} and v:
                    ids.add(v.strip().upper())
                elif k in {"name", "姓名"} and v:
                    names.add(v.strip())
                elif k in {"birth_date", "出生日期"} and v:
                    births.add(v.strip())
    return ids, names, births


def names_in(names: set[str], text: str) -> set[str]:
    """The names that occur anywhere in `text`: every Han substring of a name's length, looked up in one set.

    One pass over the text instead of one search of the whole text per name (a thousand names × 23 MB)."""
    lengths = {len(n) for n in names}
    grams = {run[i:i + n] for run in HAN_RUN.findall(text) for n in lengths for i in range(len(run) - n + 1)}
    return names & grams


def all_text_values(warehouse) -> list[str]:
    import duckdb
    with duckdb.connect(str(warehouse), read_only=True) as con:
        cols = con.execute("select table_name, column_name from information_schema.columns "
                           "where data_type = 'VARCHAR'").fetchall()
        values = []
        for table, column in cols:
            values += [r[0] for r in con.execute(f'select distinct "{column}" from "{table}" '
                                                 f'where "{column}" is not null').fetchall()]
    return values


def test_the_extracts_do_hold_personal_data(demo_build):
    d = demo_build
    ids, names, births = personal_values(d.data_dir / "landing")
    assert len(ids) > 500 and len(names) > 500 and len(births) > 500


def test_no_identity_number_name_or_birth_date_in_the_warehouse(demo_build):
    d = demo_build
    ids, names, births = personal_values(d.data_dir / "landing")
    values = all_text_values(d.warehouse)
    assert values, "the warehouse holds text"
    joined = "\n".join(values)
    assert not ID_IN_TEXT.search(joined)
    assert not names_in(names, joined)
    raw = d.warehouse.read_bytes()
    assert not ids & {m.decode().upper() for m in ID_IN_BYTES.findall(raw)}
    assert not names_in(names, raw.decode("utf-8", errors="ignore"))


def test_the_name_search_finds_a_name_inside_other_text_and_inside_raw_bytes():
    raw = b"\x00\xff" + "登记张三丰在册".encode() + b"\x9c" + "李四".encode()
    assert names_in({"张三丰", "李四", "王五"}, raw.decode("utf-8", errors="ignore")) == {"张三丰", "李四"}


def test_no_birth_date_column_and_no_birth_dates_stored(demo_build):
    import duckdb
    d = demo_build
    with duckdb.connect(str(d.warehouse), read_only=True) as con:
        columns = {r[0] for r in con.execute("select column_name from information_schema.columns").fetchall()}
    assert not columns & {"birth_date", "id_number", "name"}


def test_nothing_personal_in_what_the_commands_print(demo_build):
    d, printed = demo_build, demo_build.printed
    ids, names, _ = personal_values(d.data_dir / "landing")
    assert "隔离" in printed  # the demo's bad rows were reported …
    assert not ID_IN_TEXT.search(printed)  # … with masked numbers only
    assert not [n for n in names if n in printed]
    assert re.search(r"\d{6}\*{8}[\dX]{4}", printed), "quarantined registry rows point back by masked number"


def test_key_file_is_private(demo_build):
    d = demo_build
    key = d.key
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and len(key.read_bytes()) == 32


def test_same_person_same_pseudonym_across_snapshots_and_sources(demo_build):
    import duckdb
    d = demo_build
    with duckdb.connect(str(d.warehouse), read_only=True) as con:
        followed = con.execute("select count(*) from (select person_key from fact_registry group by 1 "
                               "having count(distinct snapshot_date) > 1)").fetchall()[0][0]
        matched = con.execute("select count(distinct h.person_key) from fact_hair h join fact_registry r "
                              "using (person_key)").fetchall()[0][0]
    assert followed > 100 and matched > 10


def test_nothing_personal_in_briefings(demo_build, tmp_path, monkeypatch):
    """Every format of an internal briefing (the fuller one) built from the demo: no number, no name."""
    from docx import Document
    from pypdf import PdfReader

    from briefings import cli

    d = demo_build
    monkeypatch.setenv("WAREHOUSE_PATH", str(d.warehouse))
    assert cli.main(["build", "--period", "2024", "--out", str(tmp_path)]) == 0
    [folder] = list(tmp_path.iterdir())
    text = (next(folder.glob("*.html")).read_text(encoding="utf-8")
            + "\n".join(p.text for p in Document(next(folder.glob("*.docx"))).paragraphs)
            + "\n".join(page.extract_text() for page in PdfReader(next(folder.glob("*.pdf"))).pages))
    ids, names, _ = personal_values(d.data_dir / "landing")
    assert "乌拉特前旗" in text                          # the briefing was read
    assert not ID_IN_TEXT.search(text)
    assert not [n for n in names if len(n) >= 2 and n in text]
