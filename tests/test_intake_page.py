"""数据导入 Data intake page (issue 12), driven as the data clerk would: sign in, upload, read the dry run, load.

Real accounts, a private copy of the demo warehouse, real uploads through AppTest's file uploader."""
from __future__ import annotations

import csv
import json
import fcntl
import io
import string
import threading

import pytest

import i18n
import warehouse
from dashboard import audit, nav
from domain import sources
from pipelines import read, validate
from domain.sources import names
from tests.app_helpers import Account, copy_warehouse, frame, open_app, texts, use, walk, with_accounts

PASSWORD = "data-clerk-pw"
BAD_ROWS = (5, 17, 230)      # file rows whose identity numbers are broken


@pytest.fixture
def desk(demo_build, tmp_path, monkeypatch):
    """A data account and a viewer on a private copy of the demo warehouse."""
    data = copy_warehouse(demo_build, tmp_path)
    use(data, monkeypatch)
    with_accounts(tmp_path, monkeypatch, Account("clerk", PASSWORD, ("data",)),
                  Account("reader", "reader-pw", ("viewer",)), backoff=True)
    return data


def hair_upload(demo_build) -> bytes:
    """The demo's 2024 hair extract as new samples (ids renamed), three identity numbers broken."""
    path = demo_build.data_dir / "landing" / "hair" / "hair_2024.csv"
    with open(path, encoding=read.detect_encoding(path), newline="") as f:
        rows = list(csv.reader(f))
    for r in rows[1:]:
        r[0] = "UP-" + r[0]
    for n in BAD_ROWS:
        rows[n][3] = "1508231985"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def signed_in(name: str, password: str):
    at = open_app("en")
    at.text_input(key="login_name").input(name)
    at.text_input(key="login_password").input(password)
    return at.button[0].click().run()


def intake_page(name: str = "clerk", password: str = PASSWORD):
    return signed_in(name, password).switch_page(nav.page("intake").file).run()


def upload(at, *files: tuple[str, bytes], source: str = "auto"):
    at.selectbox(key="intake_source").select_index(["auto", *names()].index(source))
    return at.file_uploader(key="intake_files").set_value([(n, b, "text/csv") for n, b in files]).run()


def shown(at) -> str:
    """Everything on the page as text: messages, captions and every table's cells."""
    cells = [df.to_csv() for df in (d.value for d in at.dataframe)]
    return "\n".join(texts(at) + cells)


def table(at, title_key: str):
    """The first table under the bold title `title_key`."""
    seen = False
    for element in walk(at.main):
        kind = type(element).__name__
        if kind == "Markdown" and element.value == f"**{t(title_key)}**":
            seen = True
        elif seen and kind == "Dataframe":
            return element.value
    raise AssertionError(f"no table {title_key}")


def t(key: str, **values) -> str:
    return i18n.t(key, "en", **values)


def test_a_clerk_sees_the_quarantine_in_the_dry_run_loads_and_finds_the_run_on_the_quality_page(desk, demo_build):
    data = hair_upload(demo_build)
    at = upload(intake_page(), ("hair_upload.csv", data))
    assert not at.exception, [e.value for e in at.exception]
    assert any(s.value.startswith(t("dry_verdict_loaded")) for s in at.success)
    bad = table(at, "intake.quarantine")
    assert bad[i18n.t("col.row_number", "en")].tolist() == list(BAD_ROWS)
    assert all("identity number" in r for r in bad[i18n.t("col.reasons", "en")])
    mapping = table(at, "intake.mapping")
    assert ("身份证号", "id_number") in set(map(tuple, mapping.values.tolist()))
    assert len(table(at, "intake.checks")) >= 5                       # every expectation of the hair suite
    n = data.count(b"\n") - 1
    assert t("intake.facts", encoding="utf-8", rows=f"{n:,}", loaded=f"{n - 3:,}", quarantined="3") in shown(at)
    assert "1508231985" not in shown(at) and "150823" not in bad.to_csv()
    assert desk.value("select count(*) from pipeline_runs where file_name = 'hair_upload.csv'") == 0  # a dry run

    at = at.button(key="intake_load").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(s.value.startswith("hair_upload.csv:") and f"{n - 3} rows loaded" in s.value for s in at.success)
    assert desk.query("select status, rows_loaded, rows_quarantined from pipeline_runs "
                      "where file_name = 'hair_upload.csv'") == [("loaded", n - 3, 3)]
    runs = [e for e in audit.entries() if e["event"] == "intake_load"]
    assert [(e["user"], e["file"], e["status"]) for e in runs] == [("clerk", "hair_upload.csv", "loaded")]
    kept = list((desk.data_dir / "landing" / "uploads").glob("*/hair_upload.csv"))
    assert len(kept) == 1 and kept[0].read_bytes() == data and kept[0].stat().st_mode & 0o077 == 0

    at = at.switch_page(nav.page("quality").file).run()
    runs = frame(at, "runs", "en")
    assert "hair_upload.csv" in runs[i18n.t("col.file_name", "en")].tolist()


def test_a_viewer_cannot_open_the_intake_page(desk):
    at = signed_in("reader", "reader-pw")
    assert not at.exception
    with pytest.raises(ValueError, match="Could not find a navigation page"):   # not among the viewer's pages
        at.switch_page(nav.page("intake").file)
    assert [p.key for p in nav.visible(frozenset({"data"}))] == ["overview", "wastewater", "townships", "quality",
                                                                 "intake"]
    assert "intake" not in [p.key for p in nav.visible(frozenset({"viewer", "analyst", "office"}))]


def test_the_same_file_again_says_already_loaded_and_offers_a_deliberate_reload(desk, demo_build):
    data = hair_upload(demo_build)
    at = upload(intake_page(), ("hair_upload.csv", data))
    at.button(key="intake_load").click().run()
    at = upload(intake_page(), ("again.csv", data))
    assert any(w.value.startswith(t("dry_verdict_skipped")) for w in at.warning)
    assert "intake_load" not in [b.key for b in at.button]
    at = at.button(key="intake_reload").click().run()
    last = desk.query("select status, message from pipeline_runs order by started_at desc limit 1")[0]
    assert last[0] == "loaded" and "on purpose" in last[1]
    assert [e["reload"] for e in audit.entries() if e["event"] == "intake_load"] == ["false", "true"]


def test_another_sources_file_is_refused_with_the_source_it_looks_like(desk, demo_build):
    at = upload(intake_page(), ("hair_upload.csv", hair_upload(demo_build)), source="registry")
    errors = [e.value for e in at.error]
    assert any(e.startswith(t("dry_verdict_rejected")) and "looks like a hair extract" in e for e in errors)
    assert "intake_load" not in [b.key for b in at.button]


def test_unknown_format_too_big_and_twice_given_files_are_each_said_plainly(desk, demo_build, monkeypatch):
    monkeypatch.setenv("INTAKE_UPLOAD_MAX_MB", "0.1")
    big = hair_upload(demo_build)
    at = upload(intake_page(), ("notes.txt", b"hello"), ("big.csv", big), ("small.csv", big[:2000]),
                ("small_copy.csv", big[:2000]))
    assert not at.exception
    errors = [e.value for e in at.error]
    assert t("intake.bad_format", file="notes.txt", suffix=".txt") in errors
    assert any(e.startswith("big.csv:") and "0.1 MB" in e for e in errors)
    assert t("intake.given_twice", file="small_copy.csv") in [w.value for w in at.warning]


def test_a_second_writer_waits_with_a_visible_notice(desk, demo_build):
    at = upload(intake_page(), ("hair_upload.csv", hair_upload(demo_build)))
    lock = warehouse.live_path().with_name(warehouse.live_path().name + ".lock")
    handle = open(lock, "a")
    fcntl.flock(handle, fcntl.LOCK_EX)                                # another tab's load holds the warehouse
    threading.Timer(2.0, handle.close).start()
    at = at.button(key="intake_load").click().run()
    assert t("intake.waiting") in [i.value for i in at.info]
    assert desk.value("select status from pipeline_runs where file_name = 'hair_upload.csv'") == "loaded"


def test_page_texts_have_both_languages_with_the_same_placeholders():
    for key, entry in i18n.catalogue().items():
        if key.startswith("intake.") or key == "page.intake":
            assert entry.get("zh") and entry.get("en"), key
            assert sorted(_fields(entry["zh"])) == sorted(_fields(entry["en"])), key


def _fields(text: str) -> list[str]:
    return [f for _, f, _, _ in string.Formatter().parse(text) if f]


def test_a_broken_expectation_suite_is_said_in_words_not_a_traceback(desk, demo_build, monkeypatch):
    broken = json.loads((sources.SUITES_DIR / "hair.json").read_text(encoding="utf-8"))
    broken["expectations"].append({"type": "expect_column_values_to_be_between",
                                   "kwargs": {"column": "substance", "min_value": 0}})
    monkeypatch.setattr(validate, "suite_dict", lambda source: broken)
    at = upload(intake_page(), ("hair_upload.csv", hair_upload(demo_build)))
    assert not at.exception
    error = [e.value for e in at.error][0]
    assert error.startswith(t("intake.load_failed") + " — ") and "expectations/hair.json" in error
    assert "intake_load" not in [b.key for b in at.button]
