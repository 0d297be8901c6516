"""A briefing as one self-contained HTML file (also the source the PDF renderer lays out).

The page carries everything it needs: the stylesheet is inlined, chart PNGs are embedded as base64 data
URIs and no URL points anywhere (the office may be offline). Texts come from data, so the template is
rendered with autoescaping on. Font families name the GB/T 9704 face first, then what this machine has.
"""
from __future__ import annotations

import base64
import os
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

import i18n
from briefings.fonts import ROLES, Face, faces
from briefings.layout import TEXT_WIDTH_MM, fit, unbreakable
from briefings.model import Briefing

TEMPLATES = Path(__file__).parent / "templates"
GENERIC = {"heading1": "sans-serif"}                  # every other role: serif


def font_stack(f: Face) -> str:
    """CSS font-family for a role: every official name, then the face found here and the Noto fallback."""
    official, fallbacks = ROLES[f.role]
    names = dict.fromkeys((*official, *([f.available] if f.available else []), *fallbacks))
    return ", ".join([*(f'"{name}"' for name in names), GENERIC.get(f.role, "serif")])


def png_data_uri(png: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(Path(png).read_bytes()).decode("ascii")


@cache
def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined,
                      autoescape=select_autoescape(("html", "j2")),  # the .css template is not HTML
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["data_uri"] = png_data_uri
    env.filters["fit"] = lambda table: fit(table, TEXT_WIDTH_MM)
    env.filters["unbreakable"] = unbreakable
    return env


def html_string(briefing: Briefing, for_print: bool = False) -> str:
    """The briefing as HTML; `for_print` leaves out the on-screen page look (for WeasyPrint)."""
    lang = "zh" if briefing.lang == "zh" else "en"
    return _env().get_template("briefing.html.j2").render(
        b=briefing, for_print=for_print, html_lang="zh-CN" if lang == "zh" else "en",
        annex_heading=i18n.t("brief.annex_heading", lang), m=briefing.masthead,
        attachments_label=i18n.t("brief.attachments_label", lang), colon="：" if lang == "zh" else ": ",
        fonts={role: font_stack(f) for role, f in faces().items()})


def write_file(path: Path, data: bytes) -> Path:
    """Write `data` to `path` via a temporary file and a rename: readers never see half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def render_html(briefing: Briefing, path: Path) -> Path:
    return write_file(path, html_string(briefing).encode("utf-8"))
