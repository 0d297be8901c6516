"""The DOCX briefing, read back with python-docx as Word would show it: GB/T 9704 page, faces, order, tables."""
from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.table import Table as DocxTable
from docx.text.font import Font
from docx.text.paragraph import Paragraph

from briefings.docx import render
from briefings.fonts import LATIN, faces
from briefings.model import Briefing, Section, Table
from tests.app_helpers import demo, demo_build  # noqa: F401
from tests.briefing_sample import sample_briefing

STYLE_NAMES = ["Briefing Title", "Briefing Body", "Briefing Heading 1", "Briefing Heading 2", "Briefing Table Title",
               "Briefing Note"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Briefing, Document]:
    """The sample briefing and its DOCX as Word reads it, written once for the tests that only read them."""
    folder = tmp_path_factory.mktemp("docx")
    briefing = sample_briefing(folder)
    return briefing, docx.Document(str(render(briefing, folder / "out" / "briefing.docx")))


# --- reading what Word resolves: direct formatting first, then the paragraph style and its bases ---------

def _styles(paragraph: Paragraph) -> Iterator[Any]:
    style = paragraph.style
    while style is not None:
        yield style
        style = style.base_style


def char(paragraph: Paragraph, get: Callable[[Font], Any]) -> Any:
    """A character property of the paragraph's first run as displayed."""
    fonts = [paragraph.runs[0].font, *(s.font for s in _styles(paragraph))]
    return next((v for v in map(get, fonts) if v is not None), None)


def para(paragraph: Paragraph, get: Callable[[Any], Any]) -> Any:
    formats = [paragraph.paragraph_format, *(s.paragraph_format for s in _styles(paragraph))]
    return next((v for v in map(get, formats) if v is not None), None)


def east_asia(font: Font) -> str | None:
    """The `w:eastAsia` face named on a run or style (a theme font counts as no name: Word would not use ours)."""
    rpr = font.element.rPr
    rfonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
    if rfonts is None:
        return None
    return "(theme)" if rfonts.get(qn("w:eastAsiaTheme")) else rfonts.get(qn("w:eastAsia"))


def paragraphs(doc: Document) -> list[Paragraph]:
    return [block for block in doc.iter_inner_content() if isinstance(block, Paragraph)]


def find(doc: Document, text: str) -> Paragraph:
    hits = [p for p in paragraphs(doc) if p.text == text]
    assert len(hits) == 1, f"{text!r} is in {len(hits)} paragraphs"
    return hits[0]


def body_texts(doc: Document) -> list[str]:
    """Every paragraph's text and every table cell's text, in document order."""
    out: list[str] = []
    for block in doc.iter_inner_content():
        if isinstance(block, Paragraph):
            out.append(block.text)
        else:
            out.extend(cell.text for row in block.rows for cell in row.cells)
    return out


def table_texts(t: Table) -> list[str]:
    return [t.title, *t.columns, *(c for row in t.rows for c in row), *([t.note] if t.note else [])]


def section_texts(s: Section) -> list[str]:
    """A section in reading order: heading, paragraphs, tables, charts, subsections."""
    charts = [text for c in s.charts for text in (c.title, c.note) if text]
    return [s.heading, *s.paragraphs, *(x for t in s.tables for x in table_texts(t)), *charts,
            *(x for sub in s.subsections for x in section_texts(sub))]


def table_after(doc: Document, title: str) -> DocxTable:
    blocks = list(doc.iter_inner_content())
    i = next(i for i, b in enumerate(blocks) if isinstance(b, Paragraph) and b.text == title)
    assert isinstance(blocks[i + 1], DocxTable), f"no table right under {title!r}"
    return blocks[i + 1]


# --- tests ------------------------------------------------------------------------------------------------

def test_a4_page_with_gbt9704_margins(built: tuple[Briefing, Document]) -> None:
    _, doc = built
    s = doc.sections[0]
    expected = {"page_width": 210, "page_height": 297, "top_margin": 37, "left_margin": 28, "right_margin": 26,
                "bottom_margin": 35}
    got = {name: getattr(s, name).mm for name in expected}
    assert got == pytest.approx(expected, abs=0.1)
    assert (got["page_width"] - got["left_margin"] - got["right_margin"],
            got["page_height"] - got["top_margin"] - got["bottom_margin"]) == pytest.approx((156, 225), abs=0.1)


def test_title_and_body_in_official_faces(built: tuple[Briefing, Document]) -> None:
    b, doc = built
    official = {role: f.official for role, f in faces().items()}
    title = find(doc, b.title)
    assert char(title, lambda f: f.size) == Pt(22)
    assert char(title, east_asia) == official["title"]
    assert para(title, lambda f: f.alignment) == WD_ALIGN_PARAGRAPH.CENTER
    texts = [text for s in b.sections for text in s.paragraphs + [t for sub in s.subsections for t in sub.paragraphs]]
    for p in map(lambda t: find(doc, t), texts):
        assert char(p, lambda f: f.size) == Pt(16), p.text
        assert char(p, east_asia) == official["body"], p.text
        assert para(p, lambda f: f.first_line_indent) == Pt(32)
        assert para(p, lambda f: f.line_spacing_rule) == WD_LINE_SPACING.EXACTLY
        assert para(p, lambda f: f.line_spacing) == Pt(28)          # 22 lines on a 225 mm text block
        assert para(p, lambda f: f.alignment) == WD_ALIGN_PARAGRAPH.JUSTIFY


def test_headings_in_heiti_and_kaiti(built: tuple[Briefing, Document]) -> None:
    b, doc = built
    for s in b.sections:
        h1 = find(doc, s.heading)
        assert (char(h1, east_asia), char(h1, lambda f: f.size)) == ("黑体", Pt(16)), s.heading
        assert h1.style.name == "Briefing Heading 1"
        for sub in s.subsections:
            h2 = find(doc, sub.heading)
            assert "楷体" in char(h2, east_asia) and char(h2, lambda f: f.size) == Pt(16), sub.heading
            assert h2.style.name == "Briefing Heading 2"


def test_every_run_names_latin_and_official_east_asian_face(built: tuple[Briefing, Document]) -> None:
    _, doc = built
    official = {f.official for f in faces().values()}
    cells = [p for t in doc.tables for row in t.rows for cell in row.cells for p in cell.paragraphs]
    footers = [p for f in (doc.sections[0].footer, doc.sections[0].even_page_footer) for p in f.paragraphs]
    runs = [r for p in paragraphs(doc) + cells + footers for r in p.runs]
    assert len(runs) > 40
    for run in runs:
        rfonts = run.font.element.rPr.find(qn("w:rFonts"))
        assert rfonts.get(qn("w:ascii")) == rfonts.get(qn("w:hAnsi")) == LATIN, run.text
        assert rfonts.get(qn("w:eastAsia")) in official, run.text


def test_named_styles_for_editors(built: tuple[Briefing, Document]) -> None:
    b, doc = built
    names = {s.name for s in doc.styles}
    assert set(STYLE_NAMES) <= names
    assert find(doc, b.title).style.name == "Briefing Title"
    assert find(doc, b.sections[0].paragraphs[0]).style.name == "Briefing Body"
    assert find(doc, b.sections[2].tables[0].title).style.name == "Briefing Table Title"
    assert find(doc, b.sections[2].tables[0].note).style.name == "Briefing Note"
    # every paragraph, table cell and footer is in one of the briefing's named styles, none left in Normal
    cells = [(row_index, cell.paragraphs[0]) for block in doc.iter_inner_content() if not isinstance(block, Paragraph)
             for row_index, row in enumerate(block.rows) for cell in row.cells]
    assert {p.style.name for p in paragraphs(doc)} >= {"Briefing Figure", "Briefing Masthead", "Briefing Footnote"}
    assert all(p.style.name.startswith("Briefing ") for p in paragraphs(doc))
    assert {p.style.name for i, p in cells if i == 0} == {"Briefing Table Header"}
    assert {p.style.name for i, p in cells if i > 0} == {"Briefing Table Text"}
    footers = [doc.sections[0].footer.paragraphs[0], doc.sections[0].even_page_footer.paragraphs[0]]
    assert [p.style.name for p in footers] == ["Briefing Page Number"] * 2


def test_all_content_in_order(built: tuple[Briefing, Document]) -> None:
    """Exactly the briefing's texts, in reading order: nothing lost, repeated or added (the chart is a picture)."""
    b, doc = built
    m = b.masthead
    sections = [x for s in b.sections for x in section_texts(s)]
    sections.insert(sections.index(b.sections[-1].paragraphs[-1]) + 1, b.sections[-1].editor_note)  # DOCX only
    expected = [b.marking, m.name, m.number, f"{b.issuer}\t{b.date_text}", b.title, m.recipients, m.lead,
                *sections, "附件：1.案件统计", "附表", *(x for t in b.annex for x in table_texts(t)), *b.footnotes,
                m.cc, f"{m.printer}\t{m.printed_on}"]
    assert [text for text in body_texts(doc) if text] == expected


def test_annex_starts_a_new_page(built: tuple[Briefing, Document]) -> None:
    _, doc = built
    assert para(find(doc, "附表"), lambda f: f.page_break_before) is True


def test_footnotes_then_the_imprint_close_the_document(built: tuple[Briefing, Document]) -> None:
    """Footnotes in a smaller size, then 版记: 抄送, and the issuing office with the date of issue, over rules."""
    b, doc = built
    m = b.masthead
    last = paragraphs(doc)
    notes, imprint = last[-len(b.footnotes) - 2:-2], last[-2:]
    assert [p.text for p in notes] == b.footnotes
    for p in notes:
        assert Pt(12) <= char(p, lambda f: f.size) <= Pt(14)
    assert [p.text for p in imprint] == [m.cc, f"{m.printer}\t{m.printed_on}"]
    assert m.cc.startswith("抄送：") and m.printed_on.endswith("印发")
    assert all(rules(p) for p in imprint) and "top" in rules(imprint[0])      # between black rules


def rules(paragraph: Paragraph) -> dict[str, str]:
    """Side → colour of the rules drawn on a paragraph (its own, else its style's)."""
    for element in (paragraph._p.pPr, paragraph.style.element.pPr):
        pbdr = element.find(qn("w:pBdr")) if element is not None else None
        if pbdr is not None:
            return {el.tag.split("}")[1]: el.get(qn("w:color")) for el in pbdr}
    return {}


def test_three_parts_masthead_body_imprint(built: tuple[Briefing, Document]) -> None:
    """版头: a red masthead in the title face, 第N期, the issuer and date over a red rule; 主体: title, 主送
    flush left, the lead sentence ending "如下：", then the sections; 附件 list before the annex."""
    b, doc = built
    m = b.masthead
    masthead, number, issued, title, recipients, lead = paragraphs(doc)[1:7]
    assert masthead.text == "乌拉特前旗禁毒工作通报" and number.text == "第3期"
    assert str(char(masthead, lambda f: f.color.rgb if f.color and f.color.type else None)) == "CC0000"
    assert char(masthead, east_asia) == faces()["title"].official and char(masthead, lambda f: f.size) > Pt(22)
    assert para(masthead, lambda f: f.alignment) == WD_ALIGN_PARAGRAPH.CENTER
    assert issued.text == f"{b.issuer}\t{b.date_text}" and rules(issued) == {"bottom": "CC0000"}
    assert title.text == b.title and recipients.text == m.recipients
    assert para(recipients, lambda f: f.first_line_indent) in (0, None)
    assert lead.text.startswith("现将") and lead.text.endswith("通报如下：")
    assert paragraphs(doc)[7].text == b.sections[0].heading
    assert find(doc, "附件：1.案件统计")


def test_issue_numbers_count_per_year_across_two_builds(demo, tmp_path: Path) -> None:
    """第1期, then 第2期 for the next period; the same period built again keeps its number; a new year
    starts again at 第1期."""
    from datetime import date

    from briefings import archive, period

    def number(code: str, issued: date) -> str:
        done = archive.publish(period.parse(code), "internal", "zh", ["docx"], tmp_path, issued)
        return paragraphs(docx.Document(str(done.files[0])))[2].text

    assert number("2024Q2", date(2024, 7, 10)) == "第1期"
    assert number("2024Q3", date(2024, 10, 8)) == "第2期"
    assert number("2024Q3", date(2024, 10, 9)) == "第2期"
    assert number("2024Q4", date(2025, 1, 8)) == "第1期"


def test_column_widths_from_content_fit_the_text_block(tmp_path: Path) -> None:
    """Fixed widths that add up to the 156 mm block; the longest township name gets room for one line at the
    table's size, where equal widths would split it into four."""
    b = sample_briefing(tmp_path)
    towns = Table("表1　各苏木镇主要指标", ["苏木镇", "现有吸毒人员", "每万人", "年内新发现", "失控", "见面核查率", "案事件",
                                   "毛发检测", "阳性率", "达标项"],
                  [["额尔登布拉格苏木", "4", "10.0", "0", "0", "75.0%", "0", "7", "14.3%", "4/5"],
                   ["乌拉山镇", "100", "10.5", "5", "0", "97.0%", "7", "128", "6.2%", "2/5"]])
    b = dataclasses.replace(b, sections=[dataclasses.replace(b.sections[2], tables=[towns])])
    doc = docx.Document(str(render(b, tmp_path / "w.docx")))
    grid = table_after(doc, towns.title)
    widths = [c.width for c in grid.columns]
    assert abs(sum(widths) - Mm(156)) < Mm(0.5)
    assert grid._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    margins = sum(int(el.get(qn("w:w"))) for el in grid._tbl.tblPr.find(qn("w:tblCellMar"))) * 635   # twips → EMU
    size = char(grid.rows[1].cells[0].paragraphs[0], lambda f: f.size)
    assert widths[0] - margins >= 8 * size                  # 额尔登布拉格苏木: eight full-width characters
    assert len(set(widths)) > 3                             # not equal widths
    assert widths[0] > widths[4]                            # the name column is wider than 失控


def test_table_rows_columns_header_and_total(built: tuple[Briefing, Document]) -> None:
    b, doc = built
    sample = b.sections[2].tables[0]
    t = table_after(doc, sample.title)
    assert t.style.name == "Table Grid"
    assert [[c.text for c in row.cells] for row in t.rows] == [sample.columns, *sample.rows]
    repeats = [row._tr.trPr is not None and row._tr.trPr.find(qn("w:tblHeader")) is not None for row in t.rows]
    assert repeats == [True] + [False] * len(sample.rows)
    bold = [[bool(char(c.paragraphs[0], lambda f: f.bold)) for c in row.cells] for row in t.rows]
    assert bold[0] == bold[-1] == [True] * len(sample.columns)       # header and total row
    assert not any(any(row) for row in bold[1:-1])
    assert char(t.rows[1].cells[0].paragraphs[0], lambda f: f.size) <= Pt(14)


def test_chart_embedded_under_its_title(built: tuple[Briefing, Document]) -> None:
    b, doc = built
    chart = b.sections[0].subsections[0].charts[0]
    (shape,) = doc.inline_shapes
    assert shape.width == pytest.approx(Cm(15), abs=Cm(0.01))
    images = [p.blob for p in doc.part.related_parts.values() if p.content_type == "image/png"]
    assert images == [chart.png.read_bytes()]
    blocks = paragraphs(doc)
    i = blocks.index(next(p for p in blocks if p.text == chart.title))
    assert blocks[i + 1]._p.xpath(".//w:drawing") and blocks[i + 2].text == chart.note


def test_footer_page_number_between_em_dashes(built: tuple[Briefing, Document]) -> None:
    _, doc = built
    s = doc.sections[0]
    assert doc.settings.odd_and_even_pages_header_footer
    for footer, align in ((s.footer, WD_ALIGN_PARAGRAPH.RIGHT), (s.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        assert not footer.is_linked_to_previous
        (p,) = footer.paragraphs
        assert p.text == "— 1 —"
        codes = [el.text.split()[0] for el in p._p.iter(qn("w:instrText"))]
        codes += [el.get(qn("w:instr")).split()[0] for el in p._p.iter(qn("w:fldSimple"))]
        assert codes == ["PAGE"]
        assert para(p, lambda f: f.alignment) == align
        assert char(p, lambda f: f.size) == Pt(14)


def test_core_properties(built: tuple[Briefing, Document]) -> None:
    b, doc = built
    props = doc.core_properties
    assert (props.title, props.subject, props.author) == (b.title, b.period, b.issuer)
    assert b.version in props.keywords
    assert "python-docx" not in " ".join([props.author, props.comments, props.last_modified_by])


@pytest.mark.parametrize("audience", ["internal", "public"])
def test_marking_only_when_internal(tmp_path: Path, audience: str) -> None:
    b = sample_briefing(tmp_path, audience)
    doc = docx.Document(str(render(b, tmp_path / "b.docx")))
    first = paragraphs(doc)[0]
    if audience == "public":
        assert b.marking is None and first.text == b.masthead.name
        assert not any("内部" in text for text in body_texts(doc))
    else:
        assert first.text == b.marking == "内部资料　注意保存"
        assert char(first, east_asia) == "黑体" and char(first, lambda f: f.size) == Pt(16)
