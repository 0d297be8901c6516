"""The layers (issue 10): the questions (`analysis`), the briefings and the command lines (`pipelines`,
`briefings`, `dashboard.users`) load no Streamlit; only the app's face (`dashboard`, `pages`, `app.py`) does."""
from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

import config

ROOT = Path(config.ROOT)
ANALYSIS = sorted(ROOT.glob("analysis/*.py"))
HEADLESS = ["briefings", "briefings.content", "briefings.cli", "pipelines", "pipelines.cli", "dashboard.users",
            *(f"analysis.{p.stem}" if p.stem != "__init__" else "analysis" for p in ANALYSIS)]


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_the_headless_modules_load_no_streamlit():
    """A fresh interpreter imports the briefings, the pipelines and every questions module: no Streamlit."""
    code = "import importlib, sys\n" + "".join(f"importlib.import_module({m!r})\n" for m in HEADLESS) + \
           "print(sorted(m for m in sys.modules if m.split('.')[0] == 'streamlit'))"
    done = _run("-c", code)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_the_briefing_command_prints_only_its_help():
    done = _run("-m", "briefings", "--help")
    assert done.returncode == 0
    assert done.stdout.startswith("usage: python -m briefings")
    assert done.stderr == ""
    assert "streamlit" not in (done.stdout + done.stderr).lower()


def _imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    return names | {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}


@pytest.mark.parametrize("path", ANALYSIS, ids=lambda p: p.name)
def test_no_questions_module_imports_the_face(path):
    """A second guard, by reading the source: nothing in analysis/ names Streamlit or the dashboard."""
    bad = {m for m in _imported(path) if m.split(".")[0] in {"streamlit", "dashboard", "pages", "app"}}
    assert bad == set()


def test_the_scan_sees_every_questions_module():
    assert {"db", "filters", "access", "cases", "overview", "quality"} <= {p.stem for p in ANALYSIS}


# --- analysis.db's cache, without Streamlit ---------------------------------------------------------------
def _publish(path: Path, version: str) -> None:
    """A tiny warehouse file at `path` (written aside, then moved in as a load publishes)."""
    import duckdb

    aside = path.with_suffix(".new")
    with duckdb.connect(str(aside)) as con:
        con.execute("create table warehouse_meta (key varchar, value varchar)")
        con.execute("insert into warehouse_meta values ('version', ?), ('published_at', null)", [version])
    os.replace(aside, path)


def test_a_result_is_kept_per_version_and_handed_out_as_a_copy(tmp_path, monkeypatch):
    from analysis import db

    live = tmp_path / "wh.duckdb"
    _publish(live, "v1")
    monkeypatch.setenv("WAREHOUSE_PATH", str(live))
    first = db.query("select value from warehouse_meta where key = ?", ["version"])
    first.loc[0, "value"] = "changed by a caller"
    assert db.query("select value from warehouse_meta where key = ?", ["version"]).loc[0, "value"] == "v1"
    _publish(live, "v2")                                   # a new version is read without a restart
    assert db.meta().version == "v2"
    db.clear_caches()


def test_the_cache_keeps_only_the_most_recent_entries():
    from analysis.db import Lru

    made: list[str] = []
    kept: Lru[str] = Lru(2)
    for key in ("a", "b", "a", "c", "a", "b"):
        kept.get(key, lambda k=key: made.append(k) or k.upper())
    assert made == ["a", "b", "c", "b"]                    # "b" was the least recently used when "c" came
