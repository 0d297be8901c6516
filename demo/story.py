"""The shared story of the demo county: its years, townships and people, and the calibration every
source draws on (domain.md §2–§5), with the small helpers for dates, random draws, identity numbers and
names that more than one source uses."""
from __future__ import annotations

import random
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

import config
import domain
from domain.identity import CHECK_CHARS, check_char


# =============================================================================================
# The story and its calibration: story.yaml (the sources of every figure are noted there)
# =============================================================================================
def _frozen(value: object) -> object:
    """YAML lists → tuples, recursively, so the story reads as the constants it replaces."""
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, dict):
        return {k: _frozen(v) for k, v in value.items()}
    return value


STORY: dict = _frozen(config.read_yaml(Path(__file__).with_name("story.yaml")))

YEARS = STORY["years"]
START = STORY["start"]
END = STORY["end"]
# registry
EXISTING_AT_START = STORY["existing_at_start"]
ABSTINENT_PER_EXISTING = STORY["abstinent_per_existing"]
DECEASED_PER_EXISTING = STORY["deceased_per_existing"]
EMIGRATED_AT_START = STORY["emigrated_at_start"]
EXISTING_TARGET = STORY["existing_target"]
RELAPSE_STEERING = STORY["relapse_steering"]
NEW_USERS_SHARE = STORY["new_users_share"]
SEAT_CODE = STORY["seat_code"]
SEAT_SHARE = STORY["seat_share"]
MALE_SHARE = STORY["male_share"]
STEERING = STORY["steering"]
EXISTING_AGES = STORY["existing_ages"]
ABSTINENT_AGES = STORY["abstinent_ages"]
NEW_USER_AGES = STORY["new_user_ages"]
START_STATUS_MIX = STORY["start_status_mix"]
NEW_USER_MIX = STORY["new_user_mix"]
RELAPSE_MIX = STORY["relapse_mix"]
RETURN_MIX = STORY["return_mix"]
RELAPSE_PER_QUARTER = STORY["relapse_per_quarter"]
ABSTINENT_RELAPSE_PER_QUARTER = STORY["abstinent_relapse_per_quarter"]
DEATH_PER_QUARTER = STORY["death_per_quarter"]
EMIGRATION_PER_QUARTER = STORY["emigration_per_quarter"]
COMPULSORY_YEARS = STORY["compulsory_years"]
MEASURE_YEARS = STORY["measure_years"]
EXECUTION = STORY["execution"]
EMPLOYMENT_SUPPORT_SHARE = STORY["employment_support_share"]
WORKER_LOAD_MAX = STORY["worker_load_max"]
OUT_OF_CONTROL_COUNTS = STORY["out_of_control_counts"]
OUT_OF_CONTROL_WEIGHTS = STORY["out_of_control_weights"]
FACE_CHECK_RECENT = STORY["face_check_recent"]
INFO_VERIFIED = STORY["info_verified"]
HIGH_RISK = STORY["high_risk"]
LOW_RISK = STORY["low_risk"]
DRUG_MIX_YOUNG = STORY["drug_mix_young"]
DRUG_MIX_OLD = STORY["drug_mix_old"]
LOCAL_LEGACY_ID = STORY["local_legacy_id"]
LEGACY_HOUSEHOLD = STORY["legacy_household"]
OTHER_REGIONS = STORY["other_regions"]
OTHER_REGION_SHARE = STORY["other_region_share"]
# hair
HAIR_SAMPLES_PER_QUARTER = STORY["hair_samples_per_quarter"]
HAIR_GROUP_WEIGHTS = STORY["hair_group_weights"]
HAIR_POSITIVITY = STORY["hair_positivity"]
HAIR_PANEL = STORY["hair_panel"]
HAIR_OPTIONAL = STORY["hair_optional"]
HAIR_POSITIVE_MEDIAN_NG_MG = STORY["hair_positive_median_ng_mg"]
HAIR_ND_SHARE = STORY["hair_nd_share"]
STUDENT_POSITIVE_YEAR = STORY["student_positive_year"]
FORCED_DRIVER_POSITIVE = STORY["forced_driver_positive"]
SUBJECT_AGES = STORY["subject_ages"]
# wastewater
WW_SITES = STORY["ww_sites"]
WW_LAB = STORY["ww_lab"]
WW_BASE_LOAD = STORY["ww_base_load"]
WW_LOQ_NG_L = STORY["ww_loq_ng_l"]
WW_NOISE_SD = STORY["ww_noise_sd"]
WW_WEEKEND = STORY["ww_weekend"]
WW_TREND_PER_YEAR = STORY["ww_trend_per_year"]
KETAMINE_RISE_FROM = STORY["ketamine_rise_from"]
KETAMINE_RISE_PER_YEAR = STORY["ketamine_rise_per_year"]
KETAMINE_RISE_UNTIL = STORY["ketamine_rise_until"]
WW_FLOW_SD = STORY["ww_flow_sd"]
WW_POPULATION_GROWTH = STORY["ww_population_growth"]
WW_BELOW_LOQ_SPELLINGS = STORY["ww_below_loq_spellings"]
# cases
CRIMINAL_CASES = STORY["criminal_cases"]
SUSPECTS_PER_CASE = STORY["suspects_per_case"]
DRUG_USE_CASES = STORY["drug_use_cases"]
USER_INCIDENTS = STORY["user_incidents"]
OUTFLOW_CASES = STORY["outflow_cases"]
TARGET_CASES = STORY["target_cases"]
BULK_DRUG = STORY["bulk_drug"]
BULK_SEIZED_G = STORY["bulk_seized_g"]
RETAIL_SEIZED_G = STORY["retail_seized_g"]
MINOR_SUSPECT = STORY["minor_suspect"]
MAJOR_INCIDENT_YEAR = STORY["major_incident_year"]
OUT_OF_CONTROL_CASE_YEAR = STORY["out_of_control_case_year"]
PRECURSOR_YEAR = STORY["precursor_year"]
PRECURSOR_PRODUCTION_YEAR = STORY["precursor_production_year"]
CULTIVATION = STORY["cultivation"]
# indicators
INDICATOR_YEARS = STORY["indicator_years"]
OLD_BRIEFING_CODE_YEAR = STORY["old_briefing_code_year"]
INDICATOR_SOURCES = STORY["indicator_sources"]
# national scale
NATIONAL_REGISTRY_ROWS = STORY["national_registry_rows"]
NATIONAL_SITES = STORY["national_sites"]
NATIONAL_YEAR = STORY["national_year"]
NATIONAL_STATUS_MIX = STORY["national_status_mix"]
NATIONAL_AGES = STORY["national_ages"]
NATIONAL_REGIONS = STORY["national_regions"]
NATIONAL_USERS_PER_WORKER = STORY["national_users_per_worker"]
NATIONAL_WW_MEDIAN_FACTOR = STORY["national_ww_median_factor"]
CSV_CHUNK_ROWS = STORY["csv_chunk_rows"]
# task reports (督导台账)
TASK_REPORTS = STORY["task_reports"]
# fictitious names
SURNAMES = STORY["surnames"]
GIVEN = STORY["given"]

# --- the six sources and the status groups every source agrees on --------------------------
SOURCES = ("wastewater", "hair", "registry", "cases", "indicators", "task_reports")
OUTFLOW_TOWNSHIP = "外地"
EXISTING_OUT = ("abstinent_3y", "deceased", "emigrated")   # registered − these = existing users
COMMUNITY = ("community_detox", "community_rehab")
AT_LARGE = ("community_detox", "community_rehab", "other")
GONE = ("deceased", "emigrated")


# =============================================================================================
# Small helpers: dates, random draws, identity numbers, names
# =============================================================================================
def source_rng(seed: int, source: str) -> random.Random:
    """An independent stream per source (string seeds hash with SHA-512: stable across runs)."""
    return random.Random(f"{seed}:{source}")


def source_np_rng(seed: int, source: str) -> np.random.Generator:
    return np.random.default_rng([seed, SOURCES.index(source)])


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def rand_date(rng: random.Random, lo: date, hi: date) -> date:
    return lo + timedelta(days=rng.randint(0, max(0, (hi - lo).days)))


def quarter_ends(years: Sequence[int]) -> list[date]:
    """Quarter ends of `years` up to END (the year in progress stops there)."""
    ends = [date(y, m, d) for y in years for m, d in ((3, 31), (6, 30), (9, 30), (12, 31))]
    return [e for e in ends if e <= END]


def year_share(year: int) -> float:
    """The part of `year` the demo covers: 1 for a whole year, 0.5 for the year in progress."""
    last = min(END, date(year, 12, 31))
    return ((last - date(year, 1, 1)).days + 1) / ((date(year, 12, 31) - date(year, 1, 1)).days + 1)


def quarter_start(end: date) -> date:
    return date(end.year, end.month - 2, 1)


def quarter_label(day: date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def fmt_date(day: date, style: str) -> str:
    if style == "slash":
        return f"{day.year}/{day.month}/{day.day}"
    if style == "dot":
        return f"{day.year}.{day.month}.{day.day}"
    if style == "zh":
        return f"{day.year}年{day.month}月{day.day}日"
    return day.isoformat()


def fmt_number(value: float) -> str:
    """Concentrations and seizures: fewer decimals for bigger numbers."""
    if value >= 1000:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    if value >= 0.1:
        return f"{value:.2f}"
    return f"{value:.3f}"


def weighted(rng: random.Random, mix: dict[str, float]) -> str:
    return rng.choices(list(mix), weights=list(mix.values()))[0]


def age_from(rng: random.Random, bands: Sequence[tuple[int, int, float]]) -> float:
    lo, hi, _ = rng.choices(bands, weights=[b[2] for b in bands])[0]
    return rng.uniform(lo, hi)


def birth_for_age(rng: random.Random, age: float, on: date) -> date:
    return on - timedelta(days=int(age * 365.25) + rng.randint(0, 5))


def make_id(region: str, birth: date, male: bool, seq: int) -> str:
    """A GB 11643 number: region, birth date, sequence (odd = male), check character."""
    first17 = f"{region}{birth:%Y%m%d}{seq - seq % 2 + (1 if male else 0):03d}"
    return first17 + check_char(first17)


def corrupt_id(number: str) -> str:
    """The same number with a wrong check character (a typical transcription error)."""
    return number[:17] + CHECK_CHARS[(CHECK_CHARS.index(number[17]) + 3) % 11]


class IdFactory:
    """Fictitious, unique identity numbers."""

    def __init__(self, rng: random.Random, taken: set[str] | None = None) -> None:
        self.rng = rng
        self.taken = taken if taken is not None else set()

    def new(self, region: str, birth: date, male: bool) -> str:
        while True:
            number = make_id(region, birth, male, self.rng.randrange(1000))
            if number not in self.taken:
                self.taken.add(number)
                return number


def fake_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def origin(rng: random.Random, birth: date) -> tuple[str, str]:
    """(identity-number region, household_region): mostly local, older locals under 152823."""
    old = birth.year < 1985
    if rng.random() < OTHER_REGION_SHARE:
        current = rng.choice(sorted(OTHER_REGIONS))
        legacy = OTHER_REGIONS[current]
        if old and legacy and rng.random() < LOCAL_LEGACY_ID:
            return legacy, legacy if rng.random() < LEGACY_HOUSEHOLD else current
        return current, current
    if old and rng.random() < LOCAL_LEGACY_ID:
        return domain.LEGACY_BANNER_CODE, (domain.LEGACY_BANNER_CODE if rng.random() < LEGACY_HOUSEHOLD
                                           else domain.BANNER_CODE)
    return domain.BANNER_CODE, domain.BANNER_CODE


def township_weights() -> tuple[list[str], list[float]]:
    rows = domain.townships()
    return [t["code"] for t in rows], [float(t["population_est"]) for t in rows]


def resident_township(rng: random.Random, seat_share: float = SEAT_SHARE) -> str:
    """A township of residence: the seat with `seat_share`, else by population."""
    if rng.random() < seat_share:
        return SEAT_CODE
    codes, weights = township_weights()
    others = [(c, w) for c, w in zip(codes, weights) if c != SEAT_CODE]
    return rng.choices([c for c, _ in others], weights=[w for _, w in others])[0]


@cache
def hair_cutoffs() -> dict[str, float]:
    return {s["code"]: float(s["hair_cutoff_ng_mg"]) for s in domain.substances() if s["hair_cutoff_ng_mg"]}


def shares(weights: Iterable[float]) -> np.ndarray:
    """Weights → probabilities summing to exactly 1 (numpy insists)."""
    p = np.asarray(list(weights), dtype=float)
    return p / p.sum()
