"""Wastewater marts (domain.md §3) on hand-made extracts: load arithmetic, the amphetamine correction, the
population-weighted mean across sites, weekday/weekend means, year on year, levels against a site's own history,
the trend class with its significance test, the consumption estimate, and the substances that wastewater cannot
read as use. Every expected value is computed here from the rule, not read back from the mart."""
from __future__ import annotations

import math
import statistics
from datetime import date, timedelta

import pytest

import config
from tests.marts_helpers import DASHETA, SEAT, load, one, query, wastewater_row

Q_DAYS = {  # a Wednesday in the middle of each quarter (a weekday composite)
    q: date(2022 + (q // 4), 3 * (q % 4) + 2, 15) for q in range(12)
}


def quarter_label(day: date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def test_load_arithmetic_and_amphetamine_correction_on_hand_computed_rows(env, tmp_path):
    day = date(2024, 3, 5)   # a Tuesday
    load(tmp_path, "wastewater", [
        wastewater_row("S1", "P1", SEAT, day, "methamphetamine", 50, flow=20000, population=100000),
        wastewater_row("S1", "P1", SEAT, day, "amphetamine", 10, flow=20000, population=100000),
        wastewater_row("S1", "P1", SEAT, day, "caffeine", 40000, flow=20000, population=100000),
        wastewater_row("S2", "P1", SEAT, day + timedelta(days=1), "methamphetamine", 50, flow=20000,
                       population=100000),
        wastewater_row("S2", "P1", SEAT, day + timedelta(days=1), "amphetamine", 3, flow=20000, population=100000),
    ])
    rows = {(r[0], r[1]): r[2:] for r in query(
        "select sample_id, substance, load_mg_day, load_mg_day_per_1000, load_use_mg_day_per_1000 "
        "from mart_wastewater_loads")}
    share = config.get("amphetamine_from_meth_share")
    # methamphetamine: 50 ng/L × 20,000 m³/d ÷ 1000 = 1000 mg/d; ÷ (100,000 ÷ 1000) = 10 mg/d/1000
    assert rows[("S1", "methamphetamine")] == pytest.approx((1000.0, 10.0, 10.0))
    # amphetamine: 10 × 20,000 ÷ 1000 = 200 mg/d → 2.0; read as use: 2.0 − 0.09 × 10 = 1.1
    assert rows[("S1", "amphetamine")] == pytest.approx((200.0, 2.0, 2.0 - share * 10.0))
    # 3 ng/L → 0.6 mg/d/1000, less than 0.09 × 10: floored at 0, never negative
    assert rows[("S2", "amphetamine")][2] == 0
    # caffeine: a load is computed, but nothing is read as use
    assert rows[("S1", "caffeine")][1] == pytest.approx(40000 * 20000 / 1000 / 100)
    assert rows[("S1", "caffeine")][2] is None


@pytest.mark.parametrize("day, day_class", [(date(2024, 3, 5), "weekday"),   # Tuesday
                                            (date(2024, 3, 7), "weekday"),   # Thursday
                                            (date(2024, 3, 8), "weekend"),   # Friday
                                            (date(2024, 3, 11), "weekend")])  # Monday (24-h composite from Monday)
def test_weekday_is_tuesday_to_thursday(env, tmp_path, day, day_class):
    load(tmp_path, "wastewater", [wastewater_row("S1", "P1", SEAT, day, "methamphetamine", 10)])
    assert query("select day_class from mart_wastewater_loads") == [(day_class,)]


@pytest.fixture
def three_sites(env, built):
    return built.into(env, _three_sites)


def _three_sites(folder):
    """One quarter, three plants. P1 (乌拉山镇, 100,000 people): one Tuesday sample, load 10.
    P2 (大佘太镇, 10,000): Tuesday 4 and Saturday 8 → mean 6. P3 (大佘太镇, 30,000): Wednesday 2."""
    rows = [
        wastewater_row("A1", "P1", SEAT, date(2024, 3, 5), "methamphetamine", 50, flow=20000, population=100000),
        wastewater_row("B1", "P2", DASHETA, date(2024, 3, 5), "methamphetamine", 20, flow=2000, population=10000),
        wastewater_row("B2", "P2", DASHETA, date(2024, 3, 9), "methamphetamine", 40, flow=2000, population=10000),
        wastewater_row("C1", "P3", DASHETA, date(2024, 3, 6), "methamphetamine", 10, flow=6000, population=30000),
    ]
    load(folder, "wastewater", rows)
    return {"P1": (10.0, 100000), "P2": (6.0, 10000), "P3": (2.0, 30000)}


def quarterly(area_level: str, area_code: str, quarter: str = "2024Q1", substance: str = "methamphetamine"):
    return one("select * from mart_wastewater_quarterly where area_level = ? and area_code = ? and quarter = ? "
               "and substance = ?", [area_level, area_code, quarter, substance])


def weighted(pairs):
    return sum(v * w for v, w in pairs) / sum(w for _, w in pairs)


def test_population_weighted_mean_across_sites(three_sites):
    sites = three_sites
    assert quarterly("site", "P2")["mean_load_per_1000"] == pytest.approx(6.0)
    dasheta = weighted([sites["P2"], sites["P3"]])          # (6 × 10,000 + 2 × 30,000) ÷ 40,000 = 3.0
    banner = weighted(sites.values())                       # 1,120,000 ÷ 140,000 = 8.0
    assert dasheta == pytest.approx(3.0) and banner == pytest.approx(8.0)
    row = quarterly("township", DASHETA)
    assert row["mean_load_per_1000"] == pytest.approx(dasheta)
    assert (row["sites"], row["samples"], row["population_served"]) == (2, 3, 40000)
    assert quarterly("banner", "150823")["mean_load_per_1000"] == pytest.approx(banner)
    # the unweighted mean of the sites would be 6.0: the weighting is what makes it 8.0
    assert statistics.mean(v for v, _ in sites.values()) != pytest.approx(banner)


def test_weekday_and_weekend_means(three_sites):
    p2 = quarterly("site", "P2")
    assert (p2["weekday_mean_per_1000"], p2["weekend_mean_per_1000"]) == pytest.approx((4.0, 8.0))
    p3 = quarterly("site", "P3")
    assert p3["weekday_mean_per_1000"] == pytest.approx(2.0) and p3["weekend_mean_per_1000"] is None
    town = quarterly("township", DASHETA)
    # weekday: P2 4 (10,000) and P3 2 (30,000) → 2.5; weekend: only P2 → 8
    assert town["weekday_mean_per_1000"] == pytest.approx((4 * 10000 + 2 * 30000) / 40000)
    assert town["weekend_mean_per_1000"] == pytest.approx(8.0)


def test_year_on_year_and_consumption_estimate(env, tmp_path):
    load(tmp_path, "wastewater", [
        wastewater_row("A", "P1", SEAT, date(2023, 2, 15), "methamphetamine", 40),   # load 8
        wastewater_row("B", "P1", SEAT, date(2024, 2, 14), "methamphetamine", 50),   # load 10
    ])
    row = quarterly("site", "P1", "2024Q1")
    assert row["same_quarter_last_year_per_1000"] == pytest.approx(8.0)
    assert row["yoy_change_pct"] == pytest.approx((10 - 8) / 8 * 100)
    assert quarterly("site", "P1", "2023Q1")["yoy_change_pct"] is None
    # consumption = load × CF (methamphetamine 2.33, excretion 43 %), with its source named
    assert row["correction_factor"] == pytest.approx(2.33)
    assert row["consumption_mg_day_per_1000"] == pytest.approx(10 * 2.33)
    assert row["consumption_drug"] == "methamphetamine"
    source = query("select correction_source from mart_wastewater_substances where substance = 'methamphetamine'")
    assert "43" in source[0][0]


def test_caffeine_is_not_an_abuse_marker_and_cnb_is_not_measurable(env, tmp_path):
    load(tmp_path, "wastewater", [wastewater_row("A", "P1", SEAT, date(2024, 2, 14), "caffeine", 40000)])
    caffeine = quarterly("site", "P1", "2024Q1", "caffeine")
    assert caffeine["abuse_marker"] is False and caffeine["readable_as_use"] is False
    assert caffeine["mean_load_use_per_1000"] is None and caffeine["consumption_mg_day_per_1000"] is None
    subs = {r[0]: r[1:] for r in query("select substance, measurable_in_wastewater, readable_as_use, abuse_marker, "
                                       "samples from mart_wastewater_substances")}
    assert subs["cnb"][:2] == (False, False)
    assert subs["caffeine"] == (True, False, False, 1)
    assert subs["methamphetamine"] == (True, True, True, 0)


# --- trend and level -----------------------------------------------------------------------------------

NOISE = [1.03, 0.97, 1.02, 0.98, 1.03, 0.97, 1.02, 0.98, 1.03]   # ± 3 %, alternating


def series(kind: str) -> list[float]:
    """Nine quarterly loads (2022Q1–2024Q1); the trend window (8) sees the last eight."""
    if kind == "rising":
        return [5.0 * 1.15 ** q * NOISE[q] for q in range(9)]
    if kind == "falling":
        return [5.0 * 0.85 ** q * NOISE[q] for q in range(9)]
    return [5.0 * NOISE[q] * (1.05 if q % 3 == 0 else 1.0) for q in range(9)]   # flat, with noise


def expected_trend(values: list[float]) -> tuple[float, float, str]:
    """Slope of ln(load) on the quarter index, its t statistic, and the class the rule gives."""
    from scipy import stats     # here, not at the top: importing it costs every test process 1 s to collect

    x = list(range(len(values)))
    y = [math.log(v) for v in values]
    fit = stats.linregress(x, y)
    t = fit.slope / fit.stderr
    critical = t_critical(len(values))
    return fit.slope, t, ("plateau" if abs(t) <= critical else "rising" if t > 0 else "falling")


def t_critical(points: int) -> float:
    """Student's t at which a slope fitted to `points` quarters is significant (two-sided, `trend_alpha`)."""
    from scipy import stats

    return stats.t.ppf(1 - config.get("trend_alpha") / 2, points - 2)


@pytest.fixture
def trend_sites(env, built):
    built.into(env, _trend_sites)


def _trend_sites(folder):
    rows = []
    for site, kind in (("R", "rising"), ("F", "falling"), ("N", "flat")):
        for q, value in enumerate(series(kind)):
            # load per 1000 = concentration × 20,000 ÷ 1000 ÷ 100 = concentration × 0.2
            rows.append(wastewater_row(f"{site}{q}", site, SEAT, Q_DAYS[q], "ketamine", round(value / 0.2, 6)))
    load(folder, "wastewater", rows)


@pytest.mark.parametrize("site, kind", [("R", "rising"), ("F", "falling"), ("N", "flat")])
def test_trend_class_on_constructed_series(trend_sites, site, kind):
    window = config.get("trend_window_quarters")
    values = series(kind)[-window:]
    slope, t, klass = expected_trend(values)
    assert klass == {"rising": "rising", "falling": "falling", "flat": "plateau"}[kind]
    row = quarterly("site", site, "2024Q1", "ketamine")
    assert row["trend_points"] == window
    assert row["trend_class"] == klass
    assert row["trend_slope_per_quarter"] == pytest.approx(slope, rel=1e-6)
    assert row["trend_t"] == pytest.approx(t, rel=1e-6)
    assert row["trend_change_pct_per_year"] == pytest.approx((math.exp(4 * slope) - 1) * 100, rel=1e-6)


def test_flat_series_has_a_slope_but_no_significant_trend(trend_sites):
    row = quarterly("site", "N", "2024Q1", "ketamine")
    assert row["trend_slope_per_quarter"] != 0
    assert abs(row["trend_t"]) <= row["trend_t_critical"]
    assert row["trend_t_critical"] == pytest.approx(t_critical(config.get("trend_window_quarters")))


def test_too_few_quarters_give_insufficient_data(trend_sites):
    early = quarterly("site", "R", "2022Q3", "ketamine")     # three points so far
    assert early["trend_points"] == 3 and early["trend_class"] == "insufficient_data"


def test_level_against_the_sites_own_history(trend_sites):
    # rising: every earlier quarter is below → 100 → highest; falling: none below → 0 → low
    assert quarterly("site", "R", "2024Q1", "ketamine")["level"] == "highest"
    falling = quarterly("site", "F", "2024Q1", "ketamine")
    assert (falling["level_percentile"], falling["level"]) == (0, "low")
    # history shorter than level_min_history_quarters → limited_data
    assert quarterly("site", "R", "2022Q4", "ketamine")["level"] == "limited_data"


@pytest.mark.parametrize("current, percentile, level", [(7.0, 75.0, "high"),        # 6 of 8 below: exactly 75
                                                        (5.5, 62.5, "moderate"),    # 5 of 8
                                                        (0.5, 0.0, "low")])
def test_level_boundary_exactly_75_percent_is_high(env, tmp_path, current, percentile, level):
    history = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 10.0, 11.0]          # quarters 2022Q1–2023Q4
    rows = [wastewater_row(f"H{q}", "P1", SEAT, Q_DAYS[q], "ketamine", v / 0.2) for q, v in enumerate(history)]
    rows.append(wastewater_row("NOW", "P1", SEAT, Q_DAYS[8], "ketamine", current / 0.2))
    load(tmp_path, "wastewater", rows)
    expected = 100 * sum(h < current for h in history) / len(history)
    assert expected == percentile
    row = quarterly("site", "P1", "2024Q1", "ketamine")
    assert (row["history_quarters"], row["level_percentile"], row["level"]) == (8, pytest.approx(percentile), level)
