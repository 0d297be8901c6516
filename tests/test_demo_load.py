"""The demo extracts through the real pipeline: exactly the planted bad rows are quarantined."""
from __future__ import annotations


def test_planted_bad_rows_are_exactly_the_quarantined_rows(demo_loaded):
    planted = {(f["path"].split("/")[-1], b["row"]) for f in demo_loaded.manifest["files"] for b in f["bad_rows"]}
    quarantined = set(demo_loaded.query("select file_name, row_number from quarantine"))
    assert planted and quarantined == planted


def test_every_demo_file_loads_with_its_row_count(demo_loaded):
    runs = {r[0]: r[1:] for r in demo_loaded.query(
        "select file_name, status, rows_read, rows_loaded, rows_quarantined from pipeline_runs")}
    for f in demo_loaded.manifest["files"]:
        name = f["path"].split("/")[-1]
        bad = len(f["bad_rows"])
        assert runs[name] == ("loaded", f["rows"], f["rows"] - bad, bad), name


def test_planted_columns_are_named_in_the_reasons(demo_loaded):
    reasons = {(r[0], r[1]): r[2] for r in demo_loaded.query("select file_name, row_number, columns from quarantine")}
    for f in demo_loaded.manifest["files"]:
        for b in f["bad_rows"]:
            column = b["column"]
            named = reasons[(f["path"].split("/")[-1], b["row"])].split(",")
            # a solved date before the filed date names both columns of the pair
            assert column in named or (column == "solved_date" and "filed_date" in named), (f["path"], b, named)


def test_early_warning_evidence_reads_in_words_not_codes(demo_loaded):
    import domain
    codes = set(domain.codes("subject_group"))
    evidence = demo_loaded.query("select evidence_zh from mart_early_warnings where kind = "
                                 "'hair_positive_outside_registry'")
    assert evidence
    for (text,) in evidence:
        assert not [c for c in codes if c in text], text
