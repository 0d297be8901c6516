"""Every mart is documented beside its SQL (as dbt models are): the YAML lists exactly the mart's columns, in
order, each in Chinese and English, and its unique key holds. Contract relations carry their columns.
Intermediate relations (int_*, inputs to marts that may hold pseudonyms) follow the same rules."""
from __future__ import annotations

import functools
import re
from pathlib import Path

import pytest
import yaml

import warehouse
from tests.conftest import env_at, load_every_fixture
from tests.marts_helpers import query

SQL_FILES = warehouse.mart_files()
CONTRACT = {  # contract.md §4: relation → required columns
    "mart_wastewater_loads": ["sample_date", "quarter", "site_id", "township_code", "substance", "below_loq",
                              "concentration_ng_l", "flow_m3_d", "population_served", "load_mg_day",
                              "load_mg_day_per_1000"],
    "mart_hair_positivity": ["quarter", "township_code", "subject_group", "substance", "tested", "positive",
                             "positivity_rate"],
    "mart_hair_samples": ["quarter", "township_code", "subject_group", "samples", "persons", "positive_samples",
                          "positive_persons", "positivity_rate"],
    "mart_registry_township": ["snapshot_date", "township_code", "existing_users", "out_of_control", "abstinent_3y",
                               "face_check_rate", "info_verified_rate", "community_execution_rate",
                               "users_per_case_worker", "over_listing_threshold"],
    "mart_cases_quarter": ["quarter", "township_code", "case_type", "drug", "cases", "suspects", "seized_g",
                           "outflow_suspects"],
    "mart_five_never": ["year", "event", "count"],
    "mart_four_up_four_down": ["year", "indicator", "value", "previous_value", "expected_direction", "achieved"],
    "mart_six_zero": ["year", "target", "status", "failed_checks"],
    "mart_task_compliance": ["unit", "period", "due_date", "reported_date", "status"],
}


@functools.cache
def doc(sql_file: Path) -> dict:
    """The mart's documentation, parsed once per test process (read only: the tests of every mart ask for every
    other's)."""
    return yaml.safe_load(sql_file.with_suffix(".yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def loaded(tmp_path_factory, empty_warehouse):
    """A warehouse with every tests/data extract loaded, so that every mart has rows."""
    env = env_at(tmp_path_factory.mktemp("docs"), empty_warehouse)
    with pytest.MonkeyPatch.context() as mp:
        for name, value in env.variables().items():
            mp.setenv(name, value)
        load_every_fixture()
    return env.warehouse


@pytest.fixture
def wh(loaded, monkeypatch):
    monkeypatch.setenv("WAREHOUSE_PATH", str(loaded))


def columns(table: str) -> list[str]:
    return [r[0] for r in query("select column_name from information_schema.columns where table_name = ? "
                                "order by ordinal_position", [table])]


def test_every_mart_sql_has_its_yaml_and_the_reverse():
    marts = warehouse.MARTS_DIR
    assert {p.stem for p in marts.glob("*.sql")} == {p.stem for p in marts.glob("*.yml")}


@pytest.mark.parametrize("sql_file", SQL_FILES, ids=lambda p: p.stem)
def test_yaml_names_the_table_its_sql_creates(sql_file):
    created = re.findall(r"create or replace (?:table|view) (\w+)", sql_file.read_text(encoding="utf-8"))
    assert re.fullmatch(r"(mart|int)_\w+", created[0])
    assert created == [doc(sql_file)["name"]]
    assert sql_file.stem.split("_", 1)[1] == doc(sql_file)["name"]


@pytest.mark.parametrize("sql_file", SQL_FILES, ids=lambda p: p.stem)
def test_mart_columns_equal_the_documented_columns(wh, sql_file):
    d = doc(sql_file)
    assert columns(d["name"]) == list(d["columns"])
    for name, text in d["columns"].items():
        assert str(text.get("zh", "")).strip() and str(text.get("en", "")).strip(), name
    for key in ("grain", "description_zh", "description_en", "unique_key"):
        assert d.get(key), key


NEED_MORE_THAN_THE_FIXTURES = {
    "mart_early_warnings",      # quarters of history: tested in test_marts_warnings
    "int_quarantined_cases",    # a bad case row: tested in test_quarantine_cards
}


@pytest.mark.parametrize("sql_file", SQL_FILES, ids=lambda p: p.stem)
def test_mart_unique_key_holds(wh, sql_file):
    d = doc(sql_file)
    key = ", ".join(f'"{c}"' for c in d["unique_key"])
    if d["name"] not in NEED_MORE_THAN_THE_FIXTURES:
        assert query(f"select count(*) from {d['name']}")[0][0] > 0, "fixture data should give every mart rows"
    assert query(f"select {key}, count(*) from {d['name']} group by all having count(*) > 1") == []


def test_every_mart_in_the_warehouse_is_documented(wh):
    tables = {r[0] for r in query("select table_name from information_schema.tables "
                                  "where table_name like 'mart\\_%' escape '\\' or table_name like 'int\\_%' escape '\\'")}
    assert tables == {doc(p)["name"] for p in SQL_FILES}


@pytest.mark.parametrize("relation", CONTRACT)
def test_contract_relations_have_their_columns(wh, relation):
    assert set(CONTRACT[relation]) <= set(columns(relation))


def test_contract_types_years_quarters_flags_and_rates(wh):
    types = {(t, c): d for t, c, d in query("select table_name, column_name, data_type from "
                                             "information_schema.columns where table_name like 'mart_%'")}
    for (table, col), dtype in types.items():
        if col == "year":
            assert dtype == "INTEGER", (table, col, dtype)
        if col in ("over_listing_threshold", "achieved", "below_loq", "provisional", "has_data"):
            assert dtype == "BOOLEAN", (table, col, dtype)
        if col == "quarter":
            bad = query(f"select quarter from {table} where not regexp_full_match(quarter, '\\d{{4}}Q[1-4]')")
            assert bad == [], (table, bad)
        if col.endswith("_rate") and dtype == "DOUBLE":
            out = query(f"select {col} from {table} where {col} < 0 or {col} > 100")
            assert out == [], (table, col, out)


@pytest.mark.parametrize("sql_file", SQL_FILES, ids=lambda p: p.stem)
def test_a_mart_reads_only_marts_built_before_it(sql_file):
    """build_marts runs the files in name order: a mart may read earlier marts only."""
    order = {doc(p)["name"]: i for i, p in enumerate(SQL_FILES)}
    code = "\n".join(line.split("--")[0] for line in sql_file.read_text(encoding="utf-8").splitlines())
    me = order[doc(sql_file)["name"]]
    for name in set(re.findall(r"\b(?:mart|int)_\w+", code)) - {doc(sql_file)["name"]}:
        assert order[name] < me, f"{sql_file.name} reads {name}, which is built later"


def test_only_intermediate_relations_hold_pseudonyms(wh):
    """Marts are what pages and exports read: no person_key in any of them."""
    holders = {r[0] for r in query("select table_name from information_schema.columns where column_name = 'person_key'")}
    assert not {t for t in holders if t.startswith("mart_")}
