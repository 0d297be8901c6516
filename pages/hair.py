"""毛发检测 Hair tests: positivity by quarter, subject group, township and substance."""
import streamlit as st

from analysis import fmt, hair
from dashboard import ui
from dashboard.charts import Chart, show, table
from dashboard.text import tr

v = ui.page("hair")
f, scope = v.filters, v.scope

with ui.section("hair.headline"):
    t = hair.totals(f, scope)
    if fmt.missing(t.tested) or not t.tested:
        raise ui.Empty
    c = st.columns(4)
    ui.metric(c[0], tr("col.tested"), fmt.number(t.tested), fmt.change(t.tested, t.prev_tested),
              help=tr("hair.tests_help"))
    ui.metric(c[1], tr("col.positive"), fmt.number(t.positive), fmt.change(t.positive, t.prev_positive), inverse=True)
    ui.metric(c[2], tr("col.positivity_rate"), fmt.percent(t.positivity_rate),
              ui.points(t.positivity_rate, t.prev_positivity_rate), inverse=True)
    ui.metric(c[3], tr("col.lab_disagreements"), fmt.number(t.lab_disagreements), help=tr("hair.disagree_help"))

with ui.section("hair.by_quarter"):
    show(Chart("hair_by_quarter", "line", x="quarter", y="positivity_rate", color="substance"),
         hair.by(f, scope, "quarter", "substance"), period=v.period)

left, right = st.columns(2)
with left, ui.section("hair.by_group"):
    show(Chart("hair_by_group", "hbar", x="subject_group", y="positivity_rate"),
         hair.by(f, scope, "subject_group"), period=v.period)
with right, ui.section("hair.by_township"):
    show(Chart("hair_by_township", "hbar", x="township_code", y="tested", drill="township_code"),
         hair.by(f, scope, "township_code"), period=v.period)

with ui.section("hair.table"):
    table("hair_group_substance", hair.by(f, scope, "subject_group", "substance"), period=v.period)

with ui.section("hair.outside"):
    table("hair_outside_registry", hair.outside_registry(f, scope), period=v.period)
    st.caption(tr("hair.outside_note"))

st.caption(tr("hair.method"))
ui.sources("hair")
