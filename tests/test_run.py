"""`python -m pipelines run`: every new file under $DATA_DIR/landing/<source>/, by content hash."""
from __future__ import annotations

import hashlib
import os

from tests.conftest import copy_to, fixture, rewrite


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


def test_status_lists_recent_runs(env, run_cli):
    run_cli("ingest", "cases", fixture("cases"))
    code, out = run_cli("status")
    assert code == 0 and "cases.csv" in out and "已加载 / loaded" in out


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
