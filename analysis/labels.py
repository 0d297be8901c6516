"""Every label shown: i18n keys for text, domain labels for codes.

Functions take `lang` explicitly; the session's language (`lang()`, `tr()`) is the app's: `dashboard.text`.
"""
from __future__ import annotations

from collections.abc import Iterable

import domain
import i18n
from domain import supervision as plan

LANGS = i18n.LANGS


def parse_lang(value: object) -> str:
    return value if value in LANGS else i18n.DEFAULT_LANG


def has(key: str) -> bool:
    return key in i18n.catalogue()


# Which vocabulary a column's codes come from, for display.
CODE_KINDS = {
    "township_code": "township", "substance": "substance", "drug": "substance", "primary_drug": "substance",
    "subject_group": "subject_group", "case_type": "case_type", "control_status": "control_status",
    "risk_level": "risk_level", "sex": "sex", "category": "category", "indicator": "indicator",
    "source": "source", "status": "status", "target": "target", "event": "event",
    "expected_direction": "direction", "level": "level", "trend": "trend", "day_class": "day_class",
    "measure": "measure", "group": "mix", "result": "result", "kind": "kind", "seizure_unit": "unit",
    "measurement": "loq", "progress": "progress", "report_kind": "report_kind", "report_status": "report_status",
    "role": "unit_role", "check_reason": "result", "unit": "plan_unit", "task_title": "task_title",
}


def label(kind: str, code: object, lang: str) -> str:
    """Display label of a code: domain vocabularies first, then the app's catalogue (`<kind>.<code>`)."""
    if code is None or (isinstance(code, float) and code != code):
        return "—"
    text = str(code)
    try:
        found = domain.labels(kind).get(text)
    except KeyError:
        found = None
    if found is not None:
        return found.zh if lang == "zh" else found.en
    key = f"{kind}.{text}"
    return i18n.t(key, lang) if has(key) else text


def unit_name(unit: str, lang: str, in_sentence: bool = False) -> str:
    """A unit of the plan (stored by its Chinese name) as the reader names it; `in_sentence`: inside English
    running text, where a body takes "the" ("led by the Finance Bureau") and a township does not."""
    name = label("plan_unit", unit, lang)
    if not in_sentence or lang != "en" or name.startswith("the ") or unit in plan.township_units():
        return name
    return f"the {name}"


def unit_names(units: Iterable[str], lang: str, in_sentence: bool = False) -> list[str]:
    return [unit_name(unit, lang, in_sentence) for unit in units]


def task_label(task: str, lang: str) -> str:
    """A plan task as shown: its number and its title in `lang` ("4.1 深化排查,精准管控吸毒人员")."""
    return f"{task} {label('task', task, lang)}"
