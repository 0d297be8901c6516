"""The base marts against hand-computed values from tests/data."""
from __future__ import annotations

import pytest

from tests.conftest import fixture, fixture_loaded


def loads(env) -> dict[tuple[str, str], tuple]:
    rows = env.query("select sample_id, substance, below_loq, concentration_ng_l, load_mg_day, "
                     "load_mg_day_per_1000, quarter, day_class from mart_wastewater_loads")
    return {(r[0], r[1]): r[2:] for r in rows}


def test_load_arithmetic_on_hand_computed_rows(env, built, run_cli):
    built.into(env, fixture_loaded("wastewater"))
    m = loads(env)
    # WW-240305-01, methamphetamine: 45.5 ng/L × 20,000 m³/d ÷ 1000 = 910 mg/d; ÷ (90,000 ÷ 1000) = 10.111…
    below, conc, load, per_1000, quarter, day = m[("WW-240305-01", "methamphetamine")]
    assert (below, conc, quarter, day) == (False, 45.5, "2024Q1", "weekday")  # 2024-03-05 is a Tuesday
    assert load == pytest.approx(910.0)
    assert per_1000 == pytest.approx(910.0 / 90.0)
    # WW-240305-02, morphine: 12 × 3000 ÷ 1000 = 36 mg/d; ÷ 20 = 1.8
    assert m[("WW-240305-02", "morphine")][3] == pytest.approx(1.8)
    assert len(m) == 8


@pytest.mark.parametrize("sample, substance", [("WW-240305-01", "ketamine"),      # <LOQ
                                               ("WW-240305-02", "methamphetamine"),  # ND
                                               ("WW-240305-02", "cocaine")])      # empty
def test_below_loq_counts_zero_and_is_flagged(env, built, run_cli, sample, substance):
    built.into(env, fixture_loaded("wastewater"))
    below, conc, load, per_1000, *_ = loads(env)[(sample, substance)]
    assert below is True and conc == 0 and load == 0 and per_1000 == 0


def test_below_loq_rule_half_loq_is_a_setting(env, run_cli, monkeypatch):
    monkeypatch.setenv("BELOW_LOQ_RULE", "half_loq")
    run_cli("ingest", "wastewater", fixture("wastewater"))
    below, conc, load, per_1000, *_ = loads(env)[("WW-240305-01", "ketamine")]
    # LOQ 2 ng/L → 1 ng/L × 20,000 ÷ 1000 = 20 mg/d; ÷ 90 per 1000
    assert below is True and conc == 1 and per_1000 == pytest.approx(20 / 90)


def test_rebuild_applies_a_changed_setting(env, built, run_cli, monkeypatch):
    built.into(env, fixture_loaded("wastewater"))
    assert loads(env)[("WW-240305-01", "ketamine")][1] == 0
    monkeypatch.setenv("BELOW_LOQ_RULE", "half_loq")
    assert run_cli("rebuild")[0] == 0
    assert loads(env)[("WW-240305-01", "ketamine")][1] == 1


def test_cases_by_quarter_township_type_and_drug(env, built, run_cli):
    built.into(env, fixture_loaded("cases"))
    rows = env.query("select quarter, township_code, case_type, drug, cases, suspects, seized_g, outflow_suspects, "
                     "target_cases from mart_cases_quarter order by all")
    assert rows == [
        ("2024Q1", "150823100", "trafficking", "methamphetamine", 1, 2, 12.5, 0, 1),
        ("2024Q1", "150823102", "drug_use", "heroin", 1, 1, 0.3, 0, 0),
        ("2024Q2", "150823105", "harbouring", "ketamine", 1, 1, 1.2, 0, 0),
        ("2024Q2", "outside", "trafficking", "cnb", 0, 0, 0.0, 3, 0),   # 外地: outflow only (contract §4)
        ("2024Q3", "150823100", "drug_use", "methamphetamine", 1, 1, 0.1, 0, 0),
        ("2024Q3", "150823102", "user_incident", "unspecified", 1, 1, 0.0, 0, 0),
    ]


def test_rebuild_drops_a_mart_whose_sql_is_gone(env, run_cli):
    import duckdb
    run_cli("ingest", "cases", fixture("cases"))
    with duckdb.connect(str(env.warehouse)) as con:  # a table an older version of the marts defined
        con.execute("create table mart_obsolete as select 1 as x")
    assert run_cli("rebuild")[0] == 0
    tables = {r[0] for r in env.query("select table_name from information_schema.tables")}
    assert "mart_obsolete" not in tables and "mart_cases_quarter" in tables
