"""Each page's key numbers are the marts' values (queried here, independently of the app), in both
languages, and the sidebar filters change them to the marts' values for the filtered view.

The demo covers 2021 to mid-2025; the default view is the year in progress (2025Q1–2025Q2). Tests of a
whole year's figures open the last whole year, 2024 (WHOLE_YEAR), by URL as a user would.
"""
from __future__ import annotations

import pytest

import i18n
from analysis import fmt
from analysis.labels import label
from tests.app_helpers import frame, metric, metrics, number, open_page, texts

SEAT = "150823100"        # 乌拉山镇, the banner seat: most users, a wastewater plant
DASHETA = "150823105"     # 大佘太镇: a plant of its own
LANGS = ["zh", "en"]
WHOLE_YEAR = {"from": "2024Q1", "to": "2024Q4"}


def set_towns(at, codes: list[str]):
    return at.multiselect(key="f_towns").set_value(codes).run()


def set_period(at, first: str, last: str):
    return at.select_slider(key="f_period").set_value((first, last)).run()


# --- overview ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
def test_overview_targets_match_the_marts(demo, lang):
    at = open_page("overview", lang, **WHOLE_YEAR)
    shown = "\n".join(texts(at))
    for target, status in demo.query("select target, status from mart_six_zero where year = 2024"):
        name = demo.value(f"select target_{lang} from mart_six_zero where year = 2024 and target = ?", [target])
        badge = f"**{name if lang == 'zh' else name.split(':')[0]}** "
        line = next(s for s in shown.splitlines() if s.startswith(badge))
        assert i18n.t(f"status.{status}", lang) in line, (target, status, line)
    five = frame(at, "five_never", lang)
    expected = dict(demo.query(f"select description_{lang}, count from mart_five_never where year = 2024"))
    assert dict(zip(five.iloc[:, 0], five.iloc[:, 1])) == expected
    four = frame(at, "four_up_four_down", lang)
    for description, value, unit in demo.query(
            f"select description_{lang}, value, unit from mart_four_up_four_down where year = 2024"):
        row = four[four.iloc[:, 0] == description].iloc[0]
        assert row.iloc[2] == (fmt.percent(value) if unit == "%" else fmt.number(value, 0 if value % 1 == 0 else 1))


@pytest.mark.parametrize("lang", LANGS)
def test_overview_headline_matches_the_marts_and_follows_the_township_filter(demo, lang):
    at = open_page("overview", lang, **WHOLE_YEAR)
    existing = "select existing_users from mart_registry_township where snapshot_date = '2024-12-31' and township_code = ?"
    assert number(metric(at, "col.existing_users", lang)) == demo.value(existing, ["150823"])
    assert number(metric(at, "col.cases", lang)) == demo.value("select sum(cases) from mart_cases_quarter where year = 2024")
    meth = demo.value("select mean_load_per_1000 from mart_wastewater_year where year = 2024 and "
                      "area_level = 'banner' and substance = 'methamphetamine'")
    assert metric(at, "ov.meth_load", lang) == fmt.number(meth, 2)
    at = set_towns(at, [SEAT])
    assert number(metric(at, "col.existing_users", lang)) == demo.value(existing, [SEAT])
    assert number(metric(at, "col.cases", lang)) == demo.value(
        "select sum(cases) from mart_cases_quarter where year = 2024 and township_code = ?", [SEAT])
    assert at.query_params["town"] == SEAT


def test_overview_alerts_name_the_township_over_the_listing_line(demo):
    at = open_page("overview", "zh", **WHOLE_YEAR)
    over = demo.query("select township_code, existing_users from mart_registry_township "
                      "where snapshot_date = '2024-12-31' and area_level = 'township' and over_listing_threshold")
    assert over, "the demo has a township over the 60 line"
    errors = [e.value for e in at.error]
    for code, users in over:
        assert any(f"{users}" in e and "乌拉山镇" in e for e in errors) if code == SEAT else True


# --- wastewater ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
def test_wastewater_loads_match_the_year_mart_and_follow_the_township_filter(demo, lang):
    at = open_page("wastewater", lang, **WHOLE_YEAR)
    sql = ("select mean_load_per_1000, yoy_change_pct from mart_wastewater_year where year = 2024 "
           "and area_level = ? and area_code = ? and substance = 'methamphetamine'")
    label = "甲基苯丙胺" if lang == "zh" else "Methamphetamine"
    load, yoy = demo.query(sql, ["banner", "150823"])[0]
    value, delta = metrics(at)[label]
    assert value == fmt.number(load, 2)
    assert delta.startswith(fmt.signed_percent(yoy))
    at = set_towns(at, [DASHETA])
    town_load, town_yoy = demo.query(sql, ["township", DASHETA])[0]
    assert town_load != pytest.approx(load)
    value, delta = metrics(at)[label]
    assert value == fmt.number(town_load, 2)
    assert delta.startswith(fmt.signed_percent(town_yoy))


def test_wastewater_levels_table_is_the_quarterly_mart(demo):
    at = open_page("wastewater", "zh", **WHOLE_YEAR)
    levels = frame(at, "ww_levels", "zh")
    banner = levels[levels.iloc[:, 0] == "乌拉特前旗"]
    expected = dict(demo.query("select substance, level from mart_wastewater_quarterly where quarter = '2024Q4' "
                               "and area_level = 'banner' and readable_as_use and abuse_marker"))
    names = {"甲基苯丙胺": "methamphetamine", "氯胺酮": "ketamine"}
    for name, code in names.items():
        row = banner[banner.iloc[:, 1] == name].iloc[0]
        assert row.iloc[4] == i18n.t(f"level.{expected[code]}", "zh")


# --- hair --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
def test_hair_totals_match_the_mart_and_follow_the_substance_filter(demo, lang):
    """The headline counts samples and persons (mart_hair_samples); the substance filter narrows test items."""
    at = open_page("hair", lang)
    year = demo.value("select max(year) from mart_hair_samples")
    samples, persons, positive = demo.query("select sum(samples), sum(new_persons_in_year), sum(positive_samples) "
                                            "from mart_hair_samples where year = ? and township_code = '150823'",
                                            [year])[0]
    assert number(metric(at, "col.samples", lang)) == samples
    assert number(metric(at, "col.persons", lang)) == persons
    assert number(metric(at, "col.positive_samples", lang)) == positive
    assert metric(at, "col.positivity_rate", lang) == fmt.percent(100 * positive / samples)
    at = at.multiselect(key="f_subs").set_value(["methamphetamine"]).run()
    meth = demo.value("select sum(tested) from mart_hair_positivity where year = ? and substance = 'methamphetamine'",
                      [year])
    assert i18n.t("units.test_items", lang, n=fmt.number(meth)) in texts(at)
    assert number(metric(at, "col.samples", lang)) == samples


# --- registry ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
def test_registry_figures_match_the_mart_and_follow_the_township_filter(demo, lang):
    sql = ("select existing_users, out_of_control, face_check_rate, info_verified_rate, community_execution_rate "
           "from mart_registry_township where snapshot_date = '2024-12-31' and township_code = ?")
    at = open_page("registry", lang, **WHOLE_YEAR)
    for code in ("150823", SEAT):
        existing, ooc, face, info, execution = demo.query(sql, [code])[0]
        assert number(metric(at, "col.existing_users", lang)) == existing
        assert number(metric(at, "col.out_of_control", lang)) == ooc
        assert metric(at, "col.face_check_rate", lang) == fmt.percent(face)
        assert metric(at, "col.info_verified_rate", lang) == fmt.percent(info)
        assert metric(at, "col.community_execution_rate", lang) == fmt.percent(execution)
        at = set_towns(at, [SEAT])


def test_registry_shows_no_person(demo):
    at = open_page("registry", "zh", **WHOLE_YEAR)
    keys = {k for (k,) in demo.query("select distinct person_key from fact_registry")}
    shown = "\n".join(texts(at)) + "\n".join(t.value.to_csv() for t in at.dataframe)
    assert not any(k in shown for k in keys)


def test_registry_period_filter_moves_the_snapshot(demo):
    at = set_period(open_page("registry", "zh", **WHOLE_YEAR), "2023Q1", "2023Q4")
    assert number(metric(at, "col.existing_users")) == demo.value(
        "select existing_users from mart_registry_township where snapshot_date = '2023-12-31' and township_code = '150823'")


# --- cases ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
def test_cases_match_the_marts_and_follow_the_period(demo, lang):
    at = open_page("cases", lang, **WHOLE_YEAR)
    cases, suspects = demo.query("select cases, suspects from mart_cases_year where year = 2024")[0]
    outflow = demo.value("select sum(outflow_suspects) from mart_cases_quarter where year = 2024")   # every case type
    assert number(metric(at, "col.cases", lang)) == cases
    assert number(metric(at, "col.suspects", lang)) == suspects
    assert number(metric(at, "col.outflow_suspects", lang)) == outflow
    at = set_period(at, "2023Q1", "2023Q4")
    assert number(metric(at, "col.cases", lang)) == demo.value("select cases from mart_cases_year where year = 2023")
    assert at.query_params["from"] == "2023Q1" and at.query_params["to"] == "2023Q4"


def test_cases_outflow_three_year_average_is_the_year_mart(demo):
    from analysis import cases
    from analysis.access import WHOLE_BANNER
    from analysis.filters import Filters

    years = cases.by_year(Filters("2024Q1", "2024Q4"), WHOLE_BANNER).dropna(subset=["outflow_3y_avg"])
    expected = dict(demo.query("select year, outflow_3y_avg from mart_cases_year where outflow_3y_avg is not null "
                               "and year <= 2024"))
    assert dict(zip(years["year"], years["outflow_3y_avg"])) == pytest.approx(expected)


def test_seizures_of_caffeine_and_cnb_are_in_kilograms(demo):
    at = open_page("cases", "zh", **WHOLE_YEAR)
    seizures = frame(at, "seizures_by_drug", "zh")
    kg = demo.query("select drug, sum(seized_display) from mart_cases_quarter where year = 2024 "
                    "and seizure_unit = 'kg' group by drug")
    assert kg, "the demo seizes caffeine or 安钠咖"
    for drug, amount in kg:
        row = seizures[seizures.iloc[:, 0] == label("substance", drug, "zh")].iloc[0]
        assert row.iloc[3] == pytest.approx(amount)
        assert row.iloc[4] == "千克"


# --- townships -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
def test_township_scorecard_matches_the_marts_and_drills_into_one_township(demo, lang):
    at = open_page("townships", lang, **WHOLE_YEAR)
    card = frame(at, "town_scorecard", lang)
    expected = dict(demo.query("select township_code, existing_users from mart_registry_township "
                               "where snapshot_date = '2024-12-31' and area_level = 'township'"))
    seat_name = "乌拉山镇" if lang == "zh" else "Wulashan Town"
    seat = card[card.iloc[:, 0] == seat_name].iloc[0]
    assert seat.iloc[2] == expected[SEAT]
    assert len(card) == 17
    at = at.selectbox(key="town_pick").set_value(SEAT).run()
    assert at.query_params["town"] == SEAT
    assert number(metric(at, "col.existing_users", lang)) == expected[SEAT]
    assert number(metric(at, "col.cases", lang)) == demo.value(
        "select sum(cases) from mart_cases_quarter where year = 2024 and township_code = ?", [SEAT])


# --- data quality ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
def test_quality_shows_runs_quarantine_and_validation_from_the_warehouse(demo, lang):
    at = open_page("quality", lang)
    assert number(metric(at, "col.rows_quarantined", lang)) == demo.value("select count(*) from quarantine")
    assert number(metric(at, "col.files_loaded", lang)) == demo.value(
        "select count(*) from pipeline_runs where status = 'loaded'")
    rows = frame(at, "quarantine", lang)
    assert sorted(rows.iloc[:, 2]) == sorted(r for (r,) in demo.query("select row_number from quarantine"))
    checks = frame(at, "validation", lang)
    assert len(checks) == demo.value("select count(*) from (select distinct source, expectation, column_name "
                                     "from validation_results)")
    named = set(checks[i18n.t("col.column_name", lang)])     # as the data team's file heads them
    assert {"zh": {"苏木镇(township)", "身份证号(id_number)", "报送单位(unit)、任务编号(task)、报送期间(period)、类型(kind)、"
                   "报送日期(reported_date)"},
            "en": {"township", "id_number", "unit, task, period, kind, reported_date"}}[lang] <= named
    assert not {"township_code", "person_key"} & named
    fresh = frame(at, "freshness", lang)
    assert len(fresh) == 6          # the six sources, task reports included


def test_quality_hides_masked_identity_numbers(demo):
    at = open_page("quality", "zh")
    rows = frame(at, "quarantine", "zh")
    refs = [r for (r,) in demo.query("select record_ref from quarantine where source in ('hair', 'registry')")]
    assert refs and not any(r in rows.to_csv() for r in refs)
