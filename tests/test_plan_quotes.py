"""The rules quote the plan (`domain/plan.txt`) truly: each `clause_text` of targets.csv, five_never.csv and
four_up_four_down.csv is the plan's own words inside the clause it names; a check's threshold is the number
those words give; a check citing item n of part (k) of section 四 is owned by the plan's task k.n, whose title
opens that item."""
from __future__ import annotations

import re

import pytest

import domain
from domain import plan

RULE_FILES = {"targets.csv": "check", "five_never.csv": "event", "four_up_four_down.csv": "indicator"}
RULES = [(f, r[key], r) for f, key in RULE_FILES.items() for r in domain.read_csv(f)]
CHECKS = domain.read_csv("targets.csv")
OWNER = {r["code"]: r["task"] for r in domain.read_csv("check_tasks.csv") if r["kind"] == "check"}
TASK_CLAUSE = re.compile(r"^四\((.)\)(\d)$")


@pytest.mark.parametrize("source, name, rule", RULES, ids=[f"{f}:{n}" for f, n, _ in RULES])
def test_the_words_quoted_are_the_plans_inside_the_clause_named(source, name, rule):
    assert plan.quotes(rule["clause"], rule["clause_text"]), (rule["clause"], rule["clause_text"])


def test_the_plan_is_cut_into_the_clauses_the_rules_cite():
    """Every part of section 四 has its four items, and an item holds its own words only."""
    names = plan.clauses()
    assert [n for n in names if TASK_CLAUSE.match(n)] == [f"四({p}){i}" for p in "一二三四五六" for i in "1234"]
    assert plan.quotes("四(二)4", "禁毒志愿者数量达到常驻人口的0.2%")
    assert not plan.quotes("四(一)4", "禁毒志愿者数量达到常驻人口的0.2%")
    assert plan.quotes("三", "坚决不能发生影响较为恶劣的吸毒人员肇事肇祸案事件")


def number(value: str) -> str:
    """A threshold as the plan writes it: 0.2, 20, 95 (−10 as 10: "下降10%以上")."""
    return f"{abs(float(value)):g}"


@pytest.mark.parametrize("row", [r for r in CHECKS if float(r["threshold"]) != 0 and not r["input"].startswith("coverage:")],
                         ids=lambda r: r["check"])
def test_a_checks_threshold_is_the_number_its_words_give(row):
    """Counts that must be 0 ("零发生") and the quarterly coverage ("每季度") are words, not numbers."""
    assert re.search(rf"(?<![\d.]){re.escape(number(row['threshold']))}(?![\d.])", row["clause_text"]), row


@pytest.mark.parametrize("row", [r for r in CHECKS if TASK_CLAUSE.match(r["clause"])], ids=lambda r: r["check"])
def test_a_check_citing_a_task_of_the_plan_is_owned_by_that_task(row):
    part, item = TASK_CLAUSE.match(row["clause"]).groups()
    task = f"{'一二三四五六'.index(part) + 1}.{item}"
    assert OWNER[row["check"]] == task
    title = next(t["title"] for t in domain.read_csv("plan-tasks.csv") if t["task"] == task)
    assert plan.clauses()[row["clause"]].startswith(f"{item}.{title}")
