"""毛发检测 Hair tests: samples and persons (the headline), positivity by quarter, group and township; test
items (sample × substance, 检测项次) by substance."""
import streamlit as st

from analysis import fmt, hair
from dashboard import ui
from dashboard.charts import Chart, show, table
from dashboard.text import tr

v = ui.page("hair")
f, scope = v.filters, v.scope

with ui.section("hair.headline"):
    t = hair.totals(f, scope)
    if fmt.missing(t.samples) or not t.samples:
        raise ui.Empty
    c = st.columns(5)
    ui.metric(c[0], tr("col.samples"), fmt.number(t.samples), fmt.change(t.samples, t.prev_samples),
              help=tr("units.samples_help"))
    ui.metric(c[1], tr("col.persons"), fmt.number(t.persons), fmt.change(t.persons, t.prev_persons),
              help=tr("units.persons_help"))
    ui.metric(c[2], tr("col.positive_samples"), fmt.number(t.positive_samples),
              fmt.change(t.positive_samples, t.prev_positive_samples), inverse=True,
              help=tr("units.positive_persons", n=fmt.number(t.positive_persons)))
    ui.metric(c[3], tr("col.positivity_rate"), fmt.percent(t.positivity_rate),
              ui.points(t.positivity_rate, t.prev_positivity_rate), inverse=True, help=tr("units.rate_help"))
    ui.metric(c[4], tr("col.lab_disagreements"), fmt.number(t.lab_disagreements), help=tr("hair.disagree_help"))
    st.caption(tr("units.test_items", n=fmt.number(t.test_items)))
    if not hair.persons_distinct(f):
        st.caption(tr("units.persons_per_quarter"))
    if f.subs:
        st.caption(tr("units.substance_filter"))

with ui.section("hair.by_quarter"):
    show(Chart("hair_by_quarter", "line", x="quarter", y="positivity_rate", color="substance"),
         hair.items_by(f, scope, "quarter", "substance"), period=v.period)

left, right = st.columns(2)
with left, ui.section("hair.by_group"):
    show(Chart("hair_by_group", "hbar", x="subject_group", y="positivity_rate"),
         hair.by(f, scope, "subject_group"), period=v.period)
with right, ui.section("hair.by_township"):
    show(Chart("hair_by_township", "hbar", x="township_code", y="samples", drill="township_code"),
         hair.by(f, scope, "township_code"), period=v.period)

with ui.section("hair.table"):
    table("hair_group_substance", hair.items_by(f, scope, "subject_group", "substance"), period=v.period)

with ui.section("hair.outside"):
    table("hair_outside_registry", hair.outside_registry(f, scope), period=v.period)
    st.caption(tr("hair.outside_note"))

st.caption(tr("hair.method"))
ui.sources("hair")
