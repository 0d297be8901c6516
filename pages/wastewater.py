"""污水监测 Wastewater: normalised loads by substance and site, samples below LOQ, levels and trends."""
import streamlit as st

import config
from analysis import fmt
from analysis import wastewater as ww
from analysis.labels import label
from dashboard import ui
from dashboard.charts import Chart, show, table
from dashboard.text import tr

v = ui.page("wastewater")
f, scope = v.filters, v.scope

overview = None
with ui.section("ww.headline"):
    overview = ui.nonempty(ww.by_substance(f, scope))
    for column, row in zip(st.columns(4), overview.head(4).itertuples(index=False)):
        ui.metric(column, label("substance", row.substance, v.lang), fmt.number(row.load_mg_day_per_1000, 2),
                  fmt.signed_percent(row.yoy_change_pct), inverse=True,
                  help=tr("ww.metric_help", samples=fmt.number(row.samples)))
    st.caption(tr("ww.headline_unit"))

if overview is None:
    ui.sources("wastewater")
    st.stop()

with ui.section("ww.trend"):
    show(Chart("ww_by_quarter", "line", x="quarter", y="load_mg_day_per_1000", color="substance",
               note="ww.note_weighted"), ww.by_quarter(f, scope), period=v.period)

with ui.section("ww.by_site"):
    choices = overview["substance"].tolist()
    chosen = st.selectbox(tr("ww.pick_substance"), choices, format_func=lambda c: label("substance", c, v.lang),
                          key="ww_substance")
    sites = ww.by_site(f, scope, v.lang)
    show(Chart("ww_by_site", "line", x="quarter", y="load_mg_day_per_1000", color="site"),
         sites[sites["substance"] == chosen].drop(columns=["site_id", "site_name"]), period=v.period)
    show(Chart("ww_samples", "scatter", x="sample_date", y="load_mg_day_per_1000", color="site",
               symbol="measurement",
               shapes=(("measured", "circle"), ("below_loq", "x-open")), note="ww.note_below_loq"),
         ww.samples(f, scope, chosen, v.lang).drop(columns=["site_id", "site_name"]), period=v.period)

with ui.section("ww.levels"):
    table("ww_levels", ww.levels(f, scope, v.lang), period=v.period)
    st.caption(tr("ww.levels_note", quarter=fmt.quarter(f.q_to, v.lang)))

with ui.section("ww.table"):
    table("ww_by_substance", overview, period=v.period)

with st.expander(tr("ww.methods_title"), icon=":material/menu_book:"):
    st.markdown(tr("ww.methods", rule=tr(f"loq_rule.{config.get('below_loq_rule')}")))

ui.sources("wastewater")
