"""Who answers for which of the plan's 24 tasks, and when reports are due (督导台账, issue 13).

Units are the names of `plan-tasks.csv` normalised through `units.csv` (旗禁毒委 = 旗禁毒委员会; also the
abbreviations extracts write, 政府办 = 旗政府办公室). The plan also
names collective units (`unit_groups.csv`): "旗禁毒委员会各成员单位" makes every unit the plan names a
responsible unit of that task, and "各苏木镇"/"苏木"/"街道办事处" make every township one. A collective is
never a reporter itself. The units expected to report every month (plan §七(五) "各部门要于每月25日前…")
are the named units; townships may report on their tasks but are not counted as missing.

Names are stored in Chinese everywhere (reports, accounts, marts); English readers see the task's `title_en`
(`plan-tasks.csv`) and the unit's `name_en` (`unit_names.csv`, townships from `townships.csv`) through `labels`.
"""
from __future__ import annotations

import re
from datetime import date
from functools import cache

import config
from domain import HERE, Label, read_csv, spellings, townships

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
QUARTER = re.compile(r"^(\d{4})Q([1-4])$")


@cache
def aliases() -> dict[str, str]:
    return {r["alias"]: r["unit"] for r in read_csv("units.csv")}


@cache
def groups() -> dict[str, str]:
    """Collective unit name → what it stands for (`committee_members` or `townships`)."""
    return {r["group"]: r["members"] for r in read_csv("unit_groups.csv")}


def _split(cell: str) -> list[str]:
    return [aliases().get(u.strip(), u.strip()) for u in cell.split(";") if u.strip()]


@cache
def tasks() -> list[dict[str, str]]:
    return read_csv("plan-tasks.csv")


@cache
def plan_units() -> tuple[str, ...]:
    """Every named (non-collective) unit of the plan, in order of first mention: the monthly reporters."""
    seen: dict[str, None] = {}
    for row in tasks():
        for unit in _split(row["lead_units"]) + _split(row["responsible_units"]):
            if unit not in groups():
                seen[unit] = None
    return tuple(seen)


def township_units() -> tuple[str, ...]:
    return tuple(t["name_zh"] for t in townships())


@cache
def task_roles() -> dict[str, dict[str, str]]:
    """task → {unit: 'lead' | 'responsible'}, collectives expanded (a lead role wins over responsible)."""
    expand = {"committee_members": plan_units(), "townships": township_units()}
    out: dict[str, dict[str, str]] = {}
    for row in tasks():
        roles: dict[str, str] = {}
        for role in ("responsible", "lead"):
            for unit in _split(row[f"{role}_units"]):
                for member in expand.get(groups().get(unit, ""), (unit,)):
                    if role == "lead" or member not in roles:
                        roles[member] = role
        out[row["task"]] = roles
    return out


def units_of(task: str) -> set[str]:
    return set(task_roles().get(task, {}))


def tasks_of(unit: str) -> list[str]:
    """The tasks `unit` leads or answers for, in plan order."""
    return [task for task, roles in task_roles().items() if unit in roles]


def named_tasks(unit: str) -> list[str]:
    """The tasks that name `unit` itself (not through a collective), in plan order."""
    return [row["task"] for row in tasks() if unit in _split(row["lead_units"]) + _split(row["responsible_units"])]


@cache
def unit_spellings() -> tuple[tuple[str, str], ...]:
    """Every accepted spelling of a reporting unit as written, with its normalised Chinese name (townships by
    code too), in order (a later spelling that folds alike wins)."""
    name_zh = {t["code"]: t["name_zh"] for t in townships()}
    return (*((u, u) for u in plan_units()), *aliases().items(),
            *((name, name_zh[code]) for name, code in spellings("township")))


@cache
def unit_names_en() -> dict[str, str]:
    """Chinese name → English name of every unit the plan names (collectives and aliases too) and of every
    township (a township reports as a unit)."""
    names = {r["unit"]: r["name_en"] for r in read_csv("unit_names.csv")}
    names |= {alias: names[unit] for alias, unit in aliases().items() if unit in names}
    return names | {t["name_zh"]: t["name_en"] for t in townships()}


def labels(kind: str) -> dict[str, Label]:
    """Display labels of the plan's names: `plan_unit` (a unit's Chinese name → its English name), `task`
    (a task number → its title) and `task_title` (a Chinese title → its English title); cached by
    `domain.labels`."""
    if kind == "plan_unit":
        return {zh: Label(zh, zh, en) for zh, en in unit_names_en().items()}
    key = "task" if kind == "task" else "title"
    return {row[key]: Label(row[key], row["title"], row["title_en"]) for row in tasks()}


@cache
def task_spellings() -> tuple[tuple[str, str], ...]:
    return tuple((row["task"], row["task"]) for row in tasks())


@cache
def calendar_spec() -> dict:
    return config.read_yaml(HERE / "supervision_calendar.yaml")


def deadline_day() -> int:
    return int(calendar_spec()["deadline_day"])


def period_start(period: str) -> date | None:
    """First day of a report period (`2024-03` or `2024Q1`), None when it is neither."""
    if m := MONTH.match(period):
        return date(int(m[1]), int(m[2]), 1) if 1 <= int(m[2]) <= 12 else None
    if m := QUARTER.match(period):
        return date(int(m[1]), int(m[2]) * 3 - 2, 1)
    return None


def due_date(period: str) -> date | None:
    """The report's deadline: the deadline day of the month, or of the quarter's last month."""
    start = period_start(period)
    if start is None:
        return None
    month = start.month + 2 if QUARTER.match(period) else start.month
    return date(start.year, month, deadline_day())


def due_date_sql(period: str) -> str:
    """SQL twin of `due_date` over a normalised period column."""
    day = deadline_day()
    month = (f"case when {period} like '%Q%' then right({period}, 1)::integer * 3 "
             f"else substr({period}, 6, 2)::integer end")
    return f"make_date(left({period}, 4)::integer, {month}, {day})"


def period_start_sql(period: str) -> str:
    month = (f"case when {period} like '%Q%' then right({period}, 1)::integer * 3 - 2 "
             f"else substr({period}, 6, 2)::integer end")
    return f"make_date(left({period}, 4)::integer, {month}, 1)"


def events(year: int) -> list[dict]:
    """The inspection and acceptance dates of `year`, with their bilingual names."""
    return [{"date": date(year, e["month"], e["day"]), "zh": e["zh"], "en": e["en"]}
            for e in calendar_spec()["inspections"]]
