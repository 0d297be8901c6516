"""The frame every page shares: title, "data as of", sections that fail gently, metrics, sources."""
from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pandas as pd
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

import i18n

from analysis import db, filters, fmt, quality
from analysis.access import Scope, User
from analysis.filters import Filters
from analysis.labels import label
from analysis.present import present
from analysis.targets import OutOfScope, arrow, quarantined_rows, tasks_units
from dashboard import nav
from dashboard.charts import table
from dashboard.sidebar import GOTO_KEY, TOWNS_KEY
from dashboard.text import lang, tr

log = logging.getLogger(__name__)
VIEW_KEY = "_view"
MAIN_SCRIPT = "app.py"


class Empty(Exception):
    """The filters leave nothing to show in a section."""


@dataclass(frozen=True)
class View:
    """What the current run shows: the filters in force, the user's scope and the language."""

    filters: Filters
    scope: Scope
    user: User
    lang: str

    @property
    def period(self) -> str:
        return f"{self.filters.q_from}-{self.filters.q_to}"


def set_view(v: View) -> None:
    st.session_state[VIEW_KEY] = v


def page(key: str) -> View:
    """Start page `key`: its title, the warehouse version shown, the filters in force.

    Streamlit runs a page file on its own (the old `pages/` folder mode) until a run of `app.py` has called
    `st.navigation` in this process: a fresh server's first visitor opening a deep link (AppTest too, unless
    told otherwise: tests/app_helpers.py). Such a run goes through `app.py` first, which then opens this page
    with the same URL parameters.
    """
    if PagesManager.uses_pages_directory or VIEW_KEY not in st.session_state:
        st.session_state[GOTO_KEY] = key
        st.switch_page(MAIN_SCRIPT, query_params=st.query_params.to_dict())
    spec = nav.page(key)
    st.title(tr(spec.title_key))
    as_of()
    return st.session_state[VIEW_KEY]


def as_of() -> None:
    """The version on show, and a warning when an earlier version of the program computed its marts."""
    m = db.meta()
    st.caption(tr("frame.as_of", when=fmt.moment(m.published_at, lang()), version=m.version or "—"))
    if m.marts_outdated:
        st.warning(tr("state.marts_outdated"), icon=":material/update:")


def nonempty(frame: pd.DataFrame) -> pd.DataFrame:
    if frame.empty:
        raise Empty
    return frame


@contextmanager
def section(title_key: str | None = None) -> Iterator[None]:
    """A part of a page that shows a clear state instead of failing: not computed yet, empty, or broken."""
    if title_key:
        st.subheader(tr(title_key))
    try:
        yield
    except db.MartMissing as exc:
        st.info(tr("state.not_computed", relation=exc.relation), icon=":material/hourglass_empty:")
    except OutOfScope:
        st.info(tr("state.banner_only"), icon=":material/lock:")
    except Empty:
        st.info(tr("state.empty"), icon=":material/filter_alt_off:")
    except Exception:  # a reader never sees a traceback; the log keeps it
        log.exception("section %s failed", title_key)
        st.error(tr("state.failed"), icon=":material/error:")


def metric(column, label: str, value: str, delta: str | None = None, *, help: str | None = None,
           inverse: bool = False) -> None:
    """One headline number; `delta` is the year-on-year change ('同比' is added), `inverse` when a rise is bad.
    An unchanged figure gets neither arrow nor colour."""
    flat = bool(delta) and not any(ch in "123456789" for ch in delta.split()[0])
    column.metric(label, value, delta=tr("frame.yoy", change=delta) if delta else None,
                  delta_color="off" if flat else "inverse" if inverse else "normal",
                  delta_arrow="off" if flat else "auto", help=help, border=True)


def sources(key: str) -> None:
    """The extracts behind the page: files loaded, last load, newest data (every page ends with this)."""
    spec = nav.page(key)
    lang_ = lang()
    st.divider()
    try:
        fresh = quality.freshness()
    except db.MartMissing:
        return
    lines = []
    for row in fresh[fresh["source"].isin(spec.sources)].itertuples(index=False):
        lines.append(tr("frame.source_line", source=label("source", row.source, lang_), files=fmt.number(row.files),
                        loaded=fmt.moment(row.last_loaded_at, lang_), newest=fmt.day(row.newest_data, lang_)))
    st.caption(tr("frame.sources") + "  \n" + "  \n".join(lines or [tr("frame.no_sources")]))
    st.caption(tr("frame.footer"))


def points(current: float | None, previous: float | None) -> str | None:
    """Change of a rate in percentage points, for a metric's delta."""
    change = fmt.points(current, previous)
    return None if change is None else f"{change} {tr('unit.pp')}"


STATUS_LOOK = {"met": ("green", ":material/check_circle:"), "not_met": ("red", ":material/cancel:"),
               "no_data": ("gray", ":material/help:"), "pending": ("orange", ":material/schedule:")}


@dataclass(frozen=True)
class CardContext:
    """What a target card shows beside its checks: whom to supervise, the staff-ratio bases, and whether the
    reader may open the data-quality page."""

    supervision: pd.DataFrame      # targets.supervision() of the year
    staff: pd.Series | None        # targets.staff_ratio() of the year
    can_open_quality: bool


def target_card(target, checks: pd.DataFrame, lang_: str, context: CardContext) -> None:
    """One of the six targets: status, as of, quarantined rows that could change it, and, folded, the checks
    behind it with the plan's own words and the tasks (lead and responsible units) to supervise."""
    color, icon = STATUS_LOOK.get(target.status, ("gray", ":material/help:"))
    name = target.target_zh if lang_ == "zh" else target.target_en.split(":")[0]
    st.markdown(f"**{name}** :{color}-badge[{icon} {label('status', target.status, lang_)}]")
    st.caption(tr("rules.checks_count", passed=target.checks_passed, total=target.checks_total,
                  failed=target.checks_failed, no_data=target.checks_no_data, pending=target.checks_pending)
               + "  \n" + tr("rules.as_of", day=fmt.day(target.as_of, lang_)))
    if quarantine_warning(target.quarantined, lang_, "qc.heading"):
        if context.can_open_quality:
            st.button(tr("rules.to_quality"), key=f"quality_{target.target}", icon=":material/fact_check:",
                      on_click=_go_to, args=("quality",))
    with st.expander(tr("ov.checks")):
        view = checks.assign(description=checks[f"description_{lang_}"], evidence=checks[f"evidence_{lang_}"],
                             rule=[f"{o} {fmt.number(t, 1 if t % 1 else 0)}" for o, t in zip(checks["operator"], checks["threshold"])])
        st.dataframe(visible_checks(view, lang_), hide_index=True, key=f"checks_{target.target}")
        if target.target == "zero_loss_of_control" and context.staff is not None:
            st.caption(staff_bases(context.staff, lang_))
        _supervise(target, checks, context.supervision, lang_)


def staff_bases(staff: pd.Series, lang_: str) -> str:
    """Users per case worker on the three bases, and the one the setting judges on."""
    return tr("rules.staff_bases", existing=fmt.number(staff["existing"], 1),
              registered=fmt.number(staff["registered"], 1), community=fmt.number(staff["community"], 1),
              base=label("staff_ratio_base", staff["base"], lang_))


def _supervise(target, checks: pd.DataFrame, supervision: pd.DataFrame, lang_: str) -> None:
    """The tasks that own the checks behind a not-met (failed checks) or no-data (no-data checks) status."""
    reason = {"not_met": "fail", "no_data": "no_data"}.get(target.status)
    rows = supervision[(supervision["kind"] == "check") & (supervision["reason"] == reason)
                       & supervision["item"].isin(checks["check"])]
    if reason is None or rows.empty:
        return
    st.markdown(tr("rules.supervise_failed" if reason == "fail" else "rules.supervise_no_data"))
    for task, lead, responsible in tasks_units(rows, lang_):
        st.caption(tr("rules.supervise_task", task=task, lead=fmt.join(lead, lang_),
                      responsible=fmt.join(responsible, lang_)))


def _go_to(key: str) -> None:
    st.session_state[GOTO_KEY] = key


def visible_checks(view: pd.DataFrame, lang_: str) -> pd.DataFrame:
    return present(view[["description", "clause_text", "value", "rule", "result", "task", "evidence"]], lang_)


def four_up_four_down_view(frame: pd.DataFrame, lang_: str) -> pd.DataFrame:
    """四升四降 as read: indicator, last year, this year, the actual movement, the expected one, status."""
    def value(v: object, unit: str) -> str:
        return fmt.percent(v) if unit == "%" else fmt.number(v, 0 if pd.isna(v) or float(v) % 1 == 0 else 1)

    return pd.DataFrame({
        "indicator_name": frame[f"description_{lang_}"],
        "previous_value": [value(v, u) for v, u in zip(frame["previous_value"], frame["unit"])],
        "value": [value(v, u) for v, u in zip(frame["value"], frame["unit"])],
        "movement": [arrow(c) for c in frame["change"]],
        "expected_direction": frame["expected_direction"],
        "status": frame["status"],
        "as_of": [fmt.day(d, lang_) for d in frame["as_of"]],
        "clause_text": frame["clause_text"],
    })


def five_never(frame: pd.DataFrame, lang_: str) -> None:
    """五个坚决不能发生: each event's count in the year, whether it happened, and the plan's words; under it, the
    quarantined case rows that could be one of the events and the loaded cases a blank field leaves open."""
    view = pd.DataFrame({"event_name": frame[f"description_{lang_}"], "count": frame["count"],
                         "status": frame["status"], "as_of": [fmt.day(d, lang_) for d in frame["as_of"]],
                         "clause_text": frame["clause_text"]})
    table("five_never", view)
    for event in frame.itertuples():
        name = getattr(event, f"description_{lang_}")
        quarantine_warning(event.quarantined, lang_, "qc.event_heading", event=name)
        if len(event.undecided):
            st.warning(tr("rules.undecided_cases", event=name, n=len(event.undecided),
                          cases=fmt.join(event.undecided, lang_)), icon=":material/help:")


def quarantine_warning(quarantined, lang_: str, heading: str, **values: object) -> bool:
    """The quarantined case rows that could change a status (mart_six_zero.quarantined,
    mart_five_never.quarantined) as a warning under `heading`; whether there were any."""
    if quarantined is None or not len(quarantined):
        return False
    rows = quarantined_rows(list(quarantined), lang_)
    st.warning("\n".join([tr(heading, n=len(rows), **values), "", *(f"- {r}" for r in rows)]),
               icon=":material/report:")
    return True


def flagged_tasks(supervision: pd.DataFrame, kind: str, names: dict[str, str], lang_: str) -> None:
    """Under the five-never or 四升四降 table: each event that occurred (indicator not achieved) with the task
    that owns it and that task's lead and responsible units."""
    rows = supervision[supervision["kind"] == kind]
    if rows.empty:
        return
    st.markdown(tr("rules.flagged_tasks"))
    for item, group in rows.groupby("item", sort=False):
        for task, lead, responsible in tasks_units(group, lang_):
            st.caption(f"{names.get(item, item)} — " + tr("rules.supervise_task", task=task, lead=fmt.join(lead, lang_),
                                                             responsible=fmt.join(responsible, lang_)))


ALERT_LOOK = {"error": (st.error, ":material/report:"), "warning": (st.warning, ":material/warning:"),
              "info": (st.info, ":material/schedule:")}
ALERTS_SHOWN = 6


def alerts(found: list, missing: list[str]) -> None:
    """Alerts by severity; early warnings beyond the first few fold away; parts not computed are named."""
    if not found:
        st.success(tr("ov.no_alerts"), icon=":material/verified:")
    order = {"error": 0, "warning": 1, "info": 2}
    ranked = sorted(found, key=lambda a: order[a.level])
    for alert in ranked[:ALERTS_SHOWN]:
        show, icon = ALERT_LOOK[alert.level]
        show(alert.text, icon=icon)
    if len(ranked) > ALERTS_SHOWN:
        with st.expander(tr("ov.more_alerts", n=len(ranked) - ALERTS_SHOWN)):
            for alert in ranked[ALERTS_SHOWN:]:
                st.markdown(f"- {alert.text}")
    for relation in missing:
        st.caption(tr("state.not_computed", relation=relation))


PICK_KEY = "town_pick"


def township_picker(f: Filters, scope: Scope) -> None:
    """'Open a township': the same as choosing it in the sidebar (or clicking it in a chart)."""
    lang_ = lang()
    st.session_state[PICK_KEY] = f.towns[0] if len(f.towns) == 1 else None
    st.selectbox(tr("town.pick"), [None, *filters.township_codes(scope)], key=PICK_KEY,
                 format_func=lambda c: i18n.t("town.all", lang_) if c is None else label("township", c, lang_),
                 placeholder=tr("town.all"), on_change=_picked)


def _picked() -> None:
    code = st.session_state.get(PICK_KEY)
    st.session_state[TOWNS_KEY] = [code] if code else []


def township_metrics(row: pd.Series) -> None:
    """The headline figures of one township's scorecard."""
    c = st.columns(6)
    metric(c[0], tr("col.existing_users"), fmt.number(row["existing_users"]))
    metric(c[1], tr("col.existing_per_10k"), fmt.number(row["existing_per_10k"], 1))
    metric(c[2], tr("col.newly_found_year"), fmt.number(row["newly_found_year"]))
    metric(c[3], tr("col.cases"), fmt.number(row["cases"]))
    metric(c[4], tr("col.positivity_rate"), fmt.percent(row["positivity_rate"]))
    metric(c[5], tr("col.checks_passed"), f"{int(row['checks_passed'])}/{int(row['checks_total'])}",
           help=tr("town.checks_no_data", n=int(row["checks_no_data"])) if row["checks_no_data"] else None)
