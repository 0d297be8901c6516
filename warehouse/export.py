"""The province roll-up: every mart as Parquet, partitioned by county, for a city or region office to combine
across counties with any engine (DuckDB, Spark, pandas, R...).

    <out>/county=150823/<mart>.parquet      one file per mart; the county is the folder's (Hive partitioning)
    <out>/county=150823/manifest.json       warehouse version, export time, rows and documented columns

Copy each county's `county=<code>` folder under one root and read, for example,
`read_parquet('<root>/county=*/mart_cases_quarter.parquet', hive_partitioning = true)`: each row gets the
`county` of its folder (declare it text, e.g. DuckDB's `hive_types = {'county': varchar}`, to keep codes as codes).

Only marts go out (never facts or `int_*` relations, which hold pseudonyms); a mart's YAML may list
`export_withhold` columns that describe one person's record (the hair early warnings). The folder is written
beside the old one and swapped in when complete, so a reader never sees half an export.
"""
from __future__ import annotations

import json
import os
import shutil
from datetime import datetime, timezone
from pathlib import Path

import duckdb

import config
import domain
import warehouse

MANIFEST = "manifest.json"


def mart_docs() -> dict[str, dict]:
    """Each mart's YAML (its columns in both languages, and what the export withholds), by mart name."""
    docs = {}
    for sql in warehouse.mart_files():
        doc = config.read_yaml(sql.with_suffix(".yml"))
        if doc["name"].startswith("mart_"):
            docs[doc["name"]] = doc
    return docs


def export(out: Path, county: str = domain.BANNER_CODE) -> Path:
    """Write the live warehouse's marts under `out/county=<county>/`; returns that folder."""
    target = out / f"county={county}"
    staging = out / f".county={county}.{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        with warehouse.connect_readonly() as con:
            marts = {name: _write(con, name, doc, staging) for name, doc in mart_docs().items()}
            manifest = {"county": county, "warehouse_version": warehouse.version(con),
                        "exported_at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "marts": marts}
        (staging / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        _swap(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def _write(con: duckdb.DuckDBPyConnection, name: str, doc: dict, folder: Path) -> dict:
    """One mart to `folder/<name>.parquet`; its manifest entry (rows, columns with their meaning)."""
    withheld = set(doc.get("export_withhold", []))
    columns = [c for c in doc["columns"] if c not in withheld]
    path = str(folder / f"{name}.parquet").replace("'", "''")
    quoted = ", ".join(f'"{c}"' for c in columns)          # some names are SQL words ("check")
    con.execute(f"copy (select {quoted} from {name}) to '{path}' (format parquet, compression zstd)")
    rows = warehouse.scalar(con, f"select count(*) from {name}")
    return {"rows": rows, "description_zh": doc.get("description_zh"), "description_en": doc.get("description_en"),
            "columns": {c: doc["columns"][c] for c in columns}, "withheld": sorted(withheld)}


def _swap(staging: Path, target: Path) -> None:
    """Put `staging` in place of `target` (the old folder is moved aside first, then removed)."""
    old = target.with_name(target.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)
