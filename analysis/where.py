"""The WHERE clause every query shares: period, townships (within the user's scope) and substances."""
from __future__ import annotations

from analysis.access import Scope
from analysis.filters import Filters


class Where:
    """`Where(f, scope, date_column="sample_date", substance_column="substance")` → `.sql`, `.params`.

    The period applies to `date_column` (a DATE) or else to `quarter_column` (text like 2024Q3); townships
    to `town_column` when given; substances to `substance_column` when given. `period=False` leaves the
    period out (series that show history up to the period's end use `until`).
    """

    def __init__(self, f: Filters, scope: Scope, *, date_column: str | None = None,
                 quarter_column: str | None = None, town_column: str | None = "township_code",
                 substance_column: str | None = None, period: bool = True) -> None:
        clauses: list[str] = ["true"]
        params: list[object] = []
        if period and date_column:
            clauses.append(f"{date_column} between ? and ?")
            params += [f.date_from, f.date_to]
        elif period and quarter_column:
            clauses.append(f"{quarter_column} between ? and ?")
            params += [f.q_from, f.q_to]
        towns = scope.townships_for(f.towns)
        if town_column and towns:
            clauses.append(f"{town_column} in (select unnest(?::varchar[]))")
            params.append(list(towns))
        if substance_column and f.subs:
            clauses.append(f"{substance_column} in (select unnest(?::varchar[]))")
            params.append(list(f.subs))
        self.sql = " and ".join(clauses)
        self.params = params
