"""The HTML and PDF briefings: what a reader sees — every text in order, escaped, self-contained, A4 pages
numbered "— n —" on the outer side, CJK fonts embedded, the title in the PDF's metadata."""
from __future__ import annotations

import base64
import dataclasses
import logging
import re
from pathlib import Path

import lxml.html
import pytest
from pypdf import PdfReader

from briefings.fonts import faces
from briefings.html import html_string, render_html
from briefings.model import Briefing, Section, Table
from briefings.pdf import render_pdf
from tests.briefing_sample import sample_briefing

A4 = (595.28, 841.89)  # pt
MM = 72 / 25.4


# ---- helpers -------------------------------------------------------------------------------------------

def squash(text: str) -> str:
    return "".join(text.split())


def norm(text: str) -> str:
    """Collapse HTML whitespace (ASCII only: the ideographic space U+3000 is text)."""
    return re.sub(r"[ \t\n\r\f]+", " ", text).strip()


def table_texts(t: Table) -> list[str]:
    return [t.title, *t.columns, *(cell for row in t.rows for cell in row), *([t.note] if t.note else [])]


def section_texts(s: Section) -> list[str]:
    charts = [text for c in s.charts for text in (c.title, c.note) if text]
    return [s.heading, *s.paragraphs, *(x for t in s.tables for x in table_texts(t)), *charts,
            *(x for sub in s.subsections for x in section_texts(sub))]


def reading_order(b: Briefing) -> list[str]:
    """Every text of the briefing in the order a reader meets it: 版头, 主体, 附件, 版记."""
    m = b.masthead
    return [*([b.marking] if b.marking else []), m.name, m.number, b.issuer, b.date_text, b.title,
            m.recipients, m.lead, *(x for s in b.sections for x in section_texts(s)),
            "附件：", *(f"{i}.{a}" for i, a in enumerate(m.attachments, 1)),
            "附表", *(x for t in b.annex for x in table_texts(t)), *b.footnotes, m.cc, m.printer, m.printed_on]


def leaf_texts(doc: lxml.html.HtmlElement) -> list[str]:
    """The text of each innermost element of the body, in document order, whitespace normalised."""
    body = doc.find("body")
    return [norm(el.text_content()) for el in body.iter() if len(el) == 0 and norm(el.text_content())]


def first_missing(expected: list[str], seen: list[str]) -> str | None:
    """The first of `expected` not found in `seen` after the previous one (None: all there, in order)."""
    rest = iter(seen)
    return next((text for text in expected if norm(text) not in rest), None)


def parse(html: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(html)


def heading_levels(sections: list[Section], level: int) -> list[str]:
    return [s.heading for s in sections] if level == 1 else \
        [h for s in sections for h in heading_levels(s.subsections, level - 1)]


# ---- HTML ----------------------------------------------------------------------------------------------

@pytest.fixture
def internal(tmp_path: Path) -> Briefing:
    return sample_briefing(tmp_path, "internal")


@pytest.fixture
def html_doc(internal: Briefing, tmp_path: Path) -> tuple[str, lxml.html.HtmlElement]:
    path = render_html(internal, tmp_path / "out" / "briefing.html")
    raw = path.read_bytes().decode("utf-8")
    return raw, parse(raw)


def test_html_has_every_text_in_reading_order(internal: Briefing, html_doc) -> None:
    _, doc = html_doc
    assert first_missing(reading_order(internal), leaf_texts(doc)) is None
    m = internal.masthead
    assert leaf_texts(doc)[-3:] == [m.cc, m.printer, m.printed_on]          # 版记 closes the page


def test_html_semantic_markup(internal: Briefing, html_doc) -> None:
    _, doc = html_doc
    assert [h.text_content() for h in doc.iter("h1")] == [internal.title]
    assert [h.text_content() for h in doc.iter("h2")] == [*heading_levels(internal.sections, 1), "附表"]
    assert [h.text_content() for h in doc.iter("h3")] == heading_levels(internal.sections, 2)
    tables = [*(t for s in internal.sections for t in s.tables), *internal.annex]
    assert [t.find("caption").text_content() for t in doc.iter("table")] == [t.title for t in tables]
    for table, model in zip(doc.iter("table"), tables):
        header = table.findall("thead/tr/th")
        assert [th.text_content() for th in header] == model.columns
        assert {th.get("scope") for th in header} == {"col"}
        assert len(table.findall("tbody/tr")) == len(model.rows)
    annex_heading = next(h for h in doc.iter("h2") if h.text_content() == "附表")
    assert [c.text_content() for c in annex_heading.getparent().iter("caption")] == [t.title for t in internal.annex]
    chart = internal.sections[0].subsections[0].charts[0]
    figure = next(doc.iter("figure"))
    assert figure.find("img").get("alt") == chart.title
    assert chart.title in figure.find("figcaption").text_content()


def test_html_is_self_contained(internal: Briefing, html_doc) -> None:
    raw, doc = html_doc
    for bad in ("http://", "https://", 'src="/', "url(", "<link", "<script"):
        assert bad not in raw
    images = list(doc.iter("img"))
    assert images and all(img.get("src").startswith("data:image/png;base64,") for img in images)
    png = internal.sections[0].subsections[0].charts[0].png.read_bytes()
    assert base64.b64decode(images[0].get("src").split(",", 1)[1]) == png
    assert doc.find("head/meta").get("charset").lower() == "utf-8"


def test_html_escapes_texts(internal: Briefing) -> None:
    evil = '<script>alert("x")</script> & <b>粗</b>'
    first = dataclasses.replace(internal.sections[0], paragraphs=[evil])
    chart = dataclasses.replace(first.subsections[0].charts[0], title='图1 "负荷" <img src=x>')
    sub = dataclasses.replace(first.subsections[0], charts=[chart])
    b = dataclasses.replace(internal, sections=[dataclasses.replace(first, subsections=[sub])])
    raw = html_string(b)
    assert "<script" not in raw and "<b>" not in raw and "&lt;script&gt;" in raw
    doc = parse(raw)
    assert evil in [p.text_content() for p in doc.iter("p")]          # the reader sees the text as written
    assert next(doc.iter("figure")).find("img").get("alt") == chart.title
    assert len(list(doc.iter("img"))) == 1


def test_html_lang_attribute(internal: Briefing) -> None:
    assert parse(html_string(internal)).get("lang") == "zh-CN"
    assert parse(html_string(dataclasses.replace(internal, lang="en"))).get("lang") == "en"


def test_marking_only_when_internal(tmp_path: Path, internal: Briefing) -> None:
    public = sample_briefing(tmp_path, "public")
    assert public.marking is None and "内部资料" not in html_string(public)
    texts = leaf_texts(parse(html_string(internal)))
    assert texts[:2] == [internal.marking, internal.masthead.name]       # top-left, above the masthead


def test_font_families_name_official_face_then_fallback(html_doc) -> None:
    raw, _ = html_doc
    def stack(selector: str) -> list[str]:
        rule = re.search(rf"(?m)^{re.escape(selector)}\s*{{[^}}]*?font-family:\s*([^;]+);", raw)
        assert rule, selector
        return [name.strip().strip('"') for name in rule.group(1).split(",")]
    for selector, role, generic in (("body", "body", "serif"), ("h1", "title", "serif"),
                                    ("h2", "heading1", "sans-serif"), ("h3, h4, h5, h6", "heading2", "serif")):
        f, names = faces()[role], stack(selector)
        assert names[0] == f.official and names[-1] == generic
        if f.available:
            assert f.available in names[1:-1]


# ---- PDF -----------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory) -> tuple[Briefing, PdfReader]:
    tmp = tmp_path_factory.mktemp("pdf")
    b = sample_briefing(tmp, "internal")
    return b, PdfReader(render_pdf(b, tmp / "out" / "briefing.pdf"))


def placed_texts(page) -> list[tuple[float, float, str, str]]:
    """(x, y, text, font) of every text run on a page."""
    runs: list[tuple[float, float, str, str]] = []
    def visit(text, cm, tm, font, size):
        if text.strip():
            runs.append((cm[0] * tm[4] + cm[4], cm[3] * tm[5] + cm[5], text.strip(),
                         str(font.get("/BaseFont", "")) if font else ""))
    page.extract_text(visitor_text=visit)
    return runs


def test_pdf_pages_are_a4(pdf) -> None:
    _, reader = pdf
    assert len(reader.pages) >= 2
    for page in reader.pages:
        assert float(page.mediabox.width) == pytest.approx(A4[0], abs=1)
        assert float(page.mediabox.height) == pytest.approx(A4[1], abs=1)


def test_pdf_text_has_title_headings_and_cells(pdf) -> None:
    b, reader = pdf
    text = squash("".join(page.extract_text() for page in reader.pages))
    for expected in (b.title, *(s.heading for s in b.sections), "1,234", "97.1%", *b.footnotes):
        assert squash(expected) in text


def test_pdf_page_numbers_on_outer_side(pdf) -> None:
    _, reader = pdf
    for number, page in enumerate(reader.pages[:2], start=1):
        label = [(x, y) for x, y, text, _ in placed_texts(page) if text == f"— {number} —"]
        assert len(label) == 1, f"page {number}"
        x, y = label[0]
        assert y < 35 * MM                                            # in the bottom margin
        assert (x > A4[0] / 2) == (number % 2 == 1)                   # odd: right, even: left


def test_pdf_text_block_margins(pdf) -> None:
    _, reader = pdf
    runs = [r for r in placed_texts(reader.pages[0]) if not r[2].startswith("—")]
    assert min(x for x, *_ in runs) == pytest.approx(28 * MM, abs=1)      # left margin 28 mm
    assert max(y for _, y, *_ in runs) < A4[1] - 37 * MM                  # top margin 37 mm


def test_pdf_embeds_cjk_fonts_and_headings_use_heading_face(pdf) -> None:
    b, reader = pdf
    names = {str(font.get_object()["/BaseFont"]) for page in reader.pages
             for font in page["/Resources"]["/Font"].values()}
    assert any("CJK" in n or "Noto" in n for n in names), names
    heading1 = faces()["heading1"].available
    if heading1 and "Sans" in heading1:
        fonts = {font for _, _, text, font in placed_texts(reader.pages[0]) if text == b.sections[0].heading}
        assert fonts and all("Sans" in f for f in fonts), fonts


def test_pdf_metadata(pdf) -> None:
    b, reader = pdf
    assert reader.metadata.title == b.title
    assert b.version in (reader.metadata.get("/Keywords") or "")
    assert b.version in (reader.metadata.subject or "")


def test_pdf_quietens_weasyprint_logs(pdf) -> None:
    for name in ("weasyprint", "fontTools"):
        assert logging.getLogger(name).getEffectiveLevel() >= logging.ERROR


# ---- issue 11: the demo's briefings read back from the PDF, and pictures of their pages --------------------
import shutil  # noqa: E402
import subprocess  # noqa: E402
from datetime import date  # noqa: E402

import yaml  # noqa: E402

from briefings import archive, period  # noqa: E402
from tests.app_helpers import demo, demo_build  # noqa: E402,F401

ARTIFACTS = Path(__file__).parent / "artifacts"
GLOSSARY = Path(__file__).parent.parent / "briefings" / "glossary.yaml"
CJK_CHAR = "[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]"
poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (make system-deps)")


def demo_pdf(out: Path, audience: str, lang: str) -> Path:
    done = archive.publish(period.parse("2024Q3"), audience, lang, ["pdf"], out, date(2024, 10, 8))
    return done.files[0]


def pdftotext(pdf: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(["pdftotext", "-layout", *pages, str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def allowed_latin() -> set[str]:
    words = yaml.safe_load(GLOSSARY.read_text(encoding="utf-8"))
    return {w for part in words.values() for w in part}


@poppler
def test_pdf_body_has_no_iso_date_nor_latin_inside_chinese(demo, tmp_path: Path) -> None:
    """pdftotext of the Chinese PDF: dates as 2024年10月8日 only; a Latin word between Chinese characters is a
    unit or a substance code the glossary allows (no sample ids, codes, font or file names). The annexed
    tables (附表) are tables, not text: an internal one lists sample ids."""
    text = pdftotext(demo_pdf(tmp_path, "internal", "zh"))
    annex = text.index("附表\n") if "附表\n" in text else text.rindex("附表")
    body = text[:annex]
    assert not re.search(r"\d{4}-\d{2}-\d{2}", body)
    latin = set()
    for line in body.splitlines():
        for word in re.findall(rf"(?<={CJK_CHAR})\s*([A-Za-z][A-Za-z/]*)|([A-Za-z][A-Za-z/]*)\s*(?={CJK_CHAR})", line):
            latin.add(next(w for w in word if w))
    assert latin <= allowed_latin(), latin - allowed_latin()
    assert "（请结合本期情况" not in text                             # the editing request is for the DOCX only
    assert "乌拉特前旗禁毒工作通报" in text and "第1期" in text and "通报如下：" in text and "印发" in text


@poppler
def test_public_pdf_has_no_township_early_warning(demo, tmp_path: Path) -> None:
    text = squash(pdftotext(demo_pdf(tmp_path, "public", "zh")))
    assert "未登记人员阳性" not in text and "MF-" not in text and "需核查" not in text
    assert "内部" not in text and "<5" in text


@poppler
def test_first_pages_and_a_table_page_rasterised(demo, tmp_path: Path) -> None:
    """Pictures of page 1 and of the township table's page (zh internal, zh public, en) for a reviewer; the
    table's caption and the longest township name each sit on one line of that page."""
    ARTIFACTS.mkdir(exist_ok=True)
    for audience, lang, caption, name in [("internal", "zh", "表1　各苏木镇主要指标", "额尔登布拉格苏木"),
                                          ("public", "zh", "表1　各苏木镇主要指标", "额尔登布拉格苏木"),
                                          ("internal", "en", "Table 1. Main figures by township", "Erdengbulage")]:
        pdf = demo_pdf(tmp_path / f"{audience}-{lang}", audience, lang)
        pages = len(PdfReader(pdf).pages)
        table_page = next(p for p in range(1, pages + 1) if name in pdftotext(pdf, p))
        assert squash(caption) in squash(pdftotext(pdf, table_page) + pdftotext(pdf, table_page - 1))
        for page in (1, table_page):
            stem = ARTIFACTS / f"briefing_{lang}_{audience}_page{page}"
            subprocess.run(["pdftoppm", "-r", "80", "-png", "-singlefile", "-f", str(page), "-l", str(page),
                            str(pdf), str(stem)], check=True)
            assert stem.with_suffix(".png").stat().st_size > 10_000
