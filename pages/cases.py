"""案件打击 Cases: cases and seizures by quarter, type and drug; target cases; outflow suspects."""
import streamlit as st

from analysis import cases, fmt
from dashboard import ui
from dashboard.charts import Chart, show, table
from dashboard.text import tr

v = ui.page("cases")
f, scope = v.filters, v.scope

with ui.section("cases.headline"):
    t = cases.totals(f, scope)
    c = st.columns(6)
    ui.metric(c[0], tr("col.cases"), fmt.number(t.cases), fmt.change(t.cases, t.prev_cases))
    ui.metric(c[1], tr("col.criminal_cases"), fmt.number(t.criminal_cases),
              fmt.change(t.criminal_cases, t.prev_criminal_cases))
    ui.metric(c[2], tr("col.suspects"), fmt.number(t.suspects), fmt.change(t.suspects, t.prev_suspects))
    ui.metric(c[3], tr("col.target_cases"), fmt.number(t.target_cases),
              fmt.change(t.target_cases, t.prev_target_cases))
    ui.metric(c[4], tr("col.outflow_suspects"), fmt.number(t.outflow_suspects),
              fmt.change(t.outflow_suspects, t.prev_outflow_suspects), inverse=True)
    ui.metric(c[5], tr("col.minor_suspects"), fmt.number(t.minor_suspects),
              fmt.change(t.minor_suspects, t.prev_minor_suspects), inverse=True)

with ui.section("cases.by_quarter"):
    show(Chart("cases_by_quarter", "bar", x="quarter", y="cases", color="case_type", stacked=True),
         cases.by_quarter_type(f, scope), period=v.period)

left, right = st.columns(2)
with left, ui.section("cases.by_drug"):
    show(Chart("cases_by_drug", "hbar", x="drug", y="cases"), cases.by_drug(f, scope)[["drug", "cases"]],
         period=v.period)
with right, ui.section("cases.seizures"):
    table("seizures_by_drug", cases.by_drug(f, scope), period=v.period)
    st.caption(tr("cases.seizure_note"))

with ui.section("cases.by_year"):
    years = cases.by_year(f, scope)
    show(Chart("target_cases_by_year", "bar", x="year", y="target_cases"), years[["year", "target_cases"]],
         period=v.period)
    outflow = years.melt(id_vars="year", value_vars=["outflow_traffickers", "outflow_3y_avg"],
                         var_name="measure", value_name="persons")
    show(Chart("outflow_by_year", "line", x="year", y="persons", color="measure", note="cases.outflow_note"),
         outflow, period=v.period)

with ui.section("cases.by_township"):
    show(Chart("cases_by_township", "hbar", x="township_code", y="cases", drill="township_code"),
         cases.by_township(f, scope), period=v.period)

ui.sources("cases")
