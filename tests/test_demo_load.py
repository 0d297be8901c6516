"""The demo extracts through the real pipeline: exactly the planted bad rows are quarantined."""
from __future__ import annotations


def test_planted_bad_rows_are_exactly_the_quarantined_rows(demo_build):
    planted = {(f["path"].split("/")[-1], b["row"]) for f in demo_build.manifest["files"] for b in f["bad_rows"]}
    quarantined = set(demo_build.query("select file_name, row_number from quarantine"))
    assert planted and quarantined == planted


def test_every_demo_file_loads_with_its_row_count(demo_build):
    runs = {r[0]: r[1:] for r in demo_build.query(
        "select file_name, status, rows_read, rows_loaded, rows_quarantined from pipeline_runs")}
    for f in demo_build.manifest["files"]:
        name = f["path"].split("/")[-1]
        bad = len(f["bad_rows"])
        assert runs[name] == ("loaded", f["rows"], f["rows"] - bad, bad), name


def test_planted_columns_are_named_in_the_reasons(demo_build):
    reasons = {(r[0], r[1]): r[2] for r in demo_build.query("select file_name, row_number, columns from quarantine")}
    for f in demo_build.manifest["files"]:
        for b in f["bad_rows"]:
            column = b["column"]
            named = reasons[(f["path"].split("/")[-1], b["row"])].split(",")
            # a solved date before the filed date names both columns of the pair
            assert column in named or (column == "solved_date" and "filed_date" in named), (f["path"], b, named)


def test_early_warning_evidence_reads_in_words_not_codes(demo_build):
    import domain
    codes = set(domain.codes("subject_group"))
    evidence = demo_build.query("select evidence_zh from mart_early_warnings where kind = "
                                 "'hair_positive_outside_registry'")
    assert evidence
    for (text,) in evidence:
        assert not [c for c in codes if c in text], text


def test_the_revised_rules_meet_their_inputs_in_the_warehouse(demo_build):
    """Issue 8: the demo loads what every revised rule reads (domain.md §5)."""
    from demo.registry import BLANK_OPTIONAL_SNAPSHOT
    from demo.story import END
    q = demo_build.query
    types = dict(q("select case_type, count(*) from fact_cases group by 1"))
    assert types["precursor"] >= 1 and types["precursor_production"] >= 1 and types["cultivation"] >= 1
    assert q("select max(plants) from fact_cases where case_type = 'cultivation'")[0][0] < 500
    outflow_years = q("select count(distinct year(filed_date)) from fact_cases where township_code = '外地' "
                      "and outflow_suspects > 0")[0][0]
    assert outflow_years == q("select count(distinct year(filed_date)) from fact_cases")[0][0]
    indicators = {r[0] for r in q("select distinct indicator from fact_indicators")}
    assert {"committee_briefings", "standing_committee_briefings", "government_briefings"} <= indicators
    assert (f"{END.year}H1",) in q("select distinct period from fact_indicators")
    blank = q("select count(*), count(last_face_check_date), count(info_verified), count(case_worker_id) "
              "from fact_registry where snapshot_date = ?", [BLANK_OPTIONAL_SNAPSHOT])[0]
    assert blank[0] > 0 and blank[1:] == (0, 0, 0)
    assert q("select max(filed_date) from fact_cases")[0][0] <= END


def test_hair_samples_mart_counts_every_loaded_sample_once(demo_build):
    q = demo_build.query
    by_quarter = dict(q("select quarter, sum(samples) from mart_hair_samples where township_code = '150823' "
                        "group by 1"))
    facts = dict(q("select year(collection_date) || 'Q' || quarter(collection_date), count(distinct sample_id) "
                   "from fact_hair group by 1"))
    assert by_quarter == facts
    towns = dict(q("select quarter, sum(samples) from mart_hair_samples where township_code <> '150823' group by 1"))
    assert towns == facts
    items = q("select sum(tested) from mart_hair_positivity")[0][0]
    assert items == q("select count(*) from fact_hair")[0][0] > sum(facts.values())


def test_a_demo_kept_by_an_earlier_run_is_used_only_while_what_it_is_built_from_is_unchanged(tmp_path, monkeypatch):
    """The county demo pytest's cache keeps between runs (`tests/app_helpers.shared_demo`) is named by a digest
    of its inputs: another mart, another setting or another day is another name, so it is built again."""
    import config
    from tests import app_helpers

    marts = tmp_path / "warehouse"
    marts.mkdir()
    (marts / "10_mart.sql").write_text("select 1", encoding="utf-8")
    monkeypatch.setattr(config, "ROOT", tmp_path)
    monkeypatch.setattr(app_helpers, "DEMO_INPUTS", ("warehouse",))
    first = app_helpers.demo_inputs()
    (marts / "10_mart.cpython-311.pyc").write_bytes(b"\0")           # not an input
    assert app_helpers.demo_inputs() == first
    (marts / "10_mart.sql").write_text("select 2", encoding="utf-8")
    assert app_helpers.demo_inputs() != first
    (marts / "10_mart.sql").write_text("select 1", encoding="utf-8")
    monkeypatch.setenv("QUARANTINE_MAX_PERCENT", "7")
    assert app_helpers.demo_inputs() != first
    monkeypatch.delenv("QUARANTINE_MAX_PERCENT")
    assert app_helpers.demo_inputs() == first

    kept = tmp_path / "cache" / "demo-county"
    kept.mkdir(parents=True)
    (kept / "built-from-other-inputs").mkdir()
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "printed.txt").write_text("a build", encoding="utf-8")
    app_helpers.keep(tmp_path / "build", kept / first)
    assert [p.name for p in kept.iterdir()] == [first]
    run = tmp_path / "run"
    run.mkdir()
    done = app_helpers.shared_demo(run, kept)       # copied, not built: a build prints what `run` said
    assert (done / "printed.txt").read_text(encoding="utf-8") == "a build"
