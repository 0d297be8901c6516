"""Hair positivity (cut-off rule, lab disagreements, positives outside the registry) and the registry's
measures per township and for the banner (domain.md §4), on hand-made extracts."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

import config
import domain
from tests.marts_helpers import (BANNER, DASHETA, SEAT, hair_row, load, one, person_id, query, registry_row,
                                 rows_as_dicts)

SNAP = date(2024, 6, 30)


# --- hair ------------------------------------------------------------------------------------------------

def cutoff(substance: str) -> float:
    return float(next(s["hair_cutoff_ng_mg"] for s in domain.substances() if s["code"] == substance))


@pytest.fixture
def hair(env, built):
    return built.into(env, _hair)


def _hair(folder):
    a, b, c = person_id(1), person_id(2), person_id(3)
    meth = cutoff("methamphetamine")
    load(folder, "hair", [
        hair_row("H1", date(2024, 2, 1), a, "driver", "methamphetamine", meth, "阴性"),          # at cut-off
        hair_row("H2", date(2024, 2, 2), b, "driver", "methamphetamine", round(meth - 0.001, 3), "阴性"),
        hair_row("H3", date(2024, 2, 3), c, "driver", "methamphetamine", "ND", "阴性"),
        hair_row("H3", date(2024, 2, 3), c, "driver", "etomidate", "1.5", "阳性"),               # no cut-off
        hair_row("H4", date(2024, 5, 3), c, "driver", "methamphetamine", "0.9", "阳性"),         # next quarter
    ])
    return a, b, c


def test_positive_at_or_above_the_cutoff_and_lab_disagreements(hair):
    row = one("select * from mart_hair_positivity where quarter = '2024Q1' and substance = 'methamphetamine'")
    # H1 exactly at the cut-off is positive (≥); H2 just below and H3 not detected are negative
    assert (row["tested"], row["positive"]) == (3, 1)
    assert row["positivity_rate"] == pytest.approx(100 / 3)
    # the lab called H1 negative: one disagreement with the cut-off rule
    assert (row["lab_positive"], row["lab_disagreements"]) == (0, 1)
    assert (row["township_code"], row["subject_group"]) == (SEAT, "driver")


def test_substance_without_cutoff_uses_the_labs_result(hair):
    row = one("select * from mart_hair_positivity where substance = 'etomidate'")
    assert (row["tested"], row["positive"], row["tested_without_cutoff"], row["lab_disagreements"]) == (1, 1, 1, 0)


def test_without_any_registry_outside_registry_is_unknown(hair):
    assert {r[0] for r in query("select positive_outside_registry from mart_hair_positivity")} == {None}
    assert query("select count(*) from mart_early_warnings where kind = 'hair_positive_outside_registry'") == [(0,)]


def test_positives_outside_the_registry_are_counted_and_warned(hair, tmp_path):
    a, b, c = hair
    # a (positive in Q1) is registered; c (positive in Q2) is not
    load(tmp_path / "reg", "registry", [registry_row(1, SNAP)])
    q1 = one("select * from mart_hair_positivity where quarter = '2024Q1' and substance = 'methamphetamine'")
    q2 = one("select * from mart_hair_positivity where quarter = '2024Q2' and substance = 'methamphetamine'")
    assert (q1["positive"], q1["positive_outside_registry"]) == (1, 0)
    assert (q2["positive"], q2["positive_outside_registry"]) == (1, 1)
    warnings = rows_as_dicts("select * from mart_early_warnings where kind = 'hair_positive_outside_registry'")
    # H4 (methamphetamine, c); c's etomidate positive has no cut-off and raises nothing on its own
    assert [(w["sample_id"], w["substance"], w["quarter"]) for w in warnings] == [("H4", "methamphetamine", "2024Q2")]
    assert "H4" in warnings[0]["evidence_en"] and "not in the drug-user registry" in warnings[0]["evidence_en"]
    assert "H4" in warnings[0]["evidence_zh"]


# --- registry --------------------------------------------------------------------------------------------

@pytest.fixture
def registry(env, built):
    built.into(env, _registry)


def _registry(folder):
    window = config.get("face_check_window_days")
    rows = [
        # community detox: reported, checked exactly `window` days before the snapshot (counts)
        registry_row(1, SNAP, status="community_detox", reported=True, worker="CW-1",
                     face_check=SNAP - timedelta(days=window), first_found=date(2024, 4, 1)),
        # community detox: not reported, checked one day too early (does not count), information not verified
        registry_row(2, SNAP, status="community_detox", reported=False, worker="CW-1",
                     face_check=SNAP - timedelta(days=window + 1), info_verified=False, first_found=date(2024, 2, 1)),
        registry_row(3, SNAP, status="community_rehab", reported=True, worker="CW-2", male=False),
        registry_row(4, SNAP, status="compulsory", face_check=None),
        registry_row(5, SNAP, status="detained", face_check=None),
        registry_row(6, SNAP, status="out_of_control", face_check=None, risk="high"),
        # a 16-year-old student
        registry_row(7, SNAP, status="other", birth=date(2008, 1, 1), student=True, first_found=date(2023, 3, 1)),
        registry_row(8, SNAP, status="abstinent_3y", first_found=date(2010, 1, 1)),
        registry_row(9, SNAP, status="abstinent_3y", first_found=date(2011, 1, 1)),
        registry_row(10, SNAP, status="deceased", first_found=date(2012, 1, 1)),
        registry_row(11, SNAP, status="emigrated", first_found=date(2012, 1, 1)),
        registry_row(12, SNAP, status="community_detox", township=DASHETA, worker="CW-1", reported=True),
    ]
    load(folder, "registry", rows)


def township(code: str) -> dict:
    return one("select * from mart_registry_township where snapshot_date = ? and township_code = ?", [SNAP, code])


def test_existing_users_and_statuses(registry):
    seat = township(SEAT)
    # registered 11; existing = 11 − 2 abstinent − 1 deceased − 1 emigrated = 7
    assert (seat["registered"], seat["existing_users"], seat["abstinent_3y"]) == (11, 7, 2)
    assert (seat["out_of_control"], seat["compulsory"], seat["detained"]) == (1, 1, 1)
    # at large = existing − compulsory − detained = 5 (the out-of-control person is at large)
    assert seat["at_large"] == 5


def test_face_check_window_is_inclusive_and_rates(registry):
    seat = township(SEAT)
    # at large: detox 1 (checked day −90: counts), detox 2 (−91: no), rehab 3 (−10), out of control 6 (never),
    # other 7 (−10) → 3 of 5
    assert (seat["face_checked"], seat["face_check_rate"]) == (3, pytest.approx(60.0))
    # information verified: all but person 2 among the 5 at large
    assert seat["info_verified_rate"] == pytest.approx(80.0)


def test_community_execution_and_staff_ratio(registry):
    seat = township(SEAT)
    # ordered 3 (detox 1, 2; rehab 3), reported 2
    assert (seat["community_ordered"], seat["community_reported"]) == (3, 2)
    assert seat["community_execution_rate"] == pytest.approx(200 / 3)
    assert seat["detox_execution_rate"] == pytest.approx(50.0)
    # workers CW-1 and CW-2; 3 community users → 1.5 on the old (community) base; the default base is the
    # existing users (plan §四(四)3: 辖区登记在册吸毒人员), and the banner still counts 2 distinct workers
    assert (seat["case_workers"], seat["users_per_case_worker_community"]) == (2, pytest.approx(1.5))
    assert seat["users_per_case_worker"] == pytest.approx(seat["existing_users"] / 2)
    assert seat["users_per_case_worker_existing"] == seat["users_per_case_worker"]
    banner = township(BANNER)
    assert (banner["case_workers"], banner["users_per_case_worker_community"]) == (2, pytest.approx(2.0))
    assert banner["users_per_case_worker"] == pytest.approx(banner["existing_users"] / 2)


def test_newly_found_sex_age_students_and_minors(registry):
    seat = township(SEAT)
    assert (seat["newly_found_quarter"], seat["newly_found_year"]) == (1, 2)   # 2024-04-01; and 2024-02-01
    assert (seat["male"], seat["female"]) == (6, 1)
    assert (seat["students"], seat["minors"], seat["age_under_18"]) == (1, 1, 1)
    assert seat["risk_high"] == 1


def test_banner_row_sums_the_townships_and_every_township_is_listed(registry):
    rows = rows_as_dicts("select * from mart_registry_township where snapshot_date = ?", [SNAP])
    codes = {r["township_code"] for r in rows}
    assert codes == {t["code"] for t in domain.townships()} | {BANNER}
    towns = [r for r in rows if r["township_code"] != BANNER]
    banner = next(r for r in rows if r["township_code"] == BANNER)
    for col in ("registered", "existing_users", "at_large", "face_checked", "community_ordered"):
        assert banner[col] == sum(r[col] for r in towns), col
    assert township(DASHETA)["existing_users"] == 1
    assert township("150823201")["existing_users"] == 0      # nobody there, still listed
