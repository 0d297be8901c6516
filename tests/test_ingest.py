"""Ingest per contract.md §1–§3: each source loads, Chinese/GBK variants load the same, bad input behaves."""
from __future__ import annotations

import csv
import subprocess
import sys

import pandas as pd
import pytest

import config
from pipelines import validate
from tests.conftest import fixture, fixture_loaded, load_every_fixture, rewrite

SOURCES = {  # source → stored table
    "wastewater": "fact_wastewater",
    "hair": "fact_hair",
    "registry": "fact_registry",
    "cases": "fact_cases",
    "indicators": "fact_indicators",
    "task_reports": "fact_task_reports",
}


def data_rows(path) -> int:
    with open(path, encoding="utf-8") as f:
        return sum(1 for _ in csv.reader(f)) - 1


@pytest.mark.parametrize("source", SOURCES)
def test_valid_file_loads_every_row(env, run_cli, source):
    code, out = run_cli("ingest", source, fixture(source))
    assert code == 0, out
    assert env.count(SOURCES[source]) == data_rows(fixture(source))
    assert env.query("select status, rows_read, rows_quarantined from pipeline_runs") == [
        ("loaded", data_rows(fixture(source)), 0)]


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig"])
def test_chinese_headers_in_other_encodings_load_the_same(env, built, run_cli, tmp_path, source, encoding):
    built.into(env, fixture_loaded(source))
    english = env.query(f"select * exclude (run_id) from {SOURCES[source]} order by all")
    variant = rewrite(fixture(source), tmp_path / encoding / f"{source}.csv", chinese_headers=True, encoding=encoding)
    env.emptied()
    code, out = run_cli("ingest", source, variant)
    assert code == 0, out
    assert env.query(f"select * exclude (run_id) from {SOURCES[source]} order by all") == english
    assert env.query("select encoding from pipeline_runs")[0][0] == ("utf-8-sig" if encoding == "utf-8-sig"
                                                                     else "gb18030")


def test_xlsx_first_sheet_loads_the_same(env, built, run_cli, tmp_path):
    built.into(env, fixture_loaded("indicators"))
    csv_rows = env.query("select * exclude (run_id) from fact_indicators order by all")
    env.emptied()
    xlsx = tmp_path / "indicators.xlsx"
    with pd.ExcelWriter(xlsx) as writer:
        pd.read_csv(fixture("indicators"), dtype=str).to_excel(writer, sheet_name="指标", index=False)
        pd.DataFrame({"x": [1]}).to_excel(writer, sheet_name="other", index=False)
    code, out = run_cli("ingest", "indicators", xlsx)
    assert code == 0, out
    assert env.query("select * exclude (run_id) from fact_indicators order by all") == csv_rows


def test_values_are_normalised_to_codes(env, built, run_cli):
    built.into(env, fixture_loaded("cases"))
    rows = dict(env.query("select case_id, township_code || '|' || category || '|' || case_type || '|' || "
                          "coalesce(drug, '-') || '|' || filed_date from fact_cases"))
    assert rows["C-2024-001"] == "150823100|criminal|trafficking|methamphetamine|2024-02-03"
    assert rows["C-2024-003"] == "外地|criminal|trafficking|cnb|2024-04-02"
    assert rows["C-2024-004"] == "150823105|criminal|harbouring|ketamine|2024-05-06"
    assert rows["C-2024-005"] == "150823102|incident|user_incident|-|2024-07-01"


# --- contract.md §3, one test per line -------------------------------------------------------------

def assert_rejected(env, code, out, file_name, *words):
    assert code == 1, out
    assert file_name in out
    for w in words:
        assert w in out, (w, out)
    assert all(n == 0 for t, n in env.counts().items() if t.startswith("fact_")), env.counts()
    assert env.query("select status from pipeline_runs") == [("rejected",)]


def test_unreadable_file_is_rejected(env, run_cli, tmp_path):
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(b"PK\x03\x04 this is not really a workbook")
    code, out = run_cli("ingest", "indicators", bad)
    assert_rejected(env, code, out, "broken.xlsx", "无法读取文件", "cannot read the file")


def test_unknown_encoding_is_rejected(env, run_cli, tmp_path):
    bad = fixture("wastewater").read_text(encoding="utf-8").encode("utf-16")
    (tmp_path / "utf16.csv").write_bytes(bad)
    code, out = run_cli("ingest", "wastewater", tmp_path / "utf16.csv")
    assert_rejected(env, code, out, "utf16.csv", "无法识别文件编码", "unknown encoding")


def test_missing_required_column_is_rejected(env, run_cli, tmp_path):
    f = rewrite(fixture("wastewater"), tmp_path / "no_flow.csv",
                edit=lambda rows: [[v for i, v in enumerate(r) if i != 5] for r in rows])
    code, out = run_cli("ingest", "wastewater", f)
    assert_rejected(env, code, out, "no_flow.csv", "缺少必填列", "missing required columns", "flow_m3_d")


@pytest.mark.parametrize("content", [b"", b"sample_id,site_id,township,sample_date,flow_m3_d,population_served,"
                                          b"substance,concentration_ng_l\n"])
def test_empty_file_is_rejected(env, run_cli, tmp_path, content):
    (tmp_path / "empty.csv").write_bytes(content)
    code, out = run_cli("ingest", "wastewater", tmp_path / "empty.csv")
    assert_rejected(env, code, out, "empty.csv", "文件为空", "empty")


def test_wrong_source_is_rejected_and_named(env, run_cli):
    code, out = run_cli("ingest", "wastewater", fixture("hair"))
    assert_rejected(env, code, out, "hair.csv", "hair", "looks like")


@pytest.mark.parametrize("column, value, words", [
    ("id_number", "150823198503120011", ["身份证号校验位错误", "check character is wrong"]),
    ("collection_date", "2024-02-30", ["无法识别的日期", "unparseable date"]),
    ("township", "不存在镇", ["未知的取值", "unknown value"]),
    ("concentration_ng_mg", "-0.3", ["不小于0", "≥ 0"]),
])
def test_row_breaking_a_rule_is_quarantined_and_the_rest_loads(env, run_cli, tmp_path, monkeypatch, column,
                                                              value, words):
    monkeypatch.setenv("QUARANTINE_MAX_PERCENT", "50")
    def edit(rows):
        rows[3][rows[0].index(column)] = value
        return rows
    f = rewrite(fixture("hair"), tmp_path / "hair_bad.csv", edit=edit)
    code, out = run_cli("ingest", "hair", f)
    assert code == 0, out
    assert env.count("fact_hair") == data_rows(f) - 1
    [(row, columns, reasons)] = env.query("select row_number, columns, reasons from quarantine")
    assert row == 3 and column in columns.split(",")
    for w in words:
        assert w in reasons and w in out
    assert "第3行 / row 3" in out and "hair_bad.csv" in out


@pytest.mark.parametrize("source, key_columns, copied", [
    ("registry", ["id_number"], ["id_number", "sex", "birth_date"]),  # the same person, consistently
    ("wastewater", ["sample_id", "substance"], ["sample_id", "substance"]),
])
@pytest.mark.parametrize("collide", [False, True], ids=["hashed", "every-key-hashed-alike"])
def test_a_key_given_twice_quarantines_both_rows(env, run_cli, tmp_path, monkeypatch, source, key_columns, copied,
                                                 collide):
    """The suite's uniqueness rules see the key's stand-in (validate.frame_query): duplicates are still caught,
    and only they, even when different keys hash alike (then the file is validated again, exactly)."""
    monkeypatch.setenv("QUARANTINE_MAX_PERCENT", "50")
    if collide:
        monkeypatch.setattr(validate, "KEY_HASH", "0 * hash({})")
    def edit(rows):
        for c in copied:
            rows[4][rows[0].index(c)] = rows[2][rows[0].index(c)]
        return rows
    f = rewrite(fixture(source), tmp_path / f"{source}_twice.csv", edit=edit)
    code, out = run_cli("ingest", source, f)
    assert code == 0, out
    assert env.count(SOURCES[source]) == data_rows(f) - 2
    quarantined = env.query("select row_number, columns, reasons from quarantine order by 1")
    assert [q[0] for q in quarantined] == [2, 4]
    for _, columns, reasons in quarantined:
        assert set(key_columns) == set(columns.split(",")), columns
        assert "在文件中重复" in reasons and "repeated in the file" in reasons, reasons


def test_more_than_five_percent_bad_rows_rejects_the_whole_file(env, run_cli, tmp_path):
    def edit(rows):  # 1 bad row of 6 = 16.7 % > 5 %
        rows[2][rows[0].index("flow_m3_d")] = "-1"
        return rows
    f = rewrite(fixture("wastewater"), tmp_path / "ww_bad.csv", edit=edit)
    code, out = run_cli("ingest", "wastewater", f)
    assert_rejected(env, code, out, "ww_bad.csv", "整个文件拒收", "rejected", "5 %")
    assert env.query("select row_number from quarantine") == [(2,)]


def test_threshold_is_a_setting(env, run_cli, tmp_path, monkeypatch):
    monkeypatch.setenv("QUARANTINE_MAX_PERCENT", "20")
    def edit(rows):
        rows[2][rows[0].index("flow_m3_d")] = "-1"
        return rows
    code, out = run_cli("ingest", "wastewater", rewrite(fixture("wastewater"), tmp_path / "w.csv", edit=edit))
    assert code == 0, out
    assert env.count("fact_wastewater") == data_rows(fixture("wastewater")) - 1


def test_same_file_again_is_skipped_and_nothing_doubles(env, run_cli, capsys):
    load_every_fixture()
    capsys.readouterr()     # what `run` printed: only the second load's words count
    before = env.counts()
    code, out = run_cli("ingest", "registry", fixture("registry"))
    assert code == 0
    assert "已加载过" in out and "already loaded" in out
    assert env.counts() == before
    assert env.query("select status from pipeline_runs order by started_at desc limit 1") == [("skipped",)]


def test_newer_snapshot_for_the_same_date_replaces_it(env, built, run_cli, tmp_path):
    built.into(env, fixture_loaded("registry"))
    first = env.count("fact_registry")
    def drop_two(rows):
        return rows[:-2]
    newer = rewrite(fixture("registry"), tmp_path / "registry_v2.csv", edit=drop_two)
    code, out = run_cli("ingest", "registry", newer)
    assert code == 0, out
    assert "替换了 2024-06-30 的登记快照" in out
    assert env.count("fact_registry") == first - 2
    assert env.query("select count(distinct run_id) from fact_registry") == [(1,)]


def test_other_snapshot_dates_are_kept(env, built, run_cli, tmp_path):
    built.into(env, fixture_loaded("registry"))
    def redate(rows):
        return [rows[0]] + [["2024-09-30"] + r[1:] for r in rows[1:]]
    run_cli("ingest", "registry", rewrite(fixture("registry"), tmp_path / "q3.csv", edit=redate))
    assert env.query("select snapshot_date::varchar, count(*) from fact_registry group by 1 order by 1") == [
        ("2024-06-30", 6), ("2024-09-30", 6)]


def test_registry_file_with_two_snapshot_dates_is_rejected(env, run_cli, tmp_path):
    def mix(rows):
        rows[1][0] = "2024-03-31"
        return rows
    code, out = run_cli("ingest", "registry", rewrite(fixture("registry"), tmp_path / "mixed.csv", edit=mix))
    assert_rejected(env, code, out, "mixed.csv", "一个文件只能是一个快照", "one snapshot")


def test_snapshot_date_option_fills_a_file_without_one(env, run_cli, tmp_path):
    def drop_date(rows):
        return [r[1:] for r in rows]
    f = rewrite(fixture("registry"), tmp_path / "nodate.csv", edit=drop_date)
    code, out = run_cli("ingest", "registry", f, "--snapshot-date", "2024-12-31")
    assert code == 0, out
    assert env.query("select distinct snapshot_date::varchar from fact_registry") == [("2024-12-31",)]


def test_one_bad_file_leaves_the_others_loaded(env, run_cli, tmp_path):
    (tmp_path / "empty.csv").write_bytes(b"")
    code, out = run_cli("ingest", "cases", fixture("cases"), tmp_path / "empty.csv")
    assert code == 1
    assert env.count("fact_cases") == data_rows(fixture("cases"))
    assert sorted(env.query("select file_name, status from pipeline_runs")) == [
        ("cases.csv", "loaded"), ("empty.csv", "rejected")]


@pytest.mark.new_warehouse
def test_usage_errors_exit_2(env, run_cli, tmp_path):
    assert run_cli("ingest", "nonsense", fixture("cases"))[0] == 2
    code, out = run_cli("ingest", "cases", tmp_path / "missing.csv")
    assert code == 2 and "missing.csv" in out
    assert not env.warehouse.exists()


def test_registry_cross_checks_sex_and_birth_date_with_the_id(env, run_cli, tmp_path, monkeypatch):
    monkeypatch.setenv("QUARANTINE_MAX_PERCENT", "50")
    def edit(rows):
        rows[1][rows[0].index("sex")] = "女"
        rows[2][rows[0].index("birth_date")] = "1990-01-02"
        return rows
    code, out = run_cli("ingest", "registry", rewrite(fixture("registry"), tmp_path / "r.csv", edit=edit))
    assert code == 0, out
    reasons = dict(env.query("select row_number, reasons from quarantine"))
    assert "性别与身份证号不符" in reasons[1] and "birth date does not match" in reasons[2]


def test_malformed_line_is_quarantined_with_its_row_number(env, run_cli, tmp_path, monkeypatch):
    monkeypatch.setenv("QUARANTINE_MAX_PERCENT", "50")
    def edit(rows):
        rows[2] = rows[2] + ["unexpected", "fields"]
        return rows
    code, out = run_cli("ingest", "cases", rewrite(fixture("cases"), tmp_path / "c.csv", edit=edit))
    assert code == 0, out
    assert env.query("select row_number from quarantine") == [(2,)]
    loaded = {r[0] for r in env.query("select case_id from fact_cases")}
    assert loaded == {"C-2024-001", "C-2024-003", "C-2024-004", "C-2024-005", "C-2024-006"}


def test_extra_columns_are_ignored_and_reported(env, run_cli, tmp_path):
    def add(rows):
        return [r + [v] for r, v in zip(rows, ["备注", *["x"] * (len(rows) - 1)])]
    code, out = run_cli("ingest", "cases", rewrite(fixture("cases"), tmp_path / "c.csv", edit=add))
    assert code == 0 and "已忽略的多余列：备注" in out and "extra columns ignored: 备注" in out
    assert "备注" in env.query("select message from pipeline_runs")[0][0]


@pytest.mark.new_warehouse
def test_a_broken_suite_is_a_configuration_error_and_publishes_nothing(env, run_cli, tmp_path, monkeypatch):
    import json

    from domain import sources
    from pipelines import validate
    broken = json.loads((sources.SUITES_DIR / "cases.json").read_text(encoding="utf-8"))
    broken["expectations"].append({"type": "expect_column_values_to_be_between",
                                   "kwargs": {"column": "category", "min_value": 0}})
    monkeypatch.setattr(validate, "suite_dict", lambda source: broken)
    code, out = run_cli("ingest", "cases", fixture("cases"))
    assert code == 2 and "expectations/cases.json" in out
    assert not env.warehouse.exists()


def test_validation_results_are_kept_for_rejected_files_too(env, run_cli, tmp_path):
    def edit(rows):
        rows[2][rows[0].index("flow_m3_d")] = "-1"
        return rows
    run_cli("ingest", "wastewater", rewrite(fixture("wastewater"), tmp_path / "w.csv", edit=edit))
    failed = env.query("select column_name, unexpected_count from validation_results where not success")
    assert failed == [("flow_m3_d", 1)]
    assert env.query("select count(*) from validation_results")[0][0] == 13  # every expectation of the suite


@pytest.mark.parametrize("source, key_columns", [("registry", ["id_number"]), ("cases", ["case_id"]),
                                                 ("hair", ["sample_id", "substance"])])
def test_a_repeated_key_quarantines_both_rows(env, run_cli, tmp_path, monkeypatch, source, key_columns):
    monkeypatch.setenv("QUARANTINE_MAX_PERCENT", "50")
    def repeat(rows):  # row 4 becomes a copy of row 1 in its key columns (and, for a person, sex and birth)
        for c in key_columns + (["sex", "birth_date"] if source == "registry" else []):
            rows[4][rows[0].index(c)] = rows[1][rows[0].index(c)]
        return rows
    code, out = run_cli("ingest", source, rewrite(fixture(source), tmp_path / f"{source}.csv", edit=repeat))
    assert code == 0, out
    assert env.query("select row_number from quarantine order by 1") == [(1,), (4,)]
    assert all("重复" in r and "repeated" in r for (r,) in env.query("select reasons from quarantine"))


# --- indicator codes (domain.md §5, revised) ---------------------------------------------------------------
def test_an_unknown_indicator_code_is_quarantined_row_by_row_and_named(env, run_cli, tmp_path, monkeypatch):
    monkeypatch.setenv("QUARANTINE_MAX_PERCENT", "50")
    import domain
    known = domain.codes("indicator")
    rows = [["period", "unit", "indicator", "value", "source"]]
    rows += [["2024", "150823", code, "1", "test"] for code in known]
    rows += [["2024", "150823", "party_briefings", "2", "test"], ["2024H1", "150823", "会议次数", "1", "test"],
             ["2024", "150823", "150823198503120017", "1", "test"]]     # an identity number is never repeated
    f = tmp_path / "indicators_codes.csv"
    with open(f, "w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(rows)
    code, out = run_cli("ingest", "indicators", f)
    assert code == 0, out
    loaded = {c for (c,) in env.query("select indicator from fact_indicators")}
    assert loaded == set(known)
    assert {"standing_committee_briefings", "government_briefings", "committee_briefings", "education_bases",
            "social_worker_registration_rate", "employment_support_rate", "intelligence_case_share"} <= loaded
    quarantined = env.query("select row_number, columns, reasons from quarantine order by 1")
    assert [(r, c) for r, c, _ in quarantined] == [(len(known) + n, "indicator") for n in (1, 2, 3)]
    assert "150823198503120017" not in quarantined[2][2] and "***" in quarantined[2][2]
    for (_, _, reasons), bad in zip(quarantined, ("party_briefings", "会议次数")):
        assert bad in reasons and "未知的取值" in reasons and "unknown value" in reasons, reasons


@pytest.mark.parametrize("spelling, code", [("非法生产制毒物品", "precursor_production"),
                                            ("precursor_production", "precursor_production"),
                                            ("非法买卖/运输制毒物品", "precursor")])
def test_precursor_production_is_its_own_case_type(env, run_cli, tmp_path, spelling, code):
    def edit(rows):
        rows[1][rows[0].index("case_type")] = spelling
        return rows
    f = rewrite(fixture("cases"), tmp_path / "cases_precursor.csv", edit=edit)
    code_, out = run_cli("ingest", "cases", f)
    assert code_ == 0, out
    assert env.query("select case_type from fact_cases where source_row = 1") == [(code,)]


def test_great_expectations_does_not_fingerprint_the_frame_it_validates():
    """validate._no_batch_fingerprint turns off GX's MD5 of every in-memory batch (a full pass over a national
    registry for a marker nothing reads): the threshold GX's batch loader compares with must still exist."""
    import inspect

    from great_expectations.execution_engine import pandas_execution_engine as engine

    from pipelines import validate

    validate._context()
    assert "HASH_THRESHOLD" in inspect.getsource(engine.PandasExecutionEngine.get_batch_data_and_markers)
    assert engine.HASH_THRESHOLD == 0


def test_an_expectations_configuration_is_built_once_while_a_file_is_validated():
    """validate._configurations_built_once: GX's `Expectation.configuration` is still a property building an
    `ExpectationConfiguration` (an upgrade that changes it is noticed); while `run` validates, reading it again
    gives the one already built, and elsewhere a new one each time, as GX does."""
    import great_expectations.expectations as gxe
    from great_expectations.expectations.expectation import Expectation
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    validate._context()
    assert isinstance(Expectation.__dict__["configuration"], property)
    expectation = gxe.ExpectColumnValuesToNotBeNull(column="township")
    first = expectation.configuration
    assert isinstance(first, ExpectationConfiguration)
    assert (first.type, first.kwargs) == ("expect_column_values_to_not_be_null", {"column": "township"})
    assert expectation.configuration is not first
    with validate._configurations_kept():
        kept = expectation.configuration
        assert expectation.configuration is kept and kept == first
    assert expectation.configuration is not kept


def test_metric_ids_are_the_ones_gx_makes(monkeypatch):
    """validate._plain_ids: GX's `IDDict.to_id` still converts its arguments through the module's name
    `convert_to_json_serializable` (an upgrade that changes it is noticed); plain JSON skips GX's walk, anything
    else takes it, and either way the id is the one GX alone makes."""
    import enum
    import inspect

    import numpy as np
    from great_expectations import util as gx_util
    from great_expectations.core import id_dict

    validate._context()
    assert "convert_to_json_serializable(" in inspect.getsource(id_dict.IDDict.to_id)
    assert id_dict.convert_to_json_serializable is not gx_util.convert_to_json_serializable   # the shortcut is in

    class Kind(str, enum.Enum):
        BAR = "bar"
    plain = [{"column": "township", "mostly": 0.95, "strict": True, "min_value": 0, "max_value": 1e9,
              "value_set": ["a", "b"], "parse_strings_as_datetimes": None, "pair": ("x", 1),
              "result_format": {"result_format": "COMPLETE", "unexpected_index_column_names": ["__row_id"]}},
             {"batch_id": "b", "column": "x"}]
    other = [{"value": float("nan")}, {"value": np.int64(3)}, {"value": pd.Timestamp("2024-06-30")},
             {"value": {1: "a"}}, {"value": {"a", "b"}}, {"value": Kind.BAR}, {"value": [np.float64(0.5)]},
             {"value": np.bool_(True)}, {"value": {"nested": [pd.Timestamp("2024-01-01"), None]}}]
    assert [validate.plain_json(d) for d in plain + other] == [True] * len(plain) + [False] * len(other)
    ours = [id_dict.IDDict(d).to_id() for d in plain + other]
    monkeypatch.setattr(id_dict, "convert_to_json_serializable", gx_util.convert_to_json_serializable)
    assert ours == [id_dict.IDDict(d).to_id() for d in plain + other]


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_validating_with_the_shortcuts_gives_what_gx_alone_gives(env, tmp_path, monkeypatch, source):
    """The same file, with a row repeated and a row blanked, validated with and without validate's shortcuts
    through GX (configurations built once, plain metric ids): the same quarantined rows for the same reasons
    and the same result for every expectation."""
    import contextlib

    from great_expectations import util as gx_util
    from great_expectations.core import id_dict

    from pipelines import ingest

    def edit(rows):
        return [rows[0], rows[1], rows[1], [""] * len(rows[0]), *rows[2:]]
    f = rewrite(fixture(source), tmp_path / f"{source}_broken.csv", edit=edit)
    monkeypatch.setenv("QUARANTINE_MAX_PERCENT", "100")

    def outcome() -> tuple:
        [result] = ingest.dry_run(source, [f])
        return result.status, result.quarantine, result.checks
    kept = outcome()
    monkeypatch.setattr(validate, "_configurations_kept", contextlib.nullcontext)
    monkeypatch.setattr(id_dict, "convert_to_json_serializable", gx_util.convert_to_json_serializable)
    assert outcome() == kept
    assert kept[1] and any(not c["success"] for c in kept[2])


def test_great_expectations_leaves_scipy_stats_unloaded_until_used():
    """validate._defer_unused_imports keeps GX's import of `scipy.stats` (unused by the suites) off the import,
    in a fresh interpreter as the `ingest` command starts: a GX upgrade that reads it at import time, or a
    Python whose lazy loading differs, is noticed here. Once used, it is the real module."""
    script = ("import sys, importlib.util\n"
              "from pipelines import validate\n"
              "validate._context()\n"
              "print(type(sys.modules['scipy.stats']).__name__)\n"
              "from great_expectations.expectations.core import expect_column_kl_divergence_to_be_less_than as kl\n"
              "print(kl.stats is sys.modules['scipy.stats'])\n"
              "print(kl.stats.entropy([0.5, 0.5], [0.25, 0.75]) > 0, type(kl.stats).__name__)\n")
    out = subprocess.run([sys.executable, "-c", script], cwd=config.ROOT, capture_output=True, text=True,
                         timeout=120).stdout
    assert out.split("\n")[:3] == ["_LazyModule", "True", "True module"]


def test_a_csv_is_scanned_once_while_it_is_hashed(env, run_cli, tmp_path):
    """ingest._hash_while_scanning scans the file beside its hash; `read_into` then finds the scan cached."""
    from pipelines import read

    f = rewrite(fixture("hair"), tmp_path / "hair_once.csv")
    before = read.scan.cache_info()
    code, out = run_cli("ingest", "hair", f)
    after = read.scan.cache_info()
    assert code == 0, out
    assert (after.misses - before.misses, after.hits - before.hits) == (1, 1)


def test_codes_spelled_as_the_domain_writes_them_need_no_pass_for_spellings(env, run_cli, tmp_path, monkeypatch):
    """normalise.build looks coded values up among the domain's own spellings first; another spelling makes it
    collect the file's spellings: a variant of a known one (case, spaces) gets the same code, an unknown one is
    quarantined by name."""
    from pipelines import normalise

    passes = []
    collect = normalise.file_spellings
    monkeypatch.setattr(normalise, "file_spellings", lambda *a: passes.append(1) or collect(*a))
    stored = "select * exclude (run_id) from fact_registry order by person_key"

    def load(name: str, spelling: str | None, column: str = "primary_drug") -> tuple[int, str]:
        def edit(rows):
            if spelling is not None:
                rows[1][rows[0].index(column)] = spelling
            return rows
        passes.clear()
        return run_cli("ingest", "registry", rewrite(fixture("registry"), tmp_path / name, edit=edit))

    code, out = load("as_written.csv", None)
    assert code == 0 and passes == [], out
    as_written = env.query(stored)
    assert as_written[0] and "methamphetamine" in {r[9] for r in as_written}
    code, out = load("letter.csv", "M", "sex")       # an alias as domain/enums.yaml writes it (row 1: 男)
    assert code == 0 and passes == [] and env.query(stored) == as_written, out
    code, out = load("upper.csv", "METHAMPHETAMINE")       # a code in upper case
    assert code == 0 and passes == [] and env.query(stored) == as_written, out
    code, out = load("variant.csv", "  METHAMPHETAMINE ")       # replaces the snapshot of the same date
    assert code == 0 and passes == [1] and "0 quarantined" in out, out
    assert env.query(stored) == as_written
    monkeypatch.setenv("QUARANTINE_MAX_PERCENT", "50")     # one row of six
    code, out = load("unknown.csv", "冰糖")
    assert code == 0 and passes == [1] and "1 quarantined" in out, out
    reasons = str(env.query("select reasons from quarantine where file_name = 'unknown.csv'")[0][0])
    assert "冰糖" not in reasons and "primary_drug" in reasons     # a registry's unknown value is not repeated
