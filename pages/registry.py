"""人员管控 Registry: existing users against the listing line, status, risk, rates, trends, age and sex mix.
Aggregates only: no person appears on this page."""
import streamlit as st

from analysis import fmt, registry
from analysis.labels import label
from dashboard import ui
from dashboard.charts import Chart, show, table
from dashboard.text import tr

v = ui.page("registry")
f, scope, lang = v.filters, v.scope, v.lang

now = None
with ui.section("reg.headline"):
    now, before = registry.headline(f, scope)
    if now is None:
        raise ui.Empty
    prev = before if before is not None else {}
    st.caption(tr("reg.snapshot", day=fmt.day(now["snapshot_date"], lang)))
    c = st.columns(4)
    ui.metric(c[0], tr("col.existing_users"), fmt.number(now["existing_users"]),
              fmt.change(now["existing_users"], prev.get("existing_users")), inverse=True)
    ui.metric(c[1], tr("col.newly_found_year"), fmt.number(now["newly_found_year"]),
              fmt.change(now["newly_found_year"], prev.get("newly_found_year")), inverse=True)
    ui.metric(c[2], tr("col.abstinent_3y"), fmt.number(now["abstinent_3y"]),
              fmt.change(now["abstinent_3y"], prev.get("abstinent_3y")))
    ui.metric(c[3], tr("col.out_of_control"), fmt.number(now["out_of_control"]), inverse=True)
    c = st.columns(4)
    for column, rate in zip(c[:3], ("face_check_rate", "info_verified_rate", "community_execution_rate")):
        ui.metric(column, tr(f"col.{rate}"), fmt.percent(now[rate]), ui.points(now[rate], prev.get(rate)))
    ui.metric(c[3], tr("col.users_per_case_worker"), fmt.number(now["users_per_case_worker"], 1),
              help=tr("reg.staff_help_base", base=label("staff_ratio_base", registry.staff_ratio_base(), lang)))

if now is None:
    ui.sources("registry")
    st.stop()

with ui.section("reg.by_township"):
    towns = registry.by_township(f, scope, now["snapshot_date"])
    show(Chart("reg_by_township", "hbar", x="township_code", y="existing_users", hline=float(towns["listing_threshold"].max()),
               hline_label="reg.listing_line", drill="township_code", height=480),
         towns[["township_code", "existing_users"]], period=v.period)

left, right = st.columns(2)
with left, ui.section("reg.status_mix"):
    show(Chart("reg_status", "hbar", x="group", y="persons", ordered=True), registry.mix(now, registry.STATUSES), period=v.period)
    show(Chart("reg_risk", "hbar", x="group", y="persons", ordered=True), registry.mix(now, registry.RISKS), period=v.period)
with right, ui.section("reg.people_mix"):
    show(Chart("reg_age", "hbar", x="group", y="persons", ordered=True), registry.mix(now, registry.AGES), period=v.period)
    show(Chart("reg_sex", "hbar", x="group", y="persons", ordered=True), registry.mix(now, registry.SEXES), period=v.period)

with ui.section("reg.trends"):
    trend = registry.series(f, scope)
    counts = trend.melt(id_vars="snapshot_date", value_vars=["existing_users", "abstinent_3y", "newly_found_quarter"],
                        var_name="measure", value_name="persons")
    show(Chart("reg_counts", "line", x="snapshot_date", y="persons", color="measure"), counts, period=v.period)
    rates = trend.melt(id_vars="snapshot_date", value_vars=["face_check_rate", "info_verified_rate",
                                                            "community_execution_rate"],
                       var_name="measure", value_name="rate")
    show(Chart("reg_rates", "line", x="snapshot_date", y="rate", color="measure", hline=100.0,
               hline_label="reg.target_line"), rates, period=v.period)

with ui.section("reg.table"):
    table("reg_townships", towns.drop(columns=["listing_threshold"]), period=v.period)

st.caption(tr("reg.method"))
ui.sources("registry")
