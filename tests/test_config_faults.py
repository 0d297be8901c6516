"""Configuration and environment faults (issue 9): one bilingual line and exit 2, never a traceback; a full
disk is exit 1 with one line, nothing left behind and the old warehouse intact; the pseudonym key is never
weak."""
from __future__ import annotations

import hashlib
import os
import resource
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import config
from briefings import cli as briefings_cli
from tests.conftest import copy_to, fixture, fixture_loaded

COMMANDS = {
    "ingest": lambda env: ["ingest", "cases", str(fixture("cases"))],
    "run": lambda env: ["run"],
    "rebuild": lambda env: ["rebuild"],
    "export": lambda env: ["export", "--out", str(env.root / "export")],
    "briefings": lambda env: ["build", "--period", "2024Q1", "--format", "html", "--out", str(env.root / "b")],
}


@pytest.fixture
def cli(run_cli, capsys):
    """Run a pipelines command, or `briefings` (first word), in this process: (exit code, what it printed)."""
    def run(args: list[str]) -> tuple[int, str]:
        if args[0] == "build":
            code = briefings_cli.main(args)
            out = capsys.readouterr()
            return code, out.out + out.err
        return run_cli(*args)
    return run


@pytest.fixture
def loaded(env, built):
    """A warehouse with the hair fixture, and a file waiting in landing for `run`."""
    built.into(env, fixture_loaded("hair"))
    landing = env.data_dir / "landing" / "cases"
    landing.mkdir(parents=True)
    shutil.copy(fixture("cases"), landing)
    return env


def one_line(out: str) -> str:
    """What a command printed, less the progress bar; asserted to be one line, without a traceback."""
    lines = [line for line in out.replace("\r", "\n").splitlines() if line.strip() and "%|" not in line]
    assert len(lines) == 1 and "Traceback" not in out, out
    return lines[0]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


BAD_SETTINGS = [(command, variable, value) for command in ("ingest", "run", "rebuild")
                for variable, value in [("BELOW_LOQ_RULE", "bogus"), ("TREND_ALPHA", "abc"),
                                        ("QUARANTINE_MAX_PERCENT", "nan")]] + [
    ("ingest", "DATE_EARLIEST", "1066-10-14"), ("run", "DATE_LATEST_YEARS_AHEAD", "-3"),
    ("ingest", "INPUT_MAX_ROWS", "many"), ("briefings", "BRIEFING_CHART_QUARTERS", "eight"),
    ("ingest", "INPUT_MAX_ROWS", "-1"), ("run", "CSV_MAX_MB", "-5"), ("rebuild", "MART_BUILD_WORKERS", "0")]


@pytest.mark.parametrize("command,variable,value", BAD_SETTINGS)
def test_a_bad_setting_value_is_one_bilingual_line_and_exit_2(loaded, cli, monkeypatch, command, variable, value):
    before = digest(loaded.warehouse)
    monkeypatch.setenv(variable, value)
    code, out = cli(COMMANDS[command](loaded))
    line = one_line(out)
    assert code == 2 and variable in line and "设置" in line and "setting" in line
    assert digest(loaded.warehouse) == before


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.new_warehouse
def test_the_warehouse_path_being_a_folder_is_one_line_and_exit_2(env, cli, command):
    env.warehouse.mkdir(parents=True)
    code, out = cli(COMMANDS[command](env))
    assert code == 2 and "WAREHOUSE_PATH" in one_line(out)


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("damage", ["garbage", "truncated"])
@pytest.mark.new_warehouse
def test_a_damaged_warehouse_is_one_line_and_exit_2_and_kept_for_recovery(env, cli, run_cli, command, damage):
    if damage == "garbage":
        env.warehouse.parent.mkdir(parents=True)
        env.warehouse.write_bytes(b"not a database " * 1000)
    else:
        assert run_cli("ingest", "hair", fixture("hair"))[0] == 0
        env.warehouse.write_bytes(env.warehouse.read_bytes()[:5000])
    damaged = env.warehouse.read_bytes()
    code, out = cli(COMMANDS[command](env))
    line = one_line(out)
    assert code == 2 and "damaged" in line and "损坏" in line
    assert env.warehouse.read_bytes() == damaged
    assert not list(env.warehouse.parent.glob("*.building*"))


@pytest.mark.parametrize("command", ["export", "briefings"])
def test_out_being_a_file_is_one_line_and_exit_2(loaded, cli, command):
    args = COMMANDS[command](loaded)
    Path(args[-1]).write_text("a file", encoding="utf-8")
    code, out = cli(args)
    assert code == 2 and "--out" in one_line(out)


@pytest.mark.parametrize("command", ["ingest", "run"])
@pytest.mark.new_warehouse
def test_a_file_where_the_warehouse_folder_should_be_is_one_line_and_exit_2(env, cli, command):
    env.warehouse.parent.parent.mkdir(parents=True, exist_ok=True)
    env.warehouse.parent.write_text("a file", encoding="utf-8")
    copy_to(fixture("cases"), env.data_dir / "landing" / "cases")
    code, out = cli(COMMANDS[command](env))
    assert code == 2 and "WAREHOUSE_PATH" in one_line(out)


def test_a_key_file_that_cannot_be_read_is_one_line_and_exit_2(env, cli):
    env.key.parent.mkdir(parents=True, exist_ok=True)
    env.key.symlink_to("/proc/self/mem")            # a file whose reading fails (EIO), even for root
    code, out = cli(COMMANDS["ingest"](env))
    line = one_line(out)
    assert code == 2 and "PSEUDONYM_KEY_FILE" in line and "无法读取" in line
    assert env.count("fact_cases") == 0


def test_a_data_folder_that_is_a_file_is_one_line_and_exit_2(env, cli, monkeypatch):
    data = env.root / "data-file"
    data.write_text("a file", encoding="utf-8")
    monkeypatch.setenv("DATA_DIR", str(data))
    monkeypatch.setenv("PSEUDONYM_KEY_FILE", str(env.key))
    code, out = cli(["run"])
    assert code == 2 and "DATA_DIR" in one_line(out)


def test_the_key_path_being_a_folder_is_one_line_and_exit_2(env, cli):
    env.key.mkdir(parents=True)
    code, out = cli(COMMANDS["ingest"](env))
    assert code == 2 and "PSEUDONYM_KEY_FILE" in one_line(out)


@pytest.mark.parametrize("content", [b"", b"short key"], ids=["empty", "short"])
@pytest.mark.new_warehouse
def test_an_empty_or_short_key_is_refused_never_used_and_says_how_to_restore_it(env, cli, content):
    env.key.parent.mkdir(parents=True)
    env.key.write_bytes(content)
    code, out = cli(["ingest", "hair", str(fixture("hair"))])
    line = one_line(out)
    assert code == 2 and "备份" in line and "backup" in line
    assert not env.warehouse.exists() and env.key.read_bytes() == content


def test_a_new_key_is_created_whole_and_private_with_no_temporary_file_left(env, cli):
    assert cli(["ingest", "hair", str(fixture("hair"))])[0] == 0
    assert len(env.key.read_bytes()) == 32
    assert stat.S_IMODE(os.stat(env.key).st_mode) == 0o600
    assert [p.name for p in env.key.parent.iterdir()] == [env.key.name]


def limited_ingest(env, max_file_bytes: int, path: Path) -> subprocess.CompletedProcess:
    """`python -m pipelines ingest` with files capped at `max_file_bytes` (a full disk, as far as every
    write beyond it goes: EFBIG, as ENOSPC would be)."""
    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (max_file_bytes, max_file_bytes))
    return subprocess.run([sys.executable, "-m", "pipelines", "ingest", "cases", str(path)], cwd=config.ROOT,
                          env=dict(os.environ), capture_output=True, text=True, preexec_fn=cap, timeout=300)


@pytest.mark.parametrize("share", [0.5, 1.02], ids=["copy-fails", "writes-after-copy-fail"])
def test_a_full_disk_is_exit_1_with_one_line_nothing_left_and_the_old_warehouse_intact(loaded, share):
    before = digest(loaded.warehouse)
    done = limited_ingest(loaded, int(loaded.warehouse.stat().st_size * share), fixture("cases"))
    line = one_line(done.stdout + done.stderr)
    assert done.returncode == 1 and "磁盘空间不足" in line and "no space left" in line
    assert "rollback" not in line
    assert digest(loaded.warehouse) == before
    leftovers = [p.name for p in loaded.warehouse.parent.iterdir() if p.name != loaded.warehouse.name
                 and not p.name.endswith(".lock")]
    assert leftovers in ([], [".intake-scratch"]) and not any((loaded.warehouse.parent / n).is_file()
                                                             for n in leftovers)


def test_a_key_creation_cut_short_by_a_full_disk_is_exit_1_and_leaves_no_partial_key(env):
    done = limited_ingest(env, 10, fixture("cases"))      # the 32-byte key cannot be written whole
    assert done.returncode == 1 and "no space left" in one_line(done.stdout + done.stderr)
    assert not env.key.parent.exists() or list(env.key.parent.iterdir()) == []
