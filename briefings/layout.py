"""Table column widths from what the columns hold, shared by the DOCX and the PDF/HTML briefing.

Word and WeasyPrint share equal widths out when told nothing, and break Chinese text between any two
characters: "额尔/登布/拉格/苏木". Here each column gets at least the width of its longest unbreakable piece
(a Chinese name of up to `NAME_CHARS` characters, an English word, a number) and the rest of the text block
goes to the columns whose text would otherwise wrap, in proportion to how much they would need.
"""
from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from functools import cache

from PIL import ImageFont

from briefings import fonts
from briefings.model import Table

PT_MM = 25.4 / 72
TEXT_WIDTH_MM = 156     # the GB/T 9704 text block: A4 less its 28 mm and 26 mm margins
NAME_CHARS = 9          # a Chinese cell up to this long never breaks (the longest township name has 8)
TABLE_SIZES = (10.5, 9.5, 9.0, 7.5)  # 五号 if the table fits at it, else smaller down to 六号: nothing breaks mid-word
CELL_PAD_MM = 3.0       # left and right cell margins and the rules, with a little slack
HEADER_WIDER = 1.12     # headers are set in the 黑体 face (sans), wider than the body face it is measured with


@cache
def _body_font() -> ImageFont.FreeTypeFont | None:
    """The body face this machine draws tables with (its Latin letters are wider than Times New Roman's, so
    widths measured with it also hold in Word), at 1000 units to the em."""
    family = fonts.face("body").available
    path = fonts.font_file(family) if family else None
    try:
        return ImageFont.truetype(path, 1000) if path else None
    except OSError:
        return None


def width_em(text: str) -> float:
    """Advance of `text` in ems: measured with the body face, else CJK one em and anything else 0.6."""
    font = _body_font()
    if font is not None:
        return font.getlength(text) / 1000
    return sum(1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 0.6 for ch in text)


def has_cjk(text: str) -> bool:
    return any(unicodedata.east_asian_width(ch) in ("W", "F") for ch in text)


def unbreakable(text: str) -> bool:
    """A cell the table keeps on one line: a short Chinese text (a name), or one without spaces."""
    return len(text) <= NAME_CHARS if has_cjk(text) else " " not in text.strip()


def _min_em(text: str, header: bool) -> float:
    """The narrowest a cell can be: its longest piece that must not break."""
    if has_cjk(text):
        if header:          # a header may take two lines
            return width_em(text[: math.ceil(len(text) / 2)])
        return width_em(text) if unbreakable(text) else width_em(text[:NAME_CHARS])
    return max((width_em(word) for word in text.replace("-", "- ").split()), default=0.0)


@dataclass(frozen=True)
class Fit:
    size: float             # font size of the table, pt
    widths: list[float]     # column widths, mm, summing to the text block


def fit(table: Table, total_mm: float) -> Fit:
    """The largest of TABLE_SIZES at which every unbreakable piece fits, and the column widths at it."""
    for size in TABLE_SIZES:
        lows, _ = _bounds(table, size)
        if sum(lows) <= total_mm:
            break
    return Fit(size, column_widths(table, total_mm, size))


def _bounds(table: Table, font_pt: float) -> tuple[list[float], list[float]]:
    """Per column, in mm: the narrowest it may be, and the width that sets every cell on one line."""
    em = font_pt * PT_MM
    lows, highs = [], []
    for i, column in enumerate(table.columns):
        cells = [row[i] for row in table.rows]
        lows.append(max([_min_em(column, True) * HEADER_WIDER, *(_min_em(c, False) for c in cells)]) * em
                    + CELL_PAD_MM)
        highs.append(max([width_em(column) * HEADER_WIDER, *(width_em(c) for c in cells)]) * em + CELL_PAD_MM)
    return lows, highs


def column_widths(table: Table, total_mm: float, font_pt: float) -> list[float]:
    """Widths in mm, summing to `total_mm`, of the table's columns at `font_pt`."""
    lows, highs = _bounds(table, font_pt)
    floor = sum(lows)
    if floor >= total_mm:
        return [w * total_mm / floor for w in lows]
    want = [h - lo for h, lo in zip(highs, lows)]
    spare = total_mm - floor
    if sum(want) >= spare:
        return [lo + spare * w / sum(want) for lo, w in zip(lows, want)]
    rest = spare - sum(want)        # everything fits on one line: the rest in proportion to the widths
    return [h + rest * h / sum(highs) for h in highs]
