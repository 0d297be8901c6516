"""Wastewater (污水监测): vectorised, so the same code makes 3 county plants or 300 national ones."""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from typing import Sequence

import numpy as np
import pandas as pd

from demo.story import (KETAMINE_RISE_FROM, KETAMINE_RISE_PER_YEAR, KETAMINE_RISE_UNTIL, NATIONAL_SITES,
                        NATIONAL_WW_MEDIAN_FACTOR, NATIONAL_YEAR, START, WW_BASE_LOAD, WW_BELOW_LOQ_SPELLINGS,
                        WW_FLOW_SD, WW_LAB, WW_LOQ_NG_L, WW_NOISE_SD, WW_POPULATION_GROWTH, WW_SITES, WW_TREND_PER_YEAR,
                        WW_WEEKEND, YEARS, fmt_number, quarter_ends, shares, source_np_rng, source_rng,
                        township_weights)
from demo.write import COLUMNS, Style, Table, render


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
