"""The one register of pages: file, title, icon, the roles allowed and the sources each page reads.

`app.py` builds `st.navigation` from this list only; when login arrives, a page is shown to a user when one
of the user's roles is in `roles`.
"""
from __future__ import annotations

from dataclasses import dataclass

EVERYONE = frozenset({"viewer", "analyst", "office", "data", "admin"})
SUPERVISION = frozenset({"office", "admin", "unit"})      # a unit's account sees its own tasks only
ANALYSTS = frozenset({"analyst", "office", "admin"})
DATA_TEAM = frozenset({"analyst", "office", "data", "admin"})
OFFICE = frozenset({"office", "admin"})
INTAKE = frozenset({"data", "admin"})
MONITORING = ("wastewater", "hair", "registry", "cases", "indicators")
SOURCES = (*MONITORING, "task_reports")        # every extract; task reports feed the supervision page only


@dataclass(frozen=True)
class PageSpec:
    key: str                      # url path, and the i18n key `page.<key>` of its title
    icon: str
    roles: frozenset[str]
    sources: tuple[str, ...]      # extracts the page's figures come from (shown as "sources")

    @property
    def file(self) -> str:
        return f"pages/{self.key}.py"

    @property
    def title_key(self) -> str:
        return f"page.{self.key}"


PAGES: tuple[PageSpec, ...] = (
    PageSpec("overview", ":material/dashboard:", EVERYONE, MONITORING),
    PageSpec("wastewater", ":material/water_drop:", EVERYONE, ("wastewater",)),
    PageSpec("hair", ":material/science:", ANALYSTS, ("hair",)),
    PageSpec("registry", ":material/groups:", ANALYSTS, ("registry",)),
    PageSpec("cases", ":material/gavel:", ANALYSTS, ("cases",)),
    PageSpec("townships", ":material/map:", EVERYONE, ("wastewater", "hair", "registry", "cases")),
    PageSpec("quality", ":material/fact_check:", DATA_TEAM, SOURCES),
    PageSpec("intake", ":material/upload_file:", INTAKE, SOURCES),
    PageSpec("briefings", ":material/description:", OFFICE, MONITORING),
    PageSpec("supervision", ":material/assignment_turned_in:", SUPERVISION, ("task_reports", "indicators")),
)


def page(key: str) -> PageSpec:
    return next(p for p in PAGES if p.key == key)


def visible(roles: frozenset[str]) -> list[PageSpec]:
    """The pages a user with `roles` may open, in menu order."""
    return [p for p in PAGES if p.roles & roles]
