"""四升四降 on two constructed years (2023 → 2024, with 2022 as the base of the growth rates): one scenario in
which every indicator moves the way the plan wants, one in which every indicator moves the other way, and the
edge cases (unchanged values, values held at their bound, missing inputs). Expected values are computed here
from domain.md §5's definitions."""
from __future__ import annotations

from datetime import date

import pytest

from tests.marts_helpers import build, case_row, indicator_rows, registry_row, rows_as_dicts

INDICATORS = ["awareness_rate", "community_execution_rate", "abstinent_3y_growth", "satisfaction_rate",
              "new_users_growth", "minor_share", "outflow_traffickers", "user_crimes"]
DIRECTION = {"awareness_rate": "up", "community_execution_rate": "up", "abstinent_3y_growth": "up",
             "satisfaction_rate": "up", "new_users_growth": "down", "minor_share": "down",
             "outflow_traffickers": "down", "user_crimes": "down"}
COMMUNITY = 4     # users in community detox each year-end
OTHERS = 5        # other existing users each year-end

# Per year: abstinent stock, newly found in the year, community users who reported, minors among users,
# outflow suspects, user crimes, awareness, satisfaction.
SCENARIOS = {
    "improving": {2022: (10, 10, 2, 1, 2, 2, 90.0, 88.0),
                  2023: (11, 12, 2, 1, 3, 2, 94.0, 90.0),
                  2024: (13, 13, 3, 0, 1, 1, 96.0, 92.0)},
    "worsening": {2022: (10, 10, 2, 1, 2, 2, 90.0, 88.0),
                  2023: (12, 11, 3, 0, 1, 1, 96.0, 92.0),
                  2024: (13, 13, 2, 1, 3, 2, 94.0, 90.0)},
}


def snapshot(year: int, abstinent: int, new: int, reported: int, minors: int) -> list[dict]:
    end = date(year, 12, 31)
    rows, n = [], 0

    def add(**kw):
        nonlocal n
        rows.append(registry_row(n, end, **kw))
        n += 1

    for _ in range(abstinent):
        add(status="abstinent_3y", first_found=date(2010, 1, 1))
    for _ in range(new):
        add(status="other", first_found=date(year, 6, 1))
    for i in range(COMMUNITY):
        add(status="community_detox", reported=i < reported, first_found=date(2019, 1, 1))
    for _ in range(OTHERS):
        add(status="other", first_found=date(2019, 1, 1))
    for _ in range(minors):
        add(status="other", birth=date(year - 16, 3, 1), first_found=date(year - 1, 3, 1))
    return rows


def cases(year: int, outflow: int, user_crimes: int) -> list[dict]:
    rows = [case_row(f"O{year}", date(year, 6, 1), township="外地", suspects=max(outflow, 1),
                     outflow_suspects=outflow)]
    rows += [case_row(f"U{year}-{i}", date(year, 7, 1), category="administrative", case_type="user_incident")
             for i in range(user_crimes)]
    rows.append(case_row(f"Z{year}", date(year, 12, 20), category="administrative", case_type="drug_use"))
    return rows


def expected(table: dict, year: int) -> dict[str, float]:
    """Each indicator's value for `year`, from the definitions (same period = the year-end snapshots)."""
    a, n, r, m, outflow, crimes, aware, satis = table[year]
    a1, n1, *_ = table[year - 1]
    existing = n + COMMUNITY + OTHERS + m
    suspects = crimes + 1      # the banner's own cases: the outflow record (外地) is not one of them
    return {
        "awareness_rate": aware, "satisfaction_rate": satis,
        "community_execution_rate": 100 * r / COMMUNITY,
        "abstinent_3y_growth": 100 * (a - a1) / a1,
        "new_users_growth": 100 * (n - n1) / n1,
        "minor_share": 100 * m / (existing + suspects),
        "outflow_traffickers": outflow, "user_crimes": crimes,
    }


@pytest.fixture(scope="module")
def warehouses(tmp_path_factory, empty_warehouse):
    built = {}
    for name, table in SCENARIOS.items():
        loads = [
            ("registry", [snapshot(y, *table[y][:4]) for y in table]),
            ("cases", [[row for y in table for row in cases(y, *table[y][4:6])]]),
            ("indicators", [[row for y in table
                             for row in indicator_rows(str(y), awareness_rate=table[y][6],
                                                       satisfaction_rate=table[y][7])]]),
        ]
        built[name] = build(tmp_path_factory.mktemp(name), loads, empty_warehouse)
    return built


def indicators(wh, monkeypatch, year: int = 2024) -> dict[str, dict]:
    monkeypatch.setenv("WAREHOUSE_PATH", str(wh))
    return {r["indicator"]: r for r in rows_as_dicts("select * from mart_four_up_four_down where year = ?", [year])}


@pytest.mark.parametrize("scenario, achieved", [("improving", True), ("worsening", False)])
@pytest.mark.parametrize("indicator", INDICATORS)
def test_each_indicator_on_both_sides_of_its_direction(warehouses, monkeypatch, scenario, achieved, indicator):
    table = SCENARIOS[scenario]
    now, before = expected(table, 2024)[indicator], expected(table, 2023)[indicator]
    moved_up = now > before
    assert moved_up == ((DIRECTION[indicator] == "up") == achieved), "the scenario itself must be on that side"
    row = indicators(warehouses[scenario], monkeypatch)[indicator]
    assert row["expected_direction"] == DIRECTION[indicator]
    assert row["value"] == pytest.approx(now)
    assert row["previous_value"] == pytest.approx(before)
    assert row["achieved"] is achieved
    assert row["status"] == ("achieved" if achieved else "not_achieved")


def test_growth_rates_need_a_base_year(warehouses, monkeypatch):
    rows = indicators(warehouses["improving"], monkeypatch, 2023)
    # 2023's growth has 2022 as its base, but the growth before it would need 2021: no data, not a verdict
    assert rows["abstinent_3y_growth"]["value"] == pytest.approx(10.0)
    assert rows["abstinent_3y_growth"]["previous_value"] is None
    assert (rows["abstinent_3y_growth"]["achieved"], rows["abstinent_3y_growth"]["status"]) == (None, "no_data")
    assert rows["awareness_rate"]["achieved"] is True      # a level only needs the previous year


def test_unchanged_is_not_achieved_but_a_held_bound_is(tmp_path, monkeypatch, empty_warehouse):
    loads = [
        ("indicators", [indicator_rows("2023", awareness_rate=100, satisfaction_rate=93) +
                        indicator_rows("2024", awareness_rate=100, satisfaction_rate=93)]),
        ("cases", [cases(2023, 0, 1) + cases(2024, 0, 1)]),
    ]
    rows = indicators(build(tmp_path, loads, empty_warehouse), monkeypatch)
    assert rows["awareness_rate"]["achieved"] is True          # 100 % cannot rise
    assert rows["satisfaction_rate"]["achieved"] is False      # 93 → 93 did not rise
    assert rows["outflow_traffickers"]["achieved"] is True     # 0 cannot fall
    assert rows["user_crimes"]["achieved"] is False            # 1 → 1 did not fall
    for name in ("community_execution_rate", "abstinent_3y_growth", "new_users_growth", "minor_share"):
        assert (rows[name]["value"], rows[name]["status"]) == (None, "no_data"), name


def test_a_snapshot_leaving_reported_blank_for_everyone_has_no_execution_rate(tmp_path, monkeypatch,
                                                                               empty_warehouse):
    """是否报到执行 empty in the whole 2024 snapshot: the column was not reported, so there is no execution rate
    (no_data), never 0 % against 2023's and a fall; one person's blank still counts as not reported."""
    table = SCENARIOS["improving"]
    blank = [{**row, "reported": ""} for row in snapshot(2024, *table[2024][:4])]
    one_blank = snapshot(2023, *table[2023][:4])
    next(row for row in one_blank if row["reported"] == "是")["reported"] = ""     # 2 of 4 reported: now 1
    wh = build(tmp_path, [("registry", [one_blank, blank])], empty_warehouse)
    monkeypatch.setenv("WAREHOUSE_PATH", str(wh))
    banner = {r["snapshot_date"].year: r for r in rows_as_dicts(
        "select * from mart_registry_township where township_code = '150823'")}
    assert (banner[2024]["reported_recorded"], banner[2024]["community_execution_rate"]) == (False, None)
    assert banner[2023]["reported_recorded"] is True
    assert banner[2023]["community_execution_rate"] == pytest.approx(100 * 1 / COMMUNITY)
    row = indicators(wh, monkeypatch)["community_execution_rate"]
    assert (row["value"], row["previous_value"], row["status"]) == (None, pytest.approx(25.0), "no_data")


def test_an_outflow_record_leaving_its_number_blank_is_no_data_never_a_fall(tmp_path, monkeypatch, empty_warehouse):
    """外地抓获本地籍贩毒人员下降: a 2024 outflow record with 外地抓获本地籍人数 blank leaves the year's count unknown, so
    the indicator is no_data, not 0 against 2023's 3 and achieved; 2023's own count stands."""
    blank = [{**row, "outflow_suspects": ""} if row["township"] == "外地" else row for row in cases(2024, 1, 1)]
    wh = build(tmp_path, [("cases", [cases(2023, 3, 1) + blank])], empty_warehouse)
    row = indicators(wh, monkeypatch)["outflow_traffickers"]
    assert (row["value"], row["previous_value"], row["achieved"], row["status"]) == (None, 3, None, "no_data")
    years = {r["year"]: r for r in rows_as_dicts("select * from mart_cases_year")}
    assert (years[2024]["outflow_suspects"], years[2023]["outflow_suspects"]) == (None, 3)
