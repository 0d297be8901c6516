"""The registry (吸毒人员登记): county persons simulated quarter by quarter into 18 snapshots, and the
vectorised national snapshot (numpy for numbers, Arrow compute for text)."""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

import domain
from domain.identity import CHECK_CHARS, WEIGHTS
from demo.story import (ABSTINENT_AGES, ABSTINENT_PER_EXISTING, ABSTINENT_RELAPSE_PER_QUARTER, AT_LARGE, COMMUNITY,
                        COMPULSORY_YEARS, DEATH_PER_QUARTER, DECEASED_PER_EXISTING, DRUG_MIX_OLD, DRUG_MIX_YOUNG,
                        EMIGRATED_AT_START, EMIGRATION_PER_QUARTER, EMPLOYMENT_SUPPORT_SHARE, END, EXECUTION,
                        EXISTING_AGES, EXISTING_AT_START, EXISTING_OUT, EXISTING_TARGET, FACE_CHECK_RECENT, GIVEN, GONE,
                        HIGH_RISK, INFO_VERIFIED, IdFactory, LOW_RISK, MALE_SHARE, MEASURE_YEARS, NATIONAL_AGES,
                        NATIONAL_REGIONS, NATIONAL_REGISTRY_ROWS, NATIONAL_STATUS_MIX, NATIONAL_USERS_PER_WORKER,
                        NEW_USERS_SHARE, NEW_USER_AGES, NEW_USER_MIX, OUT_OF_CONTROL_CASE_YEAR, OUT_OF_CONTROL_COUNTS,
                        OUT_OF_CONTROL_WEIGHTS, RELAPSE_MIX, RELAPSE_PER_QUARTER, RELAPSE_STEERING, RETURN_MIX,
                        SEAT_CODE, SEAT_SHARE, START, START_STATUS_MIX, STEERING, STUDENT_POSITIVE_YEAR, SURNAMES,
                        WORKER_LOAD_MAX, YEARS, add_years, age_from, birth_for_age, corrupt_id, fake_name, origin,
                        quarter_ends, quarter_start, rand_date, resident_township, shares, source_np_rng, source_rng,
                        township_weights, weighted)
from demo.write import Style, Table, render, table


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
# Registry (national): 1.2 M persons, vectorised (numpy for numbers, Arrow compute for text)
# =============================================================================================
ARROW_TEXT = pd.StringDtype("pyarrow")

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
