"""Briefings (contract.md §1, domain.md §7): the command, the figures against the warehouse, the public
version's suppression, the archive, and bad input."""
from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from pathlib import Path

import docx
import pytest

import domain
from pypdf import PdfReader

from analysis import fmt
from briefings import archive, charts, cli, content, period as period_mod, suppress
from briefings.period import PeriodError
from analysis.filters import BOUNDS_SQL, quarter_from_index, quarter_index, quarter_of
from analysis.labels import label

ISSUED = "2024-10-08"


@pytest.fixture
def run(capsys):
    """Run `python -m briefings ...` in this process: (exit code, everything printed)."""
    def go(*args: str | Path) -> tuple[int, str]:
        code = cli.main([str(a) for a in args])
        out = capsys.readouterr()
        return code, out.out + out.err
    return go


def all_text(briefing) -> str:
    parts = [briefing.title, briefing.issuer, briefing.date_text, *briefing.footnotes]
    def walk(sections):
        for s in sections:
            parts.extend([s.heading, *s.paragraphs])
            for t in s.tables:
                parts.extend(cell for row in t.rows for cell in row)
            walk(s.subsections)
    walk(briefing.sections)
    return "\n".join(parts)


def table(briefing, title_part: str):
    def walk(sections):
        for s in sections:
            for t in s.tables:
                if title_part in t.title:
                    return t
            found = walk(s.subsections)
            if found:
                return found
        return None
    return walk(briefing.sections)


# --- periods ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("code, first, last, zh, en", [
    ("2024Q3", "2024Q3", "2024Q3", "2024年第三季度", "2024 Q3"),
    ("2024h1", "2024Q1", "2024Q2", "2024年上半年", "first half of 2024"),
    ("2024H2", "2024Q3", "2024Q4", "2024年下半年", "second half of 2024"),
    ("2024", "2024Q1", "2024Q4", "2024年", "2024"),
])
def test_period_codes(code, first, last, zh, en):
    p = period_mod.parse(code)
    assert (p.first, p.last, p.text("zh"), p.text("en")) == (first, last, zh, en)
    assert p.previous_year.first == f"2023{first[4:]}"


@pytest.mark.parametrize("bad", ["2024Q5", "24Q1", "2024-3", "Q3", ""])
def test_bad_period_is_refused(bad):
    with pytest.raises(PeriodError, match="2024Q3"):
        period_mod.parse(bad)


# --- suppression -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("value, public, banner, shown", [
    (3, True, False, "<5"), (1, True, False, "<5"), (4, True, False, "<5"), (5, True, False, "5"),
    (0, True, False, "0"), (3, True, True, "3"), (3, False, False, "3"), (None, True, False, "—"),
])
def test_small_counts_below_banner_level_are_hidden_in_public(value, public, banner, shown):
    assert suppress.count(value, public, banner) == shown


def test_rate_is_hidden_with_its_base_or_the_count_it_implies(monkeypatch):
    assert suppress.rate(50.0, 2, public=True, banner=False) == "—"
    assert suppress.rate(50.0, 2, public=False, banner=False) == "50.0%"
    assert suppress.rate(3.0, 99, public=True, banner=False) == "—"          # 3 positives of 99
    assert suppress.rate(0.0, 99, public=True, banner=False) == "0.0%"
    assert suppress.rate(10.0, 99, public=True, banner=False) == "10.0%"     # 10 of 99
    assert suppress.rate(3.0, 99, public=True, banner=True) == "3.0%"
    monkeypatch.setenv("BRIEFING_PUBLIC_MIN_COUNT", "10")
    assert suppress.count(7, True, False) == "<10"


# --- content against the warehouse ---------------------------------------------------------------------
def test_figures_equal_the_warehouse(demo, tmp_path):
    b = content.build(period_mod.parse("2024Q3"), "internal", "zh", date(2024, 10, 8), tmp_path)
    text = all_text(b)
    existing, registered = demo.query(
        "select existing_users, registered from mart_registry_township where area_level = 'banner' "
        "and snapshot_date = (select max(snapshot_date) from mart_registry_township "
        "where snapshot_date <= date '2024-09-30')")[0]
    cases_q3 = demo.value("select sum(cases) from mart_cases_quarter where quarter = '2024Q3'")
    samples, persons = demo.query("select sum(samples), sum(persons) from mart_hair_samples "
                                  "where quarter = '2024Q3' and township_code = '150823'")[0]
    assert f"现有吸毒人员{fmt.number(existing)}名" in text
    assert f"登记在册吸毒人员{fmt.number(registered)}名" in text
    assert f"涉毒案事件{fmt.number(cases_q3)}起" in text
    assert f"毛发检测{fmt.number(samples)}份样本（{fmt.number(persons)}人）" in text
    assert b.version == demo.value("select value from warehouse_meta where key = 'version'")
    assert [s.heading[:2] for s in b.sections] == ["一、", "二、", "三、", "四、", "五、"]


def test_charts_are_drawn_once_and_only_when_a_format_embeds_them(demo, tmp_path, monkeypatch):
    """A briefing read for its text (the page's preview, a check of its figures) draws no picture; its
    formats draw each chart once and share it."""
    drawn = []
    save = charts._save

    def counting(fig, path):
        drawn.append(path.name)
        return save(fig, path)

    monkeypatch.setattr(charts, "_save", counting)
    b = content.build(period_mod.parse("2024Q3"), "internal", "zh", date(2024, 10, 8), tmp_path / "work")
    assert drawn == [] and not list((tmp_path / "work").glob("*.png"))
    for fmt in ("html", "docx"):
        archive.renderer(fmt)(b, tmp_path / f"briefing.{fmt}")
    assert sorted(drawn) == ["cases.png", "wastewater.png"]
    assert sorted(p.name for p in (tmp_path / "work").glob("*.png")) == sorted(drawn)


def test_township_table_rows_are_the_scorecard(demo, tmp_path):
    b = content.build(period_mod.parse("2024Q3"), "internal", "zh", date(2024, 10, 8), tmp_path)
    t = table(b, "各苏木镇")
    stored = dict(demo.query("select t.name_zh, m.existing_users from mart_registry_township m "
                             "join ref_townships t on t.code = m.township_code "
                             "where m.area_level = 'township' and m.snapshot_date = date '2024-09-30'"))
    shown = {row[0]: row[1] for row in t.rows[:-1]}
    assert {k: v for k, v in shown.items() if k in stored} == {k: fmt.number(v) for k, v in stored.items()}
    assert t.total_row and t.rows[-1][0] == "乌拉特前旗"


def test_public_version_hides_small_counts_and_early_warnings(demo, tmp_path):
    internal = content.build(period_mod.parse("2024Q3"), "internal", "zh", date(2024, 10, 8), tmp_path / "i")
    public = content.build(period_mod.parse("2024Q3"), "public", "zh", date(2024, 10, 8), tmp_path / "p")
    ti, tp = table(internal, "各苏木镇"), table(public, "各苏木镇")
    small = [(r, c) for r, row in enumerate(ti.rows[:-1]) for c, cell in enumerate(row[1:], 1)
             if cell in {"1", "2", "3", "4"}]
    assert small, "the demo has small counts below banner level"
    for r, c in small:
        assert tp.rows[r][c] == "<5"
    assert all(cell not in {"1", "2", "3", "4"} for row in tp.rows[:-1] for cell in row[1:])
    assert tp.rows[-1] == ti.rows[-1]                       # the banner's totals are published as they are
    warned = demo.query("""select township_code, subject_group, count(distinct sample_id) from mart_early_warnings
                           where quarter = '2024Q3' and kind = 'hair_positive_outside_registry'
                           group by all order by all""")
    assert warned, "the demo plants a hair positive outside the registry in 2024Q3"
    for town, group, n in warned:
        sentence = f"{label('township', town, 'zh')}{label('subject_group', group, 'zh')}毛发检测发现{n}名未登记人员阳性。"
        assert sentence in all_text(internal)
    assert "未登记人员阳性" not in all_text(public) and "早期预警" not in all_text(public)
    assert internal.marking and public.marking is None
    assert any("<5" in n for n in public.footnotes)


def test_english_briefing(demo, tmp_path):
    b = content.build(period_mod.parse("2024"), "internal", "en", date(2025, 1, 15), tmp_path)
    assert b.title == "Urad Front Banner drug situation briefing, 2024"
    assert b.date_text == "15 January 2025"
    cjk = lambda text: any("\u4e00" <= ch <= "\u9fff" for ch in text)  # noqa: E731
    headings = [s.heading for s in b.sections] + [sub.heading for s in b.sections for sub in s.subsections]
    assert headings[0] == "1. The overall situation" and not any(cjk(h) for h in headings)
    registry = b.sections[0].subsections[0].paragraphs[0]
    assert registry.startswith("On 31 December 2024") and not cjk(registry)


# --- the command -----------------------------------------------------------------------------------------
def test_build_writes_every_format_archived_with_the_version(demo, tmp_path, run):
    code, out = run("build", "--period", "2024Q3", "--out", tmp_path, "--date", ISSUED)
    assert code == 0, out
    version = demo.value("select value from warehouse_meta where key = 'version'")
    assert "2024Q3通报（内部）已生成 3 个文件" in out and "Briefing for 2024Q3 (internal): 3 files" in out
    [folder] = [p for p in tmp_path.iterdir()]
    assert folder.name == f"2024Q3_internal_zh_{version}"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["warehouse_version"] == version
    assert sorted(manifest["files"]) == sorted(f"毒情通报_2024Q3_internal.{x}" for x in ("docx", "pdf", "html"))
    for name, sha in manifest["files"].items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == sha
    existing = demo.value("select existing_users from mart_registry_township where area_level = 'banner' "
                          "and snapshot_date = date '2024-09-30'")
    figure = f"现有吸毒人员{fmt.number(existing)}名"
    document = "\n".join(p.text for p in docx.Document(folder / "毒情通报_2024Q3_internal.docx").paragraphs)
    pdf = "".join(page.extract_text() for page in PdfReader(folder / "毒情通报_2024Q3_internal.pdf").pages)
    html = (folder / "毒情通报_2024Q3_internal.html").read_text(encoding="utf-8")
    for text in (document, pdf.replace("\n", ""), html):
        assert figure in text and "乌拉特前旗2024年第三季度毒情通报" in text
    assert "2024年10月8日" in document
    assert str(folder) in out and version in out


@pytest.mark.parametrize("args, words", [
    (["--period", "2024Q5"], ["无法识别", "not understood"]),
    (["--period", "2024Q3", "--format", "doc"], ["格式", "Format 'doc'"]),
    (["--period", "2024Q3", "--audience", "everyone"], ["读者", "Audience 'everyone'"]),
])
def test_bad_arguments_exit_2_in_both_languages(demo, tmp_path, run, args, words):
    code, out = run("build", *args, "--out", tmp_path / "out")
    assert code == 2
    assert all(w in out for w in words), out
    assert not (tmp_path / "out").exists()


def test_no_warehouse_is_a_usage_error(tmp_path, run, monkeypatch):
    monkeypatch.setenv("WAREHOUSE_PATH", str(tmp_path / "none.duckdb"))
    code, out = run("build", "--period", "2024Q3", "--out", tmp_path / "out")
    assert code == 2 and "pipelines run" in out


def test_a_period_without_data_writes_nothing(demo, tmp_path, run):
    code, out = run("build", "--period", "2010Q1", "--out", tmp_path)
    assert code == 1 and "2010Q1" in out and "no data" in out
    assert list(tmp_path.iterdir()) == []


def test_a_failing_renderer_leaves_no_half_briefing(demo, tmp_path, run, monkeypatch):
    def broken(briefing, path):
        path.write_text("half")
        raise OSError("disk full")
    original = archive.renderer
    monkeypatch.setattr(archive, "renderer", lambda fmt: broken if fmt == "pdf" else original(fmt))
    with pytest.raises(OSError):
        run("build", "--period", "2024Q3", "--format", "html,pdf", "--out", tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_briefing_reads_one_version_even_if_a_load_publishes_meanwhile(demo, tmp_path, monkeypatch):
    """`analysis.db.pinned`: every query of the block reads the version live when it began."""
    import os
    import shutil

    import duckdb

    from analysis import db

    live, newer = tmp_path / "wh.duckdb", tmp_path / "newer.duckdb"
    shutil.copyfile(demo.warehouse, live)
    shutil.copyfile(demo.warehouse, newer)
    with duckdb.connect(str(newer)) as con:
        con.execute("update warehouse_meta set value = 'newer-version' where key = 'version'")
    monkeypatch.setenv("WAREHOUSE_PATH", str(live))
    old = db.meta().version
    with db.pinned():
        os.replace(newer, live)                  # a load publishes while the briefing is being built
        assert db.meta().version == old
    assert db.meta().version == "newer-version"


def test_a_period_without_a_registry_snapshot_still_builds(demo, tmp_path):
    """The national demo's only snapshot is at the year's end: a quarter before any snapshot says so instead
    of failing (here: before the county demo's first)."""
    b = content.build(period_mod.parse("2020Q4"), "internal", "zh", date(2021, 1, 8), tmp_path)
    text = all_text(b)
    assert "本期没有吸毒人员登记数据" in text
    assert "尚未计算" not in text and "not_computed" not in text
    towns = table(b, "各苏木镇")
    assert len(towns.rows) == 18 and all(row[1] == "—" for row in towns.rows[:-1])


def test_the_office_notes_follow_the_figures_in_every_format(demo, tmp_path, run):
    notes = tmp_path / "notes.yaml"
    notes.write_text("features: [社区戒毒人员就业帮扶成效明显。]\n"
                     "next_steps: |\n  开展夏季集中整治行动。\n  加强污水监测点位建设。\n", encoding="utf-8")
    code, out = run("build", "--period", "2024Q3", "--format", "docx,html", "--notes", notes, "--out", tmp_path / "o")
    assert code == 0, out
    [folder] = list((tmp_path / "o").iterdir())
    document = [p.text for p in docx.Document(next(folder.glob("*.docx"))).paragraphs]
    html = next(folder.glob("*.html")).read_text(encoding="utf-8")
    attachments = next(i for i, p in enumerate(document) if p.startswith("附件："))
    steps = document[document.index("五、下一步工作") + 1:attachments]
    assert steps[-2:] == [f"{len(steps) - 1}.开展夏季集中整治行动。", f"{len(steps)}.加强污水监测点位建设。"]
    assert not any("请结合本期情况" in p for p in document)     # the office wrote its own: no blank line left
    assert "社区戒毒人员就业帮扶成效明显。" in html and "开展夏季集中整治行动。" in html


@pytest.mark.parametrize("text", ["summary: [x]\n", "features: {a: 1}\n", "- just a list\n"])
def test_bad_notes_are_a_usage_error(demo, tmp_path, run, text):
    notes = tmp_path / "notes.yaml"
    notes.write_text(text, encoding="utf-8")
    code, out = run("build", "--period", "2024Q3", "--notes", notes, "--out", tmp_path / "o")
    assert code == 2 and "next_steps" in out and "notes.yaml" in out
    assert not (tmp_path / "o").exists()


# --- issue 11: a 通报 the office would sign and send -------------------------------------------------------
def paragraphs_of(briefing) -> list[str]:
    out = []
    def walk(sections):
        for s in sections:
            out.extend(s.paragraphs)
            walk(s.subsections)
    walk(briefing.sections)
    return out


CJK = r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]"


@pytest.mark.parametrize("code", ["2024Q3", "2024H1", "2024"])
def test_sentences_read_like_the_office_wrote_them(demo, tmp_path, code):
    """Every sentence ends with 。 (or ： before a list), dates read 2024年7月18日, changes 上升/下降/持平 with the
    number, no space next to a Chinese character, no machine code or dashboard sign."""
    b = content.build(period_mod.parse(code), "internal", "zh", date(2024, 10, 8), tmp_path)
    texts = paragraphs_of(b) + [b.masthead.lead, b.masthead.cc, *b.footnotes]
    for text in texts:
        assert text.endswith(("。", "：")), text
        assert not re.search(r"\d{4}-\d{2}-\d{2}", text), text                  # no ISO date
        assert not re.search(rf"{CJK} | {CJK}", text), text                     # no stray spaces
        assert not re.search(r"同比[+-]|[+-]\d+(\.\d+)?%|MF-|·|\bQ[1-4]\b|_", text), text
        assert "高于本地前" not in text and "合计 " not in text
    changes = re.findall(r"同比(上升|下降|持平)", " ".join(texts))
    assert changes, "the figures are compared with last year in words"


def test_early_warnings_in_prose_per_township_and_sample_ids_only_in_the_internal_annex(demo, tmp_path):
    internal = content.build(period_mod.parse("2024Q3"), "internal", "zh", date(2024, 10, 8), tmp_path / "i")
    public = content.build(period_mod.parse("2024Q3"), "public", "zh", date(2024, 10, 8), tmp_path / "p")
    ids = {r[0] for r in demo.query("select sample_id from mart_early_warnings where quarter = '2024Q3' "
                                    "and sample_id is not null")}
    assert ids
    [annex] = [t for t in internal.annex if "未登记阳性" in t.title]
    assert {row[2] for row in annex.rows} == ids and "内部" in annex.title
    assert not any(i in all_text(internal) for i in ids)                    # not in the running text
    public_text = all_text(public) + "".join(c for t in public.annex for row in t.rows for c in row)
    assert not any(i in public_text for i in ids) and not any("未登记" in t.title for t in public.annex)
    towns = {row[0] for row in table(internal, "各苏木镇").rows[:-1]}
    warnings_public = [p for p in paragraphs_of(public) if "毛发检测发现" in p or "需核查" in p]
    assert warnings_public == [] and any(t in p for p in paragraphs_of(internal) for t in towns
                                         if "毛发检测发现" in p)


def hidden(cell: str) -> bool:
    return not re.fullmatch(r"[\d,.]+%?", cell)


@pytest.mark.parametrize("code", ["2024H1", "2024Q3", "2024"])
def test_public_table_has_no_suppressed_cell_that_follows_from_a_total(demo, tmp_path, code):
    """Recompute each hidden count from the banner total and the shown cells: with a single hidden cell in a
    column it would follow exactly, so there must be none or at least two. Positives are what a reader gets
    from rate × tests; a face-check rate is judged on its own base (users at large)."""
    b = content.build(period_mod.parse(code), "public", "zh", date(2025, 1, 8), tmp_path)
    t = table(b, "各苏木镇")
    towns, banner = t.rows[:-1], t.rows[-1]
    col = {name: t.columns.index(name) for name in ("现有吸毒人员", "年内新发现", "失控", "案事件", "毛发检测样本", "阳性率",
                                                   "见面核查率")}
    for name in ("现有吸毒人员", "年内新发现", "失控", "案事件", "毛发检测样本"):
        cells = [row[col[name]] for row in towns]
        unknown = [c for c in cells if hidden(c)]
        assert len(unknown) != 1, (name, cells)
        if not unknown:
            assert sum(int(c.replace(",", "")) for c in cells) == int(banner[col[name]].replace(",", ""))
    positives = [hidden(row[col["阳性率"]]) or hidden(row[col["毛发检测样本"]]) for row in towns]
    assert sum(positives) != 1, [row[col["阳性率"]] for row in towns]
    day = registry_day(b)
    at_large = dict(demo.query("select township_code, at_large from mart_registry_township "
                               "where snapshot_date = ? and area_level = 'township'", [day]))
    names = {label("township", code_, "zh"): n for code_, n in at_large.items()}
    for row in towns:
        if not hidden(row[col["见面核查率"]]):
            assert names[row[0]] >= suppress.threshold(), row     # never 4 of 4 shown as 100.0%
    assert any(c == "*" for row in towns for c in row) or code != "2024H1"   # complementary cells, marked


def registry_day(b) -> date:
    text = b.sections[2].paragraphs[0]
    y, m, d = map(int, re.match(r"截至(\d+)年(\d+)月(\d+)日", text).groups())
    return date(y, m, d)


@pytest.mark.parametrize("code, day", [("2024Q3", "截至2024年9月30日"), ("2024H1", "截至2024年6月30日"),
                                       ("2024", "截至2024年12月31日")])
def test_targets_say_as_of_when(demo, tmp_path, code, day):
    """Part-year briefings show the year's targets as of the period's end (year to date, `briefings.as_of`):
    the day their statuses stand at, not the full year the live marts hold."""
    b = content.build(period_mod.parse(code), "internal", "zh", date(2024, 10, 8), tmp_path)
    titles = [t.title for t in b.annex if "六个零" in t.title or "四升四降" in t.title]
    assert len(titles) == 2 and all(day in t for t in titles)
    problems = b.sections[3].paragraphs
    assert all(p.split(".", 1)[1].startswith("截至") for p in problems if "目标" in p or "四升四降" in p)


def test_a_period_after_the_data_end_exits_1_naming_the_data_end(demo, tmp_path, run):
    data_end = demo.query(BOUNDS_SQL)[0][1]
    after = quarter_from_index(quarter_index(quarter_of(data_end)) + 1)
    code, out = run("build", "--period", after, "--out", tmp_path)
    assert code == 1 and data_end.isoformat() in out and "数据截止" in out and "after the end of the data" in out
    assert list(tmp_path.iterdir()) == []


def test_figures_and_tables_are_numbered_and_the_chart_shows_every_named_substance(demo, tmp_path, monkeypatch):
    drawn = []
    lines = content.charts.lines

    def keep(frame, *args, **kwargs):
        drawn.append(set(frame["substance"]))
        return lines(frame, *args, **kwargs)
    monkeypatch.setattr(content.charts, "lines", keep)
    b = content.build(period_mod.parse("2024Q3"), "internal", "zh", date(2024, 10, 8), tmp_path)
    pictures = [c for s in b.sections for sub in [s, *s.subsections] for c in sub.charts]
    assert [c.title.split("　")[0] for c in pictures] == ["图1", "图2"]
    assert all(c.png.exists() for c in pictures)      # drawn, as a format embedding them draws them
    assert table(b, "各苏木镇").title.startswith("表1　") and "见表1" in b.sections[2].paragraphs[0]
    assert named_substances(b) and named_substances(b) <= drawn[0]    # ketamine, the fastest riser, is drawn


def named_substances(b) -> set[str]:
    """Substances the wastewater paragraph and the main features name (longest names first: 甲基苯丙胺 is not
    苯丙胺)."""
    text = " ".join(b.sections[1].paragraphs + b.sections[0].subsections[3].paragraphs)
    found = set()
    for code, name in sorted(domain.labels("substance").items(), key=lambda kv: -len(kv[1].zh)):
        if name.zh in text:
            found.add(code)
            text = text.replace(name.zh, "")
    return found


def test_masthead_recipients_and_copies_are_the_office_settings(demo, tmp_path, monkeypatch):
    monkeypatch.setenv("BRIEFING_MASTHEAD_ZH", "乌拉特前旗禁毒工作简报")
    monkeypatch.setenv("BRIEFING_RECIPIENTS_ZH", "各苏木镇禁毒办")
    monkeypatch.setenv("BRIEFING_CC_ZH", "市禁毒办")
    b = content.build(period_mod.parse("2024Q3"), "public", "zh", date(2024, 10, 8), tmp_path, issue_no=4)
    m = b.masthead
    assert (m.name, m.number, m.recipients, m.cc) == ("乌拉特前旗禁毒工作简报", "第4期", "各苏木镇禁毒办：", "抄送：市禁毒办。")
    assert m.lead == "现将2024年第三季度全旗毒情监测预警情况通报如下："
    assert m.printed_on == "2024年10月8日印发" and m.attachments == [t.title.split("　", 1)[1] for t in b.annex]
    en = content.build(period_mod.parse("2024Q3"), "internal", "en", date(2024, 10, 8), tmp_path / "en")
    assert en.masthead.name == "Urad Front Banner Drug Control Bulletin" and en.masthead.number == "No. 1"
    assert en.masthead.printed_on == "issued 8 October 2024"


def test_complementary_suppression_leaves_no_column_with_one_hidden_cell():
    """A lone "<5" in a column with a total is the total minus the others: the smallest shown non-zero cell
    is withheld with it. Hiding a base (tests) hides what is computed on it (positives) too."""
    import pandas as pd

    counts = pd.DataFrame({"users": [3, 10, 20, 40], "cases": [0, 7, 2, 9], "tests": [8, 3, 12, 30],
                           "positives": [6, 0, 5, 8]})
    mask = suppress.withheld(counts, public=True, links={"tests": "positives"})
    assert mask.to_dict("list") == {"users": [True, True, False, False], "cases": [False, True, True, False],
                                    "tests": [True, True, False, False], "positives": [True, True, False, False]}
    assert all(mask[c].sum() != 1 for c in mask)
    assert not suppress.withheld(counts, public=False).to_numpy().any()
