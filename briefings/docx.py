"""A briefing as a Word document laid out after GB/T 9704-2012 (党政机关公文格式), for the office to edit.

Layout rules (the numbers the standard fixes, and what this file does with them):
- A4 paper, 天头 (top margin) 37 mm, 订口 (left margin) 28 mm, text block 156 × 225 mm, so the right margin
  is 26 mm and the bottom 35 mm.
- Body text 3号 (16 pt) 仿宋_GB2312, 22 lines a page: the line pitch is exactly 28 pt (22 × 28 pt ≈ 217 mm), first
  line indented two characters (32 pt), justified.
- 版头: the marking (内部资料…) top left in 3号 黑体; the masthead (乌拉特前旗禁毒工作通报) in red 小标宋,
  centred; 第N期 under it; one line with the issuer (left) and the date of issue in Arabic numerals (right)
  over a red rule, as on the HTML and PDF briefing.
- 主体: title 2号 (22 pt) 小标宋, centred, may wrap; 主送 flush left; the lead sentence; the sections; the
  附件 list. 版记 closes the document: 抄送 and the issuing office with the date, between black rules.
- Headings "一、" in 黑体, "（一）" in 楷体_GB2312, both 16 pt and indented like body text (the heading text
  carries the numbering). Deeper sections are set like level 2.
- Tables and charts: title above (黑体 14 pt), tables in 五号 (10.5 pt; a table too wide for it is set smaller,
  down to 小五, as direct formatting of its runs) with column widths from the content (`briefings.layout`)
  and a header row repeated on every page, notes in 12 pt below; charts 15 cm wide. The annex (附表) starts
  on a new page; footnotes follow in 小四 (12 pt) under a thin rule, then the 版记.
- Page numbers "— 1 —" in 4号 (14 pt) Arabic numerals 7 mm under the text block: odd pages right, even pages
  left, each one character in from the edge of the text block.

Every look is a named paragraph style ("Briefing Body", "Briefing Heading 1", …) so an editor can restyle the
whole document in Word. Each style and each run names Times New Roman for Latin text and, through
`w:rFonts w:eastAsia`, the role's official face (`Face.official`) for Chinese text — even when this machine does
not have it: a DOCX embeds no fonts, and the Word on the office's PCs has the official faces, so the file is
laid out with them there. (Naming the local Noto fallback would make every copy look wrong on those PCs.)
Runs repeat the font names as direct formatting (it survives copying the text into another document, such as
the office's own template); sizes, spacing and indents live only in the styles. So changing a style's size
or spacing in Word reaches every paragraph at once, while changing its face also needs 清除格式 (Ctrl+Space).
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import docx
from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.styles import styleId_from_name
from docx.section import Section as DocxSection
from docx.shared import Cm, Mm, Pt, RGBColor
from docx.styles.style import ParagraphStyle
from docx.table import _Row
from docx.text.font import Font
from docx.text.paragraph import Paragraph
from docx.text.run import Run

import i18n
from briefings.fonts import LATIN, face
from briefings.html import write_file
from briefings.layout import TABLE_SIZES, TEXT_WIDTH_MM, fit
from briefings.model import Briefing, Chart, Masthead, Section, Table

PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGINS = {"top": Mm(37), "bottom": Mm(35), "left": Mm(28), "right": Mm(26)}   # text block 156 × 225 mm
TEXT_WIDTH = Mm(TEXT_WIDTH_MM)
FOOTER_DISTANCE = Mm(22)        # a 14 pt number line ≈ 6 mm high: its top sits 7 mm under the text block
CHART_WIDTH = Cm(15)
CHAR = Pt(16)                   # one character of body text (3号)
CELL_MARGIN = Mm(1.1)           # left and right inside a table cell (Word's default 1.9 mm wastes a column)
RED = "CC0000"
THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
PPR_AFTER_PBDR = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
                  "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
                  "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
                  "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId",
                  "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")      # schema order: w:pBdr goes before these

J = WD_ALIGN_PARAGRAPH


@dataclass(frozen=True)
class Look:
    """One named paragraph style: the font role (a key of `fonts.ROLES`) and the paragraph geometry in pt."""

    name: str
    role: str
    size: float
    align: WD_ALIGN_PARAGRAPH = J.JUSTIFY
    first_line: float = 0
    line: float | None = 28         # exact line pitch; None: single spacing (pictures must not be clipped)
    before: float = 0
    after: float = 0
    bold: bool = False
    outline: int | None = None      # Word's navigation pane level
    keep_with_next: bool = False
    page_break_before: bool = False
    color: str | None = None        # RGB hex

    @property
    def style_id(self) -> str:
        """The id python-docx gives the style it adds by this name (`_add_style`)."""
        return styleId_from_name(self.name)


# keyed by the end of the style name: "Briefing Heading 1" → "heading_1"
LOOKS: dict[str, Look] = {look.name.removeprefix("Briefing ").lower().replace(" ", "_"): look for look in [
    Look("Briefing Marking", "heading1", 16, J.LEFT, after=14),
    Look("Briefing Masthead", "title", 30, J.CENTER, line=None, before=12, after=6, color=RED),
    Look("Briefing Issue Number", "body", 16, J.CENTER, after=0),
    Look("Briefing Title", "title", 22, J.CENTER, line=33, after=14),
    Look("Briefing Recipients", "body", 16, J.LEFT),
    Look("Briefing Imprint", "body", 14, J.LEFT, line=None, before=4, after=4),
    Look("Briefing Issued", "body", 16, J.LEFT, after=28),
    Look("Briefing Body", "body", 16, first_line=32),
    Look("Briefing Heading 1", "heading1", 16, first_line=32, outline=0, keep_with_next=True),
    Look("Briefing Heading 2", "heading2", 16, first_line=32, outline=1, keep_with_next=True),
    Look("Briefing Annex Heading", "heading1", 16, J.LEFT, outline=0, keep_with_next=True, page_break_before=True),
    Look("Briefing Table Title", "heading1", 14, J.CENTER, before=14, after=6, keep_with_next=True),
    Look("Briefing Chart Title", "heading1", 14, J.CENTER, before=14, after=6, keep_with_next=True),
    Look("Briefing Table Header", "heading1", TABLE_SIZES[0], J.CENTER, line=15, bold=True),
    Look("Briefing Table Text", "body", TABLE_SIZES[0], J.CENTER, line=15),
    Look("Briefing Figure", "body", 16, J.CENTER, line=None, keep_with_next=True),
    Look("Briefing Note", "body", 12, line=18, before=4, after=14),
    Look("Briefing Footnote", "body", 12, line=18),
    Look("Briefing Page Number", "body", 14, line=None),
]}


def render(briefing: Briefing, path: Path) -> Path:
    """Write `briefing` as a DOCX at `path` (atomically) and return the path."""
    doc = docx.Document()
    _page_setup(doc.sections[0])
    _define_styles(doc, briefing.lang)
    _front_matter(doc, briefing)
    for section in briefing.sections:
        _section(doc, section, level=1)
    _attachments(doc, briefing)
    _annex(doc, briefing)
    _footnotes(doc, briefing)
    if briefing.masthead:
        _imprint(doc, briefing.masthead)
    _page_numbers(doc)
    _core_properties(doc, briefing)
    _drop_thumbnail(doc)
    out = io.BytesIO()
    doc.save(out)
    return write_file(path, out.getvalue())


# --- fonts and styles -----------------------------------------------------------------------------------

def set_fonts(font: Font, role: str) -> None:
    """Name Times New Roman for Latin text and the role's official face for East Asian text (run or style).

    python-docx's `font.name` sets only the Latin slots; theme attributes would override the names, so they go.
    """
    rfonts = font.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in THEME_ATTRS:
        rfonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        rfonts.set(qn(attr), LATIN)
    rfonts.set(qn("w:eastAsia"), face(role).official)


def _define_styles(doc: Document, lang: str) -> None:
    normal = doc.styles["Normal"]
    set_fonts(normal.font, "body")
    normal.font.size = Pt(16)
    _language(doc, lang)
    for look in LOOKS.values():
        _add_style(doc, look)
    for key in ("heading_1", "heading_2", "annex_heading"):
        doc.styles[LOOKS[key].name].next_paragraph_style = doc.styles[LOOKS["body"].name]
    _issued_style(doc.styles[LOOKS["issued"].name])
    _imprint_style(doc.styles[LOOKS["imprint"].name])
    _border(doc.styles[LOOKS["footnote"].name], "top", eighths=6, color="000000")  # Word draws one over the block


def _issued_style(style: ParagraphStyle) -> None:
    """Issuer one character in from the left, a tab, the date one character in from the right; red rule under."""
    pf = style.paragraph_format
    pf.left_indent = pf.right_indent = CHAR
    pf.tab_stops.add_tab_stop(TEXT_WIDTH - CHAR, WD_TAB_ALIGNMENT.RIGHT)
    _border(style, "bottom", eighths=12, color=RED)                                  # 1.5 pt


def _imprint_style(style: ParagraphStyle) -> None:
    """版记 lines: one character in on both sides, the date at a right tab, a black rule under each."""
    pf = style.paragraph_format
    pf.left_indent = pf.right_indent = Pt(14)
    pf.tab_stops.add_tab_stop(TEXT_WIDTH - Pt(28), WD_TAB_ALIGNMENT.RIGHT)
    _border(style, "bottom", eighths=4, color="000000")


def _add_style(doc: Document, look: Look) -> ParagraphStyle:
    style = doc.styles.add_style(look.name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style, style.quick_style = doc.styles["Normal"], True
    set_fonts(style.font, look.role)
    style.font.size, style.font.bold = Pt(look.size), look.bold or None
    if look.color:
        style.font.color.rgb = RGBColor.from_string(look.color)
    pf = style.paragraph_format
    pf.alignment, pf.first_line_indent = look.align, Pt(look.first_line)
    pf.left_indent = pf.right_indent = Pt(0)
    pf.space_before, pf.space_after = Pt(look.before), Pt(look.after)
    pf.line_spacing = Pt(look.line) if look.line else 1.0
    pf.keep_with_next, pf.page_break_before = look.keep_with_next or None, look.page_break_before or None
    if look.outline is not None:
        style.element.get_or_add_pPr().get_or_add_outlineLvl().val = look.outline
    return style


def _language(doc: Document, lang: str) -> None:
    """Proofing and line-breaking languages (the template says en-US for everything): Chinese text is zh-CN."""
    lang_el = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")).find(
        qn("w:lang"))
    lang_el.set(qn("w:val"), "zh-CN" if lang == "zh" else "en-US")
    lang_el.set(qn("w:eastAsia"), "zh-CN")


def _border(style: ParagraphStyle, side: str, eighths: int, color: str) -> None:
    """A rule on one side of the paragraphs of `style` (`eighths` of a point thick, 6 pt from the text)."""
    style.element.get_or_add_pPr().insert_element_before(_rules({side: eighths}, color), *PPR_AFTER_PBDR)


def _paragraph_borders(paragraph: Paragraph, sides: dict[str, int]) -> None:
    """Black rules on one paragraph, `sides` → eighths of a point (they replace its style's rules)."""
    paragraph._p.get_or_add_pPr().insert_element_before(_rules(sides, "000000"), *PPR_AFTER_PBDR)


def _rules(sides: dict[str, int], color: str):
    pbdr = OxmlElement("w:pBdr")
    for side in ("top", "left", "bottom", "right"):          # schema order
        if side in sides:
            line = OxmlElement(f"w:{side}")
            for attr, value in {"val": "single", "sz": str(sides[side]), "space": "6", "color": color}.items():
                line.set(qn(f"w:{attr}"), value)
            pbdr.append(line)
    return pbdr


# --- content ----------------------------------------------------------------------------------------------

def _run(paragraph: Paragraph, text: str, key: str, bold: bool | None = None) -> Run:
    run = paragraph.add_run(text)
    set_fonts(run.font, LOOKS[key].role)
    if bold is not None:
        run.bold = bold
    return run


def _styled(paragraph: Paragraph, key: str) -> Paragraph:
    """`paragraph` in the look `key`'s style. python-docx's `paragraph.style = name` looks the name up, then
    reads every style of the document to see whether it is the default one (2.7 ms: a briefing's 400 table
    cells took 1 s of its 1.1 s); the looks are styles `_add_style` made, never the default, so their id is set
    as that setter sets it."""
    paragraph._p.style = LOOKS[key].style_id
    return paragraph


def _paragraph(doc: Document, key: str, text: str) -> Paragraph:
    paragraph = _styled(doc.add_paragraph(), key)
    _run(paragraph, text, key)
    return paragraph


def _front_matter(doc: Document, briefing: Briefing) -> None:
    """版头 (marking, red masthead, 第N期, issuer and date over the red rule), then title, 主送 and lead."""
    m = briefing.masthead
    if briefing.marking is not None:
        _paragraph(doc, "marking", briefing.marking)
    if m:
        _paragraph(doc, "masthead", m.name)
        _paragraph(doc, "issue_number", m.number)
    _paragraph(doc, "issued", f"{briefing.issuer}\t{briefing.date_text}")
    _paragraph(doc, "title", briefing.title)
    if m:
        _paragraph(doc, "recipients", m.recipients)
        _paragraph(doc, "body", m.lead)


def _attachments(doc: Document, briefing: Briefing) -> None:
    """附件：1.… under the body, as GB/T 9704 places the list of what is attached."""
    m = briefing.masthead
    if not m or not m.attachments:
        return
    label = i18n.t("brief.attachments_label", briefing.lang) + ("：" if briefing.lang == "zh" else ": ")
    for i, title in enumerate(m.attachments):
        lead = label if i == 0 else "\u3000" * len(label) if briefing.lang == "zh" else " " * len(label)
        _paragraph(doc, "body", f"{lead}{i + 1}.{title}").paragraph_format.space_before = Pt(28 if i == 0 else 0)


def _imprint(doc: Document, m: Masthead) -> None:
    """版记: 抄送, then the issuing office and the date, each over a rule; a thicker rule on top."""
    cc = _paragraph(doc, "imprint", m.cc)
    cc.paragraph_format.space_before = Pt(28)
    _paragraph_borders(cc, {"top": 8, "bottom": 4})
    _paragraph(doc, "imprint", f"{m.printer}\t{m.printed_on}")


def _section(doc: Document, section: Section, level: int) -> None:
    """Heading, paragraphs, tables, charts, then subsections (the order of the HTML briefing)."""
    _paragraph(doc, "heading_1" if level == 1 else "heading_2", section.heading)
    for text in section.paragraphs:
        _paragraph(doc, "body", text)
    if section.editor_note:
        _paragraph(doc, "body", section.editor_note)
    for table in section.tables:
        _table(doc, table)
    for chart in section.charts:
        _chart(doc, chart)
    for sub in section.subsections:
        _section(doc, sub, level + 1)


def _annex(doc: Document, briefing: Briefing) -> None:
    if not briefing.annex:
        return
    _paragraph(doc, "annex_heading", i18n.t("brief.annex_heading", briefing.lang))
    for table in briefing.annex:
        _table(doc, table)


def _footnotes(doc: Document, briefing: Briefing) -> None:
    notes = [_paragraph(doc, "footnote", note) for note in briefing.footnotes]
    if notes:
        notes[0].paragraph_format.space_before = Pt(28)     # one blank line above the rule


def _table(doc: Document, table: Table) -> None:
    _paragraph(doc, "table_title", table.title)
    grid = doc.add_table(rows=1 + len(table.rows), cols=len(table.columns))
    grid.style, grid.alignment = doc.styles["Table Grid"], WD_TABLE_ALIGNMENT.CENTER
    layout = fit(table, TEXT_WIDTH_MM)
    _fixed_widths(grid, [Mm(w) for w in layout.widths])
    for i, (row, values) in enumerate(zip(grid.rows, [table.columns, *table.rows])):
        _row_flags(row, header=i == 0)
        total = table.total_row and i == len(table.rows)
        for cell, text in zip(row.cells, values):
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            key = "table_header" if i == 0 else "table_text"
            paragraph = _styled(cell.paragraphs[0], key)
            run = _run(paragraph, text, key, bold=total or None)
            if layout.size != LOOKS[key].size:      # a wide table set smaller than its style, so nothing breaks
                run.font.size = Pt(layout.size)
    if table.note:
        _paragraph(doc, "note", table.note)


def _fixed_widths(grid, widths: list[int]) -> None:
    """Column widths from the content (`briefings.layout`), a fixed layout so Word and WPS keep them, and
    narrow cell margins (the widths allow for them)."""
    grid.autofit = False
    tbl_pr = grid._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(round(CELL_MARGIN.twips)))
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    tbl_pr.append(layout)
    tbl_pr.append(margins)
    for column, width in zip(grid.columns, widths):
        column.width = width
        for cell in column.cells:
            cell.width = width


def _row_flags(row: _Row, header: bool) -> None:
    """Rows never break across pages; the header row repeats at the top of each page."""
    tr_pr = row._tr.get_or_add_trPr()
    for tag in ("w:cantSplit", "w:tblHeader") if header else ("w:cantSplit",):
        tr_pr.append(OxmlElement(tag))


def _chart(doc: Document, chart: Chart) -> None:
    _paragraph(doc, "chart_title", chart.title)
    figure = _styled(doc.add_paragraph(), "figure")
    _run(figure, "", "figure").add_picture(str(chart.png), width=CHART_WIDTH)
    # kept with its note only: without one, "keep with next" would chain the picture to the next heading and
    # its first paragraph, and push all three to a new page
    figure.paragraph_format.keep_with_next = bool(chart.note)
    if chart.note:
        _paragraph(doc, "note", chart.note)


# --- page ---------------------------------------------------------------------------------------------------

def _page_setup(section: DocxSection) -> None:
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = MARGINS["top"], MARGINS["bottom"]
    section.left_margin, section.right_margin = MARGINS["left"], MARGINS["right"]
    section.gutter, section.footer_distance = Mm(0), FOOTER_DISTANCE


def _page_numbers(doc: Document) -> None:
    """'— n —' with a PAGE field: odd pages right, even pages left, one character in from the text block."""
    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[0]
    odd, even = (section.footer, J.RIGHT, "right_indent"), (section.even_page_footer, J.LEFT, "left_indent")
    for footer, align, indent in (odd, even):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        _styled(paragraph, "page_number").alignment = align
        setattr(paragraph.paragraph_format, indent, Pt(LOOKS["page_number"].size))   # one character in
        _page_field(paragraph)


def _page_field(paragraph: Paragraph) -> None:
    _run(paragraph, "— ", "page_number")
    _field_code(paragraph, "w:fldChar", kind="begin")
    _field_code(paragraph, "w:instrText", text=" PAGE ")
    _field_code(paragraph, "w:fldChar", kind="separate")
    _run(paragraph, "1", "page_number")                 # shown until Word updates the field
    _field_code(paragraph, "w:fldChar", kind="end")
    _run(paragraph, " —", "page_number")


def _field_code(paragraph: Paragraph, tag: str, kind: str | None = None, text: str | None = None) -> None:
    """A run holding one part of a complex field: a `w:fldChar` of `kind` or the `w:instrText` `text`."""
    el = OxmlElement(tag)
    if kind:
        el.set(qn("w:fldCharType"), kind)
    if text:
        el.set(qn("xml:space"), "preserve")
        el.text = text
    _run(paragraph, "", "page_number")._r.append(el)


def _core_properties(doc: Document, briefing: Briefing) -> None:
    """What Word shows under File ▸ Info; the template's python-docx author and comment are replaced."""
    props = doc.core_properties
    props.title, props.subject, props.author = briefing.title, briefing.period, briefing.issuer
    props.keywords = f"{briefing.period}, {briefing.audience}, {briefing.version}"
    props.last_modified_by, props.comments, props.category, props.revision = briefing.issuer, "", "", 1
    props.created = props.modified = datetime.now(timezone.utc)


def _drop_thumbnail(doc: Document) -> None:
    """The template's preview picture shows another (empty) document; Word draws a new one when it saves."""
    rels = doc.part.package.rels
    for rid in [rel.rId for rel in rels.values() if rel.reltype == RT.THUMBNAIL]:
        rels.pop(rid)
