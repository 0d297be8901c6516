"""Writing a briefing and archiving it with the warehouse version its figures come from.

Each briefing goes into its own folder `<period>_<audience>_<lang>_<version>/` with a manifest (files and
their SHA-256), so a published briefing can always be traced to the data behind it. Files are written in a
hidden folder first and the folder is renamed when complete: a crash leaves no half briefing. The command
(`briefings.cli`) and the app's page (`pages/briefings.py`) both publish through `publish()`.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

import config
from briefings.model import Briefing
from briefings.period import Period

FORMATS = ("docx", "pdf", "html")
FILE_STEM = {"zh": "毒情通报", "en": "drug-situation-briefing"}
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Published:
    folder: Path
    files: list[Path]
    version: str


def default_dir() -> Path:
    """Where the app archives briefings: `$DATA_DIR/briefings`."""
    return config.path("data_dir") / "briefings"


def renderer(fmt: str) -> Callable[[Briefing, Path], Path]:
    """The writer of one format (imported when asked for: WeasyPrint is slow to import)."""
    if fmt == "docx":
        from briefings.docx import render
        return render
    if fmt == "pdf":
        from briefings.pdf import render_pdf
        return render_pdf
    from briefings.html import render_html
    return render_html


def publish(period: Period, audience: str, lang: str, formats: list[str], out: Path, issued: date,
            step: Callable[[str], None] = lambda name: None,
            notes: dict[str, list[str]] | None = None) -> Published:
    """Build the briefing from the live warehouse and write it in `formats` into a new folder under `out`.

    `step(name)` is called as each stage finishes ("content", then each format), for a progress display;
    `notes` are the office's own items (`content.build`).
    """
    from briefings import content   # the warehouse's questions (analysis): imported only when a briefing is built

    out.mkdir(parents=True, exist_ok=True)
    number = next_issue(out, period, audience, lang, issued)
    with staged(out) as building:
        briefing = content.build(period, audience, lang, issued, building / "charts", notes, number)
        step("content")
        files = []
        for fmt in formats:
            files.append(renderer(fmt)(briefing, building / f"{FILE_STEM[lang]}_{period.code}_{audience}.{fmt}"))
            step(fmt)
        _write_manifest(building, briefing, files, issued.year, number)
        folder = seal(building, f"{briefing.period}_{briefing.audience}_{briefing.lang}_{briefing.version}")
    return Published(folder, [folder / f.name for f in files], briefing.version)


@contextmanager
def staged(out: Path) -> Iterator[Path]:
    """A hidden folder under `out` to write an archive entry into (`seal` then names it); removed with what it
    holds if the block fails, so a crash leaves no half entry."""
    out.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=".building-", dir=out))
    try:
        yield building
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise


def seal(building: Path, name: str) -> Path:
    """Give a complete staged folder its name; the same entry built again (same period, language and version)
    replaces the older one."""
    target = building.parent / name
    if target.exists():
        shutil.rmtree(target)
    building.rename(target)
    return target


def next_issue(out: Path, period: Period, audience: str, lang: str, issued: date) -> int:
    """第N期: the briefing's number in its year of issue, counted over the archive in `out` for the same
    audience and language. The same period built again (new data, a correction) keeps its number."""
    same = [m for m in archived(out) if m.get("issue_year") == issued.year and m["audience"] == audience
            and m["lang"] == lang and "issue_no" in m]
    again = [m["issue_no"] for m in same if m["period"] == period.code]
    return again[0] if again else 1 + max((m["issue_no"] for m in same), default=0)


def _write_manifest(building: Path, briefing: Briefing, files: list[Path], issue_year: int, issue_no: int) -> None:
    """The manifest: what the briefing is, the warehouse version behind it, and each file's SHA-256."""
    manifest = {
        "title": briefing.title, "period": briefing.period, "audience": briefing.audience, "lang": briefing.lang,
        "warehouse_version": briefing.version, "data_as_of": briefing.as_of, "date_of_issue": briefing.date_text,
        "issue_year": issue_year, "issue_no": issue_no,
        "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "files": {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in files},
    }
    (building / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")


def archived(out: Path) -> list[dict]:
    """Manifests of the briefings archived under `out`, newest first, each with its `folder`."""
    found = []
    for manifest in out.glob(f"*/{MANIFEST}"):
        if not manifest.parent.name.startswith("."):
            found.append({**json.loads(manifest.read_text(encoding="utf-8")), "folder": manifest.parent})
    return sorted(found, key=lambda m: m["generated_at"], reverse=True)
