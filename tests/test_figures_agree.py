"""Every place a figure is shown says the same as the marts (issue 8, "Must show"): the six-zero board and the
headline of the overview, the township table and a briefing of the county demo, for a whole year (2024) and
the year in progress (2025H1, the demo's data end on 30 June 2025).

The demo is the session's (`demo_build`: `demo` then `run` through the CLI). The marts are read here
directly; the pages are rendered with AppTest as a user opens them by URL; the briefing is the format-free
model (`briefings.content.build`), not a DOCX or PDF.
"""
from __future__ import annotations

import re
from datetime import date

import pandas as pd
import pytest

import domain
import i18n
from analysis import fmt
from analysis.labels import label
from analysis.present import header
from briefings import content
from briefings.model import Briefing, Table
from briefings.period import parse
from domain import supervision
from tests.app_helpers import frame, metric, number, open_page, texts
from tests.marts_helpers import township_checks

BANNER = "150823"
SEAT = "150823100"     # 乌拉山镇: over the listing line of 60
OUTFLOW = "outside"    # mart_cases_quarter's row for outflow records (township 外地): never a banner case
PERIODS = {"2024": ("2024Q1", "2024Q4"), "2025H1": ("2025Q1", "2025Q2")}
STATUSES = ("met", "not_met", "no_data", "pending")
NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


@pytest.fixture
def live(demo_build, monkeypatch: pytest.MonkeyPatch):
    """The CLI-built demo made the live warehouse of the app and the briefings for this test."""
    for name, value in demo_build.env().items():
        monkeypatch.setenv(name, value)
    return demo_build


def marts(demo, code: str) -> dict:
    """The figures of the period `code` as the marts hold them."""
    first, last = PERIODS[code]
    year = int(code[:4])
    (snapshot, existing), = demo.query(
        "select snapshot_date, existing_users from mart_registry_township where township_code = ? and "
        "snapshot_date = (select max(snapshot_date) from mart_registry_township where year = ? "
        "and snapshot_date <= last_day(make_date(?, right(?, 1)::integer * 3, 1)))", [BANNER, year, year, last])
    (samples, positive), = demo.query(
        "select sum(samples)::bigint, sum(positive_samples)::bigint from mart_hair_samples "
        "where area_level = 'banner' and quarter between ? and ?", [first, last])
    (cases,), = demo.query("select cases from mart_cases_year where year = ?", [year])
    (quarterly,), = demo.query("select sum(cases)::bigint from mart_cases_quarter where quarter between ? and ? "
                               "and township_code <> ?", [first, last, OUTFLOW])
    assert quarterly == cases, "the banner's cases by quarter and by year agree"
    return {"year": year, "snapshot": snapshot, "existing": existing, "cases": cases, "samples": samples,
            "positive": positive,
            "six_zero": dict(demo.query("select target, status from mart_six_zero where year = ?", [year])),
            "names": {lang: dict(demo.query(f"select target, target_{lang} from mart_six_zero where year = ?", [year]))
                      for lang in ("zh", "en")}}


def lead(key: str, lang: str) -> str:
    """The fixed words a message of key `key` starts with (before its first value)."""
    return i18n.catalogue()[key][lang].split("{")[0]


def numbers(text: str) -> list[float]:
    """Every number in a text, as floats ('1,234' → 1234.0)."""
    return [float(n.replace(",", "")) for n in NUMBER.findall(text)]


def board(at, expected: dict, lang: str) -> dict[str, str]:
    """Target → the status its card on the overview shows."""
    shown = {}
    lines = "\n".join(texts(at)).splitlines()
    for target, name in expected["names"][lang].items():
        badge = f"**{name if lang == 'zh' else name.split(':')[0]}** "
        line = next(s for s in lines if s.startswith(badge))
        shown[target] = next(s for s in STATUSES if f" {label('status', s, lang)}]" in line)
    return shown


def briefing_tables(b: Briefing) -> list[Table]:
    def walk(sections):
        for s in sections:
            yield from s.tables
            yield from walk(s.subsections)
    return [*walk(b.sections), *b.annex]


def briefing_paragraphs(b: Briefing) -> list[str]:
    def walk(sections):
        for s in sections:
            yield from s.paragraphs
            yield from walk(s.subsections)
    return list(walk(b.sections))


@pytest.mark.parametrize("code", list(PERIODS))
def test_six_zero_board_overview_township_table_and_briefing_agree_with_the_marts(live, tmp_path, code):
    lang = "zh"
    expected = marts(live, code)
    first, last = PERIODS[code]
    assert expected["cases"] and expected["samples"] and expected["existing"], "the demo has figures to compare"

    # 1. the overview: the six-zero board and the headline
    at = open_page("overview", lang, **{"from": first, "to": last})
    assert not at.exception
    assert board(at, expected, lang) == expected["six_zero"]
    assert number(metric(at, "col.existing_users", lang)) == expected["existing"]
    assert number(metric(at, "col.cases", lang)) == expected["cases"]
    hair_line = next(s for s in texts(at) if s.startswith(lead("ov.hair_line", lang)))
    assert numbers(hair_line)[0] == expected["samples"]
    assert numbers(hair_line)[2] == expected["positive"]
    alerts = [e.value for e in at.error]

    # 2. the township table: every township once, summing to the banner
    at = open_page("townships", lang, **{"from": first, "to": last})
    assert not at.exception
    card = frame(at, "town_scorecard", lang)
    assert card[header("existing_users", lang)].sum() == expected["existing"]
    assert card[header("cases", lang)].sum() == expected["cases"]
    assert card[header("hair_samples", lang)].sum() == expected["samples"]

    # 3. the briefing of the same period
    b = content.build(parse(code), "internal", lang, date(2025, 7, 10), tmp_path / "charts")
    tables = briefing_tables(b)
    annex = next(t for t in tables if i18n.t("brief.col_target", lang) in t.columns)
    statuses = {row[0]: row[1] for row in annex.rows}
    assert statuses == {expected["names"][lang][t]: label("status", s, lang) for t, s in expected["six_zero"].items()}
    towns = next(t for t in tables if t.total_row)
    rows = pd.DataFrame(towns.rows, columns=towns.columns)
    for column, key in (("col_existing_users", "existing"), ("col_cases", "cases"), ("col_hair_samples", "samples")):
        values = rows[i18n.t(f"brief.{column}", lang)].map(lambda s: float(s.replace(",", "")))
        assert values.iloc[-1] == expected[key], (column, "banner row")
        assert values.iloc[:-1].sum() == expected[key], (column, "townships sum to the banner row")
    paragraphs = briefing_paragraphs(b)
    assert any(fmt.number(expected["existing"]) in p and fmt.day(expected["snapshot"], lang) in p
               for p in paragraphs)
    assert any(numbers(p)[:1] == [expected["cases"]] for p in paragraphs
               if p.startswith(lead("brief.cases", lang)))
    hair = next(p for p in paragraphs if p.startswith(lead("brief.hair_units", lang)))
    assert numbers(hair)[0] == expected["samples"] and numbers(hair)[2] == expected["positive"]

    # 4. every area over its listing line at the snapshot: an alert on the overview, a sentence in the briefing
    over = live.query("select township_code, existing_users, listing_threshold from mart_registry_township "
                      "where snapshot_date = ? and over_listing_threshold", [expected["snapshot"]])
    assert SEAT in {code for code, _, _ in over}, "the demo's seat township is over its line"
    for code, users, line in over:
        named = [] if code == BANNER else [label("township", code, lang)]
        said = [fmt.number(users), fmt.number(line), *named]
        assert sum(all(s in p for s in said) for p in paragraphs) == 1, (code, "briefing")
        assert sum(all(s in a for s in [fmt.number(users), *named]) for a in alerts) == 1, (code, "overview")


# --- a year in progress is compared on the same period ------------------------------------------------------
def check(demo, year: int, name: str) -> tuple[float | None, str, str, str]:
    (row,) = demo.query('select value, result, evidence_zh, evidence_en from mart_six_zero_checks '
                        'where year = ? and "check" = ?', [year, name])
    return row


def test_budget_growth_of_a_year_in_progress_compares_first_half_with_first_half(demo_build):
    """零懈怠 "常态增长机制": 2025H1's budget beside 2024H1's, never beside the whole of 2024."""
    h1 = dict(demo_build.query("select period, value from fact_indicators where indicator = 'budget_wan_yuan' "
                                "and period in ('2024H1', '2025H1', '2024')"))
    assert h1["2024"] > h1["2025H1"] > h1["2024H1"], "the demo's 2025 half is below 2024's whole year"
    value, result, zh, en = check(demo_build, 2025, "budget_growth")
    assert value == pytest.approx(h1["2025H1"] - h1["2024H1"])
    assert result == "pass"
    for evidence in (zh, en):
        assert "2025H1" in evidence and "2024H1" in evidence and str(h1["2024"]) not in evidence


def test_a_whole_year_budget_is_compared_with_the_previous_whole_year(demo_build):
    value, result, zh, en = check(demo_build, 2024, "budget_growth")
    budget = dict(demo_build.query("select period, value from fact_indicators "
                                    "where indicator = 'budget_wan_yuan' and period in ('2023', '2024')"))
    assert value == pytest.approx(budget["2024"] - budget["2023"])
    assert en == f"{budget['2024']} (2024) vs {budget['2023']} (2023)"
    assert zh == f"{budget['2024']}（2024）对比 {budget['2023']}（2023）"


def test_awareness_rate_of_a_year_in_progress_is_set_beside_the_previous_first_half(demo_build):
    """四升四降: the 2025H1 awareness rate is compared with 2024H1's, and the mart says which periods."""
    (value, previous, compared), = demo_build.query(
        "select value, previous_value, compared from mart_four_up_four_down where year = 2025 "
        "and indicator = 'awareness_rate'")
    (h1,), = demo_build.query("select value from fact_indicators where indicator = 'awareness_rate' "
                               "and period = '2024H1'")
    assert previous == h1
    assert compared == "2025H1 vs 2024H1"


def test_outflow_three_year_average_of_a_year_in_progress_compares_january_to_june(demo_build):
    """零容忍 outflow traffickers, 3-year average: every year counted over 1–6月 when the data end on 30 June."""
    by_year = dict(demo_build.query(
        "select year(filed_date)::integer, coalesce(sum(outflow_suspects) filter (where month(filed_date) <= 6 "
        "and case_type = 'trafficking'), 0) from fact_cases group by 1"))
    value, result, zh, en = check(demo_build, 2025, "outflow_3y_drop")
    now = sum(by_year[y] for y in (2023, 2024, 2025)) / 3
    before = sum(by_year[y] for y in (2022, 2023, 2024)) / 3
    assert value == pytest.approx(100 * (now - before) / before)
    assert zh.endswith("年），各年1–6月") and en.endswith("), 01-01–06-30 each year")
    _, _, whole_zh, whole_en = check(demo_build, 2024, "outflow_3y_drop")
    assert whole_zh.endswith("各年1–12月") and whole_en.endswith("01-01–12-31 each year")


# --- a blank registry column is "—" and no_data everywhere, never 0 % nor a pass -------------------------
def test_blank_registry_columns_show_a_dash_and_count_as_no_data_on_every_page(live):
    (face, staff), = live.query("select face_check_recorded, case_worker_recorded from mart_registry_township "
                                "where township_code = ? and snapshot_date = '2025-06-30'", [BANNER])
    assert not face and not staff, "the demo's mid-2025 snapshot leaves the optional columns blank"
    results = dict(live.query("""select "check", result from mart_six_zero_checks where year = 2025
                                 and "check" in ('face_check_rate', 'info_verified_rate', 'users_per_case_worker')"""))
    assert set(results.values()) == {"no_data"}

    at = open_page("registry", "en", **{"from": "2025Q1", "to": "2025Q2"})
    assert not at.exception
    for key in ("col.face_check_rate", "col.info_verified_rate", "col.users_per_case_worker"):
        assert metric(at, key, "en") == "—", key

    at = open_page("townships", "en", **{"from": "2025Q1", "to": "2025Q2"})
    card = frame(at, "town_scorecard", "en")
    assert set(card[header("checks_no_data", "en")]) == {len(results)}
    towns = dict(live.query("select township_code, out_of_control from mart_registry_township "
                            "where snapshot_date = '2025-06-30' and area_level = 'township'"))
    assert card[header("checks_passed", "en")].max() <= 2, "only the listing line and out-of-control remain"
    assert len(card) == len(towns)
    at = open_page("townships", "en", **{"from": "2025Q1", "to": "2025Q2", "town": SEAT})
    shown = next(m for m in at.metric if m.label == i18n.t("col.checks_passed", "en"))
    (existing, out_of_control), = live.query("select existing_users, out_of_control from mart_registry_township "
                                              "where snapshot_date = '2025-06-30' and township_code = ?", [SEAT])
    passed = (existing <= 60) + (out_of_control == 0)    # the only checks with input: listing, out of control
    assert shown.value == f"{passed}/{len(township_checks())}"
    assert shown.help == i18n.t("town.checks_no_data", "en", n=len(results))


def test_registry_rates_on_the_page_equal_the_marts_for_a_whole_year(live):
    (face, verified, per_worker), = live.query(
        "select face_check_rate, info_verified_rate, users_per_case_worker from mart_registry_township "
        "where township_code = ? and snapshot_date = '2024-12-31'", [BANNER])
    at = open_page("registry", "en", **{"from": "2024Q1", "to": "2024Q4"})
    assert metric(at, "col.face_check_rate", "en") == fmt.percent(face)
    assert metric(at, "col.info_verified_rate", "en") == fmt.percent(verified)
    assert metric(at, "col.users_per_case_worker", "en") == fmt.number(per_worker, 1)
    (base,), = live.query("select value from ref_settings where setting = 'staff_ratio_base'")
    shown = next(m for m in at.metric if m.label == i18n.t("col.users_per_case_worker", "en"))
    assert shown.help == i18n.t("reg.staff_help_base", "en", base=label("staff_ratio_base", base, "en"))
    assert base == "existing" and per_worker == pytest.approx(
        live.query("select existing_users / case_workers from mart_registry_township where township_code = ? "
                   "and snapshot_date = '2024-12-31'", [BANNER])[0][0])


def test_every_check_states_its_evidence_in_the_readers_language(demo_build):
    """Each language's evidence has the other's words nowhere: no Chinese in the English (but a source the
    office's extract names in Chinese and that is none of the plan's units, quoted as given; a unit is named in
    English) and none of the English connectives in the Chinese."""
    rows = demo_build.query("select evidence_zh, evidence_en from mart_six_zero_checks "
                            "where evidence_zh is not null or evidence_en is not null")
    sources = [s for (s,) in demo_build.query("select distinct source from fact_indicators where source is not null")]
    english = {r["unit"]: r["name_en"] for r in domain.read_csv("unit_names.csv")}
    units = {s: english[supervision.aliases().get(s, s)] for s in sources if supervision.aliases().get(s, s) in english}
    assert len(rows) > 100 and units and set(sources) - set(units)
    assert any(f"source: {en}" in row_en for en in units.values() for _, row_en in rows if row_en)
    others = sorted(set(sources) - set(units), key=len, reverse=True)
    for zh, en in rows:
        assert (zh is None) == (en is None), (zh, en)
        quoted = re.sub("|".join(map(re.escape, others)), "", en)
        assert not re.search(r"[\u4e00-\u9fff]", quoted), en
        assert not re.search(r"\b(at|vs|period|average|blank|users|workers|newly|suspects|hair|yr)\b", zh), zh
