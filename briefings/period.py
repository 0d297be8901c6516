"""The period a briefing covers: a quarter (2024Q3), a half-year (2024H1) or a year (2024)."""
from __future__ import annotations

import re
from dataclasses import dataclass

import i18n
from analysis.filters import Filters, quarter_end, shift_years

PATTERN = re.compile(r"^(\d{4})(?:(Q[1-4])|(H[12]))?$")
ZH_NUMERALS = "一二三四"


class PeriodError(ValueError):
    """The period is not written as 2024Q3, 2024H1 or 2024."""


@dataclass(frozen=True)
class Period:
    code: str
    first: str      # first quarter, 2024Q1
    last: str       # last quarter, 2024Q3

    @property
    def year(self) -> int:
        return int(self.code[:4])

    @property
    def kind(self) -> str:
        return "quarter" if "Q" in self.code else "half" if "H" in self.code else "year"

    @property
    def filters(self) -> Filters:
        return Filters(self.first, self.last)

    @property
    def previous_year(self) -> "Period":
        return Period(str(self.year - 1) + self.code[4:], shift_years(self.first, -1), shift_years(self.last, -1))

    @property
    def end(self):
        return quarter_end(self.last)

    def text(self, lang: str) -> str:
        """2024年第三季度 / 2024年上半年 / 2024年 (zh); 2024 Q3 / 2024 H1 / 2024 (en)."""
        if self.kind == "quarter":
            n = int(self.code[5])
            return i18n.t("brief.period_quarter", lang, year=self.year, n=n, zh_n=ZH_NUMERALS[n - 1])
        if self.kind == "half":
            return i18n.t(f"brief.period_h{self.code[5]}", lang, year=self.year)
        return i18n.t("brief.period_year", lang, year=self.year)


def parse(code: str) -> Period:
    match = PATTERN.match(code.strip().upper())
    if not match:
        raise PeriodError(i18n.both("brief.bad_period", period=code))
    year, quarter, half = match.groups()
    if quarter:
        first = last = year + quarter
    elif half:
        first, last = (f"{year}Q1", f"{year}Q2") if half == "H1" else (f"{year}Q3", f"{year}Q4")
    else:
        first, last = f"{year}Q1", f"{year}Q4"
    return Period(year + (quarter or half or ""), first, last)


def choices(quarters: list[str]) -> list[str]:
    """Periods with data, newest first: each quarter, each half-year and each year that has any of them."""
    found: set[str] = set()
    for q in quarters:
        year, n = q[:4], int(q[5])
        found |= {q, f"{year}H{1 if n <= 2 else 2}", year}
    return sorted(found, key=lambda c: (parse(c).last, -len(c)), reverse=True)
