"""The plan itself (`plan.txt`: 乌政发〔2023〕252号, as published), cut into the clauses the rules cite.

`domain/*.csv` quote the plan (`clause`, `clause_text`): the words must be the plan's own, from the clause
named, so that a rule on screen can be read against its source. A clause is named as the CSV files name it:
a section ("三"), or an item of a part of section 四 ("四(二)4": part (二), item 4).
"""
from __future__ import annotations

import re
from functools import cache

from domain import HERE

NUMERALS = "一二三四五六七八九十"
SECTION = re.compile(rf"^([{NUMERALS}])、")
PART = re.compile(rf"^\(([{NUMERALS}])\)")
ITEM = re.compile(r"^(\d+)\.")


@cache
def clauses() -> dict[str, str]:
    """Clause name → its text (whitespace removed, as the plan's lines are wrapped with indents)."""
    found: dict[str, list[str]] = {}
    section = part = item = ""
    for line in (HERE / "plan.txt").read_text(encoding="utf-8").splitlines():
        text = re.sub(r"\s+", "", line)
        if m := SECTION.match(text):
            section, part, item = m.group(1), "", ""
        elif (m := PART.match(text)) and section:
            part, item = m.group(1), ""
        elif (m := ITEM.match(text)) and part:
            item = m.group(1)
        name = f"{section}({part}){item}" if part and item else f"{section}({part})" if part else section
        if section:
            found.setdefault(name, []).append(text)
    return {name: "".join(lines) for name, lines in found.items()}


def quotes(clause: str, words: str) -> bool:
    """Whether `words` are the plan's own, inside `clause` (whitespace ignored)."""
    return re.sub(r"\s+", "", words) in clauses().get(clause, "")
