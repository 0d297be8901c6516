"""Personal data inside extracts' text and messages (fuzz findings): an identity number however it is written, in
any text column of any source, quarantines its row masked and is stored nowhere; an unknown code of a personal
extract is not repeated; rates stay within 0–100; a fractional count is named as not whole."""
from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

import domain
from domain import identity
from domain.sources import sources
from pipelines import normalise
from tests.conftest import fixture, rewrite

VALID = "150823199202021232"                 # checksum right
VALID_MASKED = "150823********1232"


@pytest.fixture
def lenient(monkeypatch: pytest.MonkeyPatch) -> None:
    """Small files with bad rows: the 5 % rejection limit would reject them whole."""
    monkeypatch.setenv("QUARANTINE_MAX_PERCENT", "100")


def load(run_cli, tmp_path: Path, source: str, edit) -> tuple[int, str]:
    """`source`'s fixture with its rows edited by `edit(rows)` (header first), loaded with `ingest`."""
    return run_cli("ingest", source, rewrite(fixture(source), tmp_path / f"{source}.csv", edit=edit))


def set_cells(changes: dict[tuple[int, str], str]):
    """An `edit` putting each value at (data row, column)."""
    def edit(rows: list[list[str]]) -> list[list[str]]:
        for (row, column), value in changes.items():
            rows[row][rows[0].index(column)] = value
        return rows
    return edit


def quarantined(env) -> dict[int, str]:
    return dict(env.query("select row_number, reasons from quarantine"))


def assert_nowhere(env, out: str, *texts: str) -> None:
    """None of `texts` in what the command printed nor in any text value of any relation of the warehouse."""
    tables = [t for (t,) in env.query("select table_name from information_schema.tables")]
    for text in texts:
        assert text not in out, text
        for table in tables:
            assert not env.query(f'select 1 from "{table}" t where strpos(t::varchar, ?) > 0', [text]), (table, text)


# --- 1. identity numbers however written, in the task reports' free text ---------------------------------------
WRITTEN = [     # (column, text, masked number, digits as written)
    ("done_text", "走访150823 19850312 0010家属", "150823********0010", "150823 19850312 0010"),
    ("problems", "身份证150823-19850312-0010", "150823********0010", "150823-19850312-0010"),
    ("next_steps", "走访１５０８２３１９８５０３１２００１０家属", "150823********0010", "１５０８２３１９８５０３１２００１０"),
    ("evidence", "走访150823850312001家属", "150823*****2001", "150823850312001"),
    ("done_text", "核查11010519491231002x", "110105********002X", "11010519491231002x"),
    ("problems", "核查１１０１０５　１９４９１２３１　００２ｘ", "110105********002X", "１１０１０５　１９４９１２３１　００２ｘ"),
]


def test_an_identity_number_written_in_any_form_is_quarantined_masked_and_stored_nowhere(env, run_cli, tmp_path,
                                                                                         lenient):
    code, out = load(run_cli, tmp_path, "task_reports",
                     set_cells({(n + 1, column): text for n, (column, text, _, _) in enumerate(WRITTEN)}))
    assert code == 0, out
    zh = {c.name: c.zh for c in sources()["task_reports"].columns}
    assert quarantined(env) == {
        n + 1: f"{zh[column]}({column}): 文本中含身份证号（{masked}），该行未入库，请删除后重报 / the text holds an "
               f"identity number ({masked}): the row was not stored. Remove it and report again"
        for n, (column, _, masked, _) in enumerate(WRITTEN)}
    assert_nowhere(env, out, *{w for *_, w in WRITTEN}, "150823198503120010", "150823850312001", "11010519491231002")


ORDINARY = ["联系电话13912345678，经费12,500.00元", "2024-03-05走访，3月5日复查", "前公发〔2024〕3号，卷宗号110105194912310021",
            "编号150823 19850312 0011（校验位不符）", "旧号150823851312001（无此日期）", "订单1508238503120019共16位",
            "账号6222 0212 3456 7890"]


def test_ordinary_numbers_in_text_load_as_written(env, run_cli, tmp_path, lenient):
    """Phone numbers, amounts, dates, file numbers, 18 characters with a wrong check character, 15 digits with
    no real date, a 16-digit run: none is an identity number."""
    columns = ["done_text", "problems", "next_steps", "evidence"]
    code, out = load(run_cli, tmp_path, "task_reports", set_cells(
        {(n // 4 + 1, columns[n % 4]): text for n, text in enumerate(ORDINARY)}))
    assert code == 0, out
    assert quarantined(env) == {}
    stored = "\n".join(str(v) for row in env.query("select done_text, problems, next_steps, evidence "
                                                   "from fact_task_reports") for v in row)
    assert all(text in stored for text in ORDINARY), stored


# --- 2. every text column of every source ----------------------------------------------------------------------
TEXT_COLUMNS = [(s.name, c.name) for s in sources().values() for c in s.columns if c.type in {"text", "free_text"}]


def test_the_text_columns_are_those_of_every_source():
    assert {s for s, _ in TEXT_COLUMNS} == set(sources())
    assert ("registry", "case_worker_id") in TEXT_COLUMNS and ("wastewater", "lab") in TEXT_COLUMNS


@pytest.mark.parametrize("source", sorted(sources()))
def test_each_text_column_is_searched_for_identity_numbers_once(source):
    """The normalising statement writes each text column's search once, however many times its issue reads the
    numbers found: DuckDB plans every copy of an expression, and six copies made a small file's load plan its
    normalising four times as long."""
    s = sources()[source]
    sql = normalise.norm_sql(s, [c.name for c in s.columns], date(2026, 12, 1), b"k" * 32)
    search = f"{identity.BEFORE}({identity.WRITTEN_18})"
    assert sql.count(search) == sum(name == source for name, _ in TEXT_COLUMNS) >= 1


@pytest.mark.parametrize("source, column", TEXT_COLUMNS)
def test_an_identity_number_in_any_text_column_is_quarantined_masked(env, run_cli, tmp_path, lenient, source, column):
    written = "150823-19920202-1232"
    code, out = load(run_cli, tmp_path, source, set_cells({(1, column): written}))
    assert code == 0, out
    reasons = quarantined(env)
    assert list(reasons) == [1], reasons
    assert f"({column}): 文本中含身份证号（{VALID_MASKED}）" in reasons[1]
    assert_nowhere(env, out, VALID, written)


# --- 3. an unknown code of a personal extract is not repeated ---------------------------------------------------
def swap_name_and_sex(rows: list[list[str]]) -> list[list[str]]:
    header = rows[0]
    i, j = header.index("name"), header.index("sex")
    header[i], header[j] = header[j], header[i]
    return rows


@pytest.mark.parametrize("source, edit, value, repeated", [
    ("registry", swap_name_and_sex, "王建国", False),
    ("hair", set_cells({(1, "subject_group"): "张明"}), "张明", False),
    ("cases", set_cells({(1, "category"): "不存在类"}), "不存在类", True),
])
def test_an_unknown_code_is_repeated_only_where_rows_are_not_personal(env, run_cli, tmp_path, lenient, source, edit,
                                                                      value, repeated):
    code, out = load(run_cli, tmp_path, source, edit)
    assert code == 0, out
    reasons = quarantined(env)[1]
    if repeated:
        assert f"未知的取值“{value}” / unknown value '{value}'" in reasons
        return
    column = "sex" if source == "registry" else "subject_group"
    assert (f"({column}): 未知的取值：不是可接受的代码之一（该文件含个人信息，不显示原值） / unknown value: not one of the "
            "accepted codes (the value is not repeated, as the file holds personal data)") in reasons
    assert_nowhere(env, out, value)


# --- 4. rates are percentages, 0–100 ---------------------------------------------------------------------------
def rate_indicators() -> set[str]:
    """The indicators the domain calls rates: unit % in four_up_four_down.csv, or a code ending in _rate or _share
    (as targets.csv names them)."""
    percent = {r["indicator"] for r in domain.read_csv("four_up_four_down.csv") if r["unit"] == "%"}
    named = {c for c in domain.codes("indicator") if c.endswith(("_rate", "_share"))}
    return (percent | named) & set(domain.codes("indicator"))


def write_indicators(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["period", "unit", "indicator", "value", "source"], *rows])
    return path


def test_a_rate_above_100_is_quarantined_and_100_loads(env, run_cli, tmp_path, lenient):
    rates = sorted(rate_indicators())
    assert {"satisfaction_rate", "awareness_rate", "intelligence_case_share"} <= set(rates)
    assert all(c in rates for c, label in domain.labels("indicator").items() if "%" in label.en)
    others = sorted(set(domain.codes("indicator")) - set(rates))
    rows = ([["2024", "150823", c, "100", "问卷"] for c in rates] + [["2024", "150823", c, "200", "台账"] for c in others]
            + [["2023", "150823", c, "100.5", "问卷"] for c in rates]
            + [["2022", "150823", "satisfaction_rate", "200", "问卷"]])
    code, out = run_cli("ingest", "indicators", write_indicators(tmp_path / "rates.csv", rows))
    assert code == 0, out
    bad = range(len(rates) + len(others) + 1, len(rows) + 1)
    assert set(quarantined(env)) == set(bad)
    assert set(quarantined(env).values()) == {"数值：比率类指标以百分数计，不得超过100 / value: a rate is a percentage, at most 100"}
    assert f"第{bad[-1]}行 / row {bad[-1]}" in out
    assert env.count("fact_indicators") == len(rates) + len(others)


# --- 5. a fractional count is not a whole number ----------------------------------------------------------------
@pytest.mark.parametrize("plants, words", [("1.5", "不是整数 / not a whole number"), ("2e12", "值超出可信范围")])
def test_a_fractional_count_is_not_a_whole_number(env, run_cli, tmp_path, lenient, plants, words):
    code, out = load(run_cli, tmp_path, "cases", set_cells({(2, "plants"): plants}))
    assert code == 0, out
    reasons = quarantined(env)
    assert list(reasons) == [2] and reasons[2].startswith(f"毒品原植物(株)(plants): {words}"), reasons
