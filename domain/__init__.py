"""Reference facts the system computes with, kept as data files beside this module.

The office corrects a population estimate, adds a street name for a drug or changes a target threshold by
editing a CSV/YAML file here; nothing else needs to change. `domain.md` in the spec says where each fact
comes from.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import config

HERE = Path(__file__).resolve().parent
BANNER_CODE = "150823"
LEGACY_BANNER_CODE = "152823"  # before 2003 (巴彦淖尔盟); identity numbers are never re-coded
BANNER_NAME_ZH = "乌拉特前旗"
BANNER_NAME_EN = "Urad Front Banner"
PLAN_KINDS = frozenset({"plan_unit", "task", "task_title"})    # labels of the plan's units and tasks


def read_csv(name: str) -> list[dict[str, str]]:
    """Rows of a reference CSV in this folder."""
    with open(HERE / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@dataclass(frozen=True)
class Label:
    code: str
    zh: str
    en: str


@cache
def townships() -> list[dict[str, str]]:
    return read_csv("townships.csv")


@cache
def substances() -> list[dict[str, str]]:
    return read_csv("substances.csv")


@cache
def enums() -> dict[str, dict[str, dict]]:
    return config.read_yaml(HERE / "enums.yaml")


def _fold(text: str) -> str:
    """Case- and width-insensitive key for matching labels (全角 brackets, spaces)."""
    return text.strip().lower().replace("（", "(").replace("）", ")").replace(" ", "")


@cache
def spellings(kind: str) -> tuple[tuple[str, str], ...]:
    """Every accepted spelling of `kind` (an enum name, 'substance', 'township', 'plan_unit' or 'task') as the
    domain's files write it, with its code, in file order (a later spelling that folds alike wins)."""
    if kind in {"plan_unit", "task"}:
        from domain import supervision
        return supervision.unit_spellings() if kind == "plan_unit" else supervision.task_spellings()
    if kind in {"substance", "township"}:
        return tuple((name, row["code"]) for row in (substances() if kind == "substance" else townships())
                     for name in [row["code"], row["name_zh"], row["name_en"], *row["aliases"].split("|")] if name)
    return tuple((name, code) for code, spec in enums()[kind].items() for name in [code, spec["en"], *spec["labels"]])


@cache
def vocabulary(kind: str) -> dict[str, str]:
    """Every accepted spelling of `kind`, folded (`_fold`) → its code."""
    return {_fold(name): code for name, code in spellings(kind)}


def canonical(kind: str, value: str) -> str | None:
    """The code for `value` in vocabulary `kind`, or None when it is not a known spelling."""
    return vocabulary(kind).get(_fold(value))


def codes(kind: str) -> list[str]:
    """The codes of a vocabulary, in file order."""
    if kind == "substance":
        return [s["code"] for s in substances()]
    if kind == "township":
        return [t["code"] for t in townships()]
    return list(enums()[kind])


@cache
def labels(kind: str) -> dict[str, Label]:
    """Display labels (Chinese first label, English) of a vocabulary's codes; the plan's units and tasks
    (`plan_unit`, `task`, `task_title`) come from `domain.supervision`."""
    if kind in PLAN_KINDS:
        from domain import supervision
        return supervision.labels(kind)
    if kind == "substance":
        return {s["code"]: Label(s["code"], s["name_zh"], s["name_en"]) for s in substances()}
    if kind == "township":
        rows = {t["code"]: Label(t["code"], t["name_zh"], t["name_en"]) for t in townships()}
        rows[BANNER_CODE] = Label(BANNER_CODE, BANNER_NAME_ZH, BANNER_NAME_EN)
        return rows
    return {c: Label(c, s["labels"][0], s["en"]) for c, s in enums()[kind].items()}
