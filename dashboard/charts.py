"""Every chart of the app, built one way: tidy data → presented frame → Plotly figure + downloads.

`show(Chart(...), data)` draws the figure with a CJK font and translated axes, puts CSV and XLSX downloads
of exactly the plotted data under it, and (for charts by township) turns a click into a drill-down.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

import config

from analysis.labels import CODE_KINDS, label
from analysis.present import CODE_COLUMN, header, present, visible
from dashboard import downloads
from dashboard.sidebar import drill_to_township
from dashboard.text import lang, tr

# Chinese first: Noto CJK (Linux), Microsoft YaHei (Windows), PingFang (macOS); browsers pick per glyph.
FONT_FAMILY = ('"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei", '
               '"PingFang SC", "WenQuanYi Micro Hei", sans-serif')
Kind = Literal["line", "scatter", "bar", "hbar", "heatmap"]


@dataclass(frozen=True)
class Chart:
    name: str                         # i18n key `chart.<name>` (title) and the download file name
    kind: Kind
    x: str
    y: str
    color: str | None = None          # a column of codes or categories
    z: str | None = None              # heatmap value
    symbol: str | None = None         # scatter: a column of codes drawn as marker shapes ...
    shapes: tuple[tuple[str, str], ...] = ()   # ... (code, Plotly symbol) pairs
    stacked: bool = False
    hline: float | None = None        # a reference line (the 60 listing line, a target)
    hline_label: str | None = None    # i18n key of its label
    drill: str | None = None          # column of township codes: a click opens that township
    note: str | None = None           # i18n key of a methods note shown under the chart
    log_y: bool = False
    ordered: bool = False             # keep the data's order of categories (age bands) instead of sorting bars
    height: int = 360


def figure(chart: Chart, view: pd.DataFrame, lang_: str) -> go.Figure:
    """The Plotly figure of a presented frame."""
    x, y = header(chart.x, lang_), header(chart.y, lang_)
    color = header(chart.color, lang_) if chart.color else None
    custom = [CODE_COLUMN] if CODE_COLUMN in view else None
    if chart.kind == "line":
        fig = px.line(view, x=x, y=y, color=color, markers=True, custom_data=custom, log_y=chart.log_y)
    elif chart.kind == "scatter":
        symbol = header(chart.symbol, lang_) if chart.symbol else None
        kind = CODE_KINDS.get(chart.symbol or "", "")
        fig = px.scatter(view, x=x, y=y, color=color, symbol=symbol, custom_data=custom,
                         symbol_map={label(kind, code, lang_): shape for code, shape in chart.shapes})
    elif chart.kind in ("bar", "hbar"):
        horizontal = chart.kind == "hbar"
        fig = px.bar(view, x=y if horizontal else x, y=x if horizontal else y, color=color,
                     orientation="h" if horizontal else "v", custom_data=custom,
                     barmode="relative" if chart.stacked else "group")
    else:
        table = view.pivot_table(index=y, columns=x, values=header(chart.z or "", lang_), aggfunc="sum")
        fig = px.imshow(table, text_auto=True, aspect="auto", color_continuous_scale="Blues")
    if chart.hline is not None:
        text = tr(chart.hline_label) if chart.hline_label else None
        rule = {"line_dash": "dash", "line_color": "#c0392b", "annotation_text": text}
        if chart.kind == "hbar":
            fig.add_vline(x=chart.hline, **rule)
        else:
            fig.add_hline(y=chart.hline, **rule)
    return style(fig, chart)


def style(fig: go.Figure, chart: Chart) -> go.Figure:
    fig.update_layout(
        font={"family": FONT_FAMILY, "size": 13}, hoverlabel={"font": {"family": FONT_FAMILY}},
        separators=".,", height=chart.height, margin={"l": 10, "r": 10, "t": 24, "b": 10},
        legend={"orientation": "h", "y": -0.2},
    )
    if chart.kind in ("line", "bar", "scatter"):
        fig.update_xaxes(type="category" if chart.x in CATEGORY_AXES or _categorical(fig) else None)
    if chart.kind == "hbar":
        if chart.ordered:
            fig.update_yaxes(autorange="reversed")
        else:
            fig.update_yaxes(categoryorder="total ascending")
    if _dates(fig):
        fig.update_xaxes(tickformat=DATE_TICKS[lang()])
    return fig


CATEGORY_AXES = ("year", "quarter")    # whole periods: never 2,020.5 or a date axis
DATE_TICKS = {"zh": "%Y年%-m月", "en": "%Y-%m"}


def _dates(fig: go.Figure) -> bool:
    for trace in fig.data:
        xs = getattr(trace, "x", None)
        if xs is not None and len(xs) and pd.api.types.is_datetime64_any_dtype(pd.Series(xs)):
            return True
    return False


def _categorical(fig: go.Figure) -> bool:
    """Quarters like 2024Q3 must stay categories (Plotly would read them as dates)."""
    for trace in fig.data:
        xs = getattr(trace, "x", None)
        if xs is not None and len(xs) and isinstance(xs[0], str):
            return True
    return False


def show(chart: Chart, data: pd.DataFrame, *, period: str = "") -> None:
    """Draw `data` as `chart` with its downloads; an explained empty state when there is nothing."""
    lang_ = lang()
    if data.empty:
        st.info(tr("state.empty_chart", chart=tr(f"chart.{chart.name}")))
        return
    view = present(data, lang_, keep_code=chart.drill)
    drawn, total = busiest(view, chart, lang_)
    fig = figure(chart, drawn, lang_)
    key = f"chart_{chart.name}"
    st.markdown(f"**{tr(f'chart.{chart.name}')}**")
    if total:
        st.caption(tr("chart.top_series", shown=drawn[header(chart.color or '', lang_)].nunique(), total=total))
    if chart.drill:
        st.plotly_chart(fig, key=key, on_select=lambda: _drill(key), selection_mode="points",
                        config={"displaylogo": False})
        st.caption(tr("drill.hint"))
    else:
        st.plotly_chart(fig, key=key, config={"displaylogo": False})
    if chart.note:
        st.caption(tr(chart.note))
    offer_downloads(visible(view), chart.name, period)


def busiest(view: pd.DataFrame, chart: Chart, lang_: str) -> tuple[pd.DataFrame, int]:
    """Only the `chart_max_series` series with the highest mean are drawn (300 plants make no chart);
    returns the rows to draw and, when some were left out, how many series there were."""
    limit = int(config.get("chart_max_series"))
    if not chart.color:
        return view, 0
    color, y = header(chart.color, lang_), header(chart.y, lang_)
    means = view.groupby(color, observed=True)[y].mean().sort_values(ascending=False)
    if len(means) <= limit:
        return view, 0
    return view[view[color].isin(means.index[:limit])], len(means)


def offer_downloads(frame: pd.DataFrame, name: str, period: str) -> None:
    """CSV and XLSX buttons for a frame that is already presented (translated headers and labels)."""
    stem = downloads.file_stem(tr(f"chart.{name}"), period)
    row = st.container(horizontal=True, gap="small")
    row.download_button(tr("download.csv"), data=lambda: downloads.to_csv(frame), file_name=f"{stem}.csv",
                         mime="text/csv", key=f"csv_{name}", on_click="ignore", icon=":material/download:")
    row.download_button(tr("download.xlsx"), data=lambda: downloads.to_xlsx(frame), file_name=f"{stem}.xlsx",
                          mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                          key=f"xlsx_{name}", on_click="ignore", icon=":material/download:")


def table(name: str, data: pd.DataFrame, *, period: str = "", formats: dict[str, str] | None = None,
          height: int | None = None) -> None:
    """A table (presented like a chart's data) with its downloads."""
    lang_ = lang()
    if data.empty:
        st.info(tr("state.empty_chart", chart=tr(f"chart.{name}")))
        return
    view = visible(present(data, lang_))
    shown = {header(c, lang_): st.column_config.NumberColumn(format=f) for c, f in column_formats(data, formats).items()}
    shown |= {header(c, lang_): column for c, column in time_columns(data, lang_).items()}
    st.markdown(f"**{tr(f'chart.{name}')}**")
    st.dataframe(view, hide_index=True, column_config=shown, height=height or "auto", key=f"table_{name}")
    offer_downloads(view, name, period)


DATE_FORMATS = {"zh": "YYYY年M月D日", "en": "YYYY-MM-DD"}


def time_columns(data: pd.DataFrame, lang_: str) -> dict[str, object]:
    """Dates as 2024年3月5日 / 2024-03-05; timestamps (`*_at`, shown in local time) with hours and minutes."""
    out: dict[str, object] = {}
    for c in data.columns:
        if pd.api.types.is_datetime64_any_dtype(data[c]):
            if c.endswith("_at"):
                out[c] = st.column_config.DatetimeColumn(format=f"{DATE_FORMATS[lang_]} HH:mm")
            else:
                out[c] = st.column_config.DateColumn(format=DATE_FORMATS[lang_])
    return out


def column_formats(data: pd.DataFrame, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Display formats by column: rates as 12.5%, loads with 2 decimals, counts with separators."""
    out = {}
    for c in data.columns:
        if not pd.api.types.is_numeric_dtype(data[c]) or pd.api.types.is_bool_dtype(data[c]):
            continue
        if c.endswith("rate") or c.endswith("_pct") or c.endswith("share"):
            out[c] = "%.1f%%"
        elif c.startswith("load") or c.startswith("concentration"):
            out[c] = "%.2f"
        elif pd.api.types.is_float_dtype(data[c]):
            out[c] = "%.1f"
        else:
            out[c] = "localized"
    out.update(extra or {})
    return out


def _drill(key: str) -> None:
    """Plotly click → the township of the clicked bar becomes the view, on the township page."""
    state = st.session_state.get(key)
    points = (state or {}).get("selection", {}).get("points", []) if state else []
    for point in points:
        custom = point.get("customdata")
        if custom:
            drill_to_township(custom[0] if isinstance(custom, list) else custom)
            return
