"""A quarantined case row that could change a status is named on the card of its year (issue 8, item 4).

The quarantine keeps a bad row's values only for sources with nothing personal (domain/sources.yaml keeps_raw):
cases, indicators, wastewater; never registry or hair."""
from __future__ import annotations

import json

import pytest

import i18n

from tests.conftest import fixture, rewrite
from tests.marts_helpers import check, query, target

FILE = "cases_bad.csv"


def bad_cases(tmp_path, filed_date: str):
    """The cases fixture with C-2024-001 (a region-level target case) given `filed_date`, C-2024-002 with a
    negative number of suspects, and C-2024-006 moved to 2023 (so there are two years' cards)."""
    def edit(rows):
        col = rows[0].index
        rows[1][col("filed_date")] = filed_date
        rows[2][col("suspects")] = "-1"
        rows[6][col("filed_date")] = "2023-08-19"
        return rows
    return rewrite(fixture("cases"), tmp_path / FILE, edit=edit)


@pytest.fixture
def loaded(env, run_cli, tmp_path, monkeypatch):
    def load(filed_date: str) -> None:
        monkeypatch.setenv("QUARANTINE_MAX_PERCENT", "50")
        code, out = run_cli("ingest", "cases", bad_cases(tmp_path, filed_date))
        assert code == 0 and "4 rows loaded, 2 quarantined" in out, out
    return load


def named(year: int, name: str) -> list[tuple]:
    return [(q["file_name"], q["row_number"], q["faulty"], q["year_known"],
             {s["column"]: s["value"] for s in q["says"]}) for q in check(year, name)["quarantined"]]


def test_a_target_case_with_an_unreadable_date_is_named_on_its_years_card_only(loaded):
    loaded("2024-13-45")
    row = (FILE, 1, ["filed_date"], True, {"target_level": "region"})
    assert named(2024, "target_cases") == [row]
    assert named(2023, "target_cases") == []                       # its year reads 2024
    assert [q["row_number"] for q in target(2024, "zero_tolerance")["quarantined"]] == [1]
    everywhere = query("select distinct unnest(quarantined).row_number from mart_six_zero_checks")
    assert everywhere == [(1,)]                                    # the negative-suspects row changes no status


def test_a_row_whose_year_cannot_be_read_is_named_on_every_years_card(loaded):
    loaded("不详")
    for year in (2023, 2024):
        assert named(year, "target_cases") == [(FILE, 1, ["filed_date"], False, {"target_level": "region"})]


def test_the_quarantine_keeps_what_the_row_says_masked_and_cut(loaded):
    loaded("2024-13-45 110101199003071234 " + "x" * 80)
    [(raw,)] = query("select raw_values from quarantine where row_number = 1")
    values = json.loads(raw)
    assert values["case_id"] == "C-2024-001" and values["target_level"] == "region"
    assert "110101199003071234" not in raw and "***" in values["filed_date"] and len(values["filed_date"]) <= 40


def test_registry_and_hair_quarantines_keep_no_values(env, run_cli, tmp_path, monkeypatch):
    """Sources with identity numbers and names never keep a quarantined row's values (only cases, indicators
    and wastewater do); the wastewater row keeps its own."""
    monkeypatch.setenv("QUARANTINE_MAX_PERCENT", "50")
    for source, column in (("registry", "id_number"), ("hair", "collection_date"), ("wastewater", "flow_m3_d")):
        def edit(rows, column=column):
            rows[1][rows[0].index(column)] = "110101199003071235" if column == "id_number" else "坏值"
            return rows
        code, out = run_cli("ingest", source, rewrite(fixture(source), tmp_path / f"{source}_bad.csv", edit=edit))
        assert code == 0 and "1 quarantined" in out, out
    kept = dict(query("select source, raw_values from quarantine"))
    assert kept["registry"] is None and kept["hair"] is None
    assert json.loads(kept["wastewater"])["flow_m3_d"] == "坏值"


@pytest.mark.parametrize("lang, says", [
    ("zh", "案件文件 cases_bad.csv 第1行（C-2024-001）：立案日期无法识别，目标案件级别=自治区级"),
    ("en", "Cases file cases_bad.csv, row 1 (C-2024-001): filed_date unreadable, target_level = Region-level")])
def test_the_card_names_the_row_with_the_way_to_the_data_quality_page(loaded, lang, says):
    """The 零容忍 card of 2024 names the target-case row, what it says, and opens the data-quality page."""
    from tests.app_helpers import open_page, texts

    loaded("2024-13-45")
    at = open_page("overview", lang)
    assert not at.exception
    [warning] = [w.value for w in at.warning if says in w.value]
    assert warning.startswith(i18n.t("qc.heading", lang, n=1))
    assert "C-2024-002" not in "\n".join(texts(at))                # the negative-suspects row is on no card
    at.button(key="quality_zero_tolerance").click().run()
    assert not at.exception
    assert i18n.t("page.quality", lang) in [t.value for t in at.title]
    [kept] = [d.value for d in at.dataframe if i18n.t("col.raw_values", lang) in d.value.columns]
    says = set(kept[i18n.t("col.raw_values", lang)])
    assert any(s.startswith("case_id=C-2024-001; filed_date=2024-13-45;") for s in says), says


def test_a_cultivation_case_with_a_bad_plant_count_is_named_on_zero_leakage(env, run_cli, tmp_path, monkeypatch):
    """零种植、零产量: a cultivation case of any size breaks 零漏管, so one the quarantine holds could
    change it."""
    monkeypatch.setenv("QUARANTINE_MAX_PERCENT", "50")
    def edit(rows):
        col = rows[0].index
        rows[4][col("case_type")], rows[4][col("plants")] = "非法种植毒品原植物", "三十六"
        return rows
    code, out = run_cli("ingest", "cases", rewrite(fixture("cases"), tmp_path / FILE, edit=edit))
    assert code == 0, out
    assert named(2024, "cultivation") == [(FILE, 4, ["plants"], True, {"case_type": "cultivation"})]
    assert named(2024, "target_cases") == [] and named(2024, "manufacturing") == []


def events_named(year: int) -> dict[str, list[int]]:
    return {event: [q["row_number"] for q in rows] for event, rows in
            query("select event, quarantined from mart_five_never where year = ? order by event", [year])}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_quarantined_row_that_could_be_a_five_never_event_is_named_under_the_list(env, run_cli, tmp_path,
                                                                                   monkeypatch, lang):
    """坚决不能发生制造毒品案件 / 脱管失控吸毒人员引起的重大违法犯罪案件: a manufacturing case whose seizure cannot be read,
    and a major criminal case of an out-of-control user whose suspects cannot be, are quarantined; each is
    named under the five-never list as what it could be, and nowhere else on that list."""
    from tests.app_helpers import open_page

    monkeypatch.setenv("QUARANTINE_MAX_PERCENT", "50")
    def edit(rows):
        col = rows[0].index
        rows[1][col("case_type")], rows[1][col("seized_g")] = "制造毒品", "十二克"
        rows[2][col("category")], rows[2][col("involves_out_of_control_user")] = "刑事", "是"
        rows[2][col("severity")], rows[2][col("suspects")] = "重大", "-1"
        return rows
    code, out = run_cli("ingest", "cases", rewrite(fixture("cases"), tmp_path / FILE, edit=edit))
    assert code == 0 and "2 quarantined" in out, out
    named_2024 = events_named(2024)
    assert named_2024["manufacturing"] == [1] and named_2024["out_of_control_crime"] == [2]
    assert named_2024["mass_cultivation"] == named_2024["user_incident_major"] == named_2024["student_use"] == []
    assert [q["row_number"] for q in check(2024, "manufacturing")["quarantined"]] == [1]   # the 零漏管 card too
    at = open_page("overview", lang, **{"from": "2024Q1", "to": "2024Q4"})
    assert not at.exception
    event = {"zh": "制造毒品案件或非法生产制毒物品案件", "en": "Drug manufacturing or precursor production cases"}[lang]
    [warning] = [w.value for w in at.warning if w.value.startswith(i18n.t("qc.event_heading", lang, event=event, n=1))]
    assert FILE in warning and "C-2024-001" in warning


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_loaded_case_a_blank_field_leaves_open_is_named_under_the_list(env, run_cli, tmp_path, lang):
    """A cultivation case loaded without its plant count may be 大规模非法种植: its event is no data (never 未发生)
    and the case is named under the five-never list, with what to complete."""
    from tests.app_helpers import open_page

    def edit(rows):
        col = rows[0].index
        rows[1][col("case_type")], rows[1][col("plants")] = "cultivation", ""
        return rows
    code, out = run_cli("ingest", "cases", rewrite(fixture("cases"), tmp_path / FILE, edit=edit))
    assert code == 0 and "0 quarantined" in out, out
    [(name, status, undecided)] = query(f"select description_{lang}, status, undecided from mart_five_never "
                                        "where year = 2024 and event = 'mass_cultivation'")
    assert (status, undecided) == ("no_data", ["C-2024-001"])
    at = open_page("overview", lang, **{"from": "2024Q1", "to": "2024Q4"})
    assert not at.exception
    [warning] = [w.value for w in at.warning if name in w.value and "C-2024-001" in w.value]
    assert warning == i18n.t("rules.undecided_cases", lang, event=name, n=1, cases="C-2024-001")
