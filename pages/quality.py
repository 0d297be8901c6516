"""数据质量 Data quality: loads, validation per expectation, quarantined rows, freshness, test coverage.

Loads, expectations, quarantined rows and runs count the whole banner's extracts: a user bound to a township
sees their test coverage and the freshness of each source only."""
import streamlit as st

import i18n

from analysis import fmt, quality
from analysis.labels import label
from dashboard import ui
from dashboard.charts import Chart, show, table
from analysis.targets import OutOfScope
from dashboard.text import tr

v = ui.page("quality")
f, scope = v.filters, v.scope


def banner_wide() -> None:
    if not scope.whole_banner:
        raise OutOfScope


with ui.section("dq.headline"):
    banner_wide()
    t = quality.run_totals().iloc[0]
    c = st.columns(5)
    for column, name in zip(c, ["files_loaded", "files_rejected", "files_skipped", "rows_loaded", "rows_quarantined"]):
        ui.metric(column, tr(f"col.{name}"), fmt.number(t[name]))

with ui.section("dq.freshness"):
    fresh = quality.freshness()
    table("freshness", fresh, period=v.period)
    stale = fresh.loc[fresh["stale"], "source"].tolist()
    if stale:
        st.warning(tr("dq.stale", sources=fmt.join((label("source", s, v.lang) for s in stale), v.lang)),
                   icon=":material/schedule:")

with ui.section("dq.coverage"):
    cov = quality.coverage(f, scope)
    table("coverage", cov, period=v.period)
    gaps = quality.missing_quarters(cov)
    for source, quarters in gaps.items():
        if quarters:
            st.warning(tr("alert.missing_tests", source=label("source", source, v.lang),
                          quarters=fmt.join((fmt.quarter(q, v.lang) for q in quarters), v.lang)), icon=":material/event_busy:")
    show(Chart("hair_coverage", "heatmap", x="quarter", y="township_code", z="hair_samples"),
         quality.coverage_by_township(f, scope), period=v.period)

with ui.section("dq.validation"):
    banner_wide()
    source = st.selectbox(tr("dq.pick_source"), [None, *quality.SOURCES], key="dq_source",
                          format_func=lambda s: i18n.t("dq.all_sources", v.lang) if s is None else label("source", s, v.lang))
    checks = quality.validation(source)
    checks["description"] = [quality.split_bilingual(d, v.lang) for d in checks["description"]]
    checks["column_name"] = [quality.columns_named(s, c, v.lang)
                             for s, c in zip(checks["source"], checks["column_name"])]
    table("validation", checks, period=v.period)
    rows = quality.quarantine(source)
    rows["reasons"] = [quality.split_bilingual(r, v.lang) for r in rows["reasons"]]
    rows["columns"] = [quality.columns_named(s, c, v.lang) for s, c in zip(rows["source"], rows["columns"])]
    table("quarantine", rows, period=v.period)
    st.caption(tr("dq.quarantine_note"))

with ui.section("dq.runs"):
    banner_wide()
    runs = quality.runs()
    runs["message"] = [quality.split_bilingual(m, v.lang) for m in runs["message"]]
    table("runs", runs, period=v.period, height=400)

ui.sources("quality")
