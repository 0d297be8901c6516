"""Each revised rule of domain.md §5 on both sides of its line, named after the plan's own words (quoted in
each docstring; the same words are in domain/*.csv as clause_text and on the target cards).

Facts are written straight into a test warehouse (tests/facts_helpers.py) and the real marts rebuilt, so the
rules are tested on the codes the plan needs (precursor_production, the two committee indicators, …) whatever
the extracts' vocabularies accept. Expected values are derived here from the rule, never read back from a mart.
"""
from __future__ import annotations

import re
from datetime import date

import pytest

import domain
from tests.facts_helpers import case, hair, indicators, person, put
from tests.marts_helpers import check, one, query, rows_as_dicts, target

YEAR = 2024
END = date(YEAR, 12, 31)
CLOSE = case("END", END, category="administrative", case_type="drug_use")   # the data reach the year's end


def event(name: str, year: int = YEAR) -> dict:
    return one("select * from mart_five_never where year = ? and event = ?", [year, name])


def units(task: str, role: str) -> list[str]:
    """A task's units of one role as the plan lists them, names normalised through domain/units.csv."""
    alias = {r["alias"]: r["unit"] for r in domain.read_csv("units.csv")}
    row = next(r for r in domain.read_csv("plan-tasks.csv") if r["task"] == task)
    return list(dict.fromkeys(alias.get(u, u) for u in row[f"{role}_units"].split(";")))


# --- 五个坚决不能发生 -------------------------------------------------------------------------------------

@pytest.mark.parametrize("case_type, counted", [("manufacturing", 1), ("precursor_production", 1), ("precursor", 0)])
def test_制造毒品案件或者非法生产制毒物品案件(env, case_type, counted):
    """"坚决不能发生制造毒品案件或者非法生产制毒物品案件": production of precursors counts, trading them does not."""
    put(fact_cases=[case("C1", date(YEAR, 5, 1), case_type=case_type), CLOSE])
    assert event("manufacturing")["count"] == counted
    assert check(YEAR, "manufacturing")["result"] == ("fail" if counted else "pass")


@pytest.mark.parametrize("severity, counted", [("major", 1), ("ordinary", 0)])
def test_脱管失控吸毒人员引起的重大违法犯罪案件(env, severity, counted):
    """"脱管失控吸毒人员引起的重大违法犯罪案件": criminal, an out-of-control user, and 重大 (severity major)."""
    put(fact_cases=[case("C1", date(YEAR, 5, 1), out_of_control=True, severity=severity), CLOSE])
    assert event("out_of_control_crime")["count"] == counted


@pytest.mark.parametrize("substance, counted", [("methamphetamine", 1), ("cotinine", 0), ("caffeine", 0)])
def test_在校中小学生吸毒_a_lab_positive_for_what_is_no_drug_is_no_use(env, substance, counted):
    """A pupil's hair the lab calls positive for nicotine's cotinine or for caffeine (no abuse markers in
    domain/substances.csv; 安钠咖 is its own code) is no drug use: neither a five-never event nor a positive."""
    put(fact_registry=[person(1, END, status="other", age=15, student=True, first_found=date(YEAR - 2, 3, 1))],
        fact_hair=[dict(hair("S1", date(YEAR, 4, 1), "P00001", "student", True), substance=substance)])
    assert event("student_use")["count"] == counted
    assert one("select positive from int_hair_tests where sample_id = 'S1'")["positive"] is bool(counted)


@pytest.mark.parametrize("age_at_finding, counted", [(18, 1), (19, 0)])
def test_在校中小学生吸毒_under_19_at_the_event(env, age_at_finding, counted):
    """"坚决不能发生在校中小学生吸毒案事件": pupils — a student newly found younger than 19 at finding."""
    found = date(YEAR, 3, 1)
    snapshot_age = age_at_finding + 0          # the snapshot (31 December) is less than a year after finding
    put(fact_registry=[person(1, END, status="community_detox", age=snapshot_age, student=True, first_found=found)],
        fact_hair=[hair("S0", date(YEAR, 4, 1), "P99999", "driver", False)])
    assert event("student_use")["count"] == counted


def test_在校中小学生吸毒_hair_positive_students_by_registry_age(env):
    """"在校中小学生": a positive student whose registry age is 19 or more is not a pupil; one the registry does
    not know (no age stored) counts."""
    put(fact_registry=[person(1, END, age=25)],
        fact_hair=[hair("S1", date(YEAR, 4, 1), "P00001", "student", True),      # 25 on the register
                   hair("S2", date(YEAR, 4, 1), "Q-unknown", "student", True)])  # not on the register
    row = event("student_use")
    assert (row["count"], row["evidence"]) == (1, ["hair:S2"])


# --- 零懈怠 ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("standing, government, failed", [(1, 1, []), (1, 0, ["government_briefings"]),
                                                          (0, 1, ["standing_committee_briefings"])])
def test_旗委常委会议和政府常务会议每年至少听取1次(env, standing, government, failed):
    """"旗委常委会议和政府常务会议每年至少听取1次禁毒工作汇报": both bodies, each at least once."""
    put(fact_cases=[CLOSE], fact_indicators=indicators(str(YEAR), standing_committee_briefings=standing,
                                                       government_briefings=government))
    results = {c: check(YEAR, c)["result"] for c in ("standing_committee_briefings", "government_briefings")}
    assert [c for c, r in results.items() if r == "fail"] == failed


def test_old_committee_briefings_counts_for_neither_body(env):
    """The old code committee_briefings says nothing of which body heard the report: both checks lack data."""
    put(fact_cases=[CLOSE], fact_indicators=indicators(str(YEAR), committee_briefings=3))
    assert check(YEAR, "standing_committee_briefings")["result"] == "no_data"
    assert check(YEAR, "government_briefings")["result"] == "no_data"


@pytest.mark.parametrize("before, now, result", [(50, 50, "pass"), (50, 49.9, "fail"), (50, 60, "pass")])
def test_禁毒经费_建立常态增长机制(env, before, now, result):
    """"将禁毒经费纳入市、旗两级财政预算…并建立常态增长机制": above 0, and not below the previous year."""
    put(fact_cases=[CLOSE], fact_indicators=indicators(str(YEAR - 1), budget_wan_yuan=before)
        + indicators(str(YEAR), budget_wan_yuan=now))
    assert check(YEAR, "budget_growth")["result"] == result
    assert check(YEAR, "budget_wan_yuan")["result"] == "pass"


@pytest.mark.parametrize("before_h1, now_h1, result", [(50, 50, "pass"), (50, 49.9, "fail"), (None, 50, "pending")])
def test_禁毒经费_常态增长机制_a_half_year_beside_the_same_half(env, before_h1, now_h1, result):
    """"建立常态增长机制" in a year in progress: the first half beside the previous first half, never beside the
    previous whole year (here 100, twice the half: the old comparison failed every first half)."""
    earlier = indicators(str(YEAR - 1), budget_wan_yuan=100)
    if before_h1 is not None:
        earlier += indicators(f"{YEAR - 1}H1", budget_wan_yuan=before_h1)
    put(fact_cases=[case("MID", date(YEAR, 6, 30), category="administrative", case_type="drug_use")],
        fact_indicators=earlier + indicators(f"{YEAR}H1", budget_wan_yuan=now_h1))
    c = check(YEAR, "budget_growth")
    assert c["result"] == result
    assert c["evidence_en"] == f"{float(now_h1)} ({YEAR}H1) vs " + (f"{float(before_h1)} ({YEAR - 1}H1)" if before_h1 else "—")
    assert c["evidence_zh"] == f"{float(now_h1)}（{YEAR}H1）对比 " + (f"{float(before_h1)}（{YEAR - 1}H1）" if before_h1 else "—")


# --- 零死角 ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, value, result", [("school_class_hours", 2, "pass"), ("school_class_hours", 1, "fail"),
                                                 ("education_bases", 1, "pass"), ("education_bases", 0, "fail")])
def test_每年不少于2课时_禁毒教育基地不少于1个(env, name, value, result):
    """"在校学生每年接受禁毒课程教育不少于2课时" (a year, not a term); "禁毒教育基地不少于1个"."""
    put(fact_cases=[CLOSE], fact_indicators=indicators(str(YEAR), **{name: value}))
    c = check(YEAR, name)
    assert c["result"] == result
    assert "每年" in c["clause_text"] or "不少于1个" in c["clause_text"]


@pytest.mark.parametrize("again, counted", [(date(YEAR, 6, 1), 1), (date(YEAR - 1, 6, 1), 0)])
def test_a_registered_pupil_caught_again_is_an_event_of_that_year(env, again, counted):
    """"坚决不能发生在校中小学生吸毒案事件", "确保18岁以下青少年涉毒行为零发生": a pupil on the register since an
    earlier year who is caught using again this year (最近查获日期) is this year's event, as a new one would be."""
    pupil = dict(person(1, END, age=15, student=True, first_found=date(YEAR - 2, 3, 1)), last_found_date=again)
    put(fact_registry=[pupil], fact_hair=[hair("S0", date(YEAR, 4, 1), "P99999", "driver", False)],
        fact_cases=[CLOSE])
    assert event("student_use")["count"] == counted
    assert check(YEAR, "minor_involvement")["value"] == counted
    assert check(YEAR, "minor_involvement")["evidence_zh"].startswith(f"当年查获 {counted} 人")


@pytest.mark.parametrize("source", ["none", "suspect", "registry", "hair"])
def test_18岁以下青少年涉毒行为零发生(env, source):
    """"确保18岁以下青少年涉毒行为零发生": a minor newly found, suspected or testing positive fails it."""
    registry = [person(1, END, age=30)]
    if source == "registry":
        registry.append(person(2, END, age=17, first_found=date(YEAR, 2, 1)))
    hair_rows = [hair("H1", date(YEAR, 3, 1), "P00003", "key_person", True)] if source == "hair" else []
    if source == "hair":
        registry.append(person(3, END, age=16, first_found=date(2022, 1, 1)))
    put(fact_registry=registry, fact_hair=hair_rows,
        fact_cases=[case("C1", date(YEAR, 6, 1), minor_suspects=1 if source == "suspect" else 0), CLOSE])
    c = check(YEAR, "minor_involvement")
    assert (c["value"], c["result"]) == ((0, "pass") if source == "none" else (1, "fail"))


# --- 零容忍 ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("before, now, result", [(2, 2, "fail"), (2, 3, "pass")])
def test_目标案件数逐年上升_equal_is_not_a_rise(env, before, now, result):
    """"年度侦办部级、自治区级目标案件数逐年上升": equal is no rise."""
    rows = [case(f"A{i}", date(YEAR - 1, 3, 1), target_level="ministry") for i in range(before)]
    rows += [case(f"B{i}", date(YEAR, 3, 1), target_level="region") for i in range(now)]
    put(fact_cases=rows + [CLOSE])
    assert check(YEAR, "target_cases")["result"] == result
    assert target(YEAR, "zero_tolerance")["status"] == ("not_met" if result == "fail" else "no_data")  # outflow: no data


def test_目标案件数逐年上升_a_quiet_december_is_no_part_year(env):
    """"逐年上升" over whole years: a year whose last case was filed on 18 December, with the registry at
    31 December, is complete; last year's case of 20 December counts, so 2 after 2 is no rise."""
    rows = [case("A1", date(YEAR - 1, 3, 1), target_level="ministry"),
            case("A2", date(YEAR - 1, 12, 20), target_level="region"),
            case("B1", date(YEAR, 3, 1), target_level="region"), case("B2", date(YEAR, 12, 18), target_level="region")]
    put(fact_cases=rows, fact_registry=[person(1, END)])
    row = one("select * from mart_cases_year where year = ?", [YEAR])
    assert (row["target_cases"], row["previous_target_cases"], row["period_end"]) == (2, 2, END)
    assert check(YEAR, "target_cases")["result"] == "fail"


@pytest.mark.parametrize("first_half_now, result", [(9, "fail"), (6, "pass")])
def test_外流贩毒人数三年累计平均下降10_same_months_in_a_year_in_progress(env, first_half_now, result):
    """"被外省区查获外流贩毒人数三年累计平均下降10%以上": a year in progress (data to 30 June) is set beside the
    same months of the years before, never beside whole years (which would show a false fall)."""
    rows = []
    for y in range(YEAR - 3, YEAR):
        rows += [case(f"H1-{y}", date(y, 3, 1), township="外地", outflow_suspects=10),
                 case(f"H2-{y}", date(y, 9, 1), township="外地", outflow_suspects=10)]
    rows.append(case(f"H1-{YEAR}", date(YEAR, 6, 30), township="外地", outflow_suspects=first_half_now))
    put(fact_cases=rows)
    row = one("select * from mart_cases_year where year = ?", [YEAR])
    assert row["outflow_3y_avg"] == pytest.approx((10 + 10 + first_half_now) / 3)
    assert row["outflow_3y_avg_previous"] == pytest.approx(10)
    assert check(YEAR, "outflow_3y_drop")["result"] == result


@pytest.mark.parametrize("now, result", [(0, "pass"), (3, "fail")])
def test_外流贩毒人数三年累计平均下降10_a_rise_from_none_fails(env, now, result):
    """"被外省区查获外流贩毒人数三年累计平均下降10%以上": after three years without one, outflow traffickers in the
    fourth year are a rise (an infinite change), not missing data; none again is nothing to reduce."""
    rows = [case(f"L-{y}", date(y, 5, 1)) for y in range(YEAR - 3, YEAR + 1)]
    if now:
        rows.append(case("W1", date(YEAR, 8, 1), township="外地", outflow_suspects=now))
    put(fact_cases=rows + [CLOSE])
    row = one("select * from mart_cases_year where year = ?", [YEAR])
    assert (row["outflow_3y_avg"], row["outflow_3y_avg_previous"]) == (pytest.approx(now / 3), 0)
    assert row["outflow_3y_change_pct"] == (float("inf") if now else None)
    assert check(YEAR, "outflow_3y_drop")["result"] == result


def test_外流贩毒人数_counts_the_outflow_suspects_of_trafficking_cases_only(env):
    """"被外省区查获外流贩毒人数" and 四升四降's "外地抓获本地籍贩毒人员": a local user caught using drugs elsewhere is
    an outflow record but no trafficker."""
    rows = [case(f"L-{y}", date(y, 5, 1)) for y in range(YEAR - 3, YEAR + 1)]
    rows += [case(f"T-{y}", date(y, 8, 1), township="外地", outflow_suspects=2) for y in range(YEAR - 3, YEAR + 1)]
    rows += [case("U1", date(YEAR, 9, 1), township="外地", category="administrative", case_type="drug_use",
                  outflow_suspects=5), CLOSE]
    put(fact_cases=rows)
    row = one("select * from mart_cases_year where year = ?", [YEAR])
    assert (row["outflow_suspects"], row["previous_outflow_suspects"], row["outflow_3y_avg"]) == (2, 2, 2)
    assert one("select value from mart_four_up_four_down where year = ? and indicator = 'outflow_traffickers'",
               [YEAR])["value"] == 2
    assert query("select sum(outflow_suspects) from mart_cases_quarter where year = ?", [YEAR])[0][0] == 7


def test_outflow_records_are_not_the_banners_cases(env):
    """Records with township 外地 (local people caught elsewhere) feed the outflow figures only: the township
    rows sum to the banner's cases, and the outflow sits on a row 'outside' with 0 cases."""
    put(fact_cases=[case("L1", date(YEAR, 5, 1), suspects=2), case("L2", date(YEAR, 7, 1), township="150823102"),
                    case("W1", date(YEAR, 8, 1), township="外地", suspects=3, outflow_suspects=3), CLOSE])
    outside = one("select sum(cases) as cases, sum(suspects) as suspects, sum(outflow_suspects) as outflow "
                  "from mart_cases_quarter where township_code = 'outside'")
    assert (outside["cases"], outside["suspects"], outside["outflow"]) == (0, 0, 3)
    banner = one("select cases, suspects, outflow_suspects from mart_cases_year where year = ?", [YEAR])
    assert (banner["cases"], banner["suspects"], banner["outflow_suspects"]) == (3, 4, 3)
    assert query("select sum(cases) from mart_cases_quarter where year = ?", [YEAR])[0][0] == banner["cases"]


# --- 零失控 ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("severity, major", [("major", 1), ("ordinary", 0)])
def test_吸毒人员肇事肇祸案事件零发生_whatever_its_severity(env, severity, major):
    """"确保社会面无漏管失控吸毒人员和吸毒人员肇事肇祸案事件'零发生'" (§四(四)1): any incident caused by a user
    fails 零失控; only "影响较为恶劣" ones (severity major) are the five-never event. An incident recorded outside
    the banner (外地) is not the banner's."""
    put(fact_cases=[case("I1", date(YEAR, 5, 1), category="incident", case_type="user_incident", severity=severity),
                    case("W1", date(YEAR, 6, 1), township="外地", category="incident", case_type="user_incident"),
                    CLOSE])
    c = check(YEAR, "user_incidents")
    assert (c["value"], c["result"], c["evidence_zh"]) == (1, "fail", "I1")
    assert c["clause_text"] == "确保社会面无漏管失控吸毒人员和吸毒人员肇事肇祸案事件“零发生”"
    assert "user_incidents" in target(YEAR, "zero_loss_of_control")["failed_checks"]
    assert event("user_incident_major")["count"] == major


def test_no_incident_caused_by_a_user_passes_and_a_year_without_cases_is_no_data(env):
    put(fact_cases=[case("C1", date(YEAR, 5, 1))], fact_registry=[person(1, date(YEAR + 1, 12, 31))])
    passed, missing = check(YEAR, "user_incidents"), check(YEAR + 1, "user_incidents")
    assert (passed["value"], passed["result"]) == (0, "pass")
    assert (missing["value"], missing["result"]) == (None, "no_data")


@pytest.mark.parametrize("indicator, flagged, result", [(95, None, "pass"), (94.9, None, "fail"),
                                                        (None, 19, "pass"), (None, 18, "fail")])
def test_技能培训和扶持就业人数占社区戒毒社区康复人数95以上(env, indicator, flagged, result):
    """"确保技能培训和扶持就业人数占到社区戒毒社区康复人数的95%以上": the indicator, else the registry's
    employment_support flag among the 20 community users (19 = 95 % passes, 18 = 90 % fails)."""
    registry = [person(i, END, status="community_rehab", employment_support=flagged is not None and i < flagged)
                for i in range(20)]
    values = indicators(str(YEAR), employment_support_rate=indicator) if indicator is not None else []
    put(fact_registry=registry, fact_indicators=values, fact_cases=[CLOSE])
    assert check(YEAR, "employment_support_rate")["result"] == result


@pytest.mark.parametrize("rate, result", [(100, "pass"), (99.5, "fail")])
def test_禁毒社工及戒毒康复人员平台注册率100(env, rate, result):
    """"实现全旗禁毒社工(专干)及戒毒康复人员平台注册率100%"."""
    put(fact_cases=[CLOSE], fact_indicators=indicators(str(YEAR), social_worker_registration_rate=rate))
    assert check(YEAR, "social_worker_registration_rate")["result"] == result


@pytest.mark.parametrize("base, result", [("existing", "pass"), ("registered", "fail"), ("community", "pass")])
def test_专职工作人员与辖区登记在册吸毒人员数量之比不少于1比20(env, monkeypatch, base, result):
    """"社区戒毒社区康复专职工作人员与辖区登记在册吸毒人员数量之比不少于1:20": 20 existing users, 10 more
    abstinent (registered base 30) and 5 of them in community, one worker; the check reads the setting's base
    and the evidence shows all three."""
    monkeypatch.setenv("STAFF_RATIO_BASE", base)
    registry = [person(i, END, status="community_detox" if i < 5 else "other", worker="CW-1" if i < 5 else None)
                for i in range(20)]
    registry += [person(100 + i, END, status="abstinent_3y", worker=None) for i in range(10)]
    put(fact_registry=registry, fact_cases=[CLOSE])
    c = check(YEAR, "users_per_case_worker")
    assert (c["value"], c["result"]) == ({"existing": 20, "registered": 30, "community": 5}[base], result)
    assert "existing 20" in c["evidence_en"] and "registered 30" in c["evidence_en"] and "community 5" in c["evidence_en"]
    assert c["evidence_en"].startswith(domain.labels("staff_ratio_base")[base].en + ": ")
    assert "现有吸毒人员 20" in c["evidence_zh"] and "在册人员 30" in c["evidence_zh"] and "社区戒毒康复人员 5" in c["evidence_zh"]
    assert c["evidence_zh"].startswith(domain.labels("staff_ratio_base")[base].zh + "口径：")


def test_blank_optional_registry_columns_are_no_data_not_0_percent(env):
    """A snapshot leaving face check, info verified and case worker blank has no input for those checks: no_data,
    not 0 %, 0 % and ∞ failing."""
    put(fact_registry=[person(i, END, status="community_detox", face_check=None, info_verified=None, worker=None,
                              employment_support=None) for i in range(5)], fact_cases=[CLOSE])
    for name in ("face_check_rate", "info_verified_rate", "users_per_case_worker"):
        assert check(YEAR, name)["result"] == "no_data", name
    z = target(YEAR, "zero_loss_of_control")
    assert z["status"] == "no_data" and z["failed_checks"] == []
    # one face check recorded: the column is filled, so the five others are unchecked (a real 1 in 6)
    put(fact_registry=[person(10, END, face_check="recent", info_verified=None, worker=None, employment_support=None)])
    c = check(YEAR, "face_check_rate")
    assert (c["value"], c["result"]) == (pytest.approx(100 / 6), "fail")


# --- 零漏管 ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("plants, result", [(None, "pass"), (1, "fail")])
def test_零种植零产量_one_plant_fails_zero_leakage(env, plants, result):
    """"巩固毒品原植物“零种植、零产量”成果": any cultivation case breaks it, however small."""
    rows = [CLOSE] + ([case("G1", date(YEAR, 7, 1), category="administrative", case_type="cultivation",
                            plants=plants)] if plants else [])
    put(fact_cases=rows)
    c = check(YEAR, "cultivation")
    assert c["result"] == result
    assert event("mass_cultivation")["count"] == 0          # one plant is no mass cultivation


# --- honest statuses: pending, half years, as of, quarantine ------------------------------------------

def test_a_year_in_progress_is_pending_not_failed(env):
    """A year whose data end on 30 June: quarters not reached wait (pending), a quarter over and untested
    fails; an indicator not reported yet waits; the target says pending with its as-of date."""
    ww = [{"run_id": "t", "sample_id": f"W{q}", "site_id": "P1", "township_code": "150823100",
           "sample_date": date(YEAR, 3 * q - 1, 15), "flow_m3_d": 20000, "population_served": 100000,
           "substance": "methamphetamine", "concentration_ng_l": 10, "below_loq": False, "loq_ng_l": 1}
          for q in (1, 2)]
    put(fact_wastewater=ww, fact_hair=[hair("H2", date(YEAR, 6, 30), "P1", "driver", False)],
        fact_indicators=indicators(f"{YEAR}H1", government_briefings=1, drug_office_staff=3, drug_police=20,
                                   budget_wan_yuan=50) + indicators(f"{YEAR - 1}H1", budget_wan_yuan=50))
    assert check(YEAR, "quarterly_wastewater")["result"] == "pending"       # Q1 and Q2 tested
    assert check(YEAR, "quarterly_hair")["result"] == "fail"                 # Q1 is over, untested
    committee = check(YEAR, "standing_committee_briefings")
    assert committee["result"] == "pending"
    z = target(YEAR, "zero_slack")
    assert (z["status"], z["pending_checks"]) == ("pending", ["standing_committee_briefings"])
    assert z["as_of"] == date(YEAR, 6, 30)


@pytest.mark.parametrize("periods, value", [([f"{YEAR}H1"], 96.0), ([f"{YEAR}H1", f"{YEAR}H2"], 97.0),
                                            ([f"{YEAR}H1", str(YEAR)], 98.0)])
def test_half_year_indicators_count_for_the_year_so_far(env, periods, value):
    """Half-year reports (2024H1) stand for the year so far until a later half or the annual figure arrives."""
    values = {f"{YEAR}H1": 96.0, f"{YEAR}H2": 97.0, str(YEAR): 98.0}
    put(fact_cases=[CLOSE], fact_indicators=[r for p in periods for r in indicators(p, awareness_rate=values[p])])
    c = check(YEAR, "awareness_rate")
    assert (c["value"], c["result"]) == (value, "pass")
    assert c["as_of"] == (date(YEAR, 6, 30) if periods == [f"{YEAR}H1"] else END)


def test_a_quarantined_case_row_that_could_change_a_status_is_named(env):
    """A case row quarantined for its target level could be a target case: it is named on that check until a
    later file loads that case (a row kept without its values, as before they were kept, counts for every year;
    tests/test_quarantine_cards.py has rows with their values)."""
    quarantine = [{"run_id": "q", "source": "cases", "file_name": "cases.csv", "row_number": 4, "record_ref": "X-7",
                   "columns": "target_level", "reasons": "目标案件级别不可识别 / target level not recognised"},
                  {"run_id": "q", "source": "cases", "file_name": "cases.csv", "row_number": 5, "record_ref": "X-8",
                   "columns": "seized_g", "reasons": "x"}]
    put(fact_cases=[CLOSE], quarantine=quarantine)
    assert [q["record_ref"] for q in check(YEAR, "target_cases")["quarantined"]] == ["X-7"]
    assert check(YEAR, "cultivation")["quarantined"] == []
    assert [q["record_ref"] for q in target(YEAR, "zero_tolerance")["quarantined"]] == ["X-7"]
    put(fact_cases=[case("X-7", date(YEAR, 2, 1))])                     # loaded since: no longer at risk
    assert target(YEAR, "zero_tolerance")["quarantined"] == []


# --- accountability --------------------------------------------------------------------------------------

def test_a_failed_check_names_its_own_task_and_units_one_row_per_unit(env):
    """Face check fails → task 4.1 (not the union of 零失控's four tasks), its lead units 政法委 and
    旗禁毒委员会 (旗禁毒委 normalised) and its responsible units; an event that occurred and an indicator not
    achieved name their tasks too."""
    put(fact_registry=[person(0, END, face_check=None), person(1, END)],
        fact_cases=[case("M1", date(YEAR, 4, 1), case_type="manufacturing"), CLOSE],
        fact_indicators=indicators(str(YEAR - 1), awareness_rate=97) + indicators(str(YEAR), awareness_rate=96))
    rows = rows_as_dicts("select * from mart_accountability where year = ? and item = 'face_check_rate' "
                         "order by role, unit_order", [YEAR])
    assert {r["task"] for r in rows} == {"4.1"}
    assert [r["unit"] for r in rows if r["role"] == "lead"] == units("4.1", "lead") == ["政法委", "旗禁毒委员会"]
    assert [r["unit"] for r in rows if r["role"] == "responsible"] == units("4.1", "responsible")
    z = target(YEAR, "zero_loss_of_control")
    assert list(z["plan_tasks"]) == ["4.1"]
    assert sorted(z["lead_units"]) == sorted(units("4.1", "lead"))
    flagged = dict(query("select item, any_value(task) from mart_accountability where year = ? and kind <> 'check' "
                         "group by item", [YEAR]))
    assert flagged == {"manufacturing": "5.1", "awareness_rate": "2.1"}


# --- on screen ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["zh", "en"])
def test_target_card_shows_the_plans_words_as_of_quarantine_and_whom_to_supervise(env, lang):
    """The overview's cards: each check beside the plan's own words, the as-of date, the quarantined row that
    could change 零容忍, the staff ratio on all three bases, and a failed check's own task with its units."""
    from analysis import fmt
    from analysis.labels import label, task_label, unit_names
    from tests.app_helpers import open_page, texts

    put(fact_registry=[person(0, END, face_check=None), person(1, END)], fact_cases=[CLOSE],
        quarantine=[{"run_id": "q", "source": "cases", "file_name": "cases.csv", "row_number": 4,
                     "record_ref": "X-7", "columns": "target_level", "reasons": "x"}])
    at = open_page("overview", lang)
    assert not at.exception
    shown = "\n".join(texts(at))
    assert "X-7" in shown                                              # named on the 零容忍 card
    assert i18n_t("rules.as_of", lang, day=fmt.day(END, lang)) in shown
    supervise = next(line for line in shown.splitlines() if line.startswith(f"**{task_label('4.1', lang)}**"))
    assert fmt.join(unit_names(units("4.1", "lead"), lang), lang) in supervise
    named = {"zh": ("**4.1 深化排查,精准管控吸毒人员**", "政法委、旗禁毒委员会", "公安局"),      # as stored
             "en": ("**4.1 Deepen screening: precise management and control of drug users**",
                    "Political and Legal Affairs Commission, Banner Narcotics Control Commission",
                    "Public Security Bureau")}[lang]
    assert all(name in supervise for name in named)
    assert lang == "zh" or not re.search(r"[\u4e00-\u9fff]", supervise)     # no Chinese name left in English
    # two existing (and registered) users, none in community, one case worker; judged on the default base
    assert i18n_t("rules.staff_bases", lang, existing=fmt.number(2.0, 1), registered=fmt.number(2.0, 1),
                  community=fmt.number(0.0, 1), base=label("staff_ratio_base", "existing", lang)) in shown
    tables = [d.value for d in at.dataframe]
    words = [t for t in tables if i18n_t("col.clause_text", lang) in t.columns]
    quoted = {w for t in words for w in t[i18n_t("col.clause_text", lang)]}
    assert "切实达到登记在册吸毒人员信息准确率100%,见面核查率100%" in quoted
    assert "巩固毒品原植物“零种植、零产量”成果" in quoted
    evidence = [v for t in tables if i18n_t("col.evidence", lang) in t.columns for v in t[i18n_t("col.evidence", lang)]]
    face_check = {"zh": f"1 / 2（{END.isoformat()}）", "en": f"1 / 2 at {END.isoformat()}"}[lang]
    assert face_check in evidence                                        # one of two seen, in the reader's words
    assert lang == "zh" or not any(re.search(r"[\u4e00-\u9fff]", v) for v in evidence)


def i18n_t(key: str, lang: str, **values: object) -> str:
    import i18n
    return i18n.t(key, lang, **values)
