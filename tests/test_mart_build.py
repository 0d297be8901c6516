"""How the marts are rebuilt: in dependency order, two at a time, the same marts as one by one; after a load only
those that read what it wrote, the same marts as a full rebuild; the reference tables reloaded only when what they
are made from changed."""
from __future__ import annotations

import math
import shutil

import duckdb
import pytest

import warehouse
from pipelines.ingest import RUN_RECORDS
from tests.conftest import fixture, fixture_loaded, rewrite


def derived_tables(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    """Every mart and int table, all rows in a fixed order."""
    names = [r[0] for r in con.execute("select table_name from information_schema.tables where table_schema = "
                                       "'main' and (table_name like 'mart_%' or table_name like 'int_%')").fetchall()]
    return {n: sorted(con.execute(f"select * from {n}").fetchall(), key=repr) for n in sorted(names)}


def same(a, b) -> bool:
    """Equal, floats to 1e-9 relative (a parallel sum may differ in its last bits from one run to the next)."""
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12) or (math.isnan(a) and math.isnan(b))
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


def assert_same_marts(a: dict[str, list[tuple]], b: dict[str, list[tuple]], min_rows: int) -> None:
    """Both hold every mart, more than `min_rows` rows in all, each mart the same rows (`same`)."""
    assert a.keys() == b.keys() and len(a) == len(warehouse.mart_files())
    assert sum(map(len, a.values())) > min_rows
    for name in a:
        assert same(a[name], b[name]), name


def test_two_at_a_time_builds_the_same_marts_as_one_by_one(demo_build, tmp_path, monkeypatch):
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(demo_build.warehouse.read_bytes())
    with duckdb.connect(str(copy)) as con:
        monkeypatch.setenv("MART_BUILD_WORKERS", "1")
        warehouse.build_marts(con)
        one_by_one = derived_tables(con)
        monkeypatch.setenv("MART_BUILD_WORKERS", "2")
        warehouse.build_marts(con)
        two_at_a_time = derived_tables(con)
    assert_same_marts(one_by_one, two_at_a_time, min_rows=1000)


def fresh() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    warehouse.apply_schema(con)
    warehouse.load_reference(con)
    warehouse.store_settings(con)
    warehouse.set_variables(con, warehouse.mart_variables())
    return con


@pytest.mark.parametrize("sql_file", warehouse.mart_files(), ids=lambda f: f.stem)
def test_a_mart_builds_after_its_dependencies_alone(sql_file):
    """The dependencies found for a mart are all it needs: built in a warehouse holding only them, it builds
    (a table left out would be "does not exist"), and each lies before it in the build order."""
    needs = warehouse.mart_dependencies()
    closure, todo = set(), [sql_file]
    while todo:
        for dep in needs[todo.pop()]:
            if dep not in closure:
                closure.add(dep)
                todo.append(dep)
    assert all(dep < sql_file for dep in closure)
    con = fresh()
    for dep in sorted(closure):
        con.execute(dep.read_text(encoding="utf-8"))
    con.execute(sql_file.read_text(encoding="utf-8"))


def test_the_six_zero_checks_wait_for_the_marts_they_read():
    needs = {f.stem: {d.stem for d in deps} for f, deps in warehouse.mart_dependencies().items()}
    assert {"05_mart_six_zero_rules", "30_mart_wastewater_quarterly", "50_mart_registry_township",
            "55_mart_cases_year"} <= needs["80_mart_six_zero_checks"]
    assert needs["20_mart_cases_quarter"] == set()


def test_a_mart_calling_a_macro_waits_for_the_file_that_creates_it(tmp_path):
    """A macro lives in the warehouse, not in one connection: the file that calls it depends on the one that
    creates it, even when it reads none of that file's tables."""
    rules, caller = tmp_path / "05_mart_rules.sql", tmp_path / "60_mart_caller.sql"
    texts = {rules: "create or replace macro doubled(x) as 2 * x;\n"
                    "create or replace table mart_rules as select 1 as one;",
             caller: "create or replace table mart_caller as select doubled(21) as answer;"}
    assert warehouse.mart_dependencies(texts) == {rules: set(), caller: {rules}}


def test_reference_tables_are_reloaded_only_when_what_they_come_from_changed(monkeypatch):
    con = fresh()
    townships = con.execute("select count(*) from ref_townships").fetchall()[0][0]
    con.execute("delete from ref_townships where code = '150823100'")
    warehouse.load_reference(con)               # nothing changed: the tables are kept as they are
    assert con.execute("select count(*) from ref_townships").fetchall()[0][0] == townships - 1
    monkeypatch.setenv("TREND_ALPHA", "0.1")    # a setting they are made from changed: loaded again
    warehouse.load_reference(con)
    assert con.execute("select count(*) from ref_townships").fetchall()[0][0] == townships
    assert con.execute("select distinct alpha from ref_t_critical").fetchall() == [(0.1,)]


def test_a_mart_failing_midway_leaves_the_live_warehouse_as_it_was(env, run_cli, tmp_path, monkeypatch):
    assert run_cli("ingest", "cases", fixture("cases"))[0] == 0
    before = env.warehouse.read_bytes()
    marts = tmp_path / "marts"
    shutil.copytree(warehouse.MARTS_DIR, marts)
    (marts / "85_mart_six_zero.sql").write_text("create or replace table mart_six_zero as select * from nowhere")
    monkeypatch.setattr(warehouse, "MARTS_DIR", marts)
    with pytest.raises(duckdb.CatalogException, match="nowhere"):
        with warehouse.publishing():
            pass
    assert env.warehouse.read_bytes() == before
    assert sorted(p.name for p in env.warehouse.parent.iterdir() if p.is_file()) == [env.warehouse.name,
                                                                                     env.warehouse.name + ".lock"]


def names(files) -> set[str]:
    return {f.stem for f in files}


def test_a_table_changes_the_marts_that_read_it_and_those_that_read_them():
    """Task reports (with the records of every run) reach the supervision marts and, through the quarantine,
    the six-zero checks and what is made of them; never the wastewater, hair or registry marts."""
    affected = names(warehouse.marts_reading({"fact_task_reports", *RUN_RECORDS}))
    assert {"92_mart_task_compliance", "94_mart_task_progress", "58_int_quarantined_cases",
            "80_mart_six_zero_checks", "81_mart_township_checks", "85_mart_six_zero"} <= affected
    assert not affected & {"10_mart_wastewater_loads", "30_mart_wastewater_quarterly", "40_mart_hair_positivity",
                           "50_mart_registry_township", "70_mart_four_up_four_down"}
    wastewater = names(warehouse.marts_reading({"fact_wastewater"}))
    assert {"10_mart_wastewater_loads", "30_mart_wastewater_quarterly", "32_mart_wastewater_year",
            "80_mart_six_zero_checks", "85_mart_six_zero", "90_mart_early_warnings"} <= wastewater
    assert "20_mart_cases_quarter" not in wastewater and "92_mart_task_compliance" not in wastewater


def test_a_publish_that_wrote_nothing_a_mart_reads_rebuilds_no_mart(env, built, run_cli):
    built.into(env, fixture_loaded("cases"))
    with duckdb.connect(str(env.warehouse)) as con:
        con.execute("delete from mart_cases_year")
    for changed in ([], ["validation_results"]):
        with warehouse.publishing(changed=changed):
            pass
        assert env.count("mart_cases_year") == 0


def test_loads_rebuild_only_what_they_change_and_end_with_the_marts_of_a_full_rebuild(env, run_cli, tmp_path):
    for source in ("wastewater", "cases", "hair", "registry", "indicators"):
        assert run_cli("ingest", source, fixture(source))[0] == 0, source
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(env.warehouse, copy)
    with duckdb.connect(str(env.warehouse), read_only=True) as con:
        loaded = derived_tables(con)
    with duckdb.connect(str(copy)) as con:
        warehouse.build_marts(con)
        rebuilt = derived_tables(con)
    assert_same_marts(loaded, rebuilt, min_rows=100)


def test_a_mart_no_load_wrote_to_is_kept_until_a_setting_it_reads_changes(env, built, run_cli, tmp_path, monkeypatch):
    """A mart emptied by hand stays empty through a load that does not reach it (a setting the marts do not read
    changed meanwhile), is rebuilt by one that does, and by any load once a setting the marts read changed
    (every mart is then computed again)."""
    built.into(env, fixture_loaded("wastewater"))
    run_cli("ingest", "cases", fixture("cases"))
    with duckdb.connect(str(env.warehouse)) as con:
        con.execute("delete from mart_wastewater_year; delete from mart_cases_year")
    monkeypatch.setenv("MART_BUILD_WORKERS", "3")     # not the quick tier's 1 (Makefile): a change in every tier
    fewer = rewrite(fixture("cases"), tmp_path / "cases_fewer.csv", edit=lambda rows: rows[:-1])
    assert run_cli("ingest", "cases", fewer)[0] == 0
    assert env.count("mart_wastewater_year") == 0 and env.count("mart_cases_year") > 0
    assert "staff_ratio_base" in warehouse.mart_settings()
    monkeypatch.setenv("STAFF_RATIO_BASE", "registered")
    assert run_cli("ingest", "hair", fixture("hair"))[0] == 0
    assert env.count("mart_wastewater_year") > 0


def test_a_load_that_quarantines_nothing_leaves_the_marts_of_the_quarantine_as_they_are(env, built, run_cli, tmp_path,
                                                                                        monkeypatch):
    """The quarantine is written by a run only when it sets rows aside: a clean load of the monthly task reports
    does not compute the six-zero checks again (emptied by hand here, they stay empty), a load that quarantines
    a row does (the checks name the case rows at risk)."""
    built.into(env, fixture_loaded("cases"))
    with duckdb.connect(str(env.warehouse)) as con:
        con.execute("delete from mart_six_zero_checks")
    assert run_cli("ingest", "task_reports", fixture("task_reports"))[0] == 0
    assert env.count("mart_six_zero_checks") == 0 and env.count("fact_task_reports") > 0
    monkeypatch.setenv("QUARANTINE_MAX_PERCENT", "100")
    bad = rewrite(fixture("task_reports"), tmp_path / "t.csv", edit=lambda rows: [*rows, [*rows[1][:2], "never"]])
    code, out = run_cli("ingest", "task_reports", bad)
    assert code == 0 and env.count("quarantine") == 1, out
    assert env.count("mart_six_zero_checks") > 0


def test_a_run_that_loads_no_file_of_a_source_leaves_the_marts_that_read_its_facts(env, built, run_cli, tmp_path):
    """A file loaded before (skipped) and a refused file (its writes rolled back) change no fact: the run is
    recorded, the marts reading the cases (emptied by hand here) are not computed again; a file that loads is."""
    built.into(env, fixture_loaded("cases"))
    with duckdb.connect(str(env.warehouse)) as con:
        con.execute("delete from mart_cases_year")
    runs = env.count("pipeline_runs")
    refused = tmp_path / "cases_refused.csv"
    refused.write_text("立案日期,备注\n2024-03-01,x\n", encoding="utf-8")
    for path in (fixture("cases"), refused):
        code, out = run_cli("ingest", "cases", path)
        assert env.count("mart_cases_year") == 0, out
    assert env.count("pipeline_runs") == runs + 2 and code == 1, out
    fewer = rewrite(fixture("cases"), tmp_path / "cases_fewer.csv", edit=lambda rows: rows[:-1])
    assert run_cli("ingest", "cases", fewer)[0] == 0
    assert env.count("mart_cases_year") > 0
