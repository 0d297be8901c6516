"""督办通知: for a chosen month, one notice per unit whose monthly report came late or not at all, or whose
latest report on a task says it is blocked — what was due and by when, since when it is missing, and which
failed checks of the six targets it answers for. Laid out as a briefing (the same `Briefing` model and
renderers: 版头, 主送, body, 版记) and archived under `$DATA_DIR/briefings/notices/<month>_<version>/`.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

import i18n
from analysis import db, fmt, supervision
from analysis.labels import unit_name
from briefings.archive import default_dir, renderer, seal, staged
from briefings.model import Briefing, Masthead, Section
from domain import supervision as plan

FORMATS = ("docx", "pdf")


def _t(key: str, lang: str, **values: object) -> str:
    return i18n.t(f"notice.{key}", lang, **values)


def month_text(period: str, lang: str) -> str:
    """2025-05 → 2025年5月 / 2025-05."""
    return f"{period[:4]}年{int(period[5:])}月" if lang == "zh" else period


def _due_text(row: pd.Series, period: str, lang: str) -> str:
    due = fmt.day(plan.due_date(period), lang)
    period = month_text(period, lang)
    if row["report_status"] == "late":
        return _t("late", lang, period=period, due=due)
    if row["report_status"] == "missing":
        last = row["last_reported"] if isinstance(row["last_reported"], str) else None
        since = _t("last_reported", lang, last=last) if last else _t("never_reported", lang)
        return _t("missing", lang, period=period, due=due, since=since, n=int(row["months_missing"]))
    return _t("on_time", lang, period=period)


def _checks(unit: str, year: int, lang: str) -> list[str]:
    rows = supervision.failed_checks(year, unit, lang)
    return [_t("check_line", lang, n=i, check=r.check_name, task=r.task,
               result=i18n.t(f"result.{r.check_reason}", lang))
            for i, r in enumerate(rows.drop_duplicates(["check_name", "task"]).itertuples(index=False), start=1)]


def build(row: pd.Series, period: str, number: int, lang: str, issued: date) -> Briefing:
    """The notice to the unit of `row` (a row of `supervision.lagging`), addressed by its name in `lang`."""
    unit, year, month = row["unit"], int(period[:4]), month_text(period, lang)
    body = [_due_text(row, period, lang)]
    if isinstance(row["blocked_tasks"], str):
        body.append(_t("blocked", lang, tasks=row["blocked_tasks"]))
    checks = _checks(unit, year, lang) or [_t("no_checks", lang)]
    day = fmt.day(issued, lang)
    sections = [Section(_t("h_due", lang), paragraphs=body),
                Section(_t("h_checks", lang, year=year), paragraphs=checks),
                Section(_t("h_asks", lang), paragraphs=[_t("asks", lang, day=plan.deadline_day())])]
    version = db.meta().version
    masthead = Masthead.of_office(lang, number=_t("number", lang, year=year, n=number),
                                  recipients=unit_name(unit, lang), lead=_t("lead", lang, period=month), day=day)
    title = _t("title", lang, unit=unit_name(unit, lang, in_sentence=True), period=month)
    return Briefing(
        title=title, issuer=masthead.printer, date_text=day,
        period=period, audience="internal", lang=lang, marking=i18n.t("brief.marking", lang), sections=sections,
        annex=[], footnotes=[_t("as_of", lang, version=version or fmt.DASH)], version=version or "",
        masthead=masthead)


def publish(period: str, lang: str, issued: date, out: Path | None = None,
            formats: tuple[str, ...] = FORMATS) -> list[Path]:
    """Every notice of `period` in `formats`, written into a new archive folder; the files, in unit order."""
    with db.pinned():
        rows = supervision.lagging(period, None, lang)
        version = db.meta().version or "unknown"
        notices = [build(row, period, i, lang, issued) for i, (_, row) in enumerate(rows.iterrows(), start=1)]
    with staged((out or default_dir()) / "notices") as building:
        for i, (notice, unit) in enumerate(zip(notices, rows["unit"]), start=1):
            stem = f"{_t('file', lang)}_{period}_{i:02d}_{unit_name(unit, lang)}"
            for f in formats:
                renderer(f)(notice, building / f"{stem}.{f}")
        folder = seal(building, f"{period}_{lang}_{version}")   # the same month and version again: the newer wins
    return sorted(folder.iterdir())
