"""Early warning "数值高、战果少": a township whose wastewater load is at its highest (or rising) while its
enforcement results (cases filed + users newly found) are no higher than usual. Hair positives outside the
registry are covered in test_marts_hair_registry."""
from __future__ import annotations

from datetime import date

import pytest

import domain
from tests.marts_helpers import SEAT, XIANFENG, case_row, load, registry_row, rows_as_dicts, wastewater_row

QUARTERS = [(2022 + (q + 3) // 4, (q + 3) % 4 + 1) for q in range(9)]     # 2022Q4 … 2024Q4


def mid(year: int, quarter: int) -> date:
    return date(year, 3 * quarter - 1, 15)


def rule(parameter: str) -> str:
    return next(r["value"] for r in domain.read_csv("early_warnings.csv") if r["parameter"] == parameter)


def _wastewater_and_registry(folder):
    rows = [wastewater_row(f"W{i}", "P9", XIANFENG, mid(y, q), "methamphetamine", 10 if i < 8 else 20)
            for i, (y, q) in enumerate(QUARTERS)]
    load(folder, "wastewater", rows)
    load(folder / "r", "registry", [registry_row(1, date(2024, 12, 31), township=SEAT)])


@pytest.fixture
def township_history(env, built, tmp_path):
    """先锋镇: methamphetamine flat at 2 mg/day/1000 for eight quarters, then 4 in 2024Q4 (above every earlier
    quarter); two cases a quarter in 先锋镇 until then. A registry snapshot at the end of 2024."""
    built.into(env, _wastewater_and_registry)

    def cases_with(last_quarter_cases: int) -> None:
        cases = [case_row(f"C{y}{q}{k}", mid(y, q), township=XIANFENG)
                 for (y, q) in QUARTERS[:-1] for k in range(2)]
        cases += [case_row(f"D{k}", mid(2024, 4), township=XIANFENG) for k in range(last_quarter_cases)]
        cases += [case_row("ELSEWHERE", mid(2024, 4), township=SEAT)]     # the quarter has case data anyway
        load(tmp_path / f"c{last_quarter_cases}", "cases", cases)
    return cases_with


def warnings() -> list[dict]:
    return rows_as_dicts("select * from mart_early_warnings where kind = 'wastewater_high_results_low'")


@pytest.mark.parametrize("cases_now, warned", [(1, True),    # fewer than the usual 2
                                               (2, True),    # no more than usual (ratio 1.0)
                                               (3, False)])  # results rose with the load
def test_high_wastewater_with_few_results_warns(township_history, cases_now, warned):
    township_history(cases_now)
    ratio = float(rule("results_ratio_max"))
    assert (cases_now <= ratio * 2) is warned                        # the rule, from early_warnings.csv
    found = warnings()
    if not warned:
        assert found == []
        return
    [w] = found
    assert (w["quarter"], w["township_code"], w["substance"]) == ("2024Q4", XIANFENG, "methamphetamine")
    assert w["level"] == "highest" and "highest" in rule("levels").split("|")
    assert (w["cases"], w["newly_found"], w["results"]) == (cases_now, 0, cases_now)
    assert w["results_history_avg"] == pytest.approx(2.0) and w["results_history_quarters"] == 8
    assert w["mean_load_per_1000"] == pytest.approx(4.0)
    assert f"{cases_now} cases filed" in w["evidence_en"] and "2.0" in w["evidence_en"]
    assert f"立案 {cases_now} 起" in w["evidence_zh"] and "甲基苯丙胺" in w["evidence_zh"]


def test_no_warning_without_registry_or_case_data_for_the_quarter(env, tmp_path):
    rows = [wastewater_row(f"W{i}", "P9", XIANFENG, mid(y, q), "methamphetamine", 10 if i < 8 else 20)
            for i, (y, q) in enumerate(QUARTERS)]
    load(tmp_path, "wastewater", rows)
    load(tmp_path, "cases", [case_row(f"C{y}{q}", mid(y, q), township=XIANFENG) for (y, q) in QUARTERS[:-1]])
    # 2024Q4 has no case data at all, and no registry snapshot has been loaded: nothing can be judged
    assert warnings() == []
