"""How the marts are rebuilt: in dependency order, two at a time, the same marts as one by one; the reference
tables reloaded only when what they are made from changed."""
from __future__ import annotations

import math
import shutil

import duckdb
import pytest

import warehouse
from tests.conftest import fixture


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
    assert one_by_one.keys() == two_at_a_time.keys() and len(one_by_one) == len(warehouse.mart_files())
    assert sum(map(len, one_by_one.values())) > 1000
    for name in one_by_one:
        assert same(one_by_one[name], two_at_a_time[name]), name


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
