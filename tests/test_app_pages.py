"""Every page, in both languages, on the demo warehouse: it renders without error, says which warehouse
version it shows and where the data comes from, translates every header, and offers every table and chart's
data for download."""
from __future__ import annotations

import re

import pytest

import i18n
from dashboard import nav
from tests.app_helpers import assert_healthy, open_page, texts, walk

PAGES = [p.key for p in nav.PAGES]
SNAKE = re.compile(r"^[a-z]+(_[a-z0-9]+)+$")


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("key", PAGES)
def test_page_renders_in_both_languages(demo, key, lang):
    at = open_page(key, lang)
    assert_healthy(at)
    assert at.title[0].value == i18n.t(f"page.{key}", lang)
    version = demo.value("select value from warehouse_meta where key = 'version'")
    shown = texts(at)
    assert any(version in s for s in shown), "the warehouse version is shown"
    assert any(i18n.t("frame.sources", lang) in s for s in shown), "sources are shown"
    other = "en" if lang == "zh" else "zh"
    assert i18n.t(f"page.{key}", other) not in shown


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("key", PAGES)
def test_tables_have_translated_headers_and_downloads(demo, key, lang):
    at = open_page(key, lang)
    for table in at.dataframe:
        raw = [c for c in table.value.columns if SNAKE.match(str(c))]
        assert not raw, f"untranslated columns {raw}"
    charts = [e for e in walk(at.main) if type(e).__name__ == "UnknownElement" and e.type == "plotly_chart"]
    titled = [e for e in walk(at.main) if type(e).__name__ == "Markdown" and _is_table_title(str(e.value), lang)]
    downloads = [b.label for b in at.download_button]
    assert titled and len(titled) >= len(charts)
    assert downloads.count(i18n.t("download.csv", lang)) == len(titled)     # every chart and table ...
    assert downloads.count(i18n.t("download.xlsx", lang)) == len(titled)    # ... offers CSV and XLSX


def _is_table_title(text: str, lang: str) -> bool:
    titles = {f"**{v[lang]}**" for k, v in i18n.catalogue().items() if k.startswith("chart.")}
    return text in titles


def test_chinese_is_the_default(demo):
    from tests.app_helpers import new_app

    at = new_app().run()
    assert at.title[0].value == i18n.t("page.overview", "zh")
    assert at.query_params["lang"] == "zh"


def test_every_page_is_registered_once_with_roles(demo):
    keys = [p.key for p in nav.PAGES]
    assert len(keys) == len(set(keys)) == 10
    for spec in nav.PAGES:
        assert spec.roles, spec.key
        assert set(spec.sources) <= set(nav.SOURCES)
        assert f"page.{spec.key}" in i18n.catalogue()


def test_app_tests_share_one_scan_of_the_installed_components():
    """`new_app` hands AppTest the process's one scan of installed components; AppTest must still keep it under
    that name and skip its own scan when given one (else each page's test pays 0.3 s for it again)."""
    import inspect

    from streamlit.testing.v1 import app_test

    from tests.app_helpers import _components, new_app

    assert "if self._bidi_component_manager is None" in inspect.getsource(app_test.AppTest._run)
    assert new_app()._bidi_component_manager is _components() is new_app()._bidi_component_manager
