"""The shared story of the demo county: its years, townships and people, and the calibration every
source draws on (domain.md §2–§5), with the small helpers for dates, random draws, identity numbers and
names that more than one source uses."""
from __future__ import annotations

import random
from datetime import date, timedelta
from functools import cache
from typing import Iterable, Sequence

import numpy as np

import domain
from domain.identity import CHECK_CHARS, check_char


# =============================================================================================
# Calibration. Sources: domain.md §4 (registry, cases: national reports 2019–2023, Inner Mongolia
# 2022, Bayannur seizures 2014–2022), domain.md §3 (Chinese wastewater loads; northern cities sit
# low), domain.md §2 (hair cut-offs, read from domain/substances.csv), domain.md §5 (indicators).
# =============================================================================================
YEARS = (2021, 2022, 2023, 2024, 2025)
START = date(2020, 12, 31)              # the registry is simulated forward from this day
END = date(2025, 6, 30)                 # nothing is dated later than this: 2025 is a year in progress

# --- registry (domain.md §4) ---------------------------------------------------------------
EXISTING_AT_START = (205, 225)          # 0.6–0.8 ‰ of 257,826 residents → 170–260 existing users
ABSTINENT_PER_EXISTING = (3.3, 3.7)     # abstinent-3-years stock ≈ 3–4.5 × existing
DECEASED_PER_EXISTING = 0.12            # dead persons stay in the register with status deceased
EMIGRATED_AT_START = 2
EXISTING_TARGET = 215                   # relapses lean towards this, keeping every snapshot in 170–260
RELAPSE_STEERING = 2.0
NEW_USERS_SHARE = (0.065, 0.095)        # newly found a year ≈ 6–10 % of existing
SEAT_CODE = "150823100"                 # 乌拉山镇: a third to half of the users live in the seat
SEAT_SHARE = 0.42
MALE_SHARE = 0.84                       # about 84 % male
STEERING = 5.0                          # new users' shares lean against drift of the existing users'
EXISTING_AGES = ((18, 25, 0.10), (25, 35, 0.30), (35, 45, 0.30), (45, 55, 0.20), (55, 66, 0.10))
ABSTINENT_AGES = ((25, 35, 0.12), (35, 45, 0.30), (45, 55, 0.33), (55, 71, 0.25))
NEW_USER_AGES = ((18, 25, 0.22), (25, 35, 0.35), (35, 45, 0.26), (45, 60, 0.17))
START_STATUS_MIX = {"community_detox": 0.30, "community_rehab": 0.15, "compulsory": 0.17,
                    "detained": 0.02, "other": 0.36}
NEW_USER_MIX = {"community_detox": 0.45, "compulsory": 0.30, "detained": 0.10, "other": 0.15}
RELAPSE_MIX = {"compulsory": 0.45, "community_detox": 0.35, "detained": 0.10, "other": 0.10}
RETURN_MIX = {"compulsory": 0.7, "community_detox": 0.3}       # out-of-control person found again
RELAPSE_PER_QUARTER = 0.10             # existing users at large found using again
ABSTINENT_RELAPSE_PER_QUARTER = 0.004
DEATH_PER_QUARTER = {"existing": 0.003, "abstinent_3y": 0.0015}
EMIGRATION_PER_QUARTER = 0.0002
COMPULSORY_YEARS = (1, 2, 2, 2, 3)      # compulsory isolation 2 years, 1–3 (禁毒法 §47)
MEASURE_YEARS = 3                       # community detox / rehab last 3 years (§33, §48)
EXECUTION = {"community_detox": (0.76, 0.015), "community_rehab": (0.86, 0.01)}  # per order: 2021 share, +/year;
#   those who never report are the first to slip out of control, so snapshots show ≈ 83 % and 89 %
EMPLOYMENT_SUPPORT_SHARE = 0.35
WORKER_LOAD_MAX = 24                    # a worker takes up to 24 cases (plan target 1:20, so some fail)
OUT_OF_CONTROL_COUNTS = (0, 1, 2, 3)    # per snapshot, weights below; 0 in the first snapshot
OUT_OF_CONTROL_WEIGHTS = (4, 3, 2, 1)
FACE_CHECK_RECENT = 0.93                # share of users at large seen within 90 days
INFO_VERIFIED = 0.95
HIGH_RISK = {"out_of_control": 1.0, "compulsory": 0.5, "detained": 0.6, "community_detox": 0.25,
             "community_rehab": 0.15, "other": 0.2, "abstinent_3y": 0.02}
LOW_RISK = {"out_of_control": 0.0, "compulsory": 0.1, "detained": 0.1, "community_detox": 0.25,
            "community_rehab": 0.35, "other": 0.35, "abstinent_3y": 0.85}
DRUG_MIX_YOUNG = {"methamphetamine": 0.70, "ketamine": 0.14, "heroin": 0.08, "cnb": 0.05, "mdma": 0.03}
DRUG_MIX_OLD = {"heroin": 0.45, "methamphetamine": 0.42, "cnb": 0.06, "morphine": 0.04, "ketamine": 0.03}
LOCAL_LEGACY_ID = 0.75                  # locals born before 1985 hold IDs issued under 152823
LEGACY_HOUSEHOLD = 0.5                  # ... and half of their records still say 152823
OTHER_REGIONS = {"150802": "152801", "150821": "152821", "150822": "152822", "150824": "152824",
                 "150202": None, "150102": None}   # current code → pre-2003 code of the same place
OTHER_REGION_SHARE = 0.12

# --- hair (contract.md §2.2; cut-offs from substances.csv) ------------------------------------
HAIR_SAMPLES_PER_QUARTER = (80, 120)
HAIR_GROUP_WEIGHTS = {"registered_user": 0.28, "community": 0.22, "key_person": 0.15,
                      "venue_staff": 0.10, "driver": 0.12, "student": 0.08, "other": 0.05}
HAIR_POSITIVITY = {"registered_user": 0.30, "community": 0.10, "key_person": 0.05,
                   "venue_staff": 0.005, "driver": 0.005, "student": 0.0, "other": 0.005}
HAIR_PANEL = ("methamphetamine", "ketamine", "morphine")
HAIR_OPTIONAL = "mdma"                  # added to half of the panels
HAIR_POSITIVE_MEDIAN_NG_MG = {"methamphetamine": 1.5, "ketamine": 0.8, "morphine": 0.6, "mdma": 0.5}
HAIR_ND_SHARE = 0.7                     # negatives written ND/未检出; the rest small values < cut-off
STUDENT_POSITIVE_YEAR = 2022            # the one positive student (and student newly found)
FORCED_DRIVER_POSITIVE = date(2023, 9, 30)
SUBJECT_AGES = {"key_person": (20, 50), "venue_staff": (18, 40), "driver": (22, 60),
                "student": (16, 18), "other": (18, 60)}

# --- wastewater (domain.md §3: mg/day/1000; north China sits low; no Inner Mongolia data) -----
WW_SITES = (  # site_id, name, township, population served, mean flow m³/d, load level vs WWTP-01
    ("WWTP-01", "乌拉山镇污水处理厂", "150823100", 90_000, 22_000.0, 1.0),
    ("WWTP-02", "大佘太镇污水处理厂", "150823105", 12_000, 2_800.0, 0.65),
    ("WWTP-03", "先锋镇污水处理厂", "150823102", 8_000, 1_900.0, 0.55),
)
WW_LAB = "巴彦淖尔市毒品检测实验室"
WW_BASE_LOAD = {  # normalised residue load at WWTP-01 in early 2021, mg/day/1000 inhabitants
    "methamphetamine": 24.0, "amphetamine": 2.6, "mdma": 0.15, "ketamine": 0.9, "heroin": 0.2,
    "morphine": 4.0, "codeine": 9.0, "cocaine": 0.1, "methcathinone": 0.15,
    "caffeine": 26_000.0, "cotinine": 1_500.0,
}
WW_LOQ_NG_L = {"methamphetamine": 1.0, "amphetamine": 1.0, "mdma": 2.0, "ketamine": 0.5,
               "heroin": 1.0, "morphine": 2.0, "codeine": 2.0, "cocaine": 1.0,
               "methcathinone": 2.0, "caffeine": 50.0, "cotinine": 10.0}
WW_NOISE_SD = {"mdma": 0.5, "cocaine": 0.5, "methcathinone": 0.5, "heroin": 0.4}  # log sd; else 0.15
WW_WEEKEND = {"mdma": 1.3, "ketamine": 1.25, "cocaine": 1.3, "caffeine": 0.9}     # Sat–Mon samples
WW_TREND_PER_YEAR = {"methamphetamine": -0.13}        # gently falling (log-linear slope a year)
KETAMINE_RISE_FROM = date(2023, 7, 1)                 # ketamine at WWTP-01 rises from here ...
KETAMINE_RISE_PER_YEAR = 1.0                          # ... by e^1.0 a year (0.9 → ~3.5 by 2024Q4) ...
KETAMINE_RISE_UNTIL = date(2024, 12, 31)              # ... and holds there through 2025
WW_FLOW_SD = 0.06
WW_POPULATION_GROWTH = 0.004
WW_BELOW_LOQ_SPELLINGS = ("<LOQ", "ND", "未检出", "")

# --- cases (domain.md §4: 3–8 criminal cases a year, 1.4–1.6 suspects; grams of heroin and
#     methamphetamine, kilograms of caffeine and 安钠咖) -------------------------------------------
CRIMINAL_CASES = (5, 8)
SUSPECTS_PER_CASE = (1.4, 1.6)
DRUG_USE_CASES = (30, 60)
USER_INCIDENTS = (0, 2)
OUTFLOW_CASES = {2021: (2, 2), 2022: (2, 1), 2023: (2,), 2024: (1,), 2025: (1,)}  # suspects per 外地 case
TARGET_CASES = {2021: ("region",), 2022: ("region",), 2023: ("ministry", "region"),
                2024: ("region", "region"), 2025: ("region",)}
BULK_DRUG = {2021: "caffeine", 2022: "cnb", 2023: "caffeine", 2024: "cnb", 2025: "caffeine"}  # one kg seizure
BULK_SEIZED_G = (5_000, 60_000)
RETAIL_SEIZED_G = (0.1, 50.0)
MINOR_SUSPECT = {2021: "possession", 2022: "drug_use"}
MAJOR_INCIDENT_YEAR = 2022
OUT_OF_CONTROL_CASE_YEAR = 2023
PRECURSOR_YEAR = 2021                   # trading precursors (非法买卖制毒物品): not a five-never event
PRECURSOR_PRODUCTION_YEAR = 2022        # producing them (非法生产制毒物品): a five-never event
CULTIVATION = (2023, 36)                # one small poppy patch (plants), far below 500

# --- indicators (domain.md §5; 257,826 residents, volunteers ≥ 0.2 % = 516) --------------------
INDICATOR_YEARS = (2022, 2023, 2024)     # whole years; END's year gets a half-year file (2025H1)
OLD_BRIEFING_CODE_YEAR = 2022            # that year's file still says committee_briefings (counts for neither)
INDICATOR_SOURCES = {
    "awareness_rate": "问卷调查", "satisfaction_rate": "问卷调查", "committee_briefings": "旗委办",
    "standing_committee_briefings": "旗委办", "government_briefings": "政府办", "education_bases": "教育局",
    "intelligence_case_share": "公安局",
    "drug_office_staff": "旗禁毒办", "drug_police": "公安局", "budget_wan_yuan": "财政局",
    "school_class_hours": "教育局", "platform_registration_rate": "教育局", "volunteers": "团旗委",
    "precursor_registration_rate": "公安局", "social_worker_registration_rate": "民政局",
    "employment_support_rate": "人社局",
}

# --- national scale (benchmarks) ------------------------------------------------------------
NATIONAL_REGISTRY_ROWS = 1_200_000
NATIONAL_SITES = 300
NATIONAL_YEAR = 2024
NATIONAL_STATUS_MIX = {"abstinent_3y": 0.70, "community_detox": 0.07, "community_rehab": 0.04,
                       "compulsory": 0.04, "detained": 0.005, "other": 0.085,
                       "out_of_control": 0.002, "deceased": 0.045, "emigrated": 0.003}
NATIONAL_AGES = ((16, 18, 0.003), (18, 25, 0.06), (25, 35, 0.2), (35, 45, 0.3),
                 (45, 55, 0.267), (55, 75, 0.17))
NATIONAL_REGIONS = ("150823", "152823", "150802", "110105", "310115", "440305", "510107",
                    "530102", "420106", "450103", "610113", "620102")
NATIONAL_USERS_PER_WORKER = 18
NATIONAL_WW_MEDIAN_FACTOR = {"methamphetamine": 2.5, "ketamine": 2.0}   # vs WW_BASE_LOAD
CSV_CHUNK_ROWS = 200_000

# --- fictitious names (surname + 1–2 given characters) --------------------------------------
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石贾夏付方白邹孟熊秦尹薛闫段雷侯史郝武乔康"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国文辉力鹏飞宇浩俊峰亮斌红梅玉兰凤琴海波宁晓东志永春林云龙庆宝成德福荣贵生利新"

# --- the five sources and the status groups every source agrees on -------------------------
SOURCES = ("wastewater", "hair", "registry", "cases", "indicators")
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
