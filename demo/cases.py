"""Cases (案件): criminal and administrative drug cases and incidents, a year at a time."""
from __future__ import annotations

import math
import random
from datetime import date, timedelta
from typing import Sequence

import domain
from demo.story import (BULK_DRUG, BULK_SEIZED_G, CRIMINAL_CASES, CULTIVATION, DRUG_USE_CASES, END, MAJOR_INCIDENT_YEAR,
                        MINOR_SUSPECT, OUTFLOW_CASES, OUTFLOW_TOWNSHIP, OUT_OF_CONTROL_CASE_YEAR,
                        PRECURSOR_PRODUCTION_YEAR, PRECURSOR_YEAR, RETAIL_SEIZED_G, SUSPECTS_PER_CASE, TARGET_CASES,
                        USER_INCIDENTS, YEARS, fmt_date, fmt_number, rand_date, resident_township, source_rng, weighted,
                        year_share)
from demo.write import Style, Table, table


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
