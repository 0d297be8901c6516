"""苏木镇 Townships: a scorecard per township and a ranking; one township opens its own view."""
import streamlit as st

import i18n

from analysis import fmt, registry, townships
from dashboard import ui
from dashboard.charts import Chart, show, table
from dashboard.text import tr

v = ui.page("townships")
f, scope, lang = v.filters, v.scope, v.lang

ui.township_picker(f, scope)

with ui.section("town.scorecard"):
    card, day = townships.scorecard(f, scope)
    card = ui.nonempty(card)
    if day is not None:
        st.caption(tr("town.snapshot", day=fmt.day(day, lang), checks=int(card["checks_total"].max())))
    if len(f.towns) == 1:
        ui.township_metrics(card.iloc[0])
    else:
        by = st.selectbox(tr("town.rank_by"), list(townships.RANK_BY), key="town_rank_by",
                          format_func=lambda c: i18n.t(f"col.{c}", lang))
        show(Chart("town_ranking", "hbar", x="township_code", y=by, drill="township_code", height=520),
             townships.ranking(card, by), period=v.period)
    table("town_scorecard", card.drop(columns=["checks_total"]), period=v.period)
    st.caption(tr("town.checks_note"))

if len(f.towns) == 1:
    with ui.section("town.trends"):
        trend = registry.series(f, scope)
        counts = trend.melt(id_vars="snapshot_date", value_vars=["existing_users", "newly_found_quarter"],
                            var_name="measure", value_name="persons")
        show(Chart("town_counts", "line", x="snapshot_date", y="persons", color="measure"), counts, period=v.period)

with ui.section("town.warnings"):
    table("town_warnings", townships.warnings(f, scope, lang), period=v.period)

ui.sources("townships")
