"""The plan's targets for one year: 六个零目标 (with the checks behind each), 五个坚决不能发生, 四升四降.

Banner-level figures: they are shown only to users whose scope is the whole banner.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

import i18n
from analysis import db
from analysis.access import Scope
from analysis.labels import label, task_label, unit_names
from domain.sources import sources


class OutOfScope(Exception):
    """Banner-level figures asked for by a user bound to a township."""


def _banner_only(scope: Scope) -> None:
    if not scope.whole_banner:
        raise OutOfScope


def six_zero(year: int, scope: Scope) -> pd.DataFrame:
    """One row per target: status, counts of checks, as of, the quarantined rows that could change it, and for a
    target not met (or without data) the tasks that own its flagged checks and their lead units."""
    _banner_only(scope)
    return db.query("""
        select target, target_zh, target_en, status, checks_total, checks_passed, checks_failed, checks_no_data,
               checks_pending, plan_tasks, lead_units, provisional, as_of, quarantined
        from mart_six_zero where year = ?""", [year])


def six_zero_checks(year: int, scope: Scope) -> pd.DataFrame:
    """Every check of every target: value, rule, result and evidence."""
    _banner_only(scope)
    return db.query("""
        select target, "check", description_zh, description_en, value, operator, threshold, result, evidence_zh,
               evidence_en,
               clause, clause_text, task, as_of
        from mart_six_zero_checks where year = ? order by check_order""", [year])


def supervision(year: int, scope: Scope) -> pd.DataFrame:
    """Whom to supervise for the year: each flagged check, event or indicator with its own task and that task's
    units, one row per unit (mart_accountability)."""
    _banner_only(scope)
    return db.query("""
        select kind, item, reason, task, role, unit
        from mart_accountability where year = ? order by kind, item, role, unit_order""", [year])


def tasks_units(rows: pd.DataFrame, lang: str) -> list[tuple[str, list[str], list[str]]]:
    """(task with its title, lead units, responsible units) for each task in `rows` of `supervision()`, named in
    `lang`."""
    return [(task_label(task, lang), _units(group, "lead", lang), _units(group, "responsible", lang))
            for task, group in rows.groupby("task", sort=True)]


def _units(rows: pd.DataFrame, role: str, lang: str) -> list[str]:
    return unit_names(dict.fromkeys(rows.loc[rows["role"] == role, "unit"]), lang)


def quarantined_rows(rows: Sequence[Mapping], lang: str) -> list[str]:
    """Each quarantined case row of mart_six_zero.quarantined as a reader sees it: file, row, case id, the
    columns at fault and what the row says (codes as labels), e.g. "案件文件 cases_2024.csv 第17行：
    立案日期无法识别，目标案件级别=部级"; a row whose filing year cannot be read says that it is listed on every year."""
    columns = {c.name: c for c in sources()["cases"].columns}

    def name(column: str) -> str:
        return columns[column].zh if lang == "zh" and column in columns else column

    def value(column: str, text: str) -> str:
        vocab = columns[column].vocab if column in columns else None
        return label(vocab, text, lang) if vocab else text

    lines = []
    for row in rows:
        what = [i18n.t("qc.faulty", lang, column=name(c)) for c in row["faulty"]]
        what += [i18n.t("qc.says", lang, column=name(s["column"]), value=value(s["column"], s["value"]))
                 for s in row["says"] if s["column"] not in row["faulty"]]
        if not row["year_known"]:
            what.append(i18n.t("qc.year_unknown", lang))
        ref = i18n.t("qc.ref", lang, ref=row["record_ref"]) if row["record_ref"] else ""
        lines.append(i18n.t("qc.row", lang, file=row["file_name"], row=row["row_number"], ref=ref,
                            what=i18n.t("qc.separator", lang).join(what)))
    return lines


def staff_ratio(year: int, scope: Scope) -> pd.Series | None:
    """Users per case worker on all three bases at the year's last snapshot (banner), and the base judged on."""
    _banner_only(scope)
    frame = db.query("""
        select users_per_case_worker_existing as existing, users_per_case_worker_registered as registered,
               users_per_case_worker_community as community,
               (select value from ref_settings where setting = 'staff_ratio_base') as base
        from mart_registry_township
        where township_code = '150823' and year = ?
        order by snapshot_date desc limit 1""", [year])
    return None if frame.empty else frame.iloc[0]


def five_never(year: int, scope: Scope) -> pd.DataFrame:
    _banner_only(scope)
    return db.query("""
        select event, description_zh, description_en, clause_text, count, status, has_data, as_of, quarantined,
               undecided
        from mart_five_never where year = ? order by event""", [year])


def four_up_four_down(year: int, scope: Scope) -> pd.DataFrame:
    _banner_only(scope)
    return db.query("""
        select indicator, description_zh, description_en, clause_text, previous_value, value, change,
               expected_direction, achieved, status, as_of, unit
        from mart_four_up_four_down where year = ?
        order by case expected_direction when 'up' then 0 else 1 end, indicator""", [year])


def arrow(change: float | None) -> str:
    """↑ / ↓ / → for the actual movement against the previous year ('—' when unknown)."""
    if change is None or pd.isna(change):
        return "—"
    return "↑" if change > 0 else "↓" if change < 0 else "→"


def describe(frame: pd.DataFrame, lang: str) -> pd.Series:
    """The row's own description in the reader's language (the marts carry both)."""
    return frame[f"description_{lang}"]
