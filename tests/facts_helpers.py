"""Fact rows written straight into a test warehouse, then the marts rebuilt: for the plan's rules, which read
codes the extracts' vocabularies may not accept yet and need no ingest to be tested.

`put()` publishes one new warehouse version (real DuckDB, real marts) with the rows added; every column a
row leaves out is null, as an extract's blank cell is stored.
"""
from __future__ import annotations

from datetime import date

import warehouse


def put(**tables: list[dict]) -> None:
    """Insert rows into fact tables (`put(fact_cases=[...], fact_indicators=[...])`) and rebuild the marts that
    read them, as a load does."""
    with warehouse.publishing(changed=tables) as con:
        for table, rows in tables.items():
            for row in rows:
                names = ", ".join(row)
                marks = ", ".join("?" for _ in row)
                con.execute(f"insert into {table} ({names}) values ({marks})", list(row.values()))


def case(case_id: str, filed: date, *, township: str = "150823100", category: str = "criminal",
         case_type: str = "trafficking", suspects: int = 1, minor_suspects: int = 0, outflow_suspects: int = 0,
         out_of_control: bool = False, severity: str = "ordinary", target_level: str = "none",
         plants: int = 0) -> dict:
    return {"run_id": "test", "case_id": case_id, "filed_date": filed, "township_code": township,
            "category": category, "case_type": case_type, "drug": "methamphetamine", "seized_g": 1.0,
            "plants": plants, "suspects": suspects, "minor_suspects": minor_suspects,
            "outflow_suspects": outflow_suspects, "involves_out_of_control_user": out_of_control,
            "severity": severity, "target_level": target_level}


def indicators(period: str, **values: float) -> list[dict]:
    return [{"run_id": "test", "period": period, "unit_code": "150823", "indicator": k, "value": v,
             "source": "test"} for k, v in values.items()]


def person(n: int, snapshot: date, *, status: str = "other", age: int = 40, township: str = "150823100",
           first_found: date = date(2019, 5, 1), face_check: date | None | str = "recent",
           info_verified: bool | None = True, worker: str | None = "CW-1", student: bool = False,
           employment_support: bool | None = False, reported: bool = True) -> dict:
    """One registry row; `face_check='recent'` is ten days before the snapshot, None leaves the column blank."""
    from datetime import timedelta
    return {"run_id": "test", "snapshot_date": snapshot, "person_key": f"P{n:05d}", "sex": "male", "age_years": age,
            "township_code": township, "household_region": "150823", "first_found_date": first_found,
            "last_found_date": first_found, "primary_drug": "methamphetamine", "control_status": status,
            "reported": reported, "risk_level": "medium",
            "last_face_check_date": snapshot - timedelta(days=10) if face_check == "recent" else face_check,
            "info_verified": info_verified, "is_student": student, "employment_support": employment_support,
            "case_worker_id": worker}


def hair(sample_id: str, day: date, person_key: str, group: str, positive: bool) -> dict:
    return {"run_id": "test", "sample_id": sample_id, "collection_date": day, "township_code": "150823100",
            "person_key": person_key, "subject_group": group, "segment_cm": "0-3", "substance": "methamphetamine",
            "concentration_ng_mg": 0.8 if positive else None, "lab_result": "positive" if positive else "negative"}
