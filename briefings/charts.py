"""The briefing's charts as PNG (300 dpi), drawn with matplotlib in the CJK face this machine has.

The app draws with Plotly in the browser; a document needs a picture it can embed and print, without a
browser on the machine that builds it.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from analysis import fmt  # noqa: E402
from analysis.labels import label  # noqa: E402
from briefings import fonts  # noqa: E402

SIZE_CM = (15, 7.5)
DPI = 300


@cache
def _use_cjk_font() -> None:
    """Register the CJK sans face with matplotlib (it does not read fontconfig's aliases)."""
    family = fonts.face("heading1").available
    path = fonts.font_file(family) if family else None
    if path:
        font_manager.fontManager.addfont(path)
        plt.rcParams["font.family"] = font_manager.FontProperties(fname=path).get_name()
    plt.rcParams["axes.unicode_minus"] = False


def _save(fig, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=DPI)
    plt.close(fig)
    return path


def _axes(ylabel: str):
    _use_cjk_font()
    fig, ax = plt.subplots(figsize=(SIZE_CM[0] / 2.54, SIZE_CM[1] / 2.54))
    ax.set_ylabel(ylabel, fontsize=9)
    ax.tick_params(labelsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", linewidth=0.4, alpha=0.5)
    return fig, ax


def lines(frame: pd.DataFrame, series: str, value: str, ylabel: str, lang: str, path: Path) -> Path:
    """One line per `series` code (substance labels) over quarters."""
    fig, ax = _axes(ylabel)
    quarters = sorted(frame["quarter"].unique())
    for code, part in frame.groupby(series, sort=False):
        part = part.set_index("quarter").reindex(quarters)
        ax.plot([fmt.quarter(q, lang) for q in quarters], part[value], marker="o", markersize=3,
                linewidth=1.4, label=label("substance", code, lang))
    # above the plot, never over a line; the scale starts at zero so a small change is not drawn large
    ax.legend(fontsize=8, frameon=False, ncol=min(5, frame[series].nunique()), loc="lower center",
              bbox_to_anchor=(0.5, 1.0))
    ax.set_ylim(bottom=0)
    ax.tick_params(axis="x", labelrotation=30)
    return _save(fig, path)


def bars(frame: pd.DataFrame, value: str, ylabel: str, lang: str, path: Path) -> Path:
    """One bar per quarter (a count), its value written above it."""
    fig, ax = _axes(ylabel)
    names = [fmt.quarter(q, lang) for q in frame["quarter"]]
    drawn = ax.bar(names, frame[value], color="#2f5597", width=0.6)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))        # counts: 0, 5, 10, never 2.5
    ax.bar_label(drawn, labels=[fmt.number(v) for v in frame[value]], fontsize=8, padding=2)
    ax.tick_params(axis="x", labelrotation=30)
    return _save(fig, path)
