"""The plan's targets (domain.md §5) on small hand-made extracts: one test per rule, each on both sides of
its line, with the boundary values landing where the plan's wording puts them:
  "超过60人/500人" — more than: 60 is not listed, 61 is;
  "高于/超过95%" — above: exactly 95 fails awareness;
  "不少于1:20" — at most 20 users per worker: exactly 20 passes;
  "下降10%以上" — 以上 includes the number: exactly −10 % passes;
  "≥ 500 株" — 500 plants is mass cultivation, 499 is not;
  "逐年上升" — a rise: equal target cases fail.
Expected statuses are derived here from the rule and domain/targets.csv, never read back from a mart."""
from __future__ import annotations

from datetime import date

import pytest

import config
import domain
from tests.facts_helpers import indicators, put
from tests.marts_helpers import (BANNER, SEAT, XIANFENG, case_row, check, hair_row, indicator_rows, load,
                                 load_together, one, person_id, query, registry_row, rows_as_dicts, target,
                                 township_checks, wastewater_row)

YEAR = 2024
END = date(YEAR, 12, 31)
TOWNSHIPS = [t["code"] for t in domain.townships()]


def threshold(check_name: str) -> float:
    return float(next(r["threshold"] for r in domain.read_csv("targets.csv") if r["check"] == check_name))


def tasks_of(*checks: str) -> tuple[list[str], set[str]]:
    """The tasks (numbers) that own these checks (domain/check_tasks.csv) and their lead units, names normalised."""
    owned = {r["task"] for r in domain.read_csv("check_tasks.csv") if r["kind"] == "check" and r["code"] in checks}
    rows = [r for r in domain.read_csv("plan-tasks.csv") if r["task"] in owned]
    alias = {r["alias"]: r["unit"] for r in domain.read_csv("units.csv")}
    return (sorted(r["task"] for r in rows),
            {alias.get(u, u) for r in rows for u in r["lead_units"].split(";")})


# indicators zero_loss_of_control reads beside the registry
CONTROL_OK = indicator_rows(str(YEAR), social_worker_registration_rate=100, employment_support_rate=100)


def ordinary_case(n: int = 1, year: int = YEAR, **kw) -> dict:
    return case_row(f"C{year}-{n:03d}", date(year, 6, 1), **kw)


def controlled_registry(n_other: int = 5, *, lost: int = 0, community: int = 2, workers: int = 1,
                        unchecked: int = 0, unverified: int = 0, township: str = SEAT) -> list[dict]:
    """A year-end snapshot in which every zero_loss_of_control check passes unless told otherwise."""
    rows, n = [], 0
    for _ in range(n_other):
        rows.append(registry_row(n, END, status="other", township=township,
                                 face_check=None if n < unchecked else "recent",
                                 info_verified=n >= unverified))
        n += 1
    for i in range(community):
        rows.append(registry_row(n, END, status="community_detox", township=township,
                                 worker=f"CW-{i % workers + 1}" if workers else ""))
        n += 1
    for _ in range(lost):
        rows.append(registry_row(n, END, status="out_of_control", township=township))
        n += 1
    return rows


# --- zero_space: listing lines -------------------------------------------------------------------------

@pytest.mark.parametrize("existing", [60, 61])
def test_township_listing_line_more_than_60(env, tmp_path, existing):
    line = threshold("township_listing")
    assert line == 60
    rows = [registry_row(n, END, status="other") for n in range(existing)]
    rows += [registry_row(existing + k, END, status="abstinent_3y", first_found=date(2010, 1, 1)) for k in range(5)]
    load(tmp_path, "registry", rows)
    listed = existing > line
    seat = one("select * from mart_registry_township where township_code = ?", [SEAT])
    assert (seat["existing_users"], seat["over_listing_threshold"]) == (existing, listed)
    assert one("select * from mart_registry_township where township_code = ?", [BANNER])["over_listing_threshold"] is False
    c = check(YEAR, "township_listing")
    assert (c["value"], c["result"]) == (existing, "fail" if listed else "pass")
    z = target(YEAR, "zero_space")
    assert ("township_listing" in z["failed_checks"]) is listed
    if listed:
        seat_name = domain.labels("township")[SEAT]
        assert z["status"] == "not_met" and f"{seat_name.zh} {existing} 人" in c["evidence_zh"]
        assert f"{seat_name.en} {existing}" in c["evidence_en"]
        tasks, leads = tasks_of(*z["failed_checks"])     # each failed check's own task (6.1, 6.2 here)
        assert z["plan_tasks"] == tasks and set(z["lead_units"]) == leads


@pytest.mark.parametrize("existing", [500, 501])
def test_banner_listing_line_more_than_500(env, tmp_path, existing):
    assert threshold("banner_listing") == 500
    rows = [registry_row(n, END, status="other", township=TOWNSHIPS[n % len(TOWNSHIPS)]) for n in range(existing)]
    load(tmp_path, "registry", rows)
    banner = one("select * from mart_registry_township where township_code = ?", [BANNER])
    assert (banner["existing_users"], banner["over_listing_threshold"]) == (existing, existing > 500)
    assert query("select count(*) from mart_registry_township where township_code <> ? and over_listing_threshold",
                 [BANNER]) == [(0,)]
    assert check(YEAR, "banner_listing")["result"] == ("fail" if existing > 500 else "pass")


# --- zero_loss_of_control ------------------------------------------------------------------------------

@pytest.mark.parametrize("lost", [0, 1])
def test_one_out_of_control_person_fails_zero_loss_of_control(env, tmp_path, lost):
    load_together(registry=controlled_registry(lost=lost),
                  cases=[ordinary_case()],              # user_incident_major needs the year's cases
                  indicators=CONTROL_OK)
    z = target(YEAR, "zero_loss_of_control")
    if lost:
        assert (z["status"], z["failed_checks"]) == ("not_met", ["out_of_control"])
        tasks, leads = tasks_of("out_of_control")   # its own task (4.1), not the union of the target's four
        assert z["plan_tasks"] == tasks and set(z["lead_units"]) == leads
    else:
        assert (z["status"], z["failed_checks"], z["plan_tasks"]) == ("met", [], None)
    assert [c["check"] for c in z["checks"]] == [r["check"] for r in domain.read_csv("targets.csv")
                                                 if r["target"] == "zero_loss_of_control"]


def test_out_of_control_in_any_snapshot_of_the_year_counts(env, tmp_path):
    mid = date(YEAR, 6, 30)
    load(tmp_path, "registry", [registry_row(1, mid, status="out_of_control")],
         controlled_registry(lost=0))
    assert one("select out_of_control from mart_registry_township where township_code = ? and snapshot_date = ?",
               [BANNER, END])["out_of_control"] == 0
    c = check(YEAR, "out_of_control")
    assert (c["value"], c["result"]) == (1, "fail")
    assert f"{mid.isoformat()}：1 人" == c["evidence_zh"] and f"{mid.isoformat()}: 1" == c["evidence_en"]


@pytest.mark.parametrize("unchecked, unverified, failed", [(0, 0, []),
                                                           (1, 0, ["face_check_rate"]),
                                                           (0, 1, ["info_verified_rate"])])
def test_face_check_and_info_verified_must_be_exactly_100(env, tmp_path, unchecked, unverified, failed):
    load_together(registry=controlled_registry(n_other=10, unchecked=unchecked, unverified=unverified),
                  cases=[ordinary_case()], indicators=CONTROL_OK)
    assert target(YEAR, "zero_loss_of_control")["failed_checks"] == failed
    # 12 at large (10 other + 2 community): one miss is 11/12
    assert check(YEAR, "face_check_rate")["value"] == pytest.approx(100 * (12 - unchecked) / 12)


@pytest.mark.parametrize("community, workers, result", [(20, 1, "pass"),      # exactly 1:20
                                                        (21, 1, "fail"),
                                                        (40, 2, "pass"),
                                                        (2, 0, "no_data")])   # the column is blank
def test_staff_ratio_1_to_20_passes_at_exactly_20(env, tmp_path, community, workers, result):
    """"不少于1:20": existing users (all in community here) per case worker, 20 passes."""
    assert threshold("users_per_case_worker") == 20
    load(tmp_path, "registry", controlled_registry(n_other=0, community=community, workers=workers))
    c = check(YEAR, "users_per_case_worker")
    assert c["result"] == result
    assert c["value"] == (community / workers if workers else None)


# --- the same registry checks township by township -----------------------------------------------------

@pytest.mark.parametrize("community, result", [(20, "pass"), (21, "fail")])     # one case worker: 1:20, 1:21
def test_a_township_is_judged_as_the_banner_and_its_scorecard_counts_those_checks(env, tmp_path, community,
                                                                                   result):
    """Every user in one township, with one case worker and the face-check column blank: the township's rows of
    mart_township_checks judge as the banner board (exactly 20 users per worker passes, 21 fails; a blank column
    is no_data, not a 0 % fail), and the township scorecard counts those rows, township by township."""
    from analysis import townships
    from analysis.access import WHOLE_BANNER
    from analysis.filters import Filters

    load(tmp_path, "registry", [registry_row(n, END, status="community_detox", face_check=None)
                                for n in range(community)])
    rows = {r["check"]: r for r in rows_as_dicts("select * from mart_township_checks where township_code = ? "
                                                 "and snapshot_date = ?", [SEAT, END])}
    expected = dict.fromkeys(township_checks(), "pass") | {"users_per_case_worker": result,
                                                            "face_check_rate": "no_data"}
    assert {name: row["result"] for name, row in rows.items()} == expected
    assert (rows["users_per_case_worker"]["value"], rows["face_check_rate"]["value"]) == (community, None)
    for name in ("users_per_case_worker", "face_check_rate"):      # the banner: the same users, the same line
        assert check(YEAR, name)["result"] == expected[name]
    nobody = rows_as_dicts("""select value, result from mart_township_checks where snapshot_date = ?
                              and "check" = 'users_per_case_worker' and township_code <> ?""", [END, SEAT])
    assert nobody and all((r["value"], r["result"]) == (0, "pass") for r in nobody), \
        "a township with nobody on the register has 0 users per case worker, within 1:20"
    card, day = townships.scorecard(Filters(f"{YEAR}Q1", f"{YEAR}Q4"), WHOLE_BANNER)
    shown = {r.township_code: (r.checks_passed, r.checks_no_data, r.checks_total) for r in card.itertuples()}
    assert day == END and shown[SEAT] == (len(expected) - 2 + (result == "pass"), 1, len(expected))
    counted = query("""select township_code, count(*) filter (where result = 'pass'),
                              count(*) filter (where result = 'no_data'), count(*)
                       from mart_township_checks where snapshot_date = ? group by 1""", [END])
    assert shown == {town: tuple(n) for town, *n in counted}


# --- five never and zero_leakage -----------------------------------------------------------------------

# precursor trading (type precursor) is not "非法生产制毒物品" (tests/test_plan_rules.py has precursor_production)
@pytest.mark.parametrize("case_type, counted", [("manufacturing", 1), ("precursor", 0), ("trafficking", 0)])
def test_one_manufacturing_case_counts_and_fails_zero_leakage(env, tmp_path, case_type, counted):
    load_together(cases=[ordinary_case(1), ordinary_case(2, case_type=case_type)],
                  indicators=indicator_rows(str(YEAR), precursor_registration_rate=100))
    event = one("select * from mart_five_never where year = ? and event = 'manufacturing'", [YEAR])
    assert (event["count"], event["has_data"]) == (counted, True)
    assert event["evidence"] == ([f"C{YEAR}-002"] if counted else [])
    z = target(YEAR, "zero_leakage")
    if counted:
        assert (z["status"], z["failed_checks"]) == ("not_met", ["manufacturing"])
    else:
        assert (z["status"], z["failed_checks"]) == ("met", [])


@pytest.mark.parametrize("plants, counted", [(499, 0), (500, 1)])
def test_mass_cultivation_starts_at_500_plants(env, tmp_path, plants, counted):
    load(tmp_path, "cases", [ordinary_case(1, category="administrative", case_type="cultivation", drug="other",
                                           plants=plants)])
    assert one("select count from mart_five_never where year = ? and event = 'mass_cultivation'",
               [YEAR])["count"] == counted
    # zero_leakage reads "零种植、零产量": any cultivation case fails it, mass or not
    assert check(YEAR, "cultivation")["result"] == "fail"


def test_major_user_incident_and_out_of_control_crime(env, tmp_path):
    load(tmp_path, "cases", [
        ordinary_case(1, category="incident", case_type="user_incident", severity="major"),
        ordinary_case(2, category="incident", case_type="user_incident", severity="ordinary"),
        ordinary_case(3, category="criminal", out_of_control=True),                 # not 重大: not counted
        ordinary_case(4, category="administrative", case_type="drug_use", out_of_control=True, severity="major"),
        ordinary_case(5, category="criminal", out_of_control=True, severity="major"),
    ])
    counts = dict(query("select event, count from mart_five_never where year = ?", [YEAR]))
    assert counts == {"manufacturing": 0, "mass_cultivation": 0, "user_incident_major": 1,
                      "out_of_control_crime": 1, "student_use": 0}
    # student_use lacks its inputs (no registry, no hair) that year: no_data, not a reassuring 0
    assert one("select status from mart_five_never where year = ? and event = 'student_use'",
               [YEAR])["status"] == "no_data"


def test_student_found_in_registry_and_hair_counts_once_and_fails_zero_blind_spot(env, tmp_path):
    student = registry_row(1, END, status="community_detox", birth=date(2008, 5, 1), student=True,
                           first_found=date(YEAR, 4, 1))
    earlier = registry_row(2, END, status="other", birth=date(2008, 5, 1), student=True,
                           first_found=date(YEAR - 1, 4, 1))           # found last year: not this year's
    load_together(registry=[student, earlier],
                  hair=[hair_row("S1", date(YEAR, 4, 2), student["id_number"], "student", "methamphetamine", "0.8",
                                 "阳性")])
    row = one("select * from mart_five_never where year = ? and event = 'student_use'", [YEAR])
    assert (row["count"], row["status"]) == (1, "occurred")
    assert "hair:S1" in row["evidence"] and "registry" in row["evidence"]
    assert check(YEAR, "student_use")["result"] == "fail"
    assert "student_use" in target(YEAR, "zero_blind_spot")["failed_checks"]


def test_a_case_a_blank_field_leaves_open_makes_its_event_no_data_never_none(env, tmp_path):
    """坚决不能发生 cannot be reported as not happened on a case that may be the event: a cultivation case without
    its plant count, a user incident without its severity, a criminal case with an out-of-control user and no
    severity leave their events open (no_data, the cases named); a blank flag on an ordinary crime does not, and
    an event found elsewhere in the year has occurred all the same."""
    rows = [ordinary_case(1, category="administrative", case_type="cultivation", drug="other", plants=""),
            ordinary_case(2, category="incident", case_type="user_incident", severity=""),
            ordinary_case(3, category="criminal", out_of_control=True, severity=""),
            {**ordinary_case(4, category="criminal", severity="ordinary"), "involves_out_of_control_user": ""},
            ordinary_case(5, category="incident", case_type="user_incident", severity="major")]
    load(tmp_path, "cases", rows)
    five = {r["event"]: r for r in rows_as_dicts("select * from mart_five_never where year = ?", [YEAR])}
    assert (five["mass_cultivation"]["status"], five["mass_cultivation"]["undecided"]) == ("no_data", [f"C{YEAR}-001"])
    assert (five["out_of_control_crime"]["status"], five["out_of_control_crime"]["undecided"]) == \
        ("no_data", [f"C{YEAR}-003"])
    assert (five["user_incident_major"]["count"], five["user_incident_major"]["status"],
            five["user_incident_major"]["undecided"]) == (1, "occurred", [f"C{YEAR}-002"])
    assert (five["manufacturing"]["status"], five["manufacturing"]["undecided"]) == ("none", [])


def test_a_snapshot_leaving_is_student_blank_for_everyone_gives_student_use_no_data(env, tmp_path):
    """是否在校学生 empty in the whole snapshot: nobody can be told a pupil, so with nothing found in the hair tests
    student_use is no_data, never 未发生 (a 15-year-old found that year may be one); filled, it is none."""
    def year(student_column: str) -> str:
        minor = {**registry_row(1, END, birth=date(YEAR - 15, 3, 1), first_found=date(YEAR, 4, 1)),
                 "is_student": student_column}
        adult = {**registry_row(2, END), "is_student": student_column}
        load(tmp_path / student_column, "registry", [minor, adult])
        load(tmp_path / student_column, "hair", [hair_row("S1", date(YEAR, 4, 2), adult["id_number"], "student",
                                                          "methamphetamine", "0.1", "阴性")])
        return one("select status from mart_five_never where year = ? and event = 'student_use'", [YEAR])["status"]
    assert year("") == "no_data"
    env.emptied()
    assert year("否") == "none"


def test_a_student_found_positive_in_a_year_without_a_registry_snapshot_is_an_event_that_occurred(env, tmp_path):
    """No snapshot that year leaves student_use without one of its inputs, but a positive student's hair test is
    the event itself: occurred (and 零死角 fails), never no_data."""
    student = registry_row(1, END, status="community_detox", birth=date(2008, 5, 1), student=True)
    load(tmp_path, "hair", [hair_row("S1", date(YEAR, 4, 2), student["id_number"], "student", "methamphetamine",
                                     "0.8", "阳性")])
    row = one("select * from mart_five_never where year = ? and event = 'student_use'", [YEAR])
    assert (row["count"], row["has_data"], row["status"], row["evidence"]) == (1, False, "occurred", ["hair:S1"])
    assert check(YEAR, "student_use")["result"] == "fail"
    assert "student_use" in target(YEAR, "zero_blind_spot")["failed_checks"]


# --- zero_slack and zero_blind_spot: indicators --------------------------------------------------------

SLACK_OK = dict(standing_committee_briefings=1, government_briefings=1, drug_office_staff=3, drug_police=20,
                budget_wan_yuan=50)
SLACK_CHECKS = [r["check"] for r in domain.read_csv("targets.csv") if r["target"] == "zero_slack"]


def test_a_year_without_indicators_gives_no_data_for_zero_slack(env, tmp_path):
    load(tmp_path, "cases", [ordinary_case(1, year=YEAR - 1), case_row("Z", END)])   # both years closed
    put(fact_indicators=indicators(str(YEAR - 1), budget_wan_yuan=50) + indicators(str(YEAR), **SLACK_OK))
    before = target(YEAR - 1, "zero_slack")
    assert (before["status"], before["failed_checks"]) == ("no_data", [])
    missing = [c for c in SLACK_CHECKS if c != "budget_wan_yuan"]   # the growth needs the year before too
    assert before["no_data_checks"] == missing
    assert before["plan_tasks"] == tasks_of(*missing)[0]            # no_data names its tasks too
    # the year with the extract: every check at or above its line (3 staff, 20 police exactly) → met
    assert target(YEAR, "zero_slack")["status"] == "met"


def test_a_failed_check_makes_not_met_even_when_another_has_no_data(env, tmp_path):
    values = dict(SLACK_OK, drug_police=19)
    del values["budget_wan_yuan"]
    load(tmp_path, "cases", [case_row("Z", END)])
    put(fact_indicators=indicators(str(YEAR), **values))
    z = target(YEAR, "zero_slack")
    assert (z["status"], z["failed_checks"]) == ("not_met", ["drug_police"])
    assert z["no_data_checks"] == ["budget_wan_yuan", "budget_growth"]


@pytest.mark.parametrize("awareness, result", [(95, "fail"), (95.1, "pass")])
def test_awareness_exactly_95_fails(env, tmp_path, awareness, result):
    assert threshold("awareness_rate") == 95
    load(tmp_path, "indicators", indicator_rows(str(YEAR), awareness_rate=awareness))
    assert check(YEAR, "awareness_rate")["result"] == result


@pytest.mark.parametrize("volunteers", [515, 516])
def test_volunteers_at_least_0_2_percent_of_residents(env, tmp_path, volunteers):
    load(tmp_path, "indicators", indicator_rows(str(YEAR), volunteers=volunteers))
    share = 100 * volunteers / config.get("banner_population")     # 257,826 residents: 0.2 % is 515.652
    c = check(YEAR, "volunteers_share")
    assert c["value"] == pytest.approx(share)
    assert c["result"] == ("pass" if share >= 0.2 else "fail")
    assert c["result"] == ("pass" if volunteers == 516 else "fail")


# --- zero_tolerance --------------------------------------------------------------------------------------

@pytest.mark.parametrize("outflow, result", [([6, 3, 3, 3], "pass"),     # 3 against 4: −25 %
                                             ([10, 10, 10, 7], "pass"),  # 9 against 10: exactly −10 %
                                             ([10, 10, 10, 8], "fail"),  # −6.7 %
                                             ([3, 3, 3, 3], "fail"),     # unchanged
                                             ([0, 0, 0, 0], "pass")])    # nothing to reduce
def test_outflow_three_year_average_down_10_percent(env, tmp_path, outflow, result):
    years = range(YEAR - 3, YEAR + 1)
    load(tmp_path, "cases", [case_row(f"W{y}", date(y, 12, 20), township="外地", suspects=max(n, 1),
                                      outflow_suspects=n) for y, n in zip(years, outflow)])
    current, previous = sum(outflow[1:]) / 3, sum(outflow[:3]) / 3
    row = one("select * from mart_cases_year where year = ?", [YEAR])
    assert (row["outflow_3y_avg"], row["outflow_3y_avg_previous"]) == (pytest.approx(current), pytest.approx(previous))
    if previous:
        assert row["outflow_3y_change_pct"] == pytest.approx(100 * (current - previous) / previous)
    assert check(YEAR, "outflow_3y_drop")["result"] == result
    # a year without three earlier years of data cannot be judged
    assert check(YEAR - 1, "outflow_3y_drop")["result"] == "no_data"


def test_an_outflow_record_leaving_its_number_blank_leaves_the_three_year_averages_over_it_unknown(env, tmp_path):
    """A blank 外地抓获本地籍人数 in the earliest year: the previous three-year mean (which covers it) is unknown and
    the check no_data, never a pass on a 0; the current mean (which does not) stands."""
    years = range(YEAR - 3, YEAR + 1)
    load(tmp_path, "cases", [case_row(f"W{y}", date(y, 12, 20), township="外地", suspects=3,
                                      outflow_suspects="" if y == YEAR - 3 else 3) for y in years])
    row = one("select * from mart_cases_year where year = ?", [YEAR])
    assert (row["outflow_3y_avg"], row["outflow_3y_avg_previous"], row["outflow_3y_change_pct"]) == (3, None, None)
    assert check(YEAR, "outflow_3y_drop")["result"] == "no_data"


@pytest.mark.parametrize("before, now, result", [(1, 1, "fail"), (1, 2, "pass"), (2, 1, "fail")])
def test_target_cases_rise_every_year(env, tmp_path, before, now, result):
    """"目标案件数逐年上升": a rise; equal is not one."""
    cases = [case_row(f"T{YEAR - 1}-{i}", date(YEAR - 1, 3, 1), target_level="region") for i in range(before)]
    cases += [case_row(f"T{YEAR}-{i}", date(YEAR, 3, 1), target_level="ministry") for i in range(now)]
    cases += [case_row("Z", END, case_type="drug_use", category="administrative")]   # data through the year end
    load(tmp_path, "cases", cases)
    assert check(YEAR, "target_cases")["result"] == result


# --- zero_space: quarterly tests and rising substances -----------------------------------------------

@pytest.mark.parametrize("quarters", [3, 4])
def test_wastewater_and_hair_in_every_quarter(env, tmp_path, quarters):
    days = [date(YEAR, 3 * q + 2, 15) for q in range(quarters)]
    load_together(wastewater=[wastewater_row(f"W{i}", "P1", SEAT, d, "methamphetamine", 10)
                              for i, d in enumerate(days)],
                  hair=[hair_row(f"H{i}", d, person_id(i), "driver", "methamphetamine", "ND")
                        for i, d in enumerate(days)],
                  cases=[case_row("Z", END)])     # the data reach the year's end: not a year in progress
    for name in ("quarterly_wastewater", "quarterly_hair"):
        c = check(YEAR, name)
        assert (c["value"], c["result"]) == (quarters, "pass" if quarters == 4 else "fail")


def test_a_substance_rising_significantly_fails_zero_space(env, tmp_path):
    rows = []
    for q in range(8):
        day = date(YEAR - 1 + q // 4, 3 * (q % 4) + 2, 15)
        rows.append(wastewater_row(f"K{q}", "P1", XIANFENG, day, "ketamine", 5 * 1.2 ** q * (1.02 if q % 2 else 0.98)))
        rows.append(wastewater_row(f"M{q}", "P1", XIANFENG, day, "methamphetamine", 50 * (1.02 if q % 2 else 0.98)))
        rows.append(wastewater_row(f"C{q}", "P1", XIANFENG, day, "caffeine", 30000 * 1.3 ** q))   # not read as use
    load(tmp_path, "wastewater", rows)
    trends = dict(query("select substance, trend_class from mart_wastewater_quarterly where area_level = 'banner' "
                        "and quarter = ?", [f"{YEAR}Q4"]))
    assert trends["ketamine"] == "rising" and trends["methamphetamine"] == "plateau"
    assert trends["caffeine"] == "rising"
    c = check(YEAR, "no_rising_substance")
    names = domain.labels("substance")
    assert (c["value"], c["result"]) == (1, "fail")
    assert c["evidence_zh"].startswith(names["ketamine"].zh + " 年均 +") and c["evidence_en"].startswith("Ketamine +")
    assert names["caffeine"].zh not in c["evidence_zh"] and names["caffeine"].en not in c["evidence_en"]


def test_six_zero_year_is_provisional_until_the_data_reach_its_end(env, tmp_path):
    load(tmp_path, "cases", [case_row("A", date(YEAR, 6, 1))])
    row = target(YEAR, "zero_slack")
    assert row["provisional"] is True and row["data_as_of"] == date(YEAR, 6, 1)
