"""The view a reader chose, as plain data: period range, townships and substances, and their URL form.

`?from=2024Q1&to=2024Q4&town=150823100,150823105&sub=methamphetamine&lang=en` opens the same view for
anyone the link is sent to (`parse`, `to_params`). The sidebar that keeps it in the URL is `dashboard.sidebar`.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

import pandas as pd

import domain
from analysis import db
from analysis.access import Scope


# --- quarters ------------------------------------------------------------------------------------------
def quarter_of(d: date) -> str:
    return f"{d.year}Q{(d.month - 1) // 3 + 1}"


def is_quarter(text: object) -> bool:
    return isinstance(text, str) and len(text) == 6 and text[:4].isdigit() and text[4] == "Q" and text[5] in "1234"


def quarter_index(q: str) -> int:
    return int(q[:4]) * 4 + int(q[5]) - 1


def quarter_from_index(i: int) -> str:
    return f"{i // 4}Q{i % 4 + 1}"


def quarters_between(first: str, last: str) -> list[str]:
    return [quarter_from_index(i) for i in range(quarter_index(first), quarter_index(last) + 1)]


def shift_years(q: str, years: int) -> str:
    return f"{int(q[:4]) + years}{q[4:]}"


def quarter_start(q: str) -> date:
    return date(int(q[:4]), 3 * int(q[5]) - 2, 1)


def quarter_end(q: str) -> date:
    nxt = quarter_from_index(quarter_index(q) + 1)
    return quarter_start(nxt) - timedelta(days=1)


@dataclass(frozen=True)
class Filters:
    q_from: str
    q_to: str
    towns: tuple[str, ...] = ()     # empty: every township (within the user's scope)
    subs: tuple[str, ...] = ()      # empty: every substance

    @property
    def quarters(self) -> list[str]:
        return quarters_between(self.q_from, self.q_to)

    @property
    def year(self) -> int:
        """The year the target boards report: the year the period ends in."""
        return int(self.q_to[:4])

    @property
    def date_from(self) -> date:
        return quarter_start(self.q_from)

    @property
    def date_to(self) -> date:
        return quarter_end(self.q_to)

    def previous_year(self) -> Filters:
        """The same period one year earlier (year-on-year comparisons)."""
        return replace(self, q_from=shift_years(self.q_from, -1), q_to=shift_years(self.q_to, -1))


# --- the period the warehouse covers ---------------------------------------------------------------
BOUNDS_SQL = """
select min(lo), max(hi) from (
    select min(sample_date) lo, max(sample_date) hi from fact_wastewater
    union all select min(collection_date), max(collection_date) from fact_hair
    union all select min(snapshot_date), max(snapshot_date) from fact_registry
    union all select min(filed_date), max(filed_date) from fact_cases
)
"""


def available_quarters() -> list[str]:
    """Every quarter from the first to the last dated fact; empty when the warehouse holds no facts."""
    row = db.query(BOUNDS_SQL).iloc[0]
    if pd.isna(row.iloc[0]):
        return []
    return quarters_between(quarter_of(pd.Timestamp(row.iloc[0]).date()), quarter_of(pd.Timestamp(row.iloc[1]).date()))


def default_filters(quarters: list[str]) -> Filters:
    """The latest year with data: its first quarter to the last quarter present."""
    last = quarters[-1]
    first = max(quarters[0], f"{last[:4]}Q1", key=quarter_index)
    return Filters(first, last)


# --- URL ---------------------------------------------------------------------------------------------
def _codes(raw: object, allowed: list[str]) -> tuple[str, ...]:
    items = raw if isinstance(raw, list) else str(raw or "").split(",")
    wanted = {i.strip() for i in items if i and i.strip()}
    return tuple(c for c in allowed if c in wanted)


def township_codes(scope: Scope) -> list[str]:
    codes = domain.codes("township")
    return codes if scope.whole_banner else [c for c in codes if c in scope.townships]


def substance_codes() -> list[str]:
    return domain.codes("substance")


def parse(params: dict, quarters: list[str], scope: Scope) -> Filters:
    """Filters from URL parameters; anything unknown or out of range falls back to the default."""
    base = default_filters(quarters)
    q_from = params.get("from") if params.get("from") in quarters else base.q_from
    q_to = params.get("to") if params.get("to") in quarters else base.q_to
    if quarter_index(q_from) > quarter_index(q_to):
        q_from, q_to = q_to, q_from
    return Filters(q_from, q_to, _codes(params.get("town"), township_codes(scope)),
                   _codes(params.get("sub"), substance_codes()))


def to_params(f: Filters, lang_: str) -> dict[str, str]:
    params = {"lang": lang_, "from": f.q_from, "to": f.q_to}
    if f.towns:
        params["town"] = ",".join(f.towns)
    if f.subs:
        params["sub"] = ",".join(f.subs)
    return params
