"""Synthetic, seeded extracts of all five sources: `python -m pipelines demo` (or `python -m demo`).

`generate(out, scale, seed)` writes `out/<source>/<files>` in the landing layout (contract.md §2) and
`out/manifest.json`, which lists every file with its encoding, header language, row count and the rows
that were deliberately planted as bad (and hair rows whose 检测结果 disagrees with the cut-off, as
warnings). The same seed gives byte-identical files.

Everything here is fictitious: names are drawn from fixed lists of characters and identity numbers are
random numbers that merely carry a valid GB 11643 checksum. The county data is calibrated on the figures of
domain.md §3–§4 so that the marts and the plan's targets show a plausible mix of met and failed checks;
the national scale only has to be big (benchmarks).

County scale (2021-01-01 .. 2025-06-30: 2025 is a year in progress, two quarters in)
    wastewater/wastewater_<year>.csv      3 plants, 7 consecutive days a quarter; 2022 in Chinese headers
    hair/hair_<year>.csv|xlsx             Chinese headers; 2023 is XLSX, 2024 is GB18030
    registry/registry_<quarter end>.csv   18 snapshots; 2024 in Chinese headers, 2022-12-31 UTF-8 with
                                          BOM, 2023-12-31 GBK; 2025-06-30 leaves the optional columns
                                          (face check, info verified, case worker) blank
    cases/cases_2021_2025.csv             GBK, Chinese headers, CRLF, mixed spellings and date formats
    indicators/indicators_<year>.xlsx     2022–2024 (2021 has none; 2022 still uses the old code
                                          committee_briefings); indicators_2025H1.xlsx the half year
The rules of domain.md §5 each meet the data somewhere: outflow (外地) records every year, a precursor
trading case (2021) and a precursor production case (2022), a 36-plant cultivation case (2023), both
committee bodies' briefings (2023 on), a half-year indicator file and a year in progress.
National scale: registry/registry_national_2024-12-31.csv (~1.2 M rows) and
    wastewater/wastewater_national_2024.csv (~300 plants), plus the county hair, cases and indicators.
"""
from __future__ import annotations

import io
import json
import math
import random
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from openpyxl import Workbook
from tqdm import tqdm

import domain
from domain.identity import CHECK_CHARS, WEIGHTS, check_char

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

# =============================================================================================
# Extract layout (contract.md §2)
# =============================================================================================
SOURCES = ("wastewater", "hair", "registry", "cases", "indicators")
HEADERS_ZH: dict[str, dict[str, str]] = {
    "wastewater": {
        "sample_id": "样本编号", "site_id": "采样点编号", "site_name": "采样点名称", "township": "苏木镇",
        "sample_date": "采样日期", "flow_m3_d": "日流量(立方米)", "population_served": "服务人口",
        "substance": "目标物", "concentration_ng_l": "浓度(ng/L)", "loq_ng_l": "定量限(ng/L)",
        "lab": "检测机构"},
    "hair": {
        "sample_id": "样本编号", "collection_date": "采样日期", "township": "苏木镇", "id_number": "身份证号",
        "subject_group": "检测对象类别", "segment_cm": "检测段(cm)", "substance": "检测物质",
        "concentration_ng_mg": "浓度(ng/mg)", "result": "检测结果"},
    "registry": {
        "snapshot_date": "数据日期", "id_number": "身份证号", "name": "姓名", "sex": "性别",
        "birth_date": "出生日期", "township": "现居住地苏木镇", "household_region": "户籍地区划",
        "first_found_date": "初次发现日期", "last_found_date": "最近查获日期", "primary_drug": "主要滥用毒品",
        "control_status": "管控状态", "order_date": "责令/决定日期", "reported": "是否报到执行",
        "risk_level": "风险等级", "last_face_check_date": "最近见面核查日期", "info_verified": "信息是否核准",
        "is_student": "是否在校学生", "employment_support": "是否就业帮扶", "case_worker_id": "专职人员编号"},
    "cases": {
        "case_id": "案件编号", "filed_date": "立案日期", "solved_date": "破案日期", "township": "发案地苏木镇",
        "category": "类别", "case_type": "案由", "drug": "毒品种类", "seized_g": "缴获数量(克)",
        "plants": "毒品原植物(株)", "suspects": "抓获人数", "minor_suspects": "其中未成年人",
        "outflow_suspects": "外地抓获本地籍人数", "involves_out_of_control_user": "是否涉脱管失控吸毒人员",
        "severity": "影响程度", "target_level": "目标案件级别"},
    "indicators": {"period": "期间", "unit": "单位", "indicator": "指标", "value": "数值", "source": "来源"},
}
COLUMNS: dict[str, list[str]] = {source: list(names) for source, names in HEADERS_ZH.items()}
LABELLED = {  # column → vocabulary whose codes it holds (rendered as code, Chinese label or mixed)
    "township": "township", "substance": "substance", "primary_drug": "substance", "drug": "substance",
    "subject_group": "subject_group", "control_status": "control_status", "risk_level": "risk_level",
    "category": "category", "case_type": "case_type", "severity": "severity",
    "target_level": "target_level",
}
DATE_STYLES = ("iso", "slash", "dot", "zh")
OUTFLOW_TOWNSHIP = "外地"
EXISTING_OUT = ("abstinent_3y", "deceased", "emigrated")   # registered − these = existing users
COMMUNITY = ("community_detox", "community_rehab")
AT_LARGE = ("community_detox", "community_rehab", "other")
GONE = ("deceased", "emigrated")
FIXED_ZIP_TIME = (2025, 1, 1, 0, 0, 0)
FIXED_CORE_TIME = "2025-01-01T00:00:00Z"


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


# =============================================================================================
# Tables, rendering and the one writer
# =============================================================================================
@dataclass(frozen=True)
class Style:
    """How a file spells things: header language, enumerations ('code', 'zh', 'mixed'), dates."""
    headers: str = "en"
    labels: str = "code"
    dates: str = "iso"


@dataclass
class Table:
    """One extract file: its text cells under English column names, and how to write it."""
    source: str
    path: str
    frame: pd.DataFrame
    headers: str = "en"
    fmt: str = "csv"
    encoding: str | None = "utf-8"
    newline: str = "\n"
    numeric: tuple[str, ...] = ()          # XLSX: columns written as number cells
    bad_rows: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)

    def plant(self, row: int, column: str, value: str, reason: str, warning: bool = False) -> None:
        """Overwrite one cell (0-based row) and record it, 1-based, as a bad row or a warning."""
        self.frame.iat[row, self.frame.columns.get_loc(column)] = value
        (self.warnings if warning else self.bad_rows).append(
            {"row": row + 1, "column": column, "reason": reason})

    def manifest_entry(self) -> dict:
        return {"source": self.source, "path": self.path, "rows": len(self.frame),
                "encoding": self.encoding, "headers": self.headers, "format": self.fmt,
                "bad_rows": sorted(self.bad_rows, key=lambda b: b["row"]),
                "warnings": sorted(self.warnings, key=lambda b: b["row"])}


@cache
def spellings(kind: str, code: str) -> tuple[str, ...]:
    """Every way an extract may write `code`: the code, its Chinese labels, street names."""
    if kind == "substance":
        row = next(s for s in domain.substances() if s["code"] == code)
        return (code, row["name_zh"], *filter(None, row["aliases"].split("|")))
    if kind == "township":
        row = next(t for t in domain.townships() if t["code"] == code)
        return (code, row["name_zh"], *filter(None, row["aliases"].split("|")))
    return (code, *domain.enums()[kind][code]["labels"])


def spell(kind: str, code: str, mode: str, rng: random.Random) -> str:
    if mode == "code" or code not in domain.labels(kind):
        return code
    if mode == "zh":
        return domain.labels(kind)[code].zh
    return rng.choice(spellings(kind, code))


def render_cell(column: str, value: object, style: Style, rng: random.Random) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, date):
        return fmt_date(value, rng.choice(DATE_STYLES) if style.dates == "mixed" else style.dates)
    if column in LABELLED:
        return spell(LABELLED[column], str(value), style.labels, rng)
    return str(value)


def render(source: str, rows: list[dict], style: Style, rng: random.Random) -> pd.DataFrame:
    """Rows of Python values (dates, bools, codes, preformatted numbers) → a frame of text cells."""
    columns = COLUMNS[source]
    cells = [[render_cell(c, row.get(c), style, rng) for c in columns] for row in rows]
    return pd.DataFrame(cells, columns=columns, dtype=object)


def table(source: str, path: str, rows: list[dict], style: Style, rng: random.Random, **kw) -> Table:
    return Table(source, path, render(source, rows, style, rng), headers=style.headers, **kw)


def _xlsx_cell(value: object, numeric: bool) -> object:
    if numeric and isinstance(value, str) and re.fullmatch(r"-?\d+(\.\d+)?", value):
        return float(value) if "." in value else int(value)
    return value


def _normalised_zip(data: bytes) -> bytes:
    """Rewrite an XLSX with fixed timestamps so the same content gives the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*", rb"\g<1>"
                              + FIXED_CORE_TIME.encode(), body)
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME), body,
                         compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _write_xlsx(path: Path, frame: pd.DataFrame, numeric: set[str]) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Sheet1")
    sheet.append(list(frame.columns))
    flags = [c in numeric for c in frame.columns]
    for row in frame.itertuples(index=False, name=None):
        sheet.append([_xlsx_cell(v, f) for v, f in zip(row, flags)])
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(_normalised_zip(buffer.getvalue()))


def _write_csv(path: Path, frame: pd.DataFrame, encoding: str, newline: str, progress: bool) -> None:
    starts = range(0, max(len(frame), 1), CSV_CHUNK_ROWS)
    chunks = tqdm(starts, desc=path.name, unit="chunk", leave=False, disable=not progress or len(starts) < 2)
    with open(path, "w", encoding=encoding, newline="") as handle:
        for start in chunks:
            frame.iloc[start:start + CSV_CHUNK_ROWS].to_csv(
                handle, index=False, header=start == 0, lineterminator=newline)


def write_table(root: Path, tab: Table, progress: bool = False) -> dict:
    """The one writer: CSV (any encoding, LF or CRLF) or XLSX (first sheet), English or Chinese headers."""
    path = root / tab.path
    path.parent.mkdir(parents=True, exist_ok=True)
    names = HEADERS_ZH[tab.source] if tab.headers == "zh" else {c: c for c in tab.frame.columns}
    numeric = {names[c] for c in tab.numeric}
    frame = tab.frame.rename(columns=names)
    if tab.fmt == "xlsx":
        _write_xlsx(path, frame, numeric)
    else:
        _write_csv(path, frame, tab.encoding or "utf-8", tab.newline, progress)
    return tab.manifest_entry()


# =============================================================================================
# Registry (county): persons simulated quarter by quarter
# =============================================================================================
@dataclass
class Person:
    id_number: str
    name: str
    male: bool
    birth: date
    township: str
    household_region: str
    primary_drug: str
    first_found: date
    last_found: date
    status: str = "other"
    order_date: date | None = None
    reported: bool | None = None
    release: date | None = None          # end of compulsory isolation or detention
    case_worker: str | None = None
    employment_support: bool = False
    student: bool = False
    risk_u: float = 0.5                  # fixed per person, read against HIGH_RISK / LOW_RISK


class CaseWorkers:
    """Full-time workers (专职人员) for community detox and rehab, and whether ordered persons report.

    A new case goes to the busiest worker who still has room, so caseloads stay near WORKER_LOAD_MAX; a
    new worker is hired when everyone is full. Reporting is drawn per order, leaning against the running
    share so that the execution rates stay near EXECUTION however few orders there are."""

    def __init__(self) -> None:
        self.load: dict[str, int] = {}
        self.orders = {status: [0, 0] for status in EXECUTION}   # status → [reported, ordered]

    def reports(self, status: str, year: int, rng: random.Random) -> bool:
        base, step = EXECUTION[status]
        target = base + step * max(0, year - YEARS[0])
        done, total = self.orders[status]
        current = done / total if total else target
        reported = rng.random() < min(1.0, max(0.0, target + STEERING * (target - current)))
        self.orders[status][0] += reported
        self.orders[status][1] += 1
        return reported

    def assign(self, rng: random.Random) -> str:
        open_ = [w for w, n in self.load.items() if n < WORKER_LOAD_MAX]
        if open_:
            busiest = max(self.load[w] for w in open_)
            worker = rng.choice([w for w in open_ if self.load[w] == busiest])
        else:
            worker = f"CW-{len(self.load) + 1:02d}"
            self.load[worker] = 0
        self.load[worker] += 1
        return worker

    def release(self, worker: str | None) -> None:
        if worker:
            self.load[worker] -= 1


@dataclass
class Registry:
    """The simulated register: snapshots of canonical rows, and who the special persons are."""
    snapshots: list[tuple[date, list[dict]]]
    student: Person


def new_person(rng: random.Random, ids: IdFactory, found: date, age: float, male: bool, seat: bool) -> Person:
    birth = birth_for_age(rng, age, found)
    region, household = origin(rng, birth)
    mix = DRUG_MIX_OLD if birth.year < 1980 else DRUG_MIX_YOUNG
    township = SEAT_CODE if seat else resident_township(rng, seat_share=0.0)
    return Person(ids.new(region, birth, male), fake_name(rng), male, birth, township,
                  household, weighted(rng, mix), found, found, risk_u=rng.random())


def exact_flags(rng: random.Random, n: int, share: float) -> list[bool]:
    """`n` flags of which round(n × share) are true, shuffled: shares exact at the start."""
    flags = [i < round(n * share) for i in range(n)]
    rng.shuffle(flags)
    return flags


def steered_flag(rng: random.Random, persons: list[Person], test: Callable[[Person], bool], share: float) -> bool:
    """A new user's flag (male, lives in the seat) drawn so that existing users drift back to `share`."""
    existing = [p for p in persons if p.status not in EXISTING_OUT]
    current = sum(map(test, existing)) / max(1, len(existing))
    return rng.random() < min(1.0, max(0.0, share + STEERING * (share - current)))


def earliest_finding(person: Person) -> date:
    return add_years(person.birth, 16)


def start_order(p: Person, status: str, day: date, rng: random.Random, workers: CaseWorkers) -> None:
    """Order community detox or rehab from `day`: reported or not, a case worker assigned."""
    workers.release(p.case_worker)
    p.status, p.order_date, p.release = status, day, None
    p.reported = workers.reports(status, day.year, rng)
    p.case_worker = workers.assign(rng)
    p.employment_support = rng.random() < EMPLOYMENT_SUPPORT_SHARE


def end_order(p: Person, status: str, workers: CaseWorkers) -> None:
    workers.release(p.case_worker)
    p.status, p.order_date, p.reported, p.case_worker, p.release = status, None, None, None, None


def found_using(p: Person, day: date, limit: date, mix: dict[str, float], rng: random.Random,
                workers: CaseWorkers) -> None:
    """The person is found using drugs on `day`: a measure follows."""
    p.last_found = day
    measure = weighted(rng, mix)
    if measure in COMMUNITY:
        start_order(p, measure, min(limit, day + timedelta(days=rng.randint(0, 10))), rng, workers)
        return
    end_order(p, measure, workers)
    if measure == "compulsory":
        p.release = add_years(day, rng.choice(COMPULSORY_YEARS))
    elif measure == "detained":
        p.release = day + timedelta(days=rng.randint(10, 90))


def initial_person(rng: random.Random, ids: IdFactory, status: str, male: bool, seat: bool,
                   workers: CaseWorkers) -> Person:
    """A person already registered on START, with dates consistent with `status`."""
    bands = ABSTINENT_AGES if status in EXISTING_OUT else EXISTING_AGES
    p = new_person(rng, ids, START, age_from(rng, bands), male, seat)
    lo = max(earliest_finding(p), date(1998, 1, 1))
    three_years_ago = add_years(START, -MEASURE_YEARS)
    if status in EXISTING_OUT:
        p.last_found = rand_date(rng, lo, three_years_ago)
    elif status == "community_rehab":
        order = rand_date(rng, three_years_ago + timedelta(days=1), START)
        p.last_found = max(lo, add_years(order, -2))
        start_order(p, status, order, rng, workers)
    elif status == "community_detox":
        order = rand_date(rng, three_years_ago + timedelta(days=1), START)
        p.last_found = max(lo, order - timedelta(days=rng.randint(0, 10)))
        start_order(p, status, max(order, p.last_found), rng, workers)
    elif status == "compulsory":
        p.last_found = max(lo, rand_date(rng, add_years(START, -2) + timedelta(days=1), START))
        p.release = add_years(p.last_found, 2)
    elif status == "detained":
        p.last_found = max(lo, START - timedelta(days=rng.randint(0, 60)))
        p.release = p.last_found + timedelta(days=rng.randint(10, 90))
    else:
        p.last_found = max(lo, rand_date(rng, three_years_ago + timedelta(days=1), START))
    p.status = status
    p.first_found = p.last_found if rng.random() < 0.35 else rand_date(rng, lo, p.last_found)
    return p


def initial_population(rng: random.Random, ids: IdFactory, workers: CaseWorkers) -> list[Person]:
    existing = rng.randint(*EXISTING_AT_START)
    groups = [[weighted(rng, START_STATUS_MIX) for _ in range(existing)],
              ["abstinent_3y"] * round(existing * rng.uniform(*ABSTINENT_PER_EXISTING)),
              ["deceased"] * round(existing * DECEASED_PER_EXISTING) + ["emigrated"] * EMIGRATED_AT_START]
    people = [person for statuses in groups for person in zip(
        statuses, exact_flags(rng, len(statuses), MALE_SHARE), exact_flags(rng, len(statuses), SEAT_SHARE))]
    rng.shuffle(people)
    return [initial_person(rng, ids, status, male, seat, workers) for status, male, seat in people]


def expire(p: Person, end: date, rng: random.Random, workers: CaseWorkers) -> None:
    """Measures that run out by `end`; three clean years make a person abstinent_3y."""
    clean = add_years(p.last_found, MEASURE_YEARS) <= end
    if p.status == "compulsory" and p.release and p.release <= end:
        start_order(p, "community_rehab", p.release, rng, workers)
    elif p.status == "detained" and p.release and p.release <= end:
        if rng.random() < 0.5:
            start_order(p, "community_detox", p.release, rng, workers)
        else:
            end_order(p, "other", workers)
    elif p.status in COMMUNITY and p.order_date and add_years(p.order_date, MEASURE_YEARS) <= end:
        end_order(p, "abstinent_3y" if clean else "other", workers)
    elif p.status == "other" and clean:
        end_order(p, "abstinent_3y", workers)


def advance(p: Person, start: date, end: date, rng: random.Random, workers: CaseWorkers,
            pressure: float = 1.0) -> None:
    """One quarter of one person's life: death, emigration, relapse (× `pressure`) or a measure running out."""
    if p.status in GONE:
        return
    group = "abstinent_3y" if p.status == "abstinent_3y" else "existing"
    if rng.random() < DEATH_PER_QUARTER[group]:
        end_order(p, "deceased", workers)
        return
    if rng.random() < EMIGRATION_PER_QUARTER:
        end_order(p, "emigrated", workers)
        return
    if p.status == "out_of_control":
        return  # see out_of_control()
    relapse = pressure * (RELAPSE_PER_QUARTER if p.status in AT_LARGE else (
        ABSTINENT_RELAPSE_PER_QUARTER if p.status == "abstinent_3y" else 0.0))
    if rng.random() < relapse:
        day = rand_date(rng, max(start, p.last_found + timedelta(days=1)), end)
        found_using(p, day, end, RELAPSE_MIX, rng, workers)
        return
    expire(p, end, rng, workers)


def out_of_control(persons: list[Person], target: int, start: date, end: date,
                   rng: random.Random, workers: CaseWorkers) -> None:
    """Bring the number of out-of-control persons to `target`: some are found, others slip away."""
    lost = [p for p in persons if p.status == "out_of_control"]
    rng.shuffle(lost)
    for p in lost[target:]:
        found_using(p, rand_date(rng, start, end), end, RETURN_MIX, rng, workers)
    candidates = [p for p in persons if p.status == "community_detox" and p.order_date
                  and p.order_date < start]
    candidates.sort(key=lambda p: bool(p.reported))   # those who never reported go first
    for p in candidates[:max(0, target - len(lost))]:
        end_order(p, "out_of_control", workers)


def relapse_pressure(persons: list[Person]) -> float:
    """Relapses scaled so that the number of existing users hovers around EXISTING_TARGET."""
    existing = sum(p.status not in EXISTING_OUT for p in persons)
    return min(1.5, max(0.5, (EXISTING_TARGET / max(1, existing)) ** RELAPSE_STEERING))


def yearly_new_users(rng: random.Random, persons: list[Person], year: int) -> list[date]:
    existing = sum(p.status not in EXISTING_OUT for p in persons)
    count = round(existing * rng.uniform(*NEW_USERS_SHARE))
    return sorted(rand_date(rng, date(year, 1, 1), date(year, 12, 31)) for _ in range(count))


def make_student(rng: random.Random, ids: IdFactory, found: date) -> Person:
    """The one student found using (2022): 16, in the seat, later on community detox."""
    birth = found - timedelta(days=16 * 366 + rng.randint(20, 200))
    return Person(ids.new(domain.BANNER_CODE, birth, True), fake_name(rng), True, birth, SEAT_CODE,
                  domain.BANNER_CODE, "methamphetamine", found, found, student=True, risk_u=0.1)


def face_check(p: Person, snapshot: date, rng: random.Random) -> date | None:
    if p.status in GONE:
        return None
    if p.status in ("compulsory", "detained"):
        day = p.last_found - timedelta(days=rng.randint(0, 60))
    elif p.status == "abstinent_3y":
        if rng.random() < 0.5:
            return None
        day = snapshot - timedelta(days=rng.randint(0, 365))
    elif p.status == "out_of_control":
        day = snapshot - timedelta(days=rng.randint(120, 400))
    elif rng.random() < FACE_CHECK_RECENT:
        day = snapshot - timedelta(days=rng.randint(0, 89))
    else:
        day = snapshot - timedelta(days=rng.randint(91, 300))
    return max(day, p.first_found)


def risk_level(p: Person) -> str | None:
    if p.status in GONE:
        return None
    if p.risk_u < HIGH_RISK[p.status]:
        return "high"
    return "low" if p.risk_u > 1 - LOW_RISK[p.status] else "medium"


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def snapshot_row(p: Person, snapshot: date, rng: random.Random) -> dict:
    community = p.status in COMMUNITY
    return {
        "snapshot_date": snapshot, "id_number": p.id_number, "name": p.name, "sex": "男" if p.male else "女",
        "birth_date": p.birth, "township": p.township, "household_region": p.household_region,
        "first_found_date": p.first_found, "last_found_date": p.last_found,
        "primary_drug": p.primary_drug, "control_status": p.status,
        "order_date": p.order_date if community else None, "reported": p.reported if community else None,
        "risk_level": risk_level(p), "last_face_check_date": face_check(p, snapshot, rng),
        "info_verified": rng.random() < INFO_VERIFIED, "is_student": p.student and age_on(p.birth, snapshot) < 19,
        "employment_support": community and p.employment_support,
        "case_worker_id": p.case_worker if community else None,
    }


def out_of_control_targets(rng: random.Random, ends: list[date]) -> list[int]:
    """How many persons are out of control at each quarter end: none at first, 1–3 at times."""
    targets = [0] + [rng.choices(OUT_OF_CONTROL_COUNTS, OUT_OF_CONTROL_WEIGHTS)[0] for _ in ends[1:]]
    for i, end in enumerate(ends):   # a criminal case in OUT_OF_CONTROL_CASE_YEAR involves one of them
        if end.year == OUT_OF_CONTROL_CASE_YEAR and end.month <= 6:
            targets[i] = max(1, targets[i])
    return targets


def new_users(rng: random.Random, ids: IdFactory, persons: list[Person], days: list[date], end: date,
              workers: CaseWorkers) -> list[Person]:
    """Persons found for the first time on `days` (all in the quarter ending `end`)."""
    arrivals = []
    for day in days:
        male = steered_flag(rng, persons, lambda q: q.male, MALE_SHARE)
        seat = steered_flag(rng, persons, lambda q: q.township == SEAT_CODE, SEAT_SHARE)
        p = new_person(rng, ids, day, age_from(rng, NEW_USER_AGES), male, seat)
        found_using(p, day, end, NEW_USER_MIX, rng, workers)
        arrivals.append(p)
    return arrivals


def simulate_registry(seed: int) -> Registry:
    """Persons followed quarter by quarter from START; one snapshot of every person per quarter end."""
    rng = source_rng(seed, "registry")
    ids, workers = IdFactory(rng), CaseWorkers()
    persons = initial_population(rng, ids, workers)
    ends = quarter_ends(YEARS)
    lost_targets = out_of_control_targets(rng, ends)
    student_day = rand_date(rng, date(STUDENT_POSITIVE_YEAR, 4, 10), date(STUDENT_POSITIVE_YEAR, 6, 15))
    student = make_student(rng, ids, student_day)
    new_days: list[date] = []
    snapshots = []
    for end, target in zip(ends, lost_targets):
        start = quarter_start(end)
        if end.month == 3:
            new_days = yearly_new_users(rng, persons, end.year)
        pressure = relapse_pressure(persons)
        for p in persons:
            advance(p, start, end, rng, workers, pressure)
        out_of_control(persons, target, start, end, rng, workers)
        persons += new_users(rng, ids, persons, [d for d in new_days if start <= d <= end], end, workers)
        if start <= student.first_found <= end:
            start_order(student, "community_detox", student.first_found + timedelta(days=3), rng, workers)
            persons.append(student)
        snapshots.append((end, [snapshot_row(p, end, rng) for p in persons]))
    return Registry(snapshots, student)


REGISTRY_FILES = {  # quarter end → (style, encoding); the rest English, codes, ISO dates, UTF-8
    "2022-12-31": (Style(), "utf-8-sig"),
    "2023-12-31": (Style(), "gbk"),
}
REGISTRY_BAD_SNAPSHOT = date(2023, 9, 30)
BLANK_OPTIONAL_SNAPSHOT = END            # a new system's export: the optional columns come empty
OPTIONAL_COLUMNS = ("last_face_check_date", "info_verified", "case_worker_id")


def registry_tables(seed: int, reg: Registry) -> list[Table]:
    rng = source_rng(seed, "registry-files")
    tables = []
    for end, rows in reg.snapshots:
        style, encoding = REGISTRY_FILES.get(end.isoformat(), (Style(), "utf-8"))
        if end.year == 2024:
            style = Style(headers="zh", labels="zh", dates="slash" if end.month > 6 else "iso")
        if end == BLANK_OPTIONAL_SNAPSHOT:
            rows = [{**row, **dict.fromkeys(OPTIONAL_COLUMNS)} for row in rows]
        tab = table("registry", f"registry/registry_{end.isoformat()}.csv", rows, style, rng, encoding=encoding)
        if end == REGISTRY_BAD_SNAPSHOT:
            plant_registry_errors(tab, rng)
        tables.append(tab)
    return tables


def plant_registry_errors(tab: Table, rng: random.Random) -> None:
    first, second = rng.sample(range(len(tab.frame)), 2)
    bad = corrupt_id(tab.frame.at[first, "id_number"])
    tab.plant(first, "id_number", bad, "bad ID checksum")
    tab.plant(second, "first_found_date", "2023-13-45", "unparseable date")


# =============================================================================================
# Hair
# =============================================================================================
@dataclass
class Subject:
    id_number: str
    township: str
    drug: str = "methamphetamine"


def registry_pool(rows: list[dict], group: str, before: date) -> list[Subject]:
    statuses = COMMUNITY if group == "community" else AT_LARGE
    return [Subject(r["id_number"], r["township"], r["primary_drug"]) for r in rows
            if r["control_status"] in statuses and r["first_found_date"] < before]


def outside_subject(rng: random.Random, ids: IdFactory, group: str, day: date) -> Subject:
    lo, hi = SUBJECT_AGES[group]
    birth = birth_for_age(rng, rng.uniform(lo, hi - 0.05), day)
    region, _ = origin(rng, birth)
    number = ids.new(region, birth, rng.random() < (0.5 if group == "student" else 0.8))
    return Subject(number, resident_township(rng, seat_share=0.35))


def hair_concentration(rng: random.Random, substance: str, positive: bool) -> str:
    cutoff = hair_cutoffs()[substance]
    if positive:
        value = HAIR_POSITIVE_MEDIAN_NG_MG[substance] * rng.lognormvariate(0, 0.8)
        return f"{max(value, cutoff * 1.05):.3f}"
    if rng.random() < HAIR_ND_SHARE:
        return rng.choice(("ND", "未检出"))
    return f"{rng.uniform(0.005, cutoff * 0.9):.3f}"


def hair_rows(rng: random.Random, sample_id: str, day: date, group: str, subject: Subject,
              positive: bool) -> list[dict]:
    panel = list(HAIR_PANEL) + ([HAIR_OPTIONAL] if rng.random() < 0.5 else [])
    hit = subject.drug if subject.drug in HAIR_POSITIVE_MEDIAN_NG_MG else "methamphetamine"
    if positive and hit not in panel:
        panel.append(hit)
    rows = []
    for substance in panel:
        value = hair_concentration(rng, substance, positive and substance == hit)
        over = value not in ("ND", "未检出") and float(value) >= hair_cutoffs()[substance]
        rows.append({"sample_id": sample_id, "collection_date": day, "township": subject.township,
                     "id_number": subject.id_number, "subject_group": group, "segment_cm": "0-3",
                     "substance": substance, "concentration_ng_mg": value,
                     "result": "阳性" if over else "阴性"})
    return rows


def hair_quarter(rng: random.Random, ids: IdFactory, end: date, rows: list[dict],
                 student: Person) -> list[dict]:
    """One quarter of hair testing, all groups; sample ids numbered by collection date."""
    start = quarter_start(end)
    groups = rng.choices(list(HAIR_GROUP_WEIGHTS), weights=list(HAIR_GROUP_WEIGHTS.values()),
                         k=rng.randint(*HAIR_SAMPLES_PER_QUARTER))
    pools = {g: registry_pool(rows, g, start) for g in ("registered_user", "community")}
    for g in pools:
        rng.shuffle(pools[g])
    samples = []
    for group in groups:
        day = rand_date(rng, start + timedelta(days=10), end - timedelta(days=10))
        subject = pools[group].pop() if group in pools and pools[group] else (
            outside_subject(rng, ids, group if group in SUBJECT_AGES else "other", day))
        samples.append([day, group, subject, rng.random() < HAIR_POSITIVITY[group]])
    if end == FORCED_DRIVER_POSITIVE:
        next(s for s in samples if s[1] == "driver")[3] = True
    if start <= student.first_found <= end:
        samples.append([student.first_found, "student", Subject(student.id_number, student.township), True])
    samples.sort(key=lambda s: s[0])
    out = []
    for i, (day, group, subject, positive) in enumerate(samples, 1):
        out += hair_rows(rng, f"MF-{quarter_label(end)}-{i:03d}", day, group, subject, positive)
    return out


HAIR_FILES = {  # year → (style, format, encoding)
    2021: (Style(headers="zh", labels="zh", dates="iso"), "csv", "utf-8"),
    2022: (Style(headers="zh", labels="mixed", dates="zh"), "csv", "utf-8"),
    2023: (Style(headers="zh", labels="zh", dates="iso"), "xlsx", None),
    2024: (Style(headers="zh", labels="zh", dates="slash"), "csv", "gb18030"),
    2025: (Style(headers="zh", labels="zh", dates="iso"), "csv", "utf-8"),
}


def hair_tables(seed: int, reg: Registry) -> list[Table]:
    rng = source_rng(seed, "hair")
    ids = IdFactory(rng, {r["id_number"] for _, rows in reg.snapshots for r in rows})
    by_year: dict[int, list[dict]] = {y: [] for y in YEARS}
    for end, rows in reg.snapshots:
        by_year[end.year] += hair_quarter(rng, ids, end, rows, reg.student)
    tables = []
    for year, rows in by_year.items():
        style, fmt, encoding = HAIR_FILES[year]
        tables.append(table("hair", f"hair/hair_{year}.{fmt}", rows, style, rng, fmt=fmt,
                            encoding=encoding, numeric=("concentration_ng_mg",)))
    plant_hair_errors(tables, reg.student.id_number, rng)
    return tables


def plant_hair_errors(tables: list[Table], student_id: str, rng: random.Random) -> None:
    """A bad checksum in 2021; a result that disagrees with the cut-off in 2022 and in 2024."""
    first = tables[0]
    row = rng.randrange(len(first.frame))
    first.plant(row, "id_number", corrupt_id(first.frame.at[row, "id_number"]), "bad ID checksum")
    frame22 = tables[1].frame
    positives = [i for i in range(len(frame22)) if frame22.at[i, "result"] == "阳性"
                 and frame22.at[i, "id_number"] != student_id]
    tables[1].plant(rng.choice(positives), "result", "阴性", "result disagrees with cut-off", warning=True)
    frame24 = tables[3].frame
    negatives = [i for i in range(len(frame24)) if frame24.at[i, "result"] == "阴性"
                 and frame24.at[i, "concentration_ng_mg"] not in ("ND", "未检出")]
    tables[3].plant(rng.choice(negatives), "result", "阳性", "result disagrees with cut-off", warning=True)


# =============================================================================================
# Wastewater (vectorised: the same code makes 3 county plants or 300 national ones)
# =============================================================================================
@dataclass(frozen=True)
class Plants:
    """Treatment plants, one entry per plant, and their load level per substance (mg/day/1000)."""
    site_id: list[str]
    name: list[str]
    township: list[str]
    population: np.ndarray
    flow: np.ndarray
    base_load: np.ndarray           # plants × substances, at START
    ketamine_rise: np.ndarray       # plants: bool


def ww_substances() -> list[str]:
    return list(WW_BASE_LOAD)


def county_plants() -> Plants:
    base = np.array([[WW_BASE_LOAD[s] * (1.0 if s in ("caffeine", "cotinine") else level)
                      for s in ww_substances()] for *_, level in WW_SITES])
    return Plants([s[0] for s in WW_SITES], [s[1] for s in WW_SITES], [s[2] for s in WW_SITES],
                  np.array([s[3] for s in WW_SITES]), np.array([s[4] for s in WW_SITES]),
                  base, np.array([i == 0 for i in range(len(WW_SITES))]))


def national_plants(rng: np.random.Generator) -> Plants:
    n = NATIONAL_SITES
    population = np.clip(rng.lognormal(np.log(150_000), 0.9, n), 10_000, 2_500_000).round(-2)
    factor = np.array([NATIONAL_WW_MEDIAN_FACTOR.get(s, 1.0) for s in ww_substances()])
    base = np.array(list(WW_BASE_LOAD.values())) * factor * rng.lognormal(0, 0.6, (n, len(factor)))
    codes, weights = township_weights()
    return Plants([f"WWTP-N{i:03d}" for i in range(1, n + 1)], [f"第{i}污水处理厂" for i in range(1, n + 1)],
                  list(rng.choice(codes, n, p=shares(weights))),
                  population.astype(int), population * rng.uniform(0.18, 0.30, n), base,
                  rng.random(n) < 0.05)


def wastewater_frame(rng: np.random.Generator, plants: Plants, ends: Sequence[date]) -> pd.DataFrame:
    """Seven consecutive daily composites per plant and quarter, every substance; canonical values."""
    subs = ww_substances()
    n_site, n_q, n_sub = len(plants.site_id), len(ends), len(subs)
    second_month = np.array([np.datetime64(date(e.year, e.month - 1, 1)) for e in ends])
    first_day = second_month[None, :] + rng.integers(0, 21, (n_site, n_q)).astype("timedelta64[D]")
    days = (first_day[:, :, None] + np.arange(7).astype("timedelta64[D]")).astype("datetime64[D]")
    site = np.broadcast_to(np.arange(n_site)[:, None, None], days.shape).ravel()
    quarter = np.broadcast_to(np.arange(n_q)[None, :, None], days.shape).ravel()
    days = days.ravel()
    weekday = (days.astype(np.int64) + 3) % 7                       # Monday = 0
    weekend = np.isin(weekday, (5, 6, 0))
    years = (days - np.datetime64(START)).astype(np.int64) / 365.25
    year_of = days.astype("datetime64[Y]").astype(np.int64) + 1970
    population = (plants.population[site] * (1 + WW_POPULATION_GROWTH * (year_of - YEARS[0]))).round()
    flow = plants.flow[site] * rng.lognormal(0, WW_FLOW_SD, days.size) * np.where(weekend, 0.97, 1.0)
    rise_days = np.minimum(days, np.datetime64(KETAMINE_RISE_UNTIL)) - np.datetime64(KETAMINE_RISE_FROM)
    rise_years = np.maximum(0, rise_days.astype(np.int64) / 365.25)
    load = np.empty((days.size, n_sub))
    for k, s in enumerate(subs):
        trend = WW_TREND_PER_YEAR.get(s, 0.0) * years
        if s == "ketamine":
            trend = trend + np.where(plants.ketamine_rise[site], KETAMINE_RISE_PER_YEAR * rise_years, 0.0)
        noise = rng.normal(0, WW_NOISE_SD.get(s, 0.15), days.size)
        load[:, k] = plants.base_load[site, k] * np.exp(trend + noise) * np.where(
            weekend, WW_WEEKEND.get(s, 1.0), 1.0)
    conc = load * population[:, None] / flow[:, None]              # ng/L, so load/1000 people is exact
    loq = np.array([WW_LOQ_NG_L[s] for s in subs])
    site_ids = np.array(plants.site_id)
    day_text = np.datetime_as_string(days, unit="D")
    sample_id = np.char.add(np.char.add(site_ids[site], "-"), np.char.replace(day_text, "-", ""))
    return pd.DataFrame({
        "sample_id": np.repeat(sample_id, n_sub), "site_id": np.repeat(site_ids[site], n_sub),
        "site_name": np.repeat(np.array(plants.name)[site], n_sub),
        "township": np.repeat(np.array(plants.township)[site], n_sub),
        "sample_date": np.repeat(days, n_sub), "flow_m3_d": np.repeat(flow, n_sub),
        "population_served": np.repeat(population.astype(np.int64), n_sub),
        "substance": np.tile(subs, days.size), "concentration_ng_l": conc.ravel(),
        "below_loq": (conc < loq).ravel(), "loq_ng_l": np.tile(loq, days.size),
        "lab": WW_LAB, "quarter": np.repeat(quarter, n_sub),
    })


def wastewater_text(frame: pd.DataFrame, style: Style, rng: random.Random) -> pd.DataFrame:
    """Canonical wastewater values → the text cells of one file (below-LOQ spelt several ways)."""
    below = frame["below_loq"].to_numpy()
    conc = [rng.choice(WW_BELOW_LOQ_SPELLINGS) if b else fmt_number(c)
            for b, c in zip(below, frame["concentration_ng_l"])]
    dates = [d.date() for d in pd.to_datetime(frame["sample_date"])]
    rows = frame.assign(concentration_ng_l=conc, sample_date=dates,
                        flow_m3_d=frame["flow_m3_d"].map(lambda f: f"{f:.0f}"),
                        loq_ng_l=frame["loq_ng_l"].map(fmt_number),
                        population_served=frame["population_served"].astype(str))
    return render("wastewater", rows[COLUMNS["wastewater"]].to_dict("records"), style, rng)


WASTEWATER_STYLES = {2022: Style(headers="zh", labels="zh", dates="slash")}
WASTEWATER_BAD_YEAR = 2023


def wastewater_tables(seed: int) -> list[Table]:
    rng, nprng = source_rng(seed, "wastewater"), source_np_rng(seed, "wastewater")
    frame = wastewater_frame(nprng, county_plants(), quarter_ends(YEARS))
    tables = []
    for year in YEARS:
        part = frame[frame["sample_date"].dt.year == year].reset_index(drop=True)
        style = WASTEWATER_STYLES.get(year, Style(labels="mixed" if year == 2024 else "code"))
        tab = Table("wastewater", f"wastewater/wastewater_{year}.csv", wastewater_text(part, style, rng),
                    headers=style.headers)
        if year == WASTEWATER_BAD_YEAR:
            plant_wastewater_errors(tab, rng)
        tables.append(tab)
    return tables


def plant_wastewater_errors(tab: Table, rng: random.Random) -> None:
    first, second = rng.sample(range(len(tab.frame)), 2)
    tab.plant(first, "township", "不存在镇", "unknown township")
    tab.plant(second, "flow_m3_d", "-" + tab.frame.at[second, "flow_m3_d"], "negative flow")


def national_wastewater_table(seed: int) -> Table:
    nprng = source_np_rng(seed, "wastewater")
    frame = wastewater_frame(nprng, national_plants(nprng), quarter_ends([NATIONAL_YEAR]))
    text = pd.DataFrame({
        "sample_id": frame["sample_id"], "site_id": frame["site_id"], "site_name": frame["site_name"],
        "township": frame["township"], "sample_date": np.datetime_as_string(frame["sample_date"].to_numpy(), "D"),
        "flow_m3_d": frame["flow_m3_d"].round(0).astype(np.int64), "population_served": frame["population_served"],
        "substance": frame["substance"],
        "concentration_ng_l": frame["concentration_ng_l"].round(2).astype(str).where(~frame["below_loq"], "<LOQ"),
        "loq_ng_l": frame["loq_ng_l"], "lab": frame["lab"],
    })
    return Table("wastewater", f"wastewater/wastewater_national_{NATIONAL_YEAR}.csv", text)


# =============================================================================================
# Cases
# =============================================================================================
def split_suspects(rng: random.Random, cases: int, fixed: Sequence[int]) -> list[int]:
    """Suspects for `cases` criminal cases averaging 1.4–1.6; `fixed` ones (outflow) are given."""
    low, high = SUSPECTS_PER_CASE
    total = rng.randint(math.ceil(cases * low - 1e-9), math.floor(cases * high + 1e-9))
    free = [1] * (cases - len(fixed))
    for _ in range(max(0, total - sum(fixed) - len(free))):
        free[rng.randrange(len(free))] += 1
    return list(fixed) + free


def case_dates(rng: random.Random, year: int, solve_within: int) -> tuple[date, date | None]:
    filed = rand_date(rng, date(year, 1, 2), min(date(year, 12, 20), END - timedelta(days=10)))
    solved = min(END, filed + timedelta(days=rng.randint(0, solve_within)))
    return filed, solved


def criminal_cases(rng: random.Random, year: int) -> list[dict]:
    """Trafficking, possession, harbouring; outflow (外地) cases, one bulk caffeine/安钠咖 seizure."""
    outflow = OUTFLOW_CASES[year]
    kinds = ["outflow"] * len(outflow) + ["bulk"] + (["precursor"] if year == PRECURSOR_YEAR else [])
    kinds += ["precursor_production"] if year == PRECURSOR_PRODUCTION_YEAR else []
    n = max(len(kinds) + 2, round(rng.randint(*CRIMINAL_CASES) * year_share(year)))  # ≥ 4: 1.4–1.6 a case
    suspects = split_suspects(rng, n, outflow)
    kinds += rng.choices(("trafficking", "possession", "harbouring"), weights=(2, 1, 1), k=n - len(kinds))
    rows = []
    for kind, count in zip(kinds, suspects):
        filed, solved = case_dates(rng, year, 90)
        row = {"filed_date": filed, "solved_date": solved, "category": "criminal", "suspects": str(count),
               "township": resident_township(rng, 0.5), "case_type": kind, "severity": "ordinary",
               "target_level": "none", "involves_out_of_control_user": False, "minor_suspects": "0",
               "drug": rng.choice(("methamphetamine", "methamphetamine", "heroin")),
               "seized_g": fmt_number(rng.uniform(*RETAIL_SEIZED_G))}
        if kind == "outflow":
            row.update(township=OUTFLOW_TOWNSHIP, case_type="trafficking", outflow_suspects=str(count))
        elif kind == "bulk":
            row.update(case_type="trafficking", drug=BULK_DRUG[year],
                       seized_g=str(round(rng.uniform(*BULK_SEIZED_G), -2)).removesuffix(".0"))
        elif kind in ("precursor", "precursor_production"):
            row.update(drug="other", seized_g=str(rng.randrange(1000, 5000)))
        elif kind == "harbouring":
            row.update(seized_g=rng.choice(("0", "0.3", "")))
        rows.append(row)
    local = [r for r in rows if r["township"] != OUTFLOW_TOWNSHIP]
    for row, level in zip(local, TARGET_CASES[year]):
        row["target_level"] = level
    if year == OUT_OF_CONTROL_CASE_YEAR:   # the earliest street-level case, when someone was out of control
        retail = [r for r in local if r["drug"] in ("methamphetamine", "heroin")]
        min(retail, key=lambda r: r["filed_date"])["involves_out_of_control_user"] = True
    if MINOR_SUSPECT.get(year) == "possession":
        local[-1].update(case_type="possession", minor_suspects="1")
    return rows


def administrative_cases(rng: random.Random, year: int) -> list[dict]:
    rows = []
    for i in range(round(rng.randint(*DRUG_USE_CASES) * year_share(year))):
        filed, solved = case_dates(rng, year, 1)
        rows.append({"filed_date": filed, "solved_date": solved, "category": "administrative",
                     "case_type": "drug_use", "township": resident_township(rng),
                     "drug": weighted(rng, {"methamphetamine": .6, "heroin": .25, "ketamine": .1, "cnb": .05}),
                     "seized_g": rng.choice(("", "0", fmt_number(rng.uniform(0.05, 1.5)))),
                     "suspects": str(1 if rng.random() < 0.9 else 2), "severity": "ordinary",
                     "minor_suspects": "1" if (i == 0 and MINOR_SUSPECT.get(year) == "drug_use") else "0",
                     "involves_out_of_control_user": False, "target_level": "none"})
    if year == CULTIVATION[0]:
        filed, solved = case_dates(rng, year, 5)
        rows.append({"filed_date": filed, "solved_date": solved, "category": "administrative",
                     "case_type": "cultivation", "township": resident_township(rng, 0.0), "drug": "other",
                     "plants": str(CULTIVATION[1]), "suspects": "1", "severity": "ordinary"})
    return rows


def incidents(rng: random.Random, year: int) -> list[dict]:
    count = max(rng.randint(*USER_INCIDENTS), 1 if year == MAJOR_INCIDENT_YEAR else 0)
    rows = []
    for i in range(count):
        filed, solved = case_dates(rng, year, 3)
        rows.append({"filed_date": filed, "solved_date": solved, "category": "incident",
                     "case_type": "user_incident", "township": resident_township(rng), "drug": "methamphetamine",
                     "suspects": "1", "involves_out_of_control_user": False,
                     "severity": "major" if (year == MAJOR_INCIDENT_YEAR and i == 0) else "ordinary"})
    return rows


CASE_PREFIX = {"criminal": "A", "administrative": "X", "incident": "S"}
CASES_BAD_YEAR = 2022


def cases_table(seed: int) -> Table:
    rng = source_rng(seed, "cases")
    rows = []
    for year in YEARS:
        year_rows = criminal_cases(rng, year) + administrative_cases(rng, year) + incidents(rng, year)
        year_rows.sort(key=lambda r: r["filed_date"])
        for i, row in enumerate(year_rows, 1):
            row["case_id"] = f"{CASE_PREFIX[row['category']]}{domain.BANNER_CODE}{year}{i:04d}"
        rows += year_rows
    tab = table("cases", f"cases/cases_{YEARS[0]}_{YEARS[-1]}.csv", rows, Style("zh", "mixed", "mixed"), rng,
                encoding="gbk", newline="\r\n")
    bad = next(i for i, r in enumerate(rows) if r["filed_date"].year == CASES_BAD_YEAR
               and r["category"] == "criminal" and r["filed_date"].month > 2)
    tab.plant(bad, "solved_date", fmt_date(rows[bad]["filed_date"] - timedelta(days=12), "iso"),
              "solved_date before filed_date")
    return tab


# =============================================================================================
# Indicators
# =============================================================================================
def indicator_values(rng: random.Random, year: int) -> dict[str, float]:
    """Yearly values; rates rise over the years (k = years since 2022, levelling off after 2024)."""
    k = min(year, INDICATOR_YEARS[-1]) - INDICATOR_YEARS[0]
    return {
        "awareness_rate": round(92.4 + 2.0 * k + rng.uniform(0, 0.6), 1),
        "satisfaction_rate": round(88.5 + 2.5 * k + rng.uniform(0, 1.0), 1),
        **briefings(rng, year),
        "drug_office_staff": rng.randint(3, 5),
        "drug_police": rng.randint(18, 20) if k == 0 else rng.randint(20, 24),
        "budget_wan_yuan": round(50 + 20 * k + rng.uniform(0, 15), 1),
        "school_class_hours": rng.randint(2, 4),
        "platform_registration_rate": (round(rng.uniform(96, 98.5), 1), round(rng.uniform(98.5, 99.8), 1),
                                       100.0)[k],
        "volunteers": (rng.randint(400, 500), rng.randint(520, 600), rng.randint(600, 700))[k],
        "precursor_registration_rate": 100.0,
        "social_worker_registration_rate": round(min(100.0, 93 + 2.5 * k + rng.uniform(0, 1.5)), 1),
        "employment_support_rate": round(70 + 5 * k + rng.uniform(0, 4), 1),
        "education_bases": (0, 1, 2)[k],
        "intelligence_case_share": round(30 + 5 * k + rng.uniform(0, 5), 1),
    }


def briefings(rng: random.Random, year: int) -> dict[str, int]:
    """How often the party committee's standing committee and the government heard drug control: one old
    code for both before OLD_BRIEFING_CODE_YEAR ends, the two bodies apart after."""
    if year <= OLD_BRIEFING_CODE_YEAR:
        return {"committee_briefings": rng.randint(2, 4)}
    return {"standing_committee_briefings": rng.randint(1, 2), "government_briefings": rng.randint(1, 3)}


def half_year(values: dict[str, float], rng: random.Random) -> dict[str, float]:
    """H1: flows (briefings, budget, class hours) about half; rates and stocks as at mid-year."""
    out = dict(values)
    out["standing_committee_briefings"] = rng.randint(0, 1)
    out["government_briefings"] = rng.randint(1, 2)
    out["budget_wan_yuan"] = round(values["budget_wan_yuan"] * rng.uniform(0.4, 0.55), 1)
    out["school_class_hours"] = rng.randint(1, 2)
    out["awareness_rate"] = round(values["awareness_rate"] - rng.uniform(0.2, 0.6), 1)
    return out


def indicator_rows(period: str, values: dict[str, float]) -> list[dict]:
    return [{"period": period, "unit": domain.BANNER_CODE, "indicator": code,
             "value": (f"{value:g}" if isinstance(value, int) else f"{value:.1f}"),
             "source": INDICATOR_SOURCES[code]} for code, value in values.items()]


INDICATOR_HEADERS = {2022: "en", 2023: "zh", 2024: "en"}


def indicator_tables(seed: int) -> list[Table]:
    """One file a whole year (the last with that year's H1 too), and the year in progress's H1 alone."""
    rng = source_rng(seed, "indicators")
    files = []
    for year in INDICATOR_YEARS:
        values = indicator_values(rng, year)
        rows = indicator_rows(str(year), values)
        if year == INDICATOR_YEARS[-1]:
            rows += indicator_rows(f"{year}H1", half_year(values, rng))
        files.append((str(year), rows, INDICATOR_HEADERS[year]))
    half = f"{END.year}H1"
    files.append((half, indicator_rows(half, half_year(indicator_values(rng, END.year), rng)), "zh"))
    return [table("indicators", f"indicators/indicators_{name}.xlsx", rows, Style(headers=headers), rng,
                  fmt="xlsx", encoding=None, numeric=("value",)) for name, rows, headers in files]


# =============================================================================================
# Registry (national): 1.2 M persons, vectorised (numpy for numbers, Arrow compute for text)
# =============================================================================================
ARROW_TEXT = pd.StringDtype("pyarrow")


def shares(weights: Iterable[float]) -> np.ndarray:
    """Weights → probabilities summing to exactly 1 (numpy insists)."""
    p = np.asarray(list(weights), dtype=float)
    return p / p.sum()


def pick(options: Sequence[str], index: np.ndarray) -> pa.Array:
    """`options[index]` as Arrow text: millions of rows without Python strings."""
    return pa.array(list(options), pa.string()).take(pa.array(np.asarray(index, dtype=np.int64)))


def join(*parts: pa.Array | str) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def blank_unless(present: np.ndarray, text: pa.Array) -> pa.Array:
    return pc.if_else(pa.array(present), text, "")


def arrow_dates(days: np.ndarray) -> pa.Array:
    return pa.array(days.astype("datetime64[D]")).cast(pa.string())


def arrow_yesno(flags: np.ndarray) -> pa.Array:
    return pick(("否", "是"), flags.astype(np.int64))


def np_ages(rng: np.random.Generator, bands: Sequence[tuple[int, int, float]], n: int) -> np.ndarray:
    band = rng.choice(len(bands), n, p=shares(b[2] for b in bands))
    lo, hi = np.array([b[0] for b in bands]), np.array([b[1] for b in bands])
    return rng.uniform(lo[band], hi[band])


def ymd(days: np.ndarray) -> np.ndarray:
    """datetime64[D] → yyyymmdd integers."""
    years = days.astype("datetime64[Y]")
    months = days.astype("datetime64[M]")
    return ((years.astype(np.int64) + 1970) * 10000 + (months - years).astype(np.int64) * 100 + 100
            + (days - months).astype(np.int64) + 1)


def np_ids(rng: np.random.Generator, region: np.ndarray, birth: np.ndarray, male: np.ndarray,
           taken: set[str]) -> pa.Array:
    """Unique identity numbers with valid check characters, vectorised."""
    stem = (region.astype(np.int64) * 100_000_000 + ymd(birth)) * 1000
    taken_17 = pd.Index([int(t[:17]) for t in taken], dtype=np.int64)
    first17 = stem + rng.integers(0, 500, stem.size) * 2 + male
    for _ in range(50):
        clash = pd.Index(first17).duplicated() | pd.Index(first17).isin(taken_17)
        if not clash.any():
            break
        first17[clash] = stem[clash] + rng.integers(0, 500, clash.sum()) * 2 + male[clash]
    total = np.zeros(first17.size, dtype=np.int64)
    for i, weight in enumerate(WEIGHTS):
        total += (first17 // 10 ** (16 - i)) % 10 * weight
    return join(pa.array(first17).cast(pa.string()), pick(CHECK_CHARS, total % 11))


def np_names(rng: np.random.Generator, n: int) -> pa.Array:
    """Surname + one or (two times in three) two given characters."""
    second = np.where(rng.random(n) < 2 / 3, rng.integers(1, len(GIVEN) + 1, n), 0)
    return join(pick(SURNAMES, rng.integers(0, len(SURNAMES), n)), pick(GIVEN, rng.integers(0, len(GIVEN), n)),
                pick(("", *GIVEN), second))


def national_registry_frame(rng: np.random.Generator, n: int, snapshot: date, taken: set[str]) -> pd.DataFrame:
    """One snapshot of `n` persons: the national status mix, dates consistent with each status."""
    snap = np.datetime64(snapshot, "D")
    codes = list(NATIONAL_STATUS_MIX)
    status_no = rng.choice(len(codes), n, p=shares(NATIONAL_STATUS_MIX.values()))
    status = np.array(codes)[status_no]
    male = rng.random(n) < MALE_SHARE
    old = np.isin(status, EXISTING_OUT)
    age = np_ages(rng, NATIONAL_AGES, n)
    age = np.where(old & (age < 22), age + 10, age)          # three clean years take time
    birth = snap - (age * 365.25).astype("timedelta64[D]")
    region_no = rng.integers(0, len(NATIONAL_REGIONS), n)
    adult = np.minimum(birth + np.timedelta64(16 * 366, "D"), snap - np.timedelta64(30, "D"))  # minors: 15+
    community = np.isin(status, COMMUNITY)
    years_since = np.select([old, status == "detained", status == "community_rehab"],
                            [rng.uniform(3.01, 20, n), rng.uniform(0, 0.15, n), rng.uniform(2, 4.9, n)],
                            rng.uniform(0, 2.95, n))
    last_found = np.maximum(snap - (years_since * 365.25).astype("timedelta64[D]"), adult)
    last_found = np.where(old, np.minimum(last_found, snap - np.timedelta64(3 * 366, "D")), last_found)
    earlier = (rng.uniform(0, 10, n) * 365.25).astype("timedelta64[D]")
    first_found = np.where(rng.random(n) < 0.35, last_found, np.maximum(last_found - earlier, adult))
    first_found = np.minimum(first_found, last_found)
    gap = np.where(status == "community_rehab", 730, rng.integers(0, 10, n)).astype("timedelta64[D]")
    order = np.minimum(last_found + gap, snap)
    lag = np.where(rng.random(n) < FACE_CHECK_RECENT, rng.integers(0, 90, n), rng.integers(91, 365, n))
    face = np.maximum(snap - lag.astype("timedelta64[D]"), first_found)
    at_large = np.isin(status, AT_LARGE + ("out_of_control",))
    face_known = at_large | ((status == "abstinent_3y") & (rng.random(n) < 0.5))
    risk_u = rng.random(n)
    high = np.array([HIGH_RISK.get(c, 0.0) for c in codes])[status_no]
    low = np.array([LOW_RISK.get(c, 1.0) for c in codes])[status_no]
    risk = np.where(np.isin(status, GONE), 3, np.where(risk_u < high, 0, np.where(risk_u > 1 - low, 2, 1)))
    execution = np.where(status == "community_detox", 0.83, 0.89)
    workers = max(1, int(community.sum()) // NATIONAL_USERS_PER_WORKER)
    worker = pc.utf8_lpad(pa.array(rng.integers(1, workers + 1, n)).cast(pa.string()), 5, "0")
    township_codes, weights = township_weights()
    columns = {
        "snapshot_date": pick((snapshot.isoformat(),), np.zeros(n)),
        "id_number": np_ids(rng, np.array(NATIONAL_REGIONS)[region_no], birth, male, taken),
        "name": np_names(rng, n), "sex": pick(("女", "男"), male), "birth_date": arrow_dates(birth),
        "township": pick(township_codes, rng.choice(len(township_codes), n, p=shares(weights))),
        "household_region": pick(NATIONAL_REGIONS, region_no),
        "first_found_date": arrow_dates(first_found), "last_found_date": arrow_dates(last_found),
        "primary_drug": pick(list(DRUG_MIX_YOUNG), rng.choice(len(DRUG_MIX_YOUNG), n,
                                                              p=shares(DRUG_MIX_YOUNG.values()))),
        "control_status": pick(codes, status_no),
        "order_date": blank_unless(community, arrow_dates(order)),
        "reported": blank_unless(community, arrow_yesno(rng.random(n) < execution)),
        "risk_level": pick(("high", "medium", "low", ""), risk),
        "last_face_check_date": blank_unless(face_known, arrow_dates(face)),
        "info_verified": arrow_yesno(rng.random(n) < INFO_VERIFIED),
        "is_student": arrow_yesno((age < 19) & (rng.random(n) < 0.8)),
        "employment_support": arrow_yesno(community & (rng.random(n) < EMPLOYMENT_SUPPORT_SHARE)),
        "case_worker_id": blank_unless(community, join("CW-", worker)),
    }
    return pa.table(columns).to_pandas(types_mapper={pa.string(): ARROW_TEXT}.get)


def national_registry_table(seed: int, reg: Registry) -> Table:
    """The county's latest snapshot (so hair IDs resolve) followed by vectorised persons."""
    end, rows = reg.snapshots[-1]
    county = render("registry", rows, Style(), source_rng(seed, "registry-national")).astype(ARROW_TEXT)
    rest = national_registry_frame(source_np_rng(seed, "registry"), NATIONAL_REGISTRY_ROWS - len(county),
                                   end, set(county["id_number"]))
    frame = pd.concat([county, rest], ignore_index=True)
    return Table("registry", f"registry/registry_national_{end.isoformat()}.csv", frame)


# =============================================================================================
# Entry point
# =============================================================================================
SCALES = ("county", "national")


def build_steps(seed: int, scale: str) -> Iterator[tuple[str, Callable[[], list[Table]]]]:
    """(source, builder) pairs in writing order; the registry simulation feeds hair at both scales."""
    reg = simulate_registry(seed)
    if scale == "national":
        yield "wastewater", lambda: [national_wastewater_table(seed)]
        yield "registry", lambda: [national_registry_table(seed, reg)]
    else:
        yield "wastewater", lambda: wastewater_tables(seed)
        yield "registry", lambda: registry_tables(seed, reg)
    yield "hair", lambda: hair_tables(seed, reg)
    yield "cases", lambda: [cases_table(seed)]
    yield "indicators", lambda: indicator_tables(seed)


def generate(out: Path, scale: str = "county", seed: int = 20231, progress: bool = True) -> dict:
    """Write DIR/<source>/<files> for source in wastewater, hair, registry, cases, indicators, and
    DIR/manifest.json; return the manifest dict."""
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {SCALES}, not {scale!r}")
    out = Path(out)
    show = progress and scale == "national"
    files = []
    with tqdm(total=len(SOURCES), desc=f"demo ({scale})", unit="source", disable=not show) as bar:
        for source, build in build_steps(seed, scale):
            bar.set_postfix_str(source)
            files += [write_table(out, tab, progress=show) for tab in build()]
            bar.update()
    files.sort(key=lambda f: (SOURCES.index(f["source"]), f["path"]))
    manifest = {"seed": seed, "scale": scale, "files": files}
    out.mkdir(parents=True, exist_ok=True)
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n",
                                       encoding="utf-8")
    return manifest
