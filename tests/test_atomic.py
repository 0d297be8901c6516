"""Atomic publishing: a killed load leaves the last good warehouse; readers keep working during a load."""
from __future__ import annotations

import csv
import os
import select
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

import config
import i18n
from domain.identity import check_char
from tests.conftest import fixture, fixture_loaded


def big_registry(path: Path, rows: int) -> Path:
    """The fixture registry's persons repeated with fresh valid identity numbers."""
    with open(fixture("registry"), encoding="utf-8") as f:
        header, *people = list(csv.reader(f))
    i_id, i_birth, i_sex = header.index("id_number"), header.index("birth_date"), header.index("sex")
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        for n in range(rows):
            r = list(people[n % len(people)])
            born = date(1950, 1, 1) + timedelta(days=n // 1000)
            first17 = f"150823{born:%Y%m%d}{n % 1000:03d}"
            r[i_id], r[i_birth] = first17 + check_char(first17), born.isoformat()
            r[i_sex] = "男" if n % 2 else "女"
            w.writerow(r)
    return path


def start_ingest(source: str, path: Path, environ: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "pipelines", "ingest", source, str(path)],
                            cwd=config.ROOT, env={**(environ or os.environ), "PYTHONIOENCODING": "utf-8"},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def wait_for_building(folder: Path, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while not list(folder.glob("*.building-*")):
        assert proc.poll() is None, proc.communicate()
        assert time.time() < deadline
        time.sleep(0.02)


@pytest.fixture(scope="module")
def big_file(tmp_path_factory) -> Path:
    """A registry file of 150,000 persons: a load long enough to be killed at each of its stages."""
    return big_registry(tmp_path_factory.mktemp("big-load") / "registry_big.csv", 150_000)


def wait_for_stage(proc: subprocess.Popen, stage: str, timeout: float = 120) -> None:
    """Until the command's progress bar (on its standard error) names `stage` (i18n `stage_<stage>`): the file
    has reached that step, however fast the machine is. Kills the command if it never does."""
    shown = i18n.both(f"stage_{stage}").encode()
    seen = b""
    deadline = time.time() + timeout
    try:
        while shown not in seen:
            ready, _, _ = select.select([proc.stderr], [], [], max(0.0, deadline - time.time()))
            assert ready, f"no {stage!r} within {timeout} s: {seen[-300:]!r}"
            chunk = os.read(proc.stderr.fileno(), 4096)
            assert chunk, f"the load ended before it reached {stage!r}: {seen[-300:]!r}"
            seen += chunk
    except BaseException:
        proc.kill()
        proc.wait()
        raise


@pytest.mark.parametrize("stage", ["read", "validate", "store"])
def test_load_killed_midway_leaves_the_previous_warehouse(env, built, run_cli, big_file, stage):
    """Killed once its warehouse copy exists and the file is being read, validated (with the rows being stored
    beside it), or stored (the replaced snapshot being taken out, then the marts rebuilt)."""
    built.into(env, fixture_loaded("cases"))
    run_cli("ingest", "registry", fixture("registry"))
    before, runs_before = env.counts(), env.query("select * from pipeline_runs order by all")
    proc = start_ingest("registry", big_file)
    wait_for_building(env.warehouse.parent, proc)
    wait_for_stage(proc, stage)
    assert proc.poll() is None, "the load finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert env.counts() == before
    assert env.query("select * from pipeline_runs order by all") == runs_before
    # a rerun completes and clears what the killed load left behind
    code, out = run_cli("ingest", "registry", big_file)
    assert code == 0, out
    assert not list(env.warehouse.parent.glob("*.building-*"))
    assert env.count("fact_registry") == 6 + 150_000 - 6  # the big file replaced the 2024-06-30 snapshot


def test_reader_keeps_working_while_a_load_replaces_the_file(env, built, run_cli):
    built.into(env, fixture_loaded("cases"))
    reader = duckdb.connect(str(env.warehouse), read_only=True)
    assert reader.execute("select count(*) from fact_cases").fetchall() == [(6,)]
    proc = start_ingest("registry", fixture("registry"))
    while proc.poll() is None:
        assert reader.execute("select count(*) from fact_cases").fetchall() == [(6,)]
        time.sleep(0.05)
    assert proc.returncode == 0, proc.communicate()
    # the open connection still reads the version it opened; another process sees the load at once
    assert reader.execute("select count(*) from fact_registry").fetchall() == [(0,)]
    other = subprocess.run([sys.executable, "-c", "import duckdb, sys; print(duckdb.connect(sys.argv[1], "
                            "read_only=True).execute('select count(*) from fact_registry').fetchall()[0][0])",
                            str(env.warehouse)], capture_output=True, text=True, check=True)
    assert other.stdout.strip() == "6"
    reader.close()
    assert env.count("fact_registry") == 6


def test_every_publish_gets_a_new_version(env, built, run_cli):
    built.into(env, fixture_loaded("cases"))
    first = env.query("select value from warehouse_meta where key = 'version'")
    run_cli("ingest", "hair", fixture("hair"))
    second = env.query("select value from warehouse_meta where key = 'version'")
    assert first != second
    assert env.query("select count(distinct warehouse_version) from pipeline_runs") == [(2,)]
