"""The briefings page: the period's headline figures equal the warehouse; one click builds, archives and
offers the files; the archive lists what was built."""
from __future__ import annotations

import json

import i18n
from briefings import archive
from tests.app_helpers import assert_healthy, frame, open_page, texts


def test_headline_figures_equal_the_marts(demo):
    at = open_page("briefings", "zh")
    assert_healthy(at)
    at.selectbox(key="brief_period").set_value("2024Q3").run()
    shown = frame(at, "briefing_headline")
    existing = demo.value("select existing_users from mart_registry_township where area_level = 'banner' "
                          "and snapshot_date = date '2024-09-30'")
    cases = demo.value("select sum(cases) from mart_cases_quarter where quarter = '2024Q3'")
    values = dict(zip(shown[i18n.t("col.measure", "zh")], shown[i18n.t("col.this_period", "zh")]))
    assert values[i18n.t("brief.m_existing_users", "zh")] == existing
    assert values[i18n.t("brief.m_cases", "zh")] == cases


def test_build_archives_and_offers_every_format(demo, tmp_path, monkeypatch):
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    at = open_page("briefings", "en")
    at.selectbox(key="brief_period").set_value("2024Q3").run()
    at.radio(key="brief_audience").set_value("public").run()
    at.button(key="brief_build").click().run()
    assert_healthy(at)
    version = demo.value("select value from warehouse_meta where key = 'version'")
    assert any(version in s and "2024Q3" in s for s in texts(at)), texts(at)
    folder = archive.default_dir() / f"2024Q3_public_en_{version}"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    labels = [b.label for b in at.download_button]
    for name in manifest["files"]:
        assert (folder / name).stat().st_size > 0
        assert i18n.t("brief_page.download", "en", file=name) in labels
    assert len(manifest["files"]) == 3
    listed = frame(at, "briefing_archive", "en")
    assert list(listed[i18n.t("col.warehouse_version", "en")]) == [version]


def test_no_format_chosen_builds_nothing(demo, tmp_path, monkeypatch):
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    at = open_page("briefings", "zh")
    at.multiselect(key="brief_formats").set_value([]).run()
    at.button(key="brief_build").click().run()
    assert i18n.t("brief_page.pick_formats", "zh") in [w.value for w in at.warning]
    assert not archive.default_dir().exists() or archive.archived(archive.default_dir()) == []


def test_notes_typed_on_the_page_reach_the_briefing(demo, tmp_path, monkeypatch):
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    at = open_page("briefings", "zh")
    at.selectbox(key="brief_period").set_value("2024Q3").run()
    at.multiselect(key="brief_formats").set_value(["html"]).run()
    at.text_area(key="brief_note_problems").input("个别嘎查村宣传覆盖不足。\n流动人口底数不清。").run()
    at.button(key="brief_build").click().run()
    assert_healthy(at)
    [html] = list(archive.default_dir().glob("*/*.html"))
    text = html.read_text(encoding="utf-8")
    assert "个别嘎查村宣传覆盖不足。" in text and "流动人口底数不清。" in text
