"""The unit's monthly report form behind the 督导 page: what it writes and how it is loaded.

A report becomes a landing file, loaded by the same command the data team runs (`python -m pipelines ingest
task_reports FILE`) in a process of its own: the app never writes the warehouse and never imports the
pipelines (Great Expectations stays out of it). The file is hashed here to find its run, not with
`pipelines.runs`, for the same reason.
"""
from __future__ import annotations

import csv
import hashlib
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

import pandas as pd

import config
import i18n
from analysis import db

REPORT_COLUMNS = ("unit", "task", "period", "kind", "reported_date", "progress", "done_text", "problems",
                  "next_steps", "evidence")
LOAD_TIMEOUT_S = 300


@dataclass(frozen=True)
class TaskEntry:
    task: str
    progress: str
    done_text: str = ""
    problems: str = ""
    next_steps: str = ""
    evidence: str = ""


@dataclass(frozen=True)
class Receipt:
    file_name: str
    status: str              # loaded | rejected | skipped (pipeline_runs)
    message: str
    rows: pd.DataFrame       # the stored rows of this file
    quarantine: pd.DataFrame


def landing_dir() -> Path:
    return config.path("data_dir") / "landing" / "task_reports"


def write_report(unit: str, period: str, entries: list[TaskEntry], today: date) -> Path:
    """The monthly report as a landing file (UTF-8 CSV, English headers), named by unit hash, period and time:
    never overwritten, so every submission stays on record."""
    folder = landing_dir()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")
    code = hashlib.sha256(unit.encode("utf-8")).hexdigest()[:8]
    path = folder / f"form_{period}_{code}_{stamp}.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(REPORT_COLUMNS)
        for e in entries:
            out.writerow([unit, e.task, period, "monthly", today.isoformat(), e.progress, e.done_text, e.problems,
                          e.next_steps, e.evidence])
    return path


def load_report(path: Path) -> Receipt:
    """Load the file with `python -m pipelines ingest task_reports FILE` (the data team's command, in its own
    process) and read back what the warehouse stored.

    A rejected report's file is deleted: nothing of it was accepted, the unit sees why and sends it again, and
    it may hold what must not be kept (an identity number typed into the text)."""
    try:
        subprocess.run([sys.executable, "-m", "pipelines", "ingest", "task_reports", str(path)], cwd=config.ROOT,
                       env=os.environ.copy(), capture_output=True, timeout=LOAD_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        pass                                  # the receipt finds no run and says the loader did not finish
    got = receipt(path)
    if got.status == "rejected":
        path.unlink(missing_ok=True)
    return got


def receipt(path: Path) -> Receipt:
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    run = db.query("""select run_id, status, message from pipeline_runs where file_sha256 = ?
                      order by started_at desc limit 1""", [sha])
    if run.empty:
        return Receipt(path.name, "rejected", i18n.both("sup.load_failed"), pd.DataFrame(), pd.DataFrame())
    run_id, status, message = run.iloc[0]
    rows = db.query("""select task, period, kind as report_kind, reported_date, progress, done_text, problems,
                              next_steps, evidence as evidence_refs, due_date, late
                       from fact_task_reports where run_id = ? order by source_row""", [run_id])
    bad = db.query("select row_number, reasons from quarantine where run_id = ? order by row_number", [run_id])
    return Receipt(path.name, status, message, rows, bad)
