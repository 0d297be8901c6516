"""Hostile and broken input (issue 9): every row is loaded, quarantined with its reason, or the file is
rejected; nothing crashes, nothing is lost silently, no plaintext copy of raw input stays behind."""
from __future__ import annotations

import csv
import os
import resource
import stat
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import pandas as pd
import pytest

import config
from tests.conftest import fixture

HEADER, *BASE = list(csv.reader(open(fixture("wastewater"), encoding="utf-8")))
SAMPLE, SITE_NAME, DATE, FLOW, POPULATION = (HEADER.index(c) for c in
                                              ("sample_id", "site_name", "sample_date", "flow_m3_d",
                                               "population_served"))


def wastewater(n: int, edit=None) -> list[list[str]]:
    """`n` valid wastewater rows (distinct samples) after the header; `edit(rows)` may change them."""
    rows = [HEADER]
    for i in range(1, n + 1):
        r = list(BASE[0])
        r[SAMPLE] = f"WW-H{i:05d}"
        rows.append(r)
    return edit(rows) if edit else rows


def write(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
    return path


def with_line(path: Path, line_number: int, change) -> Path:
    """Rewrite physical line `line_number` (1 = header) of a file with `change(text)`."""
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[line_number - 1] = change(lines[line_number - 1])
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.mark.parametrize("closed_at", [None, 200], ids=["never-closed", "closed-50-rows-later"])
def test_a_stray_quote_rejects_the_file_naming_its_row_instead_of_losing_the_rows_after_it(
        env, run_cli, tmp_path, closed_at):
    path = write(tmp_path / "ww.csv", wastewater(300))
    with_line(path, 151, lambda t: t.replace(BASE[0][SITE_NAME], '"' + BASE[0][SITE_NAME]))
    if closed_at:
        with_line(path, closed_at + 1, lambda t: t.replace(BASE[0][SITE_NAME], BASE[0][SITE_NAME] + '"'))
    code, out = run_cli("ingest", "wastewater", path)
    assert code == 1, out
    assert "第 150 行" in out and "row 150" in out and "unbalanced quote" in out
    assert env.count("fact_wastewater") == 0
    assert env.query("select status, rows_loaded from pipeline_runs") == [("rejected", 0)]


def test_quoted_values_over_several_lines_and_blank_lines_are_all_accounted_for(env, run_cli, tmp_path):
    def edit(rows):
        rows[10][SITE_NAME] = "乌拉山镇\n污水处理厂, 二期"     # a real line break inside a quoted value
        rows[20][FLOW] = "abc"                                 # quarantined, with its row
        return rows
    path = write(tmp_path / "ww.csv", wastewater(40, edit))
    with_line(path, 31, lambda t: t + "\n")                    # a blank line: not a row
    code, out = run_cli("ingest", "wastewater", path)
    assert code == 0, out
    assert "39 rows loaded, 1 quarantined" in out
    assert env.query("select row_number from quarantine") == [(20,)]
    rows = dict(env.query("select sample_id, source_row from fact_wastewater"))
    assert rows["WW-H00010"] == 10 and rows["WW-H00021"] == 21 and rows["WW-H00040"] == 40
    assert env.query("select site_name from fact_wastewater where sample_id = 'WW-H00010'") == \
        [("乌拉山镇\n污水处理厂, 二期",)]


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01", "1677-09-21", "2262-04-12", "-0001-01-01",
                                   "99999-01-01", "1899-12-31"])
def test_an_implausible_date_is_a_quarantined_row_not_a_crash(env, run_cli, tmp_path, monkeypatch, value):
    monkeypatch.setenv("QUARANTINE_MAX_PERCENT", "50")
    def edit(rows):
        rows[3][DATE] = value
        return rows
    code, out = run_cli("ingest", "wastewater", write(tmp_path / "ww.csv", wastewater(10, edit)))
    assert code == 0, out
    assert "9 rows loaded, 1 quarantined" in out and "Traceback" not in out
    [(row, reasons)] = env.query("select row_number, reasons from quarantine")
    assert row == 3 and "plausible range" in reasons and "可信范围" in reasons


def test_the_date_window_is_a_setting(env, run_cli, tmp_path, monkeypatch):
    monkeypatch.setenv("DATE_EARLIEST", "2024-06-01")
    code, out = run_cli("ingest", "wastewater", write(tmp_path / "ww.csv", wastewater(3)))
    assert code == 1 and "3 of 3 rows" in out   # every 2024-03-05 sample is now implausible


@pytest.mark.parametrize("column,value", [
    (POPULATION, "99999999999999999999999"), (POPULATION, "-9223372036854775809"), (FLOW, "1e308"),
    (FLOW, "inf"), (FLOW, "nan"), (FLOW, "-1e400")])
def test_a_number_beyond_its_range_is_a_quarantined_row_not_a_crash(env, run_cli, tmp_path, monkeypatch,
                                                                     column, value):
    monkeypatch.setenv("QUARANTINE_MAX_PERCENT", "50")
    def edit(rows):
        rows[2][column] = value
        return rows
    code, out = run_cli("ingest", "wastewater", write(tmp_path / "ww.csv", wastewater(10, edit)))
    assert code == 0, out
    assert "9 rows loaded, 1 quarantined" in out and "Traceback" not in out
    assert env.query("select row_number from quarantine") == [(2,)]


@pytest.mark.parametrize("prefix", ["\x00", "\ufeff", "\x07", "\t"], ids=["NUL", "BOM", "BEL", "TAB"])
def test_a_control_character_or_bom_before_a_key_does_not_store_the_sample_twice(env, run_cli, tmp_path,
                                                                                   prefix):
    assert run_cli("ingest", "wastewater", write(tmp_path / "a.csv", wastewater(5)))[0] == 0
    def edit(rows):
        for r in rows[1:]:
            r[SAMPLE] = prefix + r[SAMPLE]
            r[SITE_NAME] = r[SITE_NAME] + prefix
        return rows
    code, out = run_cli("ingest", "wastewater", write(tmp_path / "b.csv", wastewater(5, edit)))
    assert code == 0, out
    assert env.count("fact_wastewater") == 5
    stored = [v for r in env.query("select sample_id, site_name from fact_wastewater") for v in r]
    assert all(v.isprintable() and "\ufeff" not in v for v in stored)


def test_one_bad_file_never_stops_the_others_and_run_records_it(env, run_cli, tmp_path):
    landing = env.data_dir / "landing" / "wastewater"
    landing.mkdir(parents=True)
    write(landing / "1-good.csv", wastewater(5))
    bad = write(landing / "2-quote.csv", wastewater(30, lambda rows: rows[:1] + [
        [f"Q{r[0]}", *r[1:]] for r in rows[1:]]))
    with_line(bad, 10, lambda t: t.replace(BASE[0][SITE_NAME], '"' + BASE[0][SITE_NAME]))
    write(landing / "3-dates.csv", wastewater(30, lambda rows: rows[:1] + [
        [f"D{r[0]}", *r[1:DATE], "9999-12-31", *r[DATE + 1:]] for r in rows[1:]]))
    (landing / "4-folder.csv").mkdir()
    code, out = run_cli("run")
    assert code == 1, out
    assert "3 files: 1 loaded, 2 rejected" in out and "Traceback" not in out
    assert env.count("fact_wastewater") == 5
    status = dict(env.query("select file_name, status from pipeline_runs"))
    assert status == {"1-good.csv": "loaded", "2-quote.csv": "rejected", "3-dates.csv": "rejected"}
    write(landing / "5-more.csv", wastewater(3, lambda rows: rows[:1] + [[f"M{r[0]}", *r[1:]] for r in rows[1:]]))
    code, out = run_cli("run")        # the next run is not stuck on the bad files: the new one loads
    assert env.count("fact_wastewater") == 8, out


def bomb(path: Path, inflated_mb: int) -> Path:
    """A valid workbook of three rows with one more zip entry that inflates to `inflated_mb` MB."""
    pd.DataFrame(wastewater(3)[1:], columns=HEADER).to_excel(path, index=False)
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as z:
        with z.open("xl/padding.xml", "w", force_zip64=True) as f:
            block = b"\0" * (1 << 20)
            for _ in range(inflated_mb):
                f.write(block)
    return path


def test_an_xlsx_zip_bomb_is_refused_from_its_directory_within_seconds(env, run_cli, tmp_path, monkeypatch):
    path = bomb(tmp_path / "bomb.xlsx", 300)
    assert path.stat().st_size < 2 << 20
    started = time.monotonic()
    code, out = run_cli("ingest", "wastewater", path)
    assert time.monotonic() - started < 10
    assert code == 1 and "300 MB" in out and "XLSX_MAX_UNCOMPRESSED_MB" in out, out
    monkeypatch.setenv("XLSX_MAX_UNCOMPRESSED_MB", "400")
    assert run_cli("ingest", "wastewater", path)[0] == 0     # the limit is a setting


@pytest.mark.parametrize("setting,value,shown", [("CSV_MAX_MB", "0.001", "CSV_MAX_MB"),
                                                 ("INPUT_MAX_ROWS", "20", "INPUT_MAX_ROWS")])
def test_a_csv_over_its_size_or_row_limit_is_refused_unread(env, run_cli, tmp_path, monkeypatch, setting, value,
                                                            shown):
    monkeypatch.setenv(setting, value)
    code, out = run_cli("ingest", "wastewater", write(tmp_path / "ww.csv", wastewater(30)))
    assert code == 1 and shown in out and env.count("fact_wastewater") == 0


def test_an_xlsx_over_the_row_limit_is_refused(env, run_cli, tmp_path, monkeypatch):
    monkeypatch.setenv("INPUT_MAX_ROWS", "20")
    path = tmp_path / "ww.xlsx"
    pd.DataFrame(wastewater(30)[1:], columns=HEADER).to_excel(path, index=False)
    code, out = run_cli("ingest", "wastewater", path)
    assert code == 1 and "INPUT_MAX_ROWS" in out


@pytest.mark.new_warehouse
def test_a_transcoded_copy_of_raw_input_is_private_and_never_left_behind(env, run_cli, tmp_path):
    rows = list(csv.reader(open(fixture("registry"), encoding="utf-8")))
    gb = tmp_path / "registry.csv"
    with open(gb, "w", encoding="gb18030", newline="") as f:
        csv.writer(f).writerows(rows)
    bom = tmp_path / "registry-bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + fixture("registry").read_bytes())
    scratch = env.warehouse.parent / ".intake-scratch"
    env.warehouse.parent.mkdir(parents=True)
    scratch.mkdir(mode=0o700)
    stale = scratch / "tmpleft-by-a-killed-load.csv"      # what kill -9 during transcoding leaves
    stale.write_text(fixture("registry").read_text(encoding="utf-8"), encoding="utf-8")
    building = env.warehouse.with_name(env.warehouse.name + ".building-99999")
    building.write_bytes(b"half a copy")
    spilled = env.warehouse.with_name(building.name + ".tmp")       # DuckDB's spill folder of that copy
    spilled.mkdir()
    (spilled / "duckdb_temp_storage-0.tmp").write_bytes(b"spilled rows")
    for path in (gb, bom):
        code, out = run_cli("ingest", "registry", path)
        assert code == 0, out
    assert stat.S_IMODE(os.stat(scratch).st_mode) == 0o700
    assert list(scratch.iterdir()) == [] and not building.exists() and not spilled.exists()


@pytest.mark.new_warehouse
def test_a_transcoding_cut_short_by_a_full_disk_leaves_no_partial_copy(env, tmp_path):
    from tests.test_atomic import big_registry
    from tests.test_config_faults import one_line

    utf8 = big_registry(tmp_path / "utf8.csv", 40_000)
    gb = tmp_path / "registry.csv"
    gb.write_bytes(utf8.read_text(encoding="utf-8").encode("gb18030"))
    limit = 3 << 20            # above what the new warehouse holds when the copy starts, below the copy
    assert gb.stat().st_size > limit
    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    done = subprocess.run([sys.executable, "-m", "pipelines", "ingest", "registry", str(gb)], cwd=config.ROOT,
                          env=dict(os.environ), capture_output=True, text=True, preexec_fn=cap, timeout=300)
    assert done.returncode == 1 and "no space left" in one_line(done.stdout + done.stderr)
    scratch = env.warehouse.parent / ".intake-scratch"
    assert scratch.is_dir() and list(scratch.iterdir()) == []
    assert not env.warehouse.exists() and not list(env.warehouse.parent.glob("*.building*"))


def test_a_plaintext_copy_left_by_kill_9_while_transcoding_is_swept_by_the_next_load(env, run_cli, tmp_path):
    from tests.test_atomic import big_registry

    gb = tmp_path / "registry.csv"
    gb.write_bytes(big_registry(tmp_path / "utf8.csv", 150_000).read_text(encoding="utf-8").encode("gb18030"))
    scratch = env.warehouse.parent / ".intake-scratch"
    proc = subprocess.Popen([sys.executable, "-m", "pipelines", "ingest", "registry", str(gb)], cwd=config.ROOT,
                            env=dict(os.environ), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not (scratch.is_dir() and any(scratch.iterdir())):
        assert proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.005)
    proc.kill()
    proc.wait()
    [left] = scratch.iterdir()
    assert stat.S_IMODE(os.stat(scratch).st_mode) == 0o700 and stat.S_IMODE(os.stat(left).st_mode) == 0o600
    code, out = run_cli("ingest", "cases", fixture("cases"))
    assert code == 0, out
    assert list(scratch.iterdir()) == []


@pytest.mark.parametrize("name", ["[w].csv", "w?.csv", "w*.csv"])
def test_a_file_name_with_pattern_characters_reads_that_file_and_no_other(env, run_cli, tmp_path, name):
    """DuckDB's reader takes a path as a pattern: `[w].csv` would read `w.csv`, and `w*.csv` every match."""
    write(tmp_path / "w.csv", wastewater(4, lambda rows: rows[:1] + [[f"OTHER{r[0]}", *r[1:]] for r in rows[1:]]))
    write(tmp_path / "wx.csv", wastewater(2, lambda rows: rows[:1] + [[f"X{r[0]}", *r[1:]] for r in rows[1:]]))
    given = write(tmp_path / name, wastewater(3))
    code, out = run_cli("ingest", "wastewater", given)
    assert code == 0, out
    samples = sorted(r[0] for r in env.query("select distinct sample_id from fact_wastewater"))
    assert samples == [f"WW-H{i:05d}" for i in (1, 2, 3)]
    links = [d / "extract.csv" for d in Path(tempfile.gettempdir()).glob("extract-*")]
    assert not [link for link in links if link.is_symlink() and link.resolve() == given.resolve()], "link removed"


def unreadable(path: Path) -> Path:
    """A regular file whose reading fails (EIO), even for root: a link to this process's memory file."""
    path.symlink_to("/proc/self/mem")
    return path


def test_a_file_that_cannot_be_read_or_is_no_file_is_rejected_and_the_others_load(env, run_cli, tmp_path):
    good = write(tmp_path / "good.csv", wastewater(3))
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    loop = tmp_path / "loop.csv"
    loop.symlink_to(loop)
    code, out = run_cli("ingest", "wastewater", unreadable(tmp_path / "mem.csv"), folder, loop, good)
    assert code == 1 and "Traceback" not in out, out
    assert env.count("fact_wastewater") == 3
    status = dict(env.query("select file_name, status from pipeline_runs"))
    assert status == {"mem.csv": "rejected", "folder.csv": "rejected", "loop.csv": "rejected", "good.csv": "loaded"}
    assert "cannot read the file" in out and "not a regular file" in out and "无法读取文件" in out


def test_run_names_an_unreadable_landing_file_and_loads_the_others(env, run_cli):
    landing = env.data_dir / "landing" / "wastewater"
    landing.mkdir(parents=True)
    unreadable(landing / "1-mem.csv")
    write(landing / "2-good.csv", wastewater(3))
    code, out = run_cli("run")
    assert code == 1 and "Traceback" not in out, out
    assert dict(env.query("select file_name, status from pipeline_runs")) == {"1-mem.csv": "rejected",
                                                                            "2-good.csv": "loaded"}


def test_a_malformed_row_after_a_blank_line_is_numbered_as_a_data_row(env, run_cli, tmp_path, monkeypatch):
    """Rows are numbered as data rows (a blank line is none), the malformed ones as the others."""
    monkeypatch.setenv("QUARANTINE_MAX_PERCENT", "100")
    rows = wastewater(3)
    rows[2] = rows[2] + ["extra"]                                   # row 2: a field too many
    rows[3][DATE] = "2024-13-45"                                    # row 3: no date
    path = write(tmp_path / "ww.csv", rows[:2] + [[]] + rows[2:])    # a blank line after row 1
    code, out = run_cli("ingest", "wastewater", path)
    assert code == 0, out
    reasons = dict(env.query("select row_number, reasons from quarantine"))
    assert set(reasons) == {2, 3}, reasons
    assert "2024-13-45" in str(reasons[3]) or "sample_date" in str(reasons[3])


def test_a_column_given_twice_is_refused_in_a_workbook_as_in_a_csv(env, run_cli, tmp_path):
    rows = wastewater(3)
    frame = pd.DataFrame([r + [r[FLOW]] for r in rows[1:]], columns=HEADER + [HEADER[FLOW]])
    for path in (tmp_path / "twice.xlsx", tmp_path / "twice.csv"):
        frame.to_excel(path, index=False) if path.suffix == ".xlsx" else frame.to_csv(path, index=False)
        code, out = run_cli("ingest", "wastewater", path)
        # not the name pandas would give the second one ("flow_m3_d.1"); a bare ".1" may be the progress bar's rate
        assert code == 1 and f"columns given twice: {HEADER[FLOW]}" in out and f"{HEADER[FLOW]}.1" not in out, out
    assert env.count("fact_wastewater") == 0


def test_a_workbook_with_a_blank_row_numbers_its_rows_as_the_sheet_does(env, run_cli, tmp_path, monkeypatch):
    monkeypatch.setenv("QUARANTINE_MAX_PERCENT", "100")
    rows = wastewater(3)
    rows[3][DATE] = "2024-13-45"
    frame = pd.DataFrame(rows[1:2] + [[None] * len(HEADER)] + rows[2:], columns=HEADER)
    frame.to_excel(tmp_path / "ww.xlsx", index=False)
    code, out = run_cli("ingest", "wastewater", tmp_path / "ww.xlsx")
    assert code == 0, out
    assert [r[0] for r in env.query("select row_number from quarantine")] == [4]   # sheet row 5, data row 4


def test_a_header_cell_too_long_to_read_is_said_plainly(env, run_cli, tmp_path):
    path = write(tmp_path / "ww.csv", [HEADER + ["x" * 200_000]] + wastewater(2)[1:])
    code, out = run_cli("ingest", "wastewater", path)
    assert code == 1 and "a header cell is too long" in out and "表头" in out, out
