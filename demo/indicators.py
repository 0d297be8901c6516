"""Indicators (工作指标): the yearly work figures of domain.md §5 and a half-year file."""
from __future__ import annotations

import random

import domain
from demo.story import END, INDICATOR_SOURCES, INDICATOR_YEARS, OLD_BRIEFING_CODE_YEAR, source_rng
from demo.write import Style, Table, table


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
