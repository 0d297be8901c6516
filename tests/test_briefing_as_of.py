"""A briefing true to its period (issue 11, item 3): a period that ends before the data do is briefed on the
warehouse as it stood at the period's end (`briefings.as_of`), never on statuses computed on later data."""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest

import warehouse
from analysis import townships
from analysis.access import WHOLE_BANNER
from analysis.labels import label
from briefings import as_of, content, period as period_mod

ISSUED = date(2024, 10, 8)
Q3_END = date(2024, 9, 30)
MANUFACTURING_ZH = "制造毒品案件或非法生产制毒物品案件"


@pytest.fixture
def as_of_folder(demo) -> Path:
    """The demo warehouse's folder of kept as-of files, emptied for this test (tests of one process share the
    demo warehouse, and so its kept files)."""
    shutil.rmtree(warehouse.private_folder(as_of.FOLDER, demo.warehouse))
    return warehouse.private_folder(as_of.FOLDER, demo.warehouse)


def private_names(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith(as_of.PRIVATE)]


def held_open(folder: Path) -> list[str]:
    """Files of `folder` a connection of this process still holds."""
    return [os.path.realpath(f"/proc/self/fd/{fd}") for fd in os.listdir("/proc/self/fd")
            if str(folder) in os.path.realpath(f"/proc/self/fd/{fd}")]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def annex(b, word: str):
    [found] = [t for t in b.annex if word in t.title]
    return found


def problems(b) -> str:
    return "\n".join(b.sections[3].paragraphs)


def cut_by_hand(source: Path, target: Path, day: date) -> None:
    """A copy of `source` whose facts stop at `day` (rows deleted, independently of `briefings.as_of`), with
    the marts republished on them."""
    shutil.copyfile(source, target)
    with duckdb.connect(str(target)) as con:
        for fact, column in (("fact_wastewater", "sample_date"), ("fact_hair", "collection_date"),
                             ("fact_registry", "snapshot_date"), ("fact_cases", "filed_date")):
            con.execute(f"delete from {fact} where {column} > ?", [day])
        later = [p for (p,) in con.execute("select distinct period from fact_indicators").fetchall()
                 if period_mod.parse(p).end > day]
        con.execute("delete from fact_indicators where list_contains(?, period)", [later])
        con.execute("update fact_cases set solved_date = null where solved_date > ?", [day])
    with warehouse.publishing(target):
        pass


def statuses(path: Path, year: int, lang: str = "zh") -> dict[str, str]:
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.execute(f"select target_{lang}, status from mart_six_zero where year = ?",
                           [year]).fetchall()
    return {target: label("status", status, lang) for target, status in rows}


def test_a_third_quarter_briefing_shows_the_targets_as_of_30_september(demo, tmp_path, as_of_folder):
    """The six targets of a 2024Q3 briefing are those of a warehouse whose facts stop on 30 September (not
    the full-year statuses the live marts hold now that the data run to 2025), with "截至2024年9月30日"."""
    cut = tmp_path / "cut.duckdb"
    cut_by_hand(demo.warehouse, cut, Q3_END)
    b = content.build(period_mod.parse("2024Q3"), "internal", "zh", ISSUED, tmp_path / "work")
    six = annex(b, "六个零")
    shown = {row[0]: row[1] for row in six.rows}
    assert shown == statuses(cut, 2024)
    assert shown != statuses(demo.warehouse, 2024), "the demo's full year differs from its first three quarters"
    assert "截至2024年9月30日" in six.title and "截至2024年9月30日" in annex(b, "四升四降").title
    assert all(p.split(".", 1)[1].startswith("截至2024年9月30日") for p in b.sections[3].paragraphs
               if "目标" in p or "四升四降" in p)
    assert any("截至2024年9月30日" in note and "2025年6月30日" in note for note in b.footnotes)


def test_a_case_filed_in_november_is_not_seen_by_the_third_quarter(demo, tmp_path, as_of_folder, monkeypatch):
    """A manufacturing case filed on 15 November 2024 breaks a five-never rule for the year 2024: the 2024
    briefing says so, the 2024Q3 briefing (written later, on the same warehouse) does not."""
    live = tmp_path / "live.duckdb"
    shutil.copyfile(demo.warehouse, live)
    with duckdb.connect(str(live)) as con:
        assert con.execute("select count(*) from fact_cases where case_type = 'manufacturing' "
                           "and year(filed_date) = 2024").fetchall() == [(0,)]
        con.execute("""insert into fact_cases select * replace ('HAND-2024-11' as case_id,
                           date '2024-11-15' as filed_date, null as solved_date, 'manufacturing' as case_type)
                       from fact_cases where township_code <> '外地' and year(filed_date) = 2024 limit 1""")
    with warehouse.publishing(live):
        pass
    monkeypatch.setenv("WAREHOUSE_PATH", str(live))
    year = content.build(period_mod.parse("2024"), "internal", "zh", date(2025, 1, 8), tmp_path / "year")
    q3 = content.build(period_mod.parse("2024Q3"), "internal", "zh", ISSUED, tmp_path / "q3")
    assert f"截至2024年12月31日，发生“{MANUFACTURING_ZH}”1起" in problems(year)
    assert MANUFACTURING_ZH not in problems(q3)
    with duckdb.connect(str(live), read_only=True) as con:   # the live marts do see it
        assert con.execute("select count from mart_five_never where year = 2024 and event = 'manufacturing'"
                           ).fetchall() == [(1,)]


def counting_rebuilds(monkeypatch) -> list[int]:
    """The mode of the as-of folder at each rebuild of an as-of file's marts."""
    seen = []
    rebuild = warehouse.build_marts

    def watching(con, *args):
        [path] = [Path(p) for (p,) in con.execute("select path from duckdb_databases() where database_name = "
                                                   "current_database()").fetchall()]
        if path.parent.name == as_of.FOLDER:       # not a load's publish
            seen.append(path.parent.stat().st_mode & 0o777)
        rebuild(con, *args)

    monkeypatch.setattr(warehouse, "build_marts", watching)
    return seen


def test_the_as_of_file_is_built_once_in_a_private_folder_and_read_again(demo, tmp_path, as_of_folder, monkeypatch):
    """The second briefing of a period (with the office's notes, in English) reads the kept as-of file: no
    second rebuild, the same figures; another value of a setting the marts read builds another. The folder is
    0700, nothing but the kept file is left in it, no connection holds it after a build, and the live warehouse
    is as it was."""
    rebuilds = counting_rebuilds(monkeypatch)
    before = sha256(demo.warehouse)
    q3 = period_mod.parse("2024Q3")
    first = content.build(q3, "internal", "zh", ISSUED, tmp_path / "first")
    assert rebuilds == [0o700]
    [kept] = list(as_of_folder.iterdir())
    again = content.build(q3, "internal", "zh", ISSUED, tmp_path / "again", notes={"problems": ["人手不足。"]})
    english = content.build(q3, "internal", "en", ISSUED, tmp_path / "english")
    assert rebuilds == [0o700], "read again, not rebuilt"
    assert list(as_of_folder.iterdir()) == [kept] and held_open(as_of_folder) == []
    assert annex(again, "六个零").rows == annex(first, "六个零").rows
    assert first.as_of == again.as_of == english.as_of == "2024-09-30"
    monkeypatch.setenv("TREND_ALPHA", "0.1")          # a setting the marts compute with: built anew
    content.build(q3, "internal", "zh", ISSUED, tmp_path / "alpha")
    assert rebuilds == [0o700, 0o700] and len(list(as_of_folder.iterdir())) == 2
    assert sha256(demo.warehouse) == before


def test_kept_files_are_bounded_and_a_new_version_drops_the_old(demo, tmp_path, monkeypatch):
    """`briefing_as_of_kept` bounds the kept files (the least recently used go); a load (a new live version)
    makes the next briefing rebuild, and the old version's files go; 0 keeps none."""
    live = tmp_path / "wh" / "live.duckdb"
    live.parent.mkdir()
    shutil.copyfile(demo.warehouse, live)
    monkeypatch.setenv("WAREHOUSE_PATH", str(live))
    folder = warehouse.private_folder(as_of.FOLDER, live)
    rebuilds = counting_rebuilds(monkeypatch)

    def brief(code: str, kept: int) -> list[str]:
        monkeypatch.setenv("BRIEFING_AS_OF_KEPT", str(kept))
        content.build(period_mod.parse(code), "internal", "zh", ISSUED, tmp_path / code)
        return sorted(p.name for p in folder.iterdir())

    [q3] = brief("2024Q3", 2)
    [*both] = brief("2024Q2", 2)
    assert len(both) == 2 and q3 in both and len(rebuilds) == 2
    [h1] = brief("2024H1", 1)                         # 2024-06-30, as 2024Q2: read again, then one kept
    assert h1 != q3 and h1 in both and len(rebuilds) == 2
    with warehouse.publishing(live):                  # a load: a new live version
        pass
    [after] = brief("2024H1", 1)
    assert after != h1 and len(rebuilds) == 3
    assert brief("2024Q3", 0) == [] and len(rebuilds) == 4


def test_a_copy_of_another_version_than_the_briefing_reads_is_not_kept(demo, as_of_folder):
    """A load that published between the briefing's start and the copy: the copy (of the newer version) serves
    that briefing, but is not kept under the version the briefing read."""
    with as_of.warehouse_at(Q3_END, demo.warehouse, "the version before a load") as path:
        assert path.exists()
    assert list(as_of_folder.iterdir()) == []


def test_what_a_killed_briefing_left_is_swept_by_the_next(demo, tmp_path, as_of_folder):
    """A process killed while building (kill -9) leaves its private file and DuckDB's spill folder; the next
    briefing removes them, and leaves a running process's alone."""
    dead = 4_194_304 + 1                               # above Linux's largest process id: never running
    name = f"{as_of.PRIVATE}{dead}-0a1b2c3d.duckdb"
    left = [as_of_folder / name, as_of_folder / f"{name}.tmp"]
    left[0].write_bytes(b"half a warehouse")
    left[1].mkdir()
    running = as_of_folder / f"{as_of.PRIVATE}{os.getppid()}-0a1b2c3d.duckdb"
    running.write_bytes(b"another briefing's")
    content.build(period_mod.parse("2024Q3"), "internal", "zh", ISSUED, tmp_path / "work")
    assert not any(p.exists() for p in left) and running.exists()


@pytest.mark.parametrize("where", ["rebuilding the marts", "writing the briefing"])
def test_a_failure_leaves_no_half_built_file(demo, tmp_path, as_of_folder, monkeypatch, where):
    """A failure while the as-of file is built leaves nothing in the folder; a failure after (in writing the
    briefing) leaves the complete file kept, which the next briefing reads. The live warehouse is untouched."""
    def broken(*args):
        raise RuntimeError("broken on purpose")

    if where == "rebuilding the marts":
        monkeypatch.setattr(warehouse, "build_marts", broken)
    else:
        monkeypatch.setattr(content, "_annex", broken)
    before = sha256(demo.warehouse)
    with pytest.raises(RuntimeError, match="on purpose"):
        content.build(period_mod.parse("2024Q3"), "internal", "zh", ISSUED, tmp_path / "work")
    assert private_names(as_of_folder) == [] and held_open(as_of_folder) == []
    assert len(list(as_of_folder.iterdir())) == (0 if where == "rebuilding the marts" else 1)
    assert sha256(demo.warehouse) == before


def test_the_archive_cites_the_live_version_and_the_day_the_figures_stand_at(demo, tmp_path, as_of_folder):
    from briefings import cli

    version = demo.value("select value from warehouse_meta where key = 'version'")
    before = sha256(demo.warehouse)
    for code in ("2024Q3", "2025Q2"):
        assert cli.main(["build", "--period", code, "--format", "html", "--out", str(tmp_path / "out"),
                         "--date", "2025-07-08"]) == 0
    manifests = {m["period"]: m for m in (json.loads(p.read_text(encoding="utf-8"))
                                          for p in (tmp_path / "out").glob("*/manifest.json"))}
    assert manifests["2024Q3"]["warehouse_version"] == manifests["2025Q2"]["warehouse_version"] == version
    assert manifests["2024Q3"]["data_as_of"] == "2024-09-30"
    assert manifests["2025Q2"]["data_as_of"] is None          # the period reaches the data's end: live marts
    assert sha256(demo.warehouse) == before and private_names(as_of_folder) == []


@pytest.mark.parametrize("lang, pattern", [("zh", r"^(\d+)/(\d+)（(\d+)项无数据）$"),
                                           ("en", r"^(\d+)/(\d+) \((\d+) without data\)$")])
def test_checks_passed_say_how_many_had_no_data(demo, tmp_path, lang, pattern):
    """The 2025-06-30 snapshot leaves the optional registry columns blank: their checks are neither passed
    nor failed, and the township table says how many, in each language."""
    period = period_mod.parse("2025Q2")
    b = content.build(period, "internal", lang, ISSUED, tmp_path)
    towns = b.sections[2].tables[0]
    card, _ = townships.scorecard(period.filters, WHOLE_BANNER)
    expected = {label("township", r.township_code, lang): (r.checks_passed, r.checks_total, r.checks_no_data)
                for r in card.itertuples(index=False)}
    shown = {row[0]: re.match(pattern, row[-1]) for row in towns.rows[:-1]}
    assert all(shown.values()), [row[-1] for row in towns.rows]
    assert {town: tuple(int(g) for g in m.groups()) for town, m in shown.items()} == expected
    assert any(n > 0 for _, _, n in expected.values())


def test_no_room_for_the_as_of_warehouse_is_exit_1_in_both_languages_and_nothing_left(demo, tmp_path, as_of_folder):
    """Files capped well below the size of the as-of warehouse (a full disk as far as its writes go: EFBIG, as
    ENOSPC would be): one bilingual line, exit 1, no briefing, no file left in the as-of folder or the system's
    temporary folder, the live warehouse as it was."""
    import resource
    import subprocess
    import sys

    import config

    system_tmp, out = tmp_path / "system-tmp", tmp_path / "out"
    system_tmp.mkdir()
    limit = demo.warehouse.stat().st_size // 8
    before = sha256(demo.warehouse)

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    done = subprocess.run([sys.executable, "-m", "briefings", "build", "--period", "2024Q3", "--format", "html",
                           "--out", str(out)], cwd=config.ROOT, env={**os.environ, "TMPDIR": str(system_tmp)},
                          capture_output=True, text=True, preexec_fn=cap, timeout=300)
    assert done.returncode == 1, done.stderr
    assert "磁盘空间不足" in done.stderr and "no space left" in done.stderr and "Traceback" not in done.stderr
    assert list(system_tmp.iterdir()) == [] and list(as_of_folder.iterdir()) == []
    assert not out.exists() or list(out.iterdir()) == []
    assert sha256(demo.warehouse) == before


@pytest.mark.parametrize("code", ["2024", "2024H1", "2024H2", "2024Q1", "2024Q2", "2024Q3", "2024Q4", "2023Q4"])
def test_an_indicator_counts_from_the_last_day_its_period_covers(code):
    """The cut keeps an indicator whose period ends on or before the day: 2024H1 on 30 June, 2024 on 31
    December (the same end as a briefing of that period)."""
    from briefings.as_of import PERIOD_END

    assert duckdb.execute(f"select {PERIOD_END} from (select ? as period)", [code]).fetchall() == \
        [(period_mod.parse(code).end,)]


@pytest.mark.parametrize("written", ["24Q1", "2024Q5", "2024-H1", ""])
def test_an_indicator_period_written_otherwise_is_left_out(written):
    from briefings.as_of import PERIOD_END

    assert duckdb.execute(f"select {PERIOD_END} from (select ? as period)", [written]).fetchall() == [(None,)]


def test_a_past_period_builds_after_the_reference_files_changed(demo, tmp_path, as_of_folder, monkeypatch):
    """The as-of copy keeps the stored tables' keys: when what the reference tables come from changed since the
    live warehouse was built (an edited domain file, another `trend_alpha`), its rebuild records the new stamp
    in `warehouse_meta` (an upsert) instead of failing with a binder error."""
    monkeypatch.setenv("TREND_ALPHA", "0.1")
    b = content.build(period_mod.parse("2024Q3"), "internal", "zh", ISSUED, tmp_path / "work")
    assert annex(b, "六个零").rows
    with duckdb.connect(str(demo.warehouse), read_only=True) as con:   # the live warehouse was built with 0.05
        assert con.execute("select value from ref_settings where setting = 'trend_alpha'").fetchall() == [("0.05",)]
