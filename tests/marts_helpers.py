"""Helpers for the mart tests: hand-made extracts written as CSV and loaded through the real CLI.

Every extract uses the contract's English headers (contract.md §2). Identity numbers are fictitious numbers
with a valid GB 11643 check character. `load()` runs `python -m pipelines ingest` in-process and insists
that every row loaded (a quarantined row would silently change what a test computes).
"""
from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

import config
import domain
from domain.identity import check_char
from pipelines import cli
from tests import reads

HEADERS = {
    "wastewater": ["sample_id", "site_id", "site_name", "township", "sample_date", "flow_m3_d",
                   "population_served", "substance", "concentration_ng_l", "loq_ng_l", "lab"],
    "hair": ["sample_id", "collection_date", "township", "id_number", "subject_group", "segment_cm", "substance",
             "concentration_ng_mg", "result"],
    "registry": ["snapshot_date", "id_number", "sex", "birth_date", "township", "household_region",
                 "first_found_date", "last_found_date", "primary_drug", "control_status", "order_date", "reported",
                 "risk_level", "last_face_check_date", "info_verified", "is_student", "employment_support",
                 "case_worker_id"],
    "cases": ["case_id", "filed_date", "solved_date", "township", "category", "case_type", "drug", "seized_g",
              "plants", "suspects", "minor_suspects", "outflow_suspects", "involves_out_of_control_user",
              "severity", "target_level"],
    "indicators": ["period", "unit", "indicator", "value", "source"],
}
SEAT = "150823100"           # 乌拉山镇
XIANFENG = "150823102"       # 先锋镇
DASHETA = "150823105"        # 大佘太镇
BANNER = "150823"


def born(n: int, birth: date = date(1985, 1, 1)) -> date:
    """The birth date person n carries: `birth`, one day later for every 500 persons."""
    return birth + timedelta(days=n // 500)


def person_id(n: int, birth: date = date(1985, 1, 1), male: bool = True) -> str:
    """A fictitious, valid identity number, different for every n (with born(n, birth) as its birth date)."""
    first17 = f"150823{born(n, birth):%Y%m%d}{2 * (n % 500) + (1 if male else 0):03d}"
    return first17 + check_char(first17)


def registry_row(n: int, snapshot: date, *, status: str = "other", township: str = SEAT,
                 birth: date = date(1985, 1, 1), male: bool = True, first_found: date = date(2019, 5, 1),
                 face_check: date | None | str = "recent", info_verified: bool = True, reported: bool = True,
                 worker: str = "CW-1", student: bool = False, risk: str = "medium") -> dict:
    """One person of a registry snapshot; community users get an order date, a report flag and a worker."""
    community = status in ("community_detox", "community_rehab")
    if face_check == "recent":
        face_check = snapshot - timedelta(days=10)
    return {
        "snapshot_date": snapshot.isoformat(), "id_number": person_id(n, birth, male), "sex": "男" if male else "女",
        "birth_date": born(n, birth).isoformat(), "township": township, "household_region": BANNER,
        "first_found_date": first_found.isoformat(), "last_found_date": first_found.isoformat(),
        "primary_drug": "methamphetamine", "control_status": status,
        "order_date": (first_found + timedelta(days=5)).isoformat() if community else "",
        "reported": ("是" if reported else "否") if community else "",
        "risk_level": risk, "last_face_check_date": face_check.isoformat() if face_check else "",
        "info_verified": "是" if info_verified else "否", "is_student": "是" if student else "否",
        "employment_support": "否", "case_worker_id": worker if community else "",
    }


def case_row(case_id: str, filed: date, *, township: str = SEAT, category: str = "criminal",
             case_type: str = "trafficking", drug: str = "methamphetamine", seized_g: float = 1.0, plants: int = 0,
             suspects: int = 1, minor_suspects: int = 0, outflow_suspects: int = 0, out_of_control: bool = False,
             severity: str = "ordinary", target_level: str = "none") -> dict:
    return {
        "case_id": case_id, "filed_date": filed.isoformat(), "solved_date": filed.isoformat(), "township": township,
        "category": category, "case_type": case_type, "drug": drug, "seized_g": seized_g, "plants": plants,
        "suspects": suspects, "minor_suspects": minor_suspects, "outflow_suspects": outflow_suspects,
        "involves_out_of_control_user": "是" if out_of_control else "否", "severity": severity,
        "target_level": target_level,
    }


def wastewater_row(sample_id: str, site: str, township: str, day: date, substance: str, concentration,
                   *, flow: float = 20000, population: int = 100000, loq: float = 1) -> dict:
    return {
        "sample_id": sample_id, "site_id": site, "site_name": site, "township": township,
        "sample_date": day.isoformat(), "flow_m3_d": flow, "population_served": population,
        "substance": substance, "concentration_ng_l": concentration, "loq_ng_l": loq, "lab": "test lab",
    }


def hair_row(sample_id: str, day: date, person: str, group: str, substance: str, concentration,
             result: str = "", *, township: str = SEAT) -> dict:
    return {
        "sample_id": sample_id, "collection_date": day.isoformat(), "township": township, "id_number": person,
        "subject_group": group, "segment_cm": "0-3", "substance": substance,
        "concentration_ng_mg": concentration, "result": result,
    }


def indicator_rows(period: str, **values: float) -> list[dict]:
    return [{"period": period, "unit": BANNER, "indicator": k, "value": v, "source": "test"}
            for k, v in values.items()]


def write(path: Path, source: str, rows: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=HEADERS[source], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def load(folder: Path, source: str, *files: list[dict]) -> None:
    """Write each list of rows as one extract of `source` under `folder` and ingest them in one command;
    fail unless every row of every file loaded."""
    paths = [write(folder / source / f"{source}_{i}.csv", source, rows) for i, rows in enumerate(files)]
    code = cli.main(["ingest", source, *map(str, paths)])
    assert code == 0, f"ingest {source} exited {code}"
    _nothing_quarantined([source])


def load_together(**extracts: list[dict]) -> None:
    """One extract per source (`registry=[...], cases=[...]`), put in the landing folder and loaded by one `run`
    (one warehouse version for them all, as the data team's run makes it); fail unless every row loaded."""
    landing = config.path("data_dir") / "landing"
    for source, rows in extracts.items():
        write(landing / source / f"{source}_{len(list((landing / source).glob('*.csv')))}.csv", source, rows)
    assert cli.main(["run"]) == 0
    _nothing_quarantined(list(extracts))


def _nothing_quarantined(sources: list[str]) -> None:
    bad = query("select source, file_name, rows_quarantined, message from pipeline_runs "
                "where source in (select unnest(?::varchar[])) and rows_quarantined > 0", [sources])
    assert not bad, bad


def query(sql: str, params: list | None = None) -> list[tuple]:
    """Rows of a query on the live warehouse (the one the environment points at)."""
    return reads.rows(config.path("warehouse_path"), sql, params)


def rows_as_dicts(sql: str, params: list | None = None) -> list[dict]:
    return reads.dicts(config.path("warehouse_path"), sql, params)


def one(sql: str, params: list | None = None) -> dict:
    """The single row a query returns, as a dict (fails on zero or several rows)."""
    rows = rows_as_dicts(sql, params)
    assert len(rows) == 1, rows
    return rows[0]


def check(year: int, name: str) -> dict:
    """One row of mart_six_zero_checks."""
    return one('select * from mart_six_zero_checks where year = ? and "check" = ?', [year, name])


def target(year: int, name: str) -> dict:
    """One row of mart_six_zero."""
    return one("select * from mart_six_zero where year = ? and target = ?", [year, name])


def township_checks() -> list[str]:
    """The checks of domain/targets.csv one township is held to, read from the file: the registry checks of
    scope township, and those of the banner but its listing line."""
    return [r["check"] for r in domain.read_csv("targets.csv") if r["input"].startswith("registry:")
            and (r["scope"] == "township" or r["input"] != "registry:existing_users")]


def build(root: Path, loads: list[tuple[str, list[list[dict]]]], empty: Path) -> Path:
    """A private warehouse under `root`, a copy of the `empty` one (the `empty_warehouse` fixture) loaded with
    (source, files) pairs in order; returns its path. For module-scoped scenarios: the environment is set only
    while loading (tests then point WAREHOUSE_PATH at the returned path)."""
    import pytest

    from tests.conftest import env_at

    env = env_at(root, empty)
    with pytest.MonkeyPatch.context() as mp:
        for name, value in env.variables().items():
            mp.setenv(name, value)
        for source, files in loads:
            load(root / "extracts", source, *files)
        return config.path("warehouse_path")
