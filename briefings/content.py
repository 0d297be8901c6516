"""What a briefing says for a period, from the live warehouse: the usual five parts of a county briefing
(一、总体毒情 … 五、下一步工作, domain.md §7), charts and annexed tables.

The figures come from the same query functions the dashboard uses (`analysis.registry`, `.cases`, ...), so
a briefing and the app never disagree. A public briefing hides small counts below banner level
(`briefings.suppress`) and leaves out township-level early warnings.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

import config
import domain
import i18n
from analysis import cases, db, fmt, hair, overview, registry, targets, townships, wastewater
from analysis.access import WHOLE_BANNER
from analysis.filters import Filters, quarter_from_index, quarter_index
from analysis.labels import label
from briefings import charts, fonts, suppress
from briefings.model import Briefing, Chart, Section, Table
from briefings.period import Period

PUBLIC_ALERTS = {"listing", "rising"}       # alert kinds a public briefing may name
INTERNAL_ALERTS = {"listing", "rising", "missing_tests", "warning"}
NOTE_KEYS = ("features", "problems", "next_steps")   # parts the office may add its own items to


@dataclass(frozen=True)
class Ctx:
    period: Period
    public: bool
    lang: str
    workdir: Path
    notes: dict[str, list[str]] = field(default_factory=dict)   # the office's own items, by NOTE_KEYS

    @property
    def f(self) -> Filters:
        return self.period.filters

    def t(self, key: str, **values: object) -> str:
        return i18n.t(f"brief.{key}", self.lang, **values)

    def yoy(self, current: object, previous: object) -> str:
        change = fmt.change(current, previous)
        return self.t("yoy", change=change) if change else ""


def notes_from(data: object) -> dict[str, list[str]]:
    """The office's notes from a mapping (a YAML file, the page's text boxes): each part's items as a list,
    a text taken one item a line. ValueError (in both languages) for anything else."""
    if data is None:
        return {}
    if not isinstance(data, dict) or set(data) - set(NOTE_KEYS):
        raise ValueError(i18n.both("brief.bad_notes", keys=", ".join(NOTE_KEYS)))
    notes = {}
    for key, value in data.items():
        items = value.splitlines() if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise ValueError(i18n.both("brief.bad_notes", keys=", ".join(NOTE_KEYS)))
        notes[key] = [i.strip() for i in items if i.strip()]
    return notes


def has_data(period: Period) -> bool:
    """Whether any source has figures in the period (else there is nothing to brief on)."""
    f = period.filters
    for relation in ("mart_cases_quarter", "mart_hair_positivity", "mart_wastewater_quarterly"):
        if relation in db.relations() and not db.query(
                f"select 1 from {relation} where quarter between ? and ? limit 1", [f.q_from, f.q_to]).empty:
            return True
    return "mart_registry_township" in db.relations() and registry.snapshots(f)[0] is not None


def headline_table(period: Period, lang: str) -> pd.DataFrame:
    """The period's headline figures beside the same period a year earlier (the app's preview)."""
    f = period.filters
    now, before = registry.headline(f, WHOLE_BANNER)
    newly = "newly_found_quarter" if period.kind == "quarter" else "newly_found_year"
    c, h = cases.totals(f, WHOLE_BANNER), hair.totals(f, WHOLE_BANNER)
    rows = [("m_existing_users", _pick(now, "existing_users"), _pick(before, "existing_users")),
            ("m_newly_found", _pick(now, newly), _pick(before, newly)),
            ("m_cases", c["cases"], c["prev_cases"]), ("m_suspects", c["suspects"], c["prev_suspects"]),
            ("m_hair_samples", h["samples"], h["prev_samples"]),
            ("m_hair_persons", h["persons"], h["prev_persons"]),
            ("m_positivity", h["positivity_rate"], h["prev_positivity_rate"])]
    frame = pd.DataFrame(rows, columns=["measure", "this_period", "same_period_last_year"])
    frame["measure"] = [i18n.t(f"brief.{m}", lang) for m in frame["measure"]]
    for column in ("this_period", "same_period_last_year"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    base = frame["same_period_last_year"].where(frame["same_period_last_year"] != 0)
    frame["change_pct"] = (frame["this_period"] - base) / base * 100
    return frame


def _pick(row: pd.Series | None, column: str) -> object:
    """A figure of a registry snapshot, or None when the period has no snapshot."""
    return None if row is None else row[column]


def build(period: Period, audience: str, lang: str, issued: date, workdir: Path,
          notes: dict[str, list[str]] | None = None) -> Briefing:
    """The briefing for `period` from the live warehouse; chart pictures are written into `workdir`.

    `notes` are the office's own items for 二、主要特点, 四、存在问题 and 五、下一步工作 (keys NOTE_KEYS),
    numbered after what the figures say, so the commentary reaches the DOCX, PDF and HTML alike.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    with db.pinned():
        return _build(Ctx(period, audience == "public", lang, workdir, dict(notes or {})), issued)


def _build(ctx: Ctx, issued: date) -> Briefing:
    period, lang = ctx.period, ctx.lang
    meta = db.meta()
    parts = [("overall", _overall), ("features", _features), ("townships", _townships),
             ("problems", _problems), ("next_steps", _next_steps)]
    sections = [_guarded(ctx, f"{n}、{ctx.t('h_' + key)}" if lang == "zh" else f"{i}. {ctx.t('h_' + key)}", build_)
                for i, (n, (key, build_)) in enumerate(zip("一二三四五", parts), start=1)]
    return Briefing(
        title=ctx.t("title", period=period.text(lang)), issuer=ctx.t("issuer"), date_text=fmt.day(issued, lang),
        period=period.code, audience="public" if ctx.public else "internal", lang=lang,
        marking=None if ctx.public else ctx.t("marking"),
        sections=sections, annex=_annex(ctx), footnotes=_footnotes(ctx, meta), version=meta.version or "",
    )


def _guarded(ctx: Ctx, heading: str, build_: Callable[[Ctx, str], Section]) -> Section:
    """A part whose mart is not in this warehouse version says so instead of failing the briefing."""
    try:
        return build_(ctx, heading)
    except db.MartMissing as exc:
        return Section(heading, paragraphs=[ctx.t("not_computed", relation=exc.relation)])


def _sub(ctx: Ctx, n: int, key: str, **kwargs) -> Section:
    numeral = "（" + "一二三四五六"[n] + "）" if ctx.lang == "zh" else f"({'abcdef'[n]}) "
    return Section(numeral + ctx.t("s_" + key), **kwargs)


# --- 一、总体毒情 ---------------------------------------------------------------------------------------
def _overall(ctx: Ctx, heading: str) -> Section:
    return Section(heading, subsections=[
        _sub(ctx, 0, "registry", paragraphs=[_registry_text(ctx)]),
        _sub(ctx, 1, "cases", paragraphs=[_cases_text(ctx)], charts=_cases_chart(ctx)),
        _sub(ctx, 2, "hair", paragraphs=[_hair_text(ctx)]),
        _sub(ctx, 3, "wastewater", paragraphs=[_wastewater_text(ctx)], charts=_wastewater_chart(ctx)),
    ])


def _registry_text(ctx: Ctx) -> str:
    now, before = registry.headline(ctx.f, WHOLE_BANNER)
    if now is None:
        return ctx.t("registry_none")
    quarter = ctx.period.kind == "quarter"
    return ctx.t("registry", day=fmt.day(now["snapshot_date"], ctx.lang), registered=fmt.number(now["registered"]),
                 existing=fmt.number(now["existing_users"]),
                 existing_yoy=ctx.yoy(now["existing_users"], None if before is None else before["existing_users"]),
                 abstinent=fmt.number(now["abstinent_3y"]),
                 newly_when=ctx.t("in_quarter" if quarter else "in_year"),
                 newly=fmt.number(now["newly_found_quarter" if quarter else "newly_found_year"]),
                 execution=fmt.percent(now["community_execution_rate"]), face=fmt.percent(now["face_check_rate"]))


def _cases_text(ctx: Ctx) -> str:
    c = cases.totals(ctx.f, WHOLE_BANNER)
    return ctx.t("cases", cases=fmt.number(c["cases"]), cases_yoy=ctx.yoy(c["cases"], c["prev_cases"]),
                 criminal=fmt.number(c["criminal_cases"]), suspects=fmt.number(c["suspects"]),
                 suspects_yoy=ctx.yoy(c["suspects"], c["prev_suspects"]), minors=fmt.number(c["minor_suspects"]))


def _hair_text(ctx: Ctx) -> str:
    h = hair.totals(ctx.f, WHOLE_BANNER)
    if _none(h["samples"]):
        return ctx.t("hair_none")
    return ctx.t("hair_units", samples=fmt.number(h["samples"]), persons=fmt.number(h["persons"]),
                 positive=fmt.number(h["positive_samples"]), positive_persons=fmt.number(h["positive_persons"]),
                 rate=fmt.percent(h["positivity_rate"]), previous=fmt.percent(h["prev_positivity_rate"]))


def _none(count: object) -> bool:
    """No count at all, or zero (a total over an empty period is NA)."""
    return fmt.missing(count) or count == 0


def _readable(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[~frame["substance"].isin(wastewater.not_read_here())]


def _wastewater_text(ctx: Ctx) -> str:
    subs = _readable(wastewater.by_substance(ctx.f, WHOLE_BANNER))
    if subs.empty:
        return ctx.t("wastewater_none")
    top = subs.dropna(subset=["load_mg_day_per_1000"]).head(3)
    loads = [ctx.t("load", substance=label("substance", r.substance, ctx.lang),
                   load=fmt.number(r.load_mg_day_per_1000, 2),
                   load_yoy=ctx.t("yoy", change=fmt.signed_percent(r.yoy_change_pct))
                   if not fmt.missing(r.yoy_change_pct) else "")
             for r in top.itertuples(index=False)]
    # every sample is tested for every substance: the most samples of any substance is the sample count
    return ctx.t("wastewater", samples=fmt.number(subs["samples"].max()), loads=ctx.t("list_sep").join(loads))


def _chart_window(ctx: Ctx) -> Filters:
    back = int(config.get("briefing_chart_quarters"))
    return Filters(quarter_from_index(quarter_index(ctx.period.last) - back + 1), ctx.period.last)


def _wastewater_chart(ctx: Ctx) -> list[Chart]:
    frame = _readable(wastewater.by_quarter(_chart_window(ctx), WHOLE_BANNER))
    top = _readable(wastewater.by_substance(ctx.f, WHOLE_BANNER))["substance"].head(3).tolist()
    frame = frame[frame["substance"].isin(top)]
    if frame.empty:
        return []
    png = charts.lines(frame, "substance", "load_mg_day_per_1000", ctx.t("unit_load"), ctx.lang,
                       ctx.workdir / "wastewater.png")
    return [Chart(ctx.t("chart_wastewater"), png, ctx.t("chart_wastewater_note"))]


def _cases_chart(ctx: Ctx) -> list[Chart]:
    frame = cases.by_quarter_type(_chart_window(ctx), WHOLE_BANNER)
    if frame.empty:
        return []
    per_quarter = frame.groupby("quarter", as_index=False)["cases"].sum()
    png = charts.bars(per_quarter, "cases", ctx.t("unit_cases"), ctx.lang, ctx.workdir / "cases.png")
    return [Chart(ctx.t("chart_cases"), png)]


# --- 二、主要特点 ---------------------------------------------------------------------------------------
def _features(ctx: Ctx, heading: str) -> Section:
    found = []
    subs = _readable(wastewater.by_substance(ctx.f, WHOLE_BANNER)).dropna(subset=["load_mg_day_per_1000"])
    if not subs.empty:
        found.append(ctx.t("main_drug", substance=label("substance", subs.iloc[0]["substance"], ctx.lang)))
        rising = subs[subs["yoy_change_pct"] > 0].sort_values("yoy_change_pct", ascending=False)
        if not rising.empty:
            r = rising.iloc[0]
            found.append(ctx.t("fastest_rise", substance=label("substance", r["substance"], ctx.lang),
                               change=fmt.signed_percent(r["yoy_change_pct"])))
    found += [a.text for a in _alerts(ctx, {"rising"})]
    h = hair.totals(ctx.f, WHOLE_BANNER)
    points = fmt.points(h["positivity_rate"], h["prev_positivity_rate"])
    if points and not _none(h["samples"]):
        found.append(ctx.t("hair_points", points=points))
    return _listed(ctx, heading, "features", found, "nothing_notable")


def _listed(ctx: Ctx, heading: str, key: str, found: list[str], empty: str) -> Section:
    """Numbered items: what the figures say, then the office's own notes for this part; `empty` if none."""
    items = found + ctx.notes.get(key, [])
    return Section(heading, paragraphs=[_numbered(ctx, i, t) for i, t in enumerate(items)] or [ctx.t(empty)])


def _numbered(ctx: Ctx, i: int, text: str) -> str:
    return f"{i + 1}. {text}" if ctx.lang == "en" else f"{i + 1}.{text}"


def _alerts(ctx: Ctx, kinds: set[str]) -> list[overview.Alert]:
    allowed = kinds & (PUBLIC_ALERTS if ctx.public else INTERNAL_ALERTS)
    found, _ = overview.alerts(ctx.f, WHOLE_BANNER, ctx.lang)
    return [a for a in found if a.kind in allowed]


# --- 三、各苏木镇情况 -----------------------------------------------------------------------------------
TOWN_COLUMNS = ("existing_users", "existing_per_10k", "newly_found_year", "out_of_control", "face_check_rate",
                "cases", "hair_samples", "hair_persons", "positivity_rate", "checks")


def _townships(ctx: Ctx, heading: str) -> Section:
    card, day = townships.scorecard(ctx.f, WHOLE_BANNER)
    card = card.sort_values(["existing_per_10k", "township_code"], ascending=[False, True], na_position="last")
    shown = card[[not suppress.hidden(v, ctx.public, False) for v in card["existing_users"]]]
    top = [label("township", c, ctx.lang) for c in shown.dropna(subset=["existing_per_10k"])["township_code"].head(3)]
    paragraphs = [ctx.t("town_ranking", day=fmt.day(day, ctx.lang), towns=fmt.join(top, ctx.lang))] if top else []
    paragraphs += [a.text for a in _alerts(ctx, {"listing"})]
    table = Table(ctx.t("table_towns"), [ctx.t("col_township")] + [ctx.t("col_" + c) for c in TOWN_COLUMNS],
                  [_town_row(ctx, r, banner=False) for _, r in card.iterrows()] + [_banner_row(ctx, card)],
                  note=ctx.t("table_towns_note") + (ctx.t("suppressed_note", n=suppress.threshold())
                                                    if ctx.public else ""),
                  total_row=True)
    return Section(heading, paragraphs=paragraphs, tables=[table])


def _town_row(ctx: Ctx, r: pd.Series, banner: bool) -> list[str]:
    pub = ctx.public
    counts = {c: suppress.count(r[c], pub, banner) for c in ("existing_users", "newly_found_year", "out_of_control",
                                                             "cases", "hair_samples", "hair_persons")}
    return [label("township", r["township_code"], ctx.lang),
            counts["existing_users"],
            "—" if suppress.hidden(r["existing_users"], pub, banner) else fmt.number(r["existing_per_10k"], 1),
            counts["newly_found_year"], counts["out_of_control"],
            suppress.rate(r["face_check_rate"], r["existing_users"], pub, banner),
            counts["cases"], counts["hair_samples"], counts["hair_persons"],
            suppress.rate(r["positivity_rate"], r["hair_samples"], pub, banner),
            f"{r['checks_passed']}/{r['checks_total']}" if "checks_passed" in r else "—"]


def _banner_row(ctx: Ctx, card: pd.DataFrame) -> list[str]:
    now, _ = registry.headline(ctx.f, WHOLE_BANNER)
    h = hair.totals(ctx.f, WHOLE_BANNER)
    population = card["population_est"].sum()
    existing = _pick(now, "existing_users")
    row = pd.Series({
        "township_code": domain.BANNER_CODE, "existing_users": existing,
        "existing_per_10k": None if existing is None else existing / population * 10_000,
        **{c: _pick(now, c) for c in ("newly_found_year", "out_of_control", "face_check_rate")},
        "cases": cases.totals(ctx.f, WHOLE_BANNER)["cases"], "hair_samples": h["samples"],
        "hair_persons": h["persons"],
        "positivity_rate": h["positivity_rate"]})
    return _town_row(ctx, row, banner=True)


# --- 四、存在问题 ----------------------------------------------------------------------------------------
def _problems(ctx: Ctx, heading: str) -> Section:
    year = ctx.period.year
    six = targets.six_zero(year, WHOLE_BANNER)
    five = targets.five_never(year, WHOLE_BANNER)
    four = targets.four_up_four_down(year, WHOLE_BANNER)
    name = "target_zh" if ctx.lang == "zh" else "target_en"
    found = [ctx.t("target_not_met", target=r[name], failed=r["checks_failed"], total=r["checks_total"])
             for _, r in six[six["status"] == "not_met"].iterrows()]
    found += [ctx.t("never_happened", event=d, count=fmt.number(c))
              for d, c in zip(targets.describe(five, ctx.lang), five["count"]) if c and c > 0]
    found += [ctx.t("not_achieved", indicator=d)
              for d, ok in zip(targets.describe(four, ctx.lang), four["achieved"]) if ok is False]
    found += [a.text for a in _alerts(ctx, {"missing_tests", "warning"})]
    return _listed(ctx, heading, "problems", found, "no_problems")


# --- 五、下一步工作 ----------------------------------------------------------------------------------------
def _next_steps(ctx: Ctx, heading: str) -> Section:
    six = targets.six_zero(ctx.period.year, WHOLE_BANNER)
    name = "target_zh" if ctx.lang == "zh" else "target_en"
    steps = [ctx.t("step_target", target=r[name], tasks=fmt.join(list(r["plan_tasks"]), ctx.lang),
                   units=fmt.join(list(r["lead_units"]), ctx.lang))
             for _, r in six[six["status"] == "not_met"].iterrows() if r["plan_tasks"] is not None
             and len(r["plan_tasks"])]
    part = _listed(ctx, heading, "next_steps", steps, "fill_in")
    if ctx.notes.get("next_steps") or not steps:
        return part
    return Section(heading, paragraphs=[*part.paragraphs, ctx.t("fill_in")])   # a line left for the office


# --- 附表 ----------------------------------------------------------------------------------------------
def _annex(ctx: Ctx) -> list[Table]:
    tables = []
    for build_ in (_annex_wastewater, _annex_six_zero, _annex_four_up):
        try:
            tables.append(build_(ctx, len(tables) + 1))
        except db.MartMissing:
            continue
    return tables


def _annex_wastewater(ctx: Ctx, n: int) -> Table:
    subs = wastewater.by_substance(ctx.f, WHOLE_BANNER)
    rows = [[label("substance", r.substance, ctx.lang), fmt.number(r.samples), fmt.percent(r.below_loq_share),
             fmt.number(r.load_mg_day_per_1000, 2), fmt.number(r.load_previous_year, 2),
             fmt.signed_percent(r.yoy_change_pct) or "—"] for r in subs.itertuples(index=False)]
    return Table(ctx.t("annex_wastewater", n=n), [ctx.t(c) for c in (
        "col_substance", "col_samples", "col_below_loq", "col_load", "col_load_prev", "col_yoy")], rows,
        note=ctx.t("annex_wastewater_note"))


def _annex_six_zero(ctx: Ctx, n: int) -> Table:
    six = targets.six_zero(ctx.period.year, WHOLE_BANNER)
    name = "target_zh" if ctx.lang == "zh" else "target_en"
    rows = [[r[name], label("status", r["status"], ctx.lang), f"{r['checks_passed']}/{r['checks_total']}"]
            for _, r in six.iterrows()]
    return Table(ctx.t("annex_six_zero", n=n, year=ctx.period.year),
                 [ctx.t("col_target"), ctx.t("col_status"), ctx.t("col_checks")], rows)


def _annex_four_up(ctx: Ctx, n: int) -> Table:
    four = targets.four_up_four_down(ctx.period.year, WHOLE_BANNER)
    rows = [[d, fmt.number(r.previous_value, 1), fmt.number(r.value, 1), targets.arrow(r.change),
             label("direction", r.expected_direction, ctx.lang), label("status", r.status, ctx.lang)]
            for d, r in zip(targets.describe(four, ctx.lang), four.itertuples(index=False))]
    return Table(ctx.t("annex_four_up", n=n, year=ctx.period.year), [ctx.t(c) for c in (
        "col_indicator", "col_previous", "col_value", "col_movement", "col_direction", "col_status")], rows)


def _footnotes(ctx: Ctx, meta: db.Meta) -> list[str]:
    notes = [ctx.t("as_of", when=fmt.moment(meta.published_at, ctx.lang), version=meta.version or "—"),
             ctx.t("sources")]
    if ctx.public:
        notes.append(ctx.t("suppressed_note", n=suppress.threshold()))
    missing = [f for f in fonts.faces().values() if f.fell_back]
    if missing:
        notes.append(ctx.t("font_note", official=fmt.join((f.official for f in missing), ctx.lang),
                           available=fmt.join(sorted({f.available or "—" for f in missing}), ctx.lang)))
    return notes
