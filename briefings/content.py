"""What a briefing says for a period, from the live warehouse: the usual five parts of a county briefing
(一、总体毒情 … 五、下一步工作, domain.md §7), charts and annexed tables.

The figures come from the same query functions the dashboard uses (`analysis.registry`, `.cases`, ...), so
a briefing and the app never disagree. A public briefing hides small counts below banner level
(`briefings.suppress`) and leaves out township-level early warnings.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property, partial
from datetime import date
from pathlib import Path

import pandas as pd

import config
import domain
import i18n
from analysis import cases, db, fmt, hair, quality, registry, supervision, targets, townships, wastewater
from analysis.access import WHOLE_BANNER
from analysis.filters import Filters, quarter_end, quarter_from_index, quarter_index, quarter_start
from analysis.labels import label, task_label, unit_names
from briefings import as_of, charts, fonts, suppress, words
from briefings.model import Briefing, Chart, Masthead, Section, Table
from briefings.period import Period
from briefings.period import parse as parse_period

NOTE_KEYS = ("features", "problems", "next_steps")   # parts the office may add its own items to


@dataclass(frozen=True)
class Ctx:
    period: Period
    public: bool
    lang: str
    workdir: Path
    notes: dict[str, list[str]] = field(default_factory=dict)   # the office's own items, by NOTE_KEYS
    numbers: dict[str, int] = field(default_factory=dict)       # 图 and 表 numbered so far, in reading order
    data_end: date | None = None    # set when the figures are cut at the period's end: where the data go on to

    @property
    def f(self) -> Filters:
        return self.period.filters

    def t(self, key: str, **values: object) -> str:
        return i18n.t(f"brief.{key}", self.lang, **values)

    def yoy(self, current: object, previous: object) -> str:
        change = words.relative(current, previous, self.lang)
        return self.t("yoy", change=change) if change else ""

    def day(self, value: object) -> str:
        return words.day(value, self.lang)

    def period_of(self, quarter: str) -> str:
        """A quarter in words: 2024年第三季度 / 2024 Q3."""
        return parse_period(quarter).text(self.lang)

    def caption(self, kind: str, title: str) -> tuple[str, str]:
        """("表1", "表1　各苏木镇主要指标"): the next number of `kind` ("table" | "chart") and the caption."""
        self.numbers[kind] = self.numbers.get(kind, 0) + 1
        number = self.t(f"{kind}_n", n=self.numbers[kind])
        return number, self.t("caption", label=number, title=title)

    @cached_property
    def targets_as_of(self) -> object:
        """The day the year's target statuses stand at: the period's end (the year so far for a quarter or a
        half-year), or the data's end if earlier."""
        end = data_end()
        return min(self.period.end, end) if end else self.period.end


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


DATED = {"mart_cases_quarter": "quarter", "mart_hair_positivity": "quarter", "mart_wastewater_quarterly": "quarter"}


def data_end() -> object:
    """The last day any extract covers: the end of the newest quarter with figures, or the newest registry
    snapshot if later (None for an empty warehouse)."""
    ends = [quarter_end(q) for relation, column in DATED.items() if relation in db.relations()
            for q in db.query(f"select max({column}) as q from {relation}")["q"] if isinstance(q, str)]
    if "mart_registry_township" in db.relations():
        ends += [d for d in db.query("select max(snapshot_date) as d from mart_registry_township")["d"]
                 if not fmt.missing(d)]
    return max((pd.Timestamp(d).date() for d in ends), default=None)


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
          notes: dict[str, list[str]] | None = None, issue_no: int = 1) -> Briefing:
    """The briefing for `period` from the live warehouse; chart pictures are drawn into `workdir` when a
    renderer first embeds them (`Chart.png`).

    A period that ends before the data do is briefed on the warehouse as it stood at the period's end
    (`briefings.as_of`): targets, five-never and 四升四降 are then the year to date, not the full year.

    `notes` are the office's own items for 二、主要特点, 四、存在问题 and 五、下一步工作 (keys NOTE_KEYS),
    numbered after what the figures say, so the commentary reaches the DOCX, PDF and HTML alike.
    `issue_no` is the 第N期 of the masthead (`briefings.archive.next_issue`).
    """
    workdir.mkdir(parents=True, exist_ok=True)
    ctx = Ctx(period, audience == "public", lang, workdir, dict(notes or {}))
    with db.pinned() as live:
        end = data_end()
        if end is None or period.end >= end:
            return _build(ctx, issued, issue_no)
        version = db.meta().version
    # the period ended before the data do: every figure and status as the warehouse stood at its end
    with as_of.warehouse_at(period.end, Path(live.path), version) as past, db.pinned(past):
        return _build(replace(ctx, data_end=end), issued, issue_no)


def _build(ctx: Ctx, issued: date, issue_no: int) -> Briefing:
    period, lang = ctx.period, ctx.lang
    meta = db.meta()
    parts = [("overall", _overall), ("features", _features), ("townships", _townships),
             ("problems", _problems), ("next_steps", _next_steps)]
    sections = [_guarded(ctx, f"{n}、{ctx.t('h_' + key)}" if lang == "zh" else f"{i}. {ctx.t('h_' + key)}", build_)
                for i, (n, (key, build_)) in enumerate(zip("一二三四五", parts), start=1)]
    annex = _annex(ctx)
    return Briefing(
        title=ctx.t("title", period=period.text(lang)), issuer=ctx.t("issuer"), date_text=ctx.day(issued),
        period=period.code, audience="public" if ctx.public else "internal", lang=lang,
        marking=None if ctx.public else ctx.t("marking"),
        sections=sections, annex=annex, footnotes=_footnotes(ctx, meta), version=meta.version or "",
        as_of=None if ctx.data_end is None else ctx.period.end.isoformat(),
        masthead=_masthead(ctx, issued, issue_no, annex),
    )


def _masthead(ctx: Ctx, issued: date, issue_no: int, annex: list[Table]) -> Masthead:
    """版头 and 版记: the office's, to the recipients of its setting `briefing_recipients_*`."""
    zh = ctx.lang == "zh"
    return Masthead.of_office(
        ctx.lang, number=ctx.t("masthead_number", n=issue_no),
        lead=ctx.t("lead", period=ctx.period.text(ctx.lang)), day=ctx.day(issued),
        attachments=[t.title.split("　" if zh else ". ", 1)[-1] for t in annex])


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
    return ctx.t("registry", day=ctx.day(now["snapshot_date"]), registered=fmt.number(now["registered"]),
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
                   load_yoy=ctx.t("yoy", change=words.movement(r.yoy_change_pct, ctx.lang))
                   if not fmt.missing(r.yoy_change_pct) else "")
             for r in top.itertuples(index=False)]
    # every sample is tested for every substance: the most samples of any substance is the sample count
    return ctx.t("wastewater", samples=fmt.number(subs["samples"].max()), loads=ctx.t("list_sep").join(loads))


def _chart_window(ctx: Ctx) -> Filters:
    back = int(config.get("briefing_chart_quarters"))
    return Filters(quarter_from_index(quarter_index(ctx.period.last) - back + 1), ctx.period.last)


def _named_substances(ctx: Ctx) -> list[str]:
    """Every substance the text names: the three heaviest loads, the fastest riser and each rising trend."""
    subs = _readable(wastewater.by_substance(ctx.f, WHOLE_BANNER))
    named = subs.dropna(subset=["load_mg_day_per_1000"])["substance"].head(3).tolist()
    riser = _fastest_riser(subs)
    named += [] if riser is None else [riser["substance"]]
    named += _rising(ctx)["substance"].tolist()
    return list(dict.fromkeys(named))


def _fastest_riser(subs: pd.DataFrame) -> pd.Series | None:
    rising = subs[subs["yoy_change_pct"] > 0].sort_values("yoy_change_pct", ascending=False)
    return None if rising.empty else rising.iloc[0]


def _wastewater_chart(ctx: Ctx) -> list[Chart]:
    frame = _readable(wastewater.by_quarter(_chart_window(ctx), WHOLE_BANNER))
    frame = frame[frame["substance"].isin(_named_substances(ctx))]
    if frame.empty:
        return []
    draw = partial(charts.lines, frame, "substance", "load_mg_day_per_1000", ctx.t("unit_load"), ctx.lang,
                   ctx.workdir / "wastewater.png")
    return [Chart(ctx.caption("chart", ctx.t("chart_wastewater"))[1], draw, ctx.t("chart_wastewater_note"))]


def _cases_chart(ctx: Ctx) -> list[Chart]:
    frame = cases.by_quarter_type(_chart_window(ctx), WHOLE_BANNER)
    if frame.empty:
        return []
    per_quarter = frame.groupby("quarter", as_index=False)["cases"].sum()
    draw = partial(charts.bars, per_quarter, "cases", ctx.t("unit_cases"), ctx.lang, ctx.workdir / "cases.png")
    return [Chart(ctx.caption("chart", ctx.t("chart_cases"))[1], draw)]


# --- 二、主要特点 ---------------------------------------------------------------------------------------
def _features(ctx: Ctx, heading: str) -> Section:
    found = []
    subs = _readable(wastewater.by_substance(ctx.f, WHOLE_BANNER)).dropna(subset=["load_mg_day_per_1000"])
    if not subs.empty:
        found.append(ctx.t("main_drug", substance=label("substance", subs.iloc[0]["substance"], ctx.lang)))
        riser = _fastest_riser(subs)
        if riser is not None:
            found.append(ctx.t("fastest_rise", substance=label("substance", riser["substance"], ctx.lang),
                               change=words.movement(riser["yoy_change_pct"], ctx.lang)))
    found += [ctx.t("rising", area=label("township", r.township_code, ctx.lang),
                    substance=label("substance", r.substance, ctx.lang),
                    change=words.movement(r.trend_change_pct_per_year, ctx.lang, digits=0))
              for r in _rising(ctx).itertuples(index=False)]
    h = hair.totals(ctx.f, WHOLE_BANNER)
    if not _none(h["samples"]) and not fmt.missing(h["prev_positivity_rate"]):
        points = words.movement(h["positivity_rate"] - h["prev_positivity_rate"], ctx.lang, unit="pp")
        found.append(ctx.t("hair_points", points=points))
    return _listed(ctx, heading, "features", found, "nothing_notable")


def _rising(ctx: Ctx) -> pd.DataFrame:
    """Rising wastewater trends at the period's end; a public briefing names the banner's only."""
    rows = wastewater.rising(ctx.f, WHOLE_BANNER)
    return rows[rows["township_code"] == domain.BANNER_CODE] if ctx.public else rows


def _listed(ctx: Ctx, heading: str, key: str, found: list[str], empty: str) -> Section:
    """Numbered items: what the figures say, then the office's own notes for this part; `empty` if none."""
    items = found + ctx.notes.get(key, [])
    return Section(heading, paragraphs=[_numbered(ctx, i, t) for i, t in enumerate(items)] or [ctx.t(empty)])


def _numbered(ctx: Ctx, i: int, text: str) -> str:
    return f"{i + 1}. {text}" if ctx.lang == "en" else f"{i + 1}.{text}"


# --- 三、各苏木镇情况 -----------------------------------------------------------------------------------
TOWN_COLUMNS = ("existing_users", "existing_per_10k", "newly_found_year", "out_of_control", "face_check_rate",
                "cases", "hair_samples", "hair_persons", "positivity_rate", "checks")
TOTALLED = ("existing_users", "newly_found_year", "out_of_control", "cases", "hair_samples", "hair_persons",
            "positives")


def _townships(ctx: Ctx, heading: str) -> Section:
    card, day = townships.scorecard(ctx.f, WHOLE_BANNER)
    card = card.sort_values(["existing_per_10k", "township_code"], ascending=[False, True], na_position="last")
    card = card.assign(positives=[suppress.implied(r, b) for r, b in zip(card["positivity_rate"], card["hair_samples"])],
                       at_large=card["township_code"].map(_at_large(day)))
    counts = card[list(TOTALLED)].reset_index(drop=True)
    mask = suppress.withheld(counts, ctx.public, {"hair_samples": "positives"})
    shown = card[~mask["existing_users"].to_numpy()]
    top = [label("township", c, ctx.lang) for c in shown.dropna(subset=["existing_per_10k"])["township_code"].head(3)]
    number, title = ctx.caption("table", ctx.t("table_towns"))
    paragraphs = [ctx.t("town_ranking", day=ctx.day(day), towns=fmt.join(top, ctx.lang), table=number)] if top else []
    paragraphs += _listings(ctx, day) + ([] if ctx.public else _early_warnings(ctx))
    note = ctx.t("table_towns_note")
    if ctx.public:
        note += ctx.t("suppressed_note", n=suppress.threshold())
        note += ctx.t("withheld_note") if (mask & ~suppress.small(counts, True)).to_numpy().any() else ""
    rows = [_town_row(ctx, r, m) for (_, r), (_, m) in zip(card.iterrows(), mask.iterrows())]
    table = Table(title, [ctx.t("col_township")] + [ctx.t("col_" + c) for c in TOWN_COLUMNS],
                  rows + [_banner_row(ctx, card)], note=note, total_row=True)
    return Section(heading, paragraphs=paragraphs, tables=[table])


def _at_large(day: object) -> dict[str, int]:
    """Users at large per township at the snapshot: the base of the face-check rate."""
    if day is None:
        return {}
    rows = db.query("select township_code, at_large from mart_registry_township "
                    "where snapshot_date = ? and area_level = 'township'", [day])
    return dict(zip(rows["township_code"], rows["at_large"]))


def _listings(ctx: Ctx, day: object) -> list[str]:
    """The banner and townships above their 挂牌整治 line (public too: listing is announced)."""
    if day is None:
        return []
    return [ctx.t("registry_banner_listing", day=ctx.day(day), users=fmt.number(r.existing_users),
                  line=fmt.number(r.listing_threshold)) if r.area_level == "banner" else
            ctx.t("registry_town_listing", day=ctx.day(day), township=label("township", r.township_code, ctx.lang),
                  users=fmt.number(r.existing_users), line=fmt.number(r.listing_threshold))
            for r in registry.over_listing_line(ctx.f, WHOLE_BANNER, day).itertuples(index=False)]


def _warnings(ctx: Ctx) -> pd.DataFrame:
    return db.query("""select quarter, township_code, kind, substance, sample_id, subject_group, level_percentile,
                              results, results_history_avg, results_history_quarters, concentration_ng_mg
                       from mart_early_warnings where quarter between ? and ?
                       order by township_code, kind, quarter, substance, sample_id""", [ctx.f.q_from, ctx.f.q_to])


def _early_warnings(ctx: Ctx) -> list[str]:
    """Early warnings in prose, one sentence per township and finding (internal only; sample ids go to the
    annex)."""
    w = _warnings(ctx)
    found = []
    hair_rows = w[w["kind"] == "hair_positive_outside_registry"]
    for (town, group), rows in hair_rows.groupby(["township_code", hair_rows["subject_group"].fillna("")], sort=False):
        found.append(ctx.t("ew_hair", township=label("township", town, ctx.lang), n=rows["sample_id"].nunique(),
                           group=label("subject_group", group, ctx.lang) if group else ctx.t("ew_hair_group")))
    for r in w[w["kind"] == "wastewater_high_results_low"].itertuples(index=False):
        n = int(r.results_history_quarters) if not fmt.missing(r.results_history_quarters) else 0
        above = round(float(r.level_percentile) * n / 100) if not fmt.missing(r.level_percentile) else n
        found.append(ctx.t("ew_wastewater", township=label("township", r.township_code, ctx.lang),
                           substance=label("substance", r.substance, ctx.lang), n=n,
                           level=ctx.t("ew_level_top" if above >= n else "ew_level_some", n=n, k=above),
                           results=fmt.number(r.results), average=fmt.number(r.results_history_avg, 1)))
    return found


def _town_row(ctx: Ctx, r: pd.Series, withheld: pd.Series | None) -> list[str]:
    """A township's cells (`withheld`: which of its TOTALLED counts the public table hides; None for the banner)."""
    banner = withheld is None
    pub = ctx.public

    def count(column: str) -> str:
        if banner or not withheld[column]:
            return fmt.number(r[column])
        return suppress.count(r[column], pub, banner) if suppress.hidden(r[column], pub, banner) else ctx.t("withheld")

    def hidden(column: str) -> bool:
        return not banner and bool(withheld[column])

    positivity = fmt.DASH if hidden("positives") or hidden("hair_samples") else suppress.rate(
        r["positivity_rate"], r["hair_samples"], pub, banner)
    return [label("township", r["township_code"], ctx.lang), count("existing_users"),
            fmt.DASH if hidden("existing_users") else fmt.number(r["existing_per_10k"], 1),
            count("newly_found_year"), count("out_of_control"),
            suppress.rate(r["face_check_rate"], r["at_large"], pub, banner),   # its own base: users at large
            count("cases"), count("hair_samples"), count("hair_persons"), positivity,
            _checks(ctx, r)]


def _checks(ctx: Ctx, r: pd.Series) -> str:
    """达标项: passed of all checks, and how many of them had no input (neither passed nor failed)."""
    if "checks_passed" not in r:
        return fmt.DASH
    passed, total, no_data = r["checks_passed"], r["checks_total"], r.get("checks_no_data")
    if fmt.missing(no_data) or not no_data:
        return f"{passed}/{total}"
    return ctx.t("checks_no_data", passed=passed, total=total, n=int(no_data))


def _banner_row(ctx: Ctx, card: pd.DataFrame) -> list[str]:
    now, _ = registry.headline(ctx.f, WHOLE_BANNER)
    h = hair.totals(ctx.f, WHOLE_BANNER)
    population = card["population_est"].sum()
    existing = _pick(now, "existing_users")
    row = pd.Series({
        "township_code": domain.BANNER_CODE, "existing_users": existing,
        "existing_per_10k": None if existing is None else existing / population * 10_000,
        **{c: _pick(now, c) for c in ("newly_found_year", "out_of_control", "face_check_rate", "at_large")},
        "cases": cases.totals(ctx.f, WHOLE_BANNER)["cases"], "hair_samples": h["samples"],
        "hair_persons": h["persons"],
        "positivity_rate": h["positivity_rate"]})
    return _town_row(ctx, row, None)


# --- 四、存在问题 ----------------------------------------------------------------------------------------
def _problems(ctx: Ctx, heading: str) -> Section:
    year, day = ctx.period.year, ctx.day(ctx.targets_as_of)
    six = targets.six_zero(year, WHOLE_BANNER)
    five = targets.five_never(year, WHOLE_BANNER)
    four = targets.four_up_four_down(year, WHOLE_BANNER)
    name = "target_zh" if ctx.lang == "zh" else "target_en"
    found = [ctx.t("target_not_met", day=day, target=r[name], failed=r["checks_failed"], total=r["checks_total"])
             for _, r in six[six["status"] == "not_met"].iterrows()]
    found += [ctx.t("never_happened", day=day, event=d, count=fmt.number(c))
              for d, c in zip(targets.describe(five, ctx.lang), five["count"]) if c and c > 0]
    found += [ctx.t("not_achieved", day=day, indicator=d)
              for d, ok in zip(targets.describe(four, ctx.lang), four["achieved"]) if ok is False]
    found += _gaps(ctx)
    return _listed(ctx, heading, "problems", found, "no_problems")


def _gaps(ctx: Ctx) -> list[str]:
    """Quarters of the period's year (up to its end) without a wastewater sample or a hair test."""
    return [ctx.t("missing_tests", source=label("source", source, ctx.lang),
                  quarters=fmt.join((ctx.period_of(q) for q in quarters), ctx.lang))
            for source, quarters in quality.missing_in_year(ctx.f, WHOLE_BANNER).items() if quarters]


# --- 五、下一步工作 ----------------------------------------------------------------------------------------
def _next_steps(ctx: Ctx, heading: str) -> Section:
    six = targets.six_zero(ctx.period.year, WHOLE_BANNER)
    name = "target_zh" if ctx.lang == "zh" else "target_en"
    steps = [ctx.t("step_target", target=r[name], tasks=fmt.join([_task(t, ctx.lang) for t in r["plan_tasks"]], ctx.lang),
                   units=_units(r["lead_units"], ctx.lang))
             for _, r in six[six["status"] == "not_met"].iterrows() if r["plan_tasks"] is not None
             and len(r["plan_tasks"])]
    steps += _reporting_step(ctx)
    part = _listed(ctx, heading, "next_steps", steps, "fill_in")
    if ctx.notes.get("next_steps"):
        return part
    if not steps:       # only the request to the office: it goes into the DOCX, not into PDF or HTML
        return Section(heading, editor_note=ctx.t("fill_in"))
    return Section(heading, paragraphs=part.paragraphs, editor_note=ctx.t("fill_in"))


def _reporting_step(ctx: Ctx) -> list[str]:
    """The units that reported late or not at all in the period's months (督导台账), to be pressed (督办)."""
    if "mart_task_compliance" not in db.relations():
        return []
    units = supervision.lagging_between(quarter_start(ctx.period.first).strftime("%Y-%m"),
                                        ctx.period.end.strftime("%Y-%m"))
    return [ctx.t("step_reporting", units=_units(units, ctx.lang))] if units else []


def _units(units: Iterable[str], lang: str) -> str:
    """Units of the plan in running text: "政法委、旗禁毒委员会" / "the Political and Legal Affairs Commission, …"."""
    return fmt.join(unit_names(units, lang, in_sentence=True), lang)


def _task(task: str, lang: str) -> str:
    """A plan task in running text: "4.1深化排查，精准管控吸毒人员" / "4.1 Deepen screening: ..."."""
    text = task_label(task, lang)
    return re.sub(r"^([\d.]+)\s+", r"\1", text).replace(",", "，") if lang == "zh" else text


# --- 附表 ----------------------------------------------------------------------------------------------
def _annex(ctx: Ctx) -> list[Table]:
    tables = []
    for build_ in (_annex_wastewater, _annex_six_zero, _annex_four_up, _annex_hair_warnings):
        try:
            found = build_(ctx, len(tables) + 1)
        except db.MartMissing:
            continue
        tables += [found] if found else []
    return tables


def _annex_wastewater(ctx: Ctx, n: int) -> Table:
    subs = wastewater.by_substance(ctx.f, WHOLE_BANNER)
    rows = [[label("substance", r.substance, ctx.lang), fmt.number(r.samples), fmt.percent(r.below_loq_share),
             fmt.number(r.load_mg_day_per_1000, 2), fmt.number(r.load_previous_year, 2),
             words.movement(r.yoy_change_pct, ctx.lang) or fmt.DASH] for r in subs.itertuples(index=False)]
    return Table(ctx.t("annex_wastewater", n=n), [ctx.t(c) for c in (
        "col_substance", "col_samples", "col_below_loq", "col_load", "col_load_prev", "col_yoy")], rows,
        note=ctx.t("annex_wastewater_note"))


def _annex_six_zero(ctx: Ctx, n: int) -> Table:
    six = targets.six_zero(ctx.period.year, WHOLE_BANNER)
    name = "target_zh" if ctx.lang == "zh" else "target_en"
    rows = [[r[name], label("status", r["status"], ctx.lang), _checks(ctx, r)] for _, r in six.iterrows()]
    return Table(ctx.t("annex_six_zero", n=n, year=ctx.period.year, day=ctx.day(ctx.targets_as_of)),
                 [ctx.t("col_target"), ctx.t("col_status"), ctx.t("col_checks")], rows)


def _annex_four_up(ctx: Ctx, n: int) -> Table:
    four = targets.four_up_four_down(ctx.period.year, WHOLE_BANNER)
    rows = [[d, fmt.number(r.previous_value, 1), fmt.number(r.value, 1), targets.arrow(r.change),
             label("direction", r.expected_direction, ctx.lang), label("status", r.status, ctx.lang)]
            for d, r in zip(targets.describe(four, ctx.lang), four.itertuples(index=False))]
    return Table(ctx.t("annex_four_up", n=n, year=ctx.period.year, day=ctx.day(ctx.targets_as_of)),
                 [ctx.t(c) for c in ("col_indicator", "col_previous", "col_value", "col_movement", "col_direction",
                                     "col_status")], rows)


def _annex_hair_warnings(ctx: Ctx, n: int) -> Table | None:
    """The samples behind the hair early warnings: internal only, the one place a sample id appears."""
    if ctx.public:
        return None
    w = _warnings(ctx)
    w = w[w["kind"] == "hair_positive_outside_registry"]
    if w.empty:
        return None
    rows = [[ctx.period_of(r.quarter), label("township", r.township_code, ctx.lang), r.sample_id,
             label("subject_group", r.subject_group, ctx.lang), label("substance", r.substance, ctx.lang),
             fmt.number(r.concentration_ng_mg, 3)] for r in w.itertuples(index=False)]
    return Table(ctx.t("annex_hair_warnings", n=n), [ctx.t(c) for c in (
        "col_quarter", "col_township", "col_sample", "col_group", "col_substance", "col_concentration")], rows)


def _footnotes(ctx: Ctx, meta: db.Meta) -> list[str]:
    notes = [ctx.t("as_of", when=ctx.day(meta.published_at), version=meta.version or fmt.DASH), ctx.t("sources")]
    if ctx.data_end is not None:
        notes.append(ctx.t("cut_at_period_end", day=ctx.day(ctx.period.end), end=ctx.day(ctx.data_end)))
    if ctx.public:
        notes.append(ctx.t("suppressed_note", n=suppress.threshold()))
    missing = [f for f in fonts.faces().values() if f.fell_back]
    if missing:
        notes.append(ctx.t("font_note", official=fmt.join((fonts.display_name(f.official, ctx.lang) for f in missing), ctx.lang),
                           available=fmt.join(sorted({fonts.display_name(f.available, ctx.lang)
                                                      for f in missing}), ctx.lang)))
    return notes
