"""A briefing as an A4 PDF laid out after GB/T 9704-2012, by WeasyPrint from the briefing's print HTML.

The fonts drawn are the ones this machine has (the Noto CJK fallbacks, embedded as subsets); PDF metadata
carries the title, the issuer and the warehouse version (as subject and keywords).
"""
from __future__ import annotations

import logging
from pathlib import Path

from weasyprint import HTML

from briefings.html import html_string, write_file
from briefings.model import Briefing

NOISY_LOGGERS = ("weasyprint", "fontTools")


def quiet_loggers() -> None:
    """WeasyPrint and fontTools log every CSS rule they skip and every subset they make: errors only."""
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.ERROR)


def pdf_bytes(briefing: Briefing) -> bytes:
    quiet_loggers()
    return HTML(string=html_string(briefing, for_print=True)).write_pdf()


def render_pdf(briefing: Briefing, path: Path) -> Path:
    return write_file(path, pdf_bytes(briefing))
