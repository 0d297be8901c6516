"""Hair tests (毛发检测): quarterly samples drawn from the registry and outside groups, calibrated on
the cut-offs of domain/substances.csv."""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from demo.registry import Person, Registry
from demo.story import (AT_LARGE, COMMUNITY, FORCED_DRIVER_POSITIVE, HAIR_GROUP_WEIGHTS, HAIR_ND_SHARE, HAIR_OPTIONAL,
                        HAIR_PANEL, HAIR_POSITIVE_MEDIAN_NG_MG, HAIR_POSITIVITY, HAIR_SAMPLES_PER_QUARTER, IdFactory,
                        SUBJECT_AGES, YEARS, birth_for_age, corrupt_id, hair_cutoffs, origin, quarter_label,
                        quarter_start, rand_date, resident_township, source_rng)
from demo.write import Style, Table, table


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
