"""The app reads the warehouse read-only and keeps serving while `python -m pipelines ingest` replaces the
file; once the load is published, the next run shows the new data without a restart."""
from __future__ import annotations

import os
import subprocess
import sys

import config
from tests.app_helpers import copy_warehouse, metric, number, open_page, use
from tests.conftest import fixture


def test_app_serves_during_a_load_and_shows_the_new_data_after_it(demo_build, tmp_path, monkeypatch):
    live = copy_warehouse(demo_build, tmp_path)
    use(live, monkeypatch)
    cases_2024 = "select coalesce(sum(cases), 0) from mart_cases_quarter where year = 2024"
    before = live.value(cases_2024)
    version_before = live.value("select value from warehouse_meta where key = 'version'")

    at = open_page("cases", "zh", **{"from": "2024Q1", "to": "2024Q4"})    # the year the fixture's cases fall in
    assert number(metric(at, "col.cases")) == before

    load = subprocess.Popen([sys.executable, "-m", "pipelines", "ingest", "cases", str(fixture("cases"))],
                            cwd=config.ROOT, env={**os.environ, **live.env()},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    reruns = 0
    while load.poll() is None:         # the page keeps answering, from whichever version is live
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        assert number(metric(at, "col.cases")) in (before, live.value(cases_2024))
        reruns += 1
    out, err = load.communicate()
    assert load.returncode == 0, (out.decode(), err.decode())
    assert reruns > 0

    after = live.value(cases_2024)
    assert after > before
    assert live.value("select value from warehouse_meta where key = 'version'") != version_before
    at.run()
    assert number(metric(at, "col.cases")) == after
    assert any(live.value("select value from warehouse_meta where key = 'version'") in c.value for c in at.caption)
