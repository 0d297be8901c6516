"""督导 Supervision of the plan's 24 tasks: who reported what, who is late, what fails and who answers for it.

The office (and admin) sees every unit; an account with the role `unit` is bound to one member unit and sees
only its own tasks and months. What a unit writes in the app's form is filed by `dashboard.report_form`.
"""
from __future__ import annotations

from datetime import date

import pandas as pd

import i18n
from analysis import db, fmt
from analysis.access import User
from analysis.labels import label, task_label, unit_names
from domain import supervision as plan

SUPERVISORS = frozenset({"office", "admin"})


def bound_unit(user: User) -> str | None:
    """The unit a user is limited to: a `unit` account's own unit, unless it also supervises (office, admin)."""
    if user.roles & SUPERVISORS or user.unit is None:
        return None
    return user.unit


def _unit_filter(unit: str | None) -> tuple[str, list]:
    return ("where unit = ?", [unit]) if unit else ("", [])


def progress(unit: str | None) -> pd.DataFrame:
    """Every task × unit pair with the unit's latest report on it (mart_task_progress)."""
    where, params = _unit_filter(unit)
    return db.query(f"""
        select task, task_title, unit, role, progress, period, reported_date, done_text, problems, next_steps,
               reports, late_reports
        from mart_task_progress {where}""", params)


def matrix(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Tasks down, units across, each cell the unit's latest progress ("—" never reported, blank: not its
    task). Units in the plan's order; tasks and units named in `lang`."""
    if rows.empty:
        return pd.DataFrame()
    cells = rows.assign(shown=[label("progress", p, lang) for p in rows["progress"]])
    wide = cells.pivot(index="task", columns="unit", values="shown").fillna("")
    order = [u for u in plan.plan_units() if u in wide.columns] + sorted(set(wide.columns) - set(plan.plan_units()))
    tasks = sorted(wide.index, key=lambda task: tuple(int(p) for p in task.split(".")))
    wide = wide.loc[tasks, order].rename(index=lambda task: task_label(task, lang),
                                         columns=dict(zip(order, unit_names(order, lang))))
    wide = wide.reset_index()
    wide.columns.name = None
    return wide


def compliance(unit: str | None) -> pd.DataFrame:
    """Unit × month reporting status (mart_task_compliance), latest months first."""
    where, params = _unit_filter(unit)
    return db.query(f"""
        select unit, period, due_date, reported_date, status as report_status, tasks_reported, as_of
        from mart_task_compliance {where} order by period desc, unit""", params)


def compliance_grid(rows: pd.DataFrame, lang: str, months: int) -> pd.DataFrame:
    """Units down, the latest `months` months across, each cell on time / late / missing / not due."""
    if rows.empty:
        return pd.DataFrame()
    shown = sorted(rows["period"].unique())[-months:]
    cells = rows[rows["period"].isin(shown)].assign(
        shown=lambda r: [label("report_status", s, lang) for s in r["report_status"]])
    wide = cells.pivot(index="unit", columns="period", values="shown")
    order = [u for u in plan.plan_units() if u in wide.index]
    wide = wide.loc[order].reset_index()
    wide.columns.name = None
    return wide


def judged_months(rows: pd.DataFrame) -> list[str]:
    """Months of `rows` (compliance) whose deadline has passed, latest first."""
    return sorted(rows.loc[rows["report_status"] != "not_due", "period"].unique(), reverse=True)


def month_summary(rows: pd.DataFrame) -> dict[str, int]:
    """Counts of each status in the latest month that has passed its deadline."""
    months = judged_months(rows)
    if not months:
        return {}
    latest = rows[rows["period"] == months[0]]
    return {"period": months[0], **latest["report_status"].value_counts().to_dict()}


def calendar(today: date, count: int = 6) -> pd.DataFrame:
    """The next deadlines and inspections from `today`: monthly reports, quarterly summaries, the
    mid-July and mid-November inspections and the December acceptance (domain/supervision_calendar.yaml)."""
    rows = []
    for year in (today.year, today.year + 1):
        for month in range(1, 13):
            period = f"{year}-{month:02d}"
            rows.append({"date": plan.due_date(period), "event": "monthly", "period": period})
            if month % 3 == 0:
                quarter = f"{year}Q{month // 3}"
                rows.append({"date": plan.due_date(quarter), "event": "quarterly", "period": quarter})
        rows += [{"date": e["date"], "event": "inspection", "period": f"{e['zh']}|{e['en']}"}
                 for e in plan.events(year)]
    frame = pd.DataFrame(rows)
    return frame[frame["date"] >= today].sort_values("date", kind="stable").head(count).reset_index(drop=True)


def calendar_view(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    def what(event: str, period: str) -> str:
        if event == "inspection":
            return period.split("|")[0 if lang == "zh" else 1]
        return i18n.t(f"sup.due_{event}", lang, period=period)
    return pd.DataFrame({"due_date": pd.to_datetime(frame["date"]),
                         "calendar_event": [what(e, p) for e, p in zip(frame["event"], frame["period"])]})


def failed_checks(year: int, unit: str | None, lang: str) -> pd.DataFrame:
    """Each failed (or no-data) check of the six targets in `year`, with its task and units
    (mart_accountability) beside what each unit last reported on that task (mart_task_progress)."""
    where, params = ("and a.unit = ?", [unit]) if unit else ("", [])
    name = "c.description_zh" if lang == "zh" else "c.description_en"
    return db.query(f"""
        select coalesce({name}, a.item) as check_name, a.reason as check_reason, a.task, a.task_title, a.role,
               a.unit, p.progress, p.period, p.reported_date, p.problems
        from mart_accountability a
        left join mart_six_zero_checks c on c.year = a.year and c."check" = a.item
        left join mart_task_progress p on p.task = a.task and p.unit = a.unit
        where a.year = ? and a.kind = 'check' {where}
        order by c.check_order, a.role, a.unit_order""", [year, *params])


def lagging(period: str, unit: str | None, lang: str) -> pd.DataFrame:
    """Whom to press (督办) for month `period`: units whose monthly report is late or missing, or with a task
    blocked in their latest report; with the last month they reported, the months missed so far this year,
    their blocked tasks (listed as `lang` writes a list) and the failed checks of the year they answer for."""
    where, params = ("and m.unit = ?", [unit]) if unit else ("", [])
    return db.query(f"""
        with history as (
            select unit, max(period) filter (where status in ('on_time', 'late')) as last_reported,
                   count(*) filter (where status = 'missing' and left(period, 4) = left(?, 4)) as months_missing
            from mart_task_compliance where period <= ? group by unit
        ),
        blocked as (
            select unit, string_agg(task, ? order by task) as blocked_tasks
            from mart_task_progress where progress = 'blocked' group by unit
        ),
        owned as (
            select unit, count(distinct item) as failed_checks
            from mart_accountability where kind = 'check' and year = left(?, 4)::integer group by unit
        )
        select m.unit, m.status as report_status, h.last_reported, h.months_missing, b.blocked_tasks,
               coalesce(o.failed_checks, 0) as failed_checks_owned
        from mart_task_compliance m
        join history h using (unit)
        left join blocked b using (unit)
        left join owned o using (unit)
        where m.period = ? and (m.status in ('late', 'missing') or b.blocked_tasks is not null) {where}
        order by m.status = 'missing' desc, h.months_missing desc, m.unit""",
                    [period, period, fmt.separator(lang), period, period, *params])


def lagging_between(first: str, last: str) -> list[str]:
    """Units whose monthly report came late or not at all in any month from `first` to `last` (2024-07 …
    2024-09), most such months first: those the briefing's 五、下一步工作 names for supervision."""
    rows = db.query("""
        select unit from mart_task_compliance
        where period between ? and ? and status in ('late', 'missing')
        group by unit order by count(*) desc, min(period), unit""", [first, last])
    return list(rows["unit"])


# --- the in-app report: what a unit may report ------------------------------------------------------------
def tasks_of(unit: str, lang: str) -> list[tuple[str, str]]:
    """(task, task with its title in `lang`) of the tasks `unit` leads or answers for, in plan order."""
    return [(task, task_label(task, lang)) for task in plan.tasks_of(unit)]


def report_periods(today: date, back: int = 3) -> list[str]:
    """The months a unit may report for in the form: this month and the `back` − 1 before it."""
    months, year, month = [], today.year, today.month
    for _ in range(back):
        months.append(f"{year}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months
