"""督导 Supervision: the plan's 24 tasks × units with the latest progress, monthly reporting compliance, the
calendar of deadlines and inspections, failed checks beside what their units reported, and (for a unit's
account) the monthly report form. Questions in `analysis.supervision`."""
from datetime import date

import streamlit as st

from analysis import fmt, supervision
from analysis.labels import label, unit_name
from briefings import notice
from dashboard import login, report_form, ui
from dashboard.charts import table
from dashboard.text import tr

v = ui.page("supervision")
unit = supervision.bound_unit(v.user)
today = date.today()
if unit:
    st.caption(tr("sup.unit_note", unit=unit_name(unit, v.lang, in_sentence=True)))

with ui.section("sup.calendar"):
    table("sup_calendar", supervision.calendar_view(supervision.calendar(today), v.lang))

with ui.section("sup.compliance"):
    rows = ui.nonempty(supervision.compliance(unit))
    summary = supervision.month_summary(rows)
    if summary:
        cols = st.columns(3)
        for column, status in zip(cols, ("on_time", "late", "missing")):
            ui.metric(column, tr("sup.metric", status=tr(f"report_status.{status}"), period=summary["period"]),
                      fmt.number(summary.get(status, 0)))
    st.caption(tr("sup.compliance_note", as_of=fmt.day(rows["as_of"].max(), v.lang)))
    months = st.slider(tr("sup.months"), 3, 24, 6, key="sup_months")
    table("sup_compliance", supervision.compliance_grid(rows, v.lang, months))

with ui.section("sup.lagging"):
    months_judged = supervision.judged_months(supervision.compliance(unit))
    if not months_judged:
        raise ui.Empty
    month = st.selectbox(tr("sup.lagging_month"), months_judged, key="sup_lagging_month")
    table("sup_lagging", supervision.lagging(month, unit, v.lang), period=month)
    if not unit and st.button(tr("sup.notice_button"), key="sup_notice"):
        with st.spinner(tr("sup.notice_writing")):
            written = notice.publish(month, v.lang, today)
        login.record(v.user, "reminders", period=month, files=str(len(written)))
        st.session_state["sup_notices"] = written
    written = st.session_state.get("sup_notices")
    if written is not None:
        if written:
            st.success(tr("sup.notice_done", n=len(written) // len(notice.FORMATS), folder=written[0].parent))
        else:
            st.info(tr("sup.notice_none"))
        for f in written:
            st.download_button(tr("sup.download", file=f.name), f.read_bytes(), file_name=f.name, key=f"dl_{f.name}")

with ui.section("sup.matrix"):
    progress = ui.nonempty(supervision.progress(unit))
    if unit:
        table("sup_own_tasks", progress.drop(columns=["unit"]))
    else:
        table("sup_matrix", supervision.matrix(progress, v.lang))
        with st.expander(tr("sup.details")):
            table("sup_progress", progress)

with ui.section("sup.failed"):
    st.caption(tr("sup.failed_note", year=v.filters.year))
    table("sup_failed", supervision.failed_checks(v.filters.year, unit, v.lang))

if unit:
    with ui.section("sup.form"):
        tasks = supervision.tasks_of(unit, v.lang)
        with st.form("sup_report"):
            period = st.selectbox(tr("sup.form_period"), supervision.report_periods(today), key="sup_period")
            entries = []
            for task, name in tasks:
                st.markdown(f"**{name}**")
                c = st.columns(2)
                entries.append(report_form.TaskEntry(
                    task,
                    c[0].selectbox(tr("col.progress"), ["in_progress", "not_started", "done", "blocked"],
                                   key=f"sup_progress_{task}", format_func=lambda p: label("progress", p, v.lang)),
                    c[1].text_input(tr("col.done_text"), key=f"sup_done_{task}"),
                    c[0].text_input(tr("col.problems"), key=f"sup_problems_{task}"),
                    c[1].text_input(tr("col.next_steps"), key=f"sup_next_{task}"),
                    c[0].text_input(tr("col.evidence_refs"), key=f"sup_evidence_{task}"),
                ))
            sent = st.form_submit_button(tr("sup.form_submit"), type="primary")
        if sent:
            with st.spinner(tr("sup.form_loading")):
                path = report_form.write_report(unit, period, entries, today)
                done = report_form.load_report(path)
            login.record(v.user, "task_report", period=period, file=done.file_name, status=done.status)
            st.session_state["sup_receipt"] = done
            st.rerun()                        # the tables above this form show the rows just stored
        done = st.session_state.get("sup_receipt")
        if done is not None:
            shown = st.success if done.status == "loaded" else st.warning if done.status == "skipped" else st.error
            shown(tr(f"sup.receipt_{done.status}", file=done.file_name) + "\n\n" + done.message)
            table("sup_receipt", done.rows)
            if not done.quarantine.empty:
                table("sup_receipt_quarantine", done.quarantine)

ui.sources("supervision")
