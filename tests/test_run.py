"""`python -m pipelines run`: every new file under $DATA_DIR/landing/<source>/, by content hash."""
from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import copy_to, fixture, fixture_loaded, rewrite


def test_run_loads_new_files_and_skips_loaded_ones(env, run_cli, tmp_path):
    landing = env.data_dir / "landing"
    for source in ("wastewater", "cases", "registry"):
        copy_to(fixture(source), landing / source)
    code, out = run_cli("run")
    assert code == 0, out
    counts = env.counts()
    assert counts["fact_wastewater"] == 8 and counts["fact_cases"] == 6 and counts["fact_registry"] == 6
    version = env.query("select value from warehouse_meta where key = 'version'")
    # one version for the whole run: the three sources appear together, the marts rebuilt once
    assert env.query("select distinct warehouse_version from pipeline_runs") == version

    code, out = run_cli("run")
    assert code == 0 and "没有新文件" in out and "no new files" in out
    assert env.counts() == counts
    assert env.query("select value from warehouse_meta where key = 'version'") == version  # nothing published

    rewrite(fixture("hair"), landing / "hair" / "hair_2024q1.csv")
    copy_to(fixture("cases"), landing / "cases" / "again")  # same content, other folder: not under cases/
    code, out = run_cli("run")
    assert code == 0 and "hair_2024q1.csv" in out and "cases.csv" not in out
    assert env.count("fact_hair") == 6


def test_status_lists_recent_runs(env, built, run_cli):
    built.into(env, fixture_loaded("cases"))
    code, out = run_cli("status")
    assert code == 0 and "cases.csv" in out and "已加载 / loaded" in out


@pytest.mark.new_warehouse
def test_status_without_warehouse_is_a_usage_error(env, run_cli):
    code, out = run_cli("status")
    assert code == 2 and "no warehouse yet" in out


def test_a_file_is_hashed_anew_when_it_changed_and_once_when_it_did_not(tmp_path):
    from pipelines import runs

    path = tmp_path / "cases.csv"
    path.write_bytes(b"case_id\nA1\n")
    first = runs.sha256_of(path)
    hits = runs.sha256_of.cache_info().hits
    assert runs.sha256_of(path) == first and runs.sha256_of.cache_info().hits == hits + 1
    path.write_bytes(b"case_id\nA2\n")            # same size: a new modification time makes it a new key
    os.utime(path, ns=(1, 1))
    assert runs.sha256_of(path) == hashlib.sha256(b"case_id\nA2\n").hexdigest() != first


def test_marts_computed_by_an_earlier_program_are_flagged_and_rebuilt_once(env, run_cli):
    """After the program is updated, a warehouse whose marts the earlier version computed says so — in `status`
    and on every page — and `rebuild --if-outdated` (what `make run` calls) recomputes them, only then."""
    import duckdb

    from tests.app_helpers import open_page, texts

    run_cli("ingest", "cases", fixture("cases"))
    code, out = run_cli("rebuild", "--if-outdated")
    version = env.query("select value from warehouse_meta where key = 'version'")
    assert code == 0 and "无需重算" in out and "nothing to rebuild" in out and version[0][0] in out
    outdated = i18n_t("state.marts_outdated")
    assert outdated not in texts(open_page("overview", "zh"))
    earlier = env.warehouse.with_name("earlier.duckdb")  # the warehouse as the earlier program published it
    shutil.copyfile(env.warehouse, earlier)
    with duckdb.connect(str(earlier)) as con:
        con.execute("update warehouse_meta set value = 'earlier' where key = 'mart_stamp'")
    os.replace(earlier, env.warehouse)
    assert "python -m pipelines rebuild" in run_cli("status")[1]
    assert outdated in texts(open_page("overview", "zh"))
    code, out = run_cli("rebuild", "--if-outdated")
    assert code == 0 and "已发布" in out
    assert env.query("select value from warehouse_meta where key = 'version'") != version
    assert outdated not in texts(open_page("overview", "zh"))
    assert "python -m pipelines rebuild" not in run_cli("status")[1]



def test_a_rule_changed_in_domain_flags_the_marts_and_the_rebuild_follows_it(env, run_cli, tmp_path, monkeypatch):
    """An update that changes only a rule of `domain/` (here a unit's alias) leaves the mart files as they were: the
    marts still count as computed by an earlier version, and `rebuild --if-outdated` recomputes them on the new
    reference tables."""
    import domain

    run_cli("ingest", "cases", fixture("cases"))
    assert "python -m pipelines rebuild" not in run_cli("status")[1]
    rules = Path(shutil.copytree(domain.HERE, tmp_path / "domain"))
    with open(rules / "units.csv", "a", encoding="utf-8") as f:
        f.write("测试办,禁毒办\n")
    monkeypatch.setattr(domain, "HERE", rules)
    assert "python -m pipelines rebuild" in run_cli("status")[1]
    code, out = run_cli("rebuild", "--if-outdated")
    assert code == 0 and "已发布" in out, out
    assert env.query("select unit from ref_units where alias = '测试办'") == [("禁毒办",)]
    assert "python -m pipelines rebuild" not in run_cli("status")[1]

def i18n_t(key: str) -> str:
    import i18n
    return i18n.t(key, "zh")
