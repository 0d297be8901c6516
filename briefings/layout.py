"""Table column widths from what the columns hold, shared by the DOCX and the PDF/HTML briefing.

Word and WeasyPrint share equal widths out when told nothing, and break Chinese text between any two
characters: "额尔/登布/拉格/苏木". Here each column gets at least the width of its longest unbreakable piece
(a Chinese name of up to `NAME_CHARS` characters, an English word, a number) and the rest of the text block
goes to the columns whose text would otherwise wrap, in proportion to how much they would need.
"""
from __future__ import annotations

import math
import unicodedata

from briefings.model import Table

PT_MM = 25.4 / 72
NAME_CHARS = 9          # a Chinese cell up to this long never breaks (the longest township name has 8)
TABLE_PT = 10.5         # 五号: ten columns of figures and a township name fit the 156 mm block
CELL_PAD_MM = 2.2       # left and right cell margins together, plus a little for the rule


def _char_em(ch: str) -> float:
    """Advance of one character in ems (CJK full width; Latin by class, close to Times and Noto)."""
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 1.0
    if ch in " .,:;'!|ilIjft()[]":
        return 0.3
    if ch.isupper() or ch in "%mwMW—":
        return 0.75
    return 0.55


def width_em(text: str) -> float:
    return sum(_char_em(ch) for ch in text)


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


def column_widths(table: Table, total_mm: float, font_pt: float = TABLE_PT) -> list[float]:
    """Widths in mm, summing to `total_mm`, of the table's columns."""
    em = font_pt * PT_MM
    lows, highs = [], []
    for i, column in enumerate(table.columns):
        cells = [row[i] for row in table.rows]
        lows.append(max([_min_em(column, True), *(_min_em(c, False) for c in cells)]) * em + CELL_PAD_MM)
        highs.append(max([width_em(column), *(width_em(c) for c in cells)]) * em + CELL_PAD_MM)
    floor = sum(lows)
    if floor >= total_mm:
        return [w * total_mm / floor for w in lows]
    want = [h - lo for h, lo in zip(highs, lows)]
    spare = total_mm - floor
    if sum(want) >= spare:
        return [lo + spare * w / sum(want) for lo, w in zip(lows, want)]
    rest = spare - sum(want)        # everything fits on one line: the rest in proportion to the widths
    return [h + rest * h / sum(highs) for h in highs]
