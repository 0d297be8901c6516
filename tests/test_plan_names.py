"""English names of the plan's tasks and units: every task of `domain/plan-tasks.csv` has its `title_en` and
every unit it names (aliases normalised, collectives too) its name in `domain/unit_names.csv` (townships in
`townships.csv`), in English; Chinese readers see the stored Chinese names unchanged."""
from __future__ import annotations

import re

import pytest

import domain
from analysis.labels import task_label, unit_name, unit_names
from domain import supervision as plan

CHINESE = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
TASKS = domain.read_csv("plan-tasks.csv")


def named_units() -> list[str]:
    """Every unit `plan-tasks.csv` names, lead or responsible, normalised through `units.csv`, in plan order."""
    alias = {r["alias"]: r["unit"] for r in domain.read_csv("units.csv")}
    cells = [row[role] for row in TASKS for role in ("lead_units", "responsible_units")]
    return list(dict.fromkeys(alias.get(u.strip(), u.strip()) for cell in cells for u in cell.split(";") if u.strip()))


@pytest.mark.parametrize("row", TASKS, ids=lambda r: r["task"])
def test_every_task_has_an_english_title(row):
    assert row["title_en"].strip() and not CHINESE.search(row["title_en"])
    assert task_label(row["task"], "en") == f"{row['task']} {row['title_en']}"
    assert task_label(row["task"], "zh") == f"{row['task']} {row['title']}"


@pytest.mark.parametrize("unit", named_units())
def test_every_unit_the_plan_names_has_an_english_name(unit):
    english = unit_name(unit, "en")
    assert english.strip() and not CHINESE.search(english), english
    assert unit_name(unit, "zh") == unit_name(unit, "zh", in_sentence=True) == unit


def test_the_names_file_holds_exactly_the_units_the_plan_names():
    assert sorted(r["unit"] for r in domain.read_csv("unit_names.csv")) == sorted(named_units())


def test_an_alias_and_a_township_read_in_english_too():
    assert unit_name("旗禁毒委", "en") == unit_name("旗禁毒委员会", "en") == "Banner Narcotics Control Commission"
    assert unit_name("旗禁毒委", "zh") == "旗禁毒委"
    town = domain.townships()[0]
    assert unit_name(town["name_zh"], "en") == town["name_en"]


def test_units_are_told_apart_in_english():
    """The matrix has a column per unit: two units must never share an English name."""
    units = [*plan.plan_units(), *plan.township_units()]
    assert len(set(unit_names(units, "en"))) == len(units)


def test_inside_a_sentence_a_body_takes_the_article_and_a_township_does_not():
    assert unit_name("财政局", "en") == "Finance Bureau"
    assert unit_name("财政局", "en", in_sentence=True) == "the Finance Bureau"
    assert unit_name("各苏木镇", "en", in_sentence=True) == "the sumus and towns"
    town = domain.townships()[0]
    assert unit_name(town["name_zh"], "en", in_sentence=True) == town["name_en"]
