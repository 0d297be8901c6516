"""Issue 12 on the command line: deduplication per source, `ingest --reload`, `ingest --dry-run`."""
from __future__ import annotations

import fcntl
import gc
import os
import subprocess
import sys
import threading

import pytest

import config
from pipelines import cli

from tests.conftest import fixture, fixture_loaded, rewrite


def test_a_file_loaded_as_hair_then_given_as_registry_is_refused_as_a_hair_extract(env, run_cli):
    assert run_cli("ingest", "hair", fixture("hair"))[0] == 0
    code, out = run_cli("ingest", "registry", fixture("hair"))
    assert code == 1, out
    assert "looks like a hair extract" in out and "already loaded" not in out
    assert env.query("select source, status from pipeline_runs order by started_at") == [
        ("hair", "loaded"), ("registry", "rejected")]


def test_the_same_file_as_the_same_source_is_still_skipped(env, built, run_cli):
    built.into(env, fixture_loaded("hair"))
    code, out = run_cli("ingest", "hair", fixture("hair"))
    assert code == 0 and "already loaded" in out


def test_reload_restores_a_registry_snapshot_replaced_by_a_corrected_file(env, built, run_cli, tmp_path):
    built.into(env, fixture_loaded("registry"))
    original = env.query("select * exclude (run_id) from fact_registry order by all")
    corrected = rewrite(fixture("registry"), tmp_path / "registry_fix.csv", edit=lambda rows: rows[:-2])
    run_cli("ingest", "registry", corrected)
    assert env.count("fact_registry") == len(original) - 2
    code, out = run_cli("ingest", "registry", fixture("registry"))
    assert "already loaded" in out and env.count("fact_registry") == len(original) - 2   # not without --reload
    code, out = run_cli("ingest", "registry", fixture("registry"), "--reload")
    assert code == 0, out
    assert "loaded again on purpose" in out and "replaced the registry snapshot of 2024-06-30" in out
    assert env.query("select * exclude (run_id) from fact_registry order by all") == original
    last = env.query("select status, message from pipeline_runs order by started_at desc limit 1")[0]
    assert last[0] == "loaded" and "有意重新加载" in last[1] and "on purpose" in last[1]


@pytest.mark.new_warehouse
def test_dry_run_reports_quarantine_and_checks_and_loads_nothing(env, run_cli, tmp_path, monkeypatch):
    monkeypatch.setenv("QUARANTINE_MAX_PERCENT", "50")          # 2 bad rows of 6 still load
    def break_two(rows):
        rows[1][1] = "12345"                     # 身份证号
        rows[2][3] = "未知的"                     # 性别
        return rows
    bad = rewrite(fixture("registry"), tmp_path / "registry_bad.csv", chinese_headers=True, edit=break_two)
    code, out = run_cli("ingest", "registry", bad, "--dry-run")
    assert code == 0, out
    assert "would load" in out and "encoding utf-8, 6 rows read, 4 would load, 2 quarantined" in out
    assert "身份证号 → id_number" in out                       # the header mapping
    assert "✔ expect_" in out                                  # every expectation's result
    assert "row 1" in out and "row 2" in out and "identity number" in out
    assert "150823198503120010" not in out and "王建国" not in out
    assert not env.warehouse.exists()                          # nothing published
    left = [p.name for p in env.warehouse.parent.iterdir() if not (p.is_dir() and not any(p.iterdir()))]
    assert left == ["warehouse.duckdb.lock"]                    # and the scratch copy is gone


def test_dry_run_of_a_replacing_file_says_what_it_would_replace(env, built, run_cli, tmp_path):
    built.into(env, fixture_loaded("registry"))
    before = env.query("select count(*), max(warehouse_version) from pipeline_runs")
    code, out = run_cli("ingest", "registry", rewrite(fixture("registry"), tmp_path / "fix.csv",
                                                      edit=lambda rows: rows[:-1]), "--dry-run")
    assert code == 0 and "replaced the registry snapshot of 2024-06-30" in out
    assert env.query("select count(*), max(warehouse_version) from pipeline_runs") == before


def test_a_status_and_a_rerun_with_nothing_new_do_not_import_great_expectations(env, built, run_cli):
    """Nor does importing the load's modules import pandas or pyarrow, which only validation needs (on the
    thread that imports GX): a load's start does not wait for them."""
    built.into(env, fixture_loaded("hair"))
    script = ("import sys; from pipelines import cli, ingest; "
              "loaded = [m for m in ('great_expectations', 'pandas', 'pyarrow') if m in sys.modules]; "
              f"codes = [cli.main(['status']), cli.main(['ingest', 'hair', {str(fixture('hair'))!r}]), "
              "cli.main(['run'])]; print(codes, 'great_expectations' in sys.modules, loaded)")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=config.ROOT,
                          env=os.environ, timeout=120)
    assert done.stdout.strip().splitlines()[-1] == "[0, 0, 0] False []", done.stdout + done.stderr


@pytest.mark.new_warehouse
def test_a_second_writer_says_it_waits_then_loads(env, run_cli):
    env.warehouse.parent.mkdir(parents=True)
    handle = open(env.warehouse.with_name("warehouse.duckdb.lock"), "a")
    fcntl.flock(handle, fcntl.LOCK_EX)                         # another load holds the warehouse
    threading.Timer(1.0, handle.close).start()
    code, out = run_cli("ingest", "hair", fixture("hair"))
    assert code == 0 and "another load (or dry run) is running" in out
    assert env.query("select status from pipeline_runs") == [("loaded",)]


@pytest.mark.new_warehouse
def test_dry_run_of_a_gbk_file_with_chinese_headers(env, run_cli, tmp_path):
    gbk = rewrite(fixture("cases"), tmp_path / "cases_gbk.csv", chinese_headers=True, encoding="gbk")
    code, out = run_cli("ingest", "cases", gbk, "--dry-run")
    assert code == 0, out
    assert "encoding gb18030, 6 rows read, 6 would load, 0 quarantined" in out
    assert not env.warehouse.exists()


def test_a_load_command_keeps_freed_memory_for_its_next_allocations():
    """cli.keep_freed_memory (ingest, run): in a fresh interpreter, a first block of 20 MB comes from glibc's heap,
    where freeing keeps it for reuse, not from a mapping of its own that freeing returns to the system (glibc's
    `mallinfo2`: `hblkhd`, bytes in such mappings). Without the call, the same block is such a mapping (checked
    in a second interpreter, so that the test fails if importing the CLI alone changed that)."""
    script = """
import ctypes, sys
class Info(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in
                "arena ordblks smblks hblks hblkhd usmblks fsmblks uordblks fordblks keepcost".split()]
libc = ctypes.CDLL(None)
if not hasattr(libc, "mallinfo2"):
    print("no-glibc"); sys.exit()
libc.mallinfo2.restype = Info
libc.malloc.restype = ctypes.c_void_p
from pipelines import cli
if "keep" in sys.argv:
    cli.keep_freed_memory()
block = libc.malloc(20 << 20)
print("mapped" if libc.mallinfo2().hblkhd >= 20 << 20 else "heap")
libc.free(ctypes.c_void_p(block))
"""
    def first_block(*args: str) -> str:
        done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True,
                              cwd=config.ROOT, env=os.environ, timeout=60)
        return done.stdout.strip() or done.stderr
    plain, kept = first_block(), first_block("keep")
    assert (plain, kept) in {("mapped", "heap"), ("no-glibc", "no-glibc")}, (plain, kept)


def test_a_load_command_collects_garbage_once_before_each_file_and_never_on_its_own(env, tmp_path):
    """cli.collecting_per_file (ingest, run): Python's collector does not run by itself during a load (it ran
    about 500 times for a national registry); the loader collects the younger generations before each file
    instead, so one file's garbage never outlives the next, and the setting is back on when the command ends.
    The command is called as `main` calls it, parsed arguments in hand (parsing reads the sources' file, with
    collections of its own)."""
    files = [rewrite(fixture("cases"), tmp_path / f"cases_{n}.csv", edit=lambda rows, n=n: rows[:len(rows) - n])
             for n in range(3)]
    args = cli._parser().parse_args(["ingest", "cases", *map(str, files)])
    collections: list[tuple[int, bool]] = []      # (generation, automatic collection on)

    def seen(phase: str, info: dict) -> None:
        if phase == "start":
            collections.append((info["generation"], gc.isenabled()))
    gc.callbacks.append(seen)
    try:
        code = cli.COMMANDS["ingest"](args)
    finally:
        gc.callbacks.remove(seen)
    assert code == 0 and env.count("pipeline_runs") == 3
    assert collections[:3] == [(1, False)] * 3, collections[:6]
    assert len(collections) <= 4, f"{len(collections)} collections"    # one may come as the setting is restored
    assert gc.isenabled()
