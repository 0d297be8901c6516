"""The overview's headline numbers (with year-on-year change) and alerts, gathered from every mart.

Alerts: townships over the listing line, wastewater trends rising, quarters without tests, stale extracts and
the early warnings of the period. Each part that cannot be computed yet is left out with a note, never an
error.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import i18n
from analysis import db, fmt, quality, registry, townships, wastewater
from analysis.access import Scope
from analysis.filters import Filters
from analysis.labels import label


@dataclass(frozen=True)
class Alert:
    kind: str                             # listing | rising | missing_tests | stale | warning
    level: Literal["error", "warning", "info"]
    text: str


def alerts(f: Filters, scope: Scope, lang: str) -> tuple[list[Alert], list[str]]:
    """(alerts, relations not yet computed) for the view."""
    found: list[Alert] = []
    missing: list[str] = []
    for part in (_listing, _rising, _missing_tests, _stale, _warnings):
        try:
            found += part(f, scope, lang)
        except db.MartMissing as exc:
            missing.append(exc.relation)
    return found, missing


def _t(key: str, lang: str, **kw: object) -> str:
    return i18n.t(key, lang, **kw)


def _listing(f: Filters, scope: Scope, lang: str) -> list[Alert]:
    s0, _ = registry.snapshots(f)
    if s0 is None:
        return []
    return [Alert("listing", "error", _t("alert.listing_banner", lang, users=fmt.number(r.existing_users),
                                         day=fmt.day(s0, lang)) if r.area_level == "banner" else
                  _t("alert.listing", lang, township=label("township", r.township_code, lang),
                     users=fmt.number(r.existing_users), line=fmt.number(r.listing_threshold), day=fmt.day(s0, lang)))
            for r in registry.over_listing_line(f, scope, s0).itertuples(index=False)]


def _rising(f: Filters, scope: Scope, lang: str) -> list[Alert]:
    rows = wastewater.rising(f, scope)
    return [Alert("rising", "warning", _t("alert.rising", lang, area=label("township", r.township_code, lang),
                                          substance=label("substance", r.substance, lang),
                                          change=fmt.percent(r.trend_change_pct_per_year, 0),
                                          quarter=fmt.quarter(f.q_to, lang)))
            for r in rows.itertuples(index=False)]


def _missing_tests(f: Filters, scope: Scope, lang: str) -> list[Alert]:
    return [Alert("missing_tests", "warning",
                  _t("alert.missing_tests", lang, source=label("source", source, lang),
                     quarters=fmt.join((fmt.quarter(q, lang) for q in quarters), lang)))
            for source, quarters in quality.missing_in_year(f, scope).items() if quarters]


def _stale(f: Filters, scope: Scope, lang: str) -> list[Alert]:
    fresh = quality.freshness()
    return [Alert("stale", "info", _t("alert.stale", lang, source=label("source", r.source, lang),
                                      newest=fmt.day(r.newest_data, lang), days=fmt.number(r.days_old)))
            for r in fresh[fresh["stale"]].itertuples(index=False)]


def _warnings(f: Filters, scope: Scope, lang: str) -> list[Alert]:
    rows = townships.warnings(f, scope, lang)
    return [Alert("warning", "warning", _t("alert.warning", lang, quarter=fmt.quarter(r.quarter, lang),
                                           township=label("township", r.township_code, lang), evidence=r.evidence))
            for r in rows.itertuples(index=False)]
