"""态势总览 Overview: the six targets, the five never-events, four-up-four-down, headline numbers, alerts."""
import streamlit as st

from analysis import cases, fmt, hair, overview, registry, targets, wastewater
from dashboard import nav, ui
from dashboard.charts import table
from dashboard.text import tr

v = ui.page("overview")
f, scope, lang = v.filters, v.scope, v.lang
st.caption(tr("ov.year_note", year=f.year, period=f"{fmt.quarter(f.q_from, lang)} – {fmt.quarter(f.q_to, lang)}"))

with ui.section("ov.headline"):
    now, before = registry.headline(f, scope)
    t, h = cases.totals(f, scope), hair.totals(f, scope)
    meth = wastewater.by_substance(f, scope).set_index("substance")
    c = st.columns(6)
    if now is not None:
        prev = before if before is not None else {}
        ui.metric(c[0], tr("col.existing_users"), fmt.number(now["existing_users"]),
                  fmt.change(now["existing_users"], prev.get("existing_users")), inverse=True)
        ui.metric(c[1], tr("col.newly_found_year"), fmt.number(now["newly_found_year"]),
                  fmt.change(now["newly_found_year"], prev.get("newly_found_year")), inverse=True)
    ui.metric(c[2], tr("col.cases"), fmt.number(t.cases), fmt.change(t.cases, t.prev_cases))
    ui.metric(c[3], tr("col.suspects"), fmt.number(t.suspects), fmt.change(t.suspects, t.prev_suspects))
    ui.metric(c[4], tr("col.positivity_rate"), fmt.percent(h.positivity_rate),
              ui.points(h.positivity_rate, h.prev_positivity_rate), inverse=True, help=tr("units.rate_help"))
    if "methamphetamine" in meth.index:
        row = meth.loc["methamphetamine"]
        ui.metric(c[5], tr("ov.meth_load"), fmt.number(row.load_mg_day_per_1000, 2),
                  fmt.signed_percent(row.yoy_change_pct), inverse=True)
    if not fmt.missing(h.samples) and h.samples:
        st.caption(tr("ov.hair_line", samples=fmt.number(h.samples), persons=fmt.number(h.persons),
                      positive=fmt.number(h.positive_samples), positive_persons=fmt.number(h.positive_persons),
                      rate=fmt.percent(h.positivity_rate)))
        if not hair.persons_distinct(f):
            st.caption(tr("units.persons_per_quarter"))

with ui.section("ov.six_zero"):
    board = ui.nonempty(targets.six_zero(f.year, scope))
    checks = targets.six_zero_checks(f.year, scope)
    context = ui.CardContext(targets.supervision(f.year, scope), targets.staff_ratio(f.year, scope),
                             bool(nav.page("quality").roles & v.user.roles))
    if bool(board["provisional"].any()):
        st.caption(tr("ov.provisional", year=f.year) + " " + tr("rules.pending_note"))
    for row_start in range(0, len(board), 3):
        for column, target in zip(st.columns(3), board.iloc[row_start:row_start + 3].itertuples(index=False)):
            with column.container(border=True):
                ui.target_card(target, checks[checks["target"] == target.target], lang, context)

with ui.section("ov.five_never"):
    five = ui.nonempty(targets.five_never(f.year, scope))
    ui.five_never(five, lang)
    ui.flagged_tasks(targets.supervision(f.year, scope), "event",
                     dict(zip(five["event"], targets.describe(five, lang))), lang)
with ui.section("ov.four_up_four_down"):
    four = targets.four_up_four_down(f.year, scope)
    table("four_up_four_down", ui.four_up_four_down_view(four, lang), period=str(f.year))
    ui.flagged_tasks(targets.supervision(f.year, scope), "indicator",
                     dict(zip(four["indicator"], targets.describe(four, lang))), lang)

with ui.section("ov.alerts"):
    found, missing = overview.alerts(f, scope, lang)
    ui.alerts(found, missing)

ui.sources("overview")
