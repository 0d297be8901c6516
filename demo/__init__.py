"""Synthetic, seeded extracts of all six sources: `python -m pipelines demo` (or `python -m demo`).

`generate(out, scale, seed)` writes `out/<source>/<files>` in the landing layout (contract.md §2) and
`out/manifest.json`, which lists every file with its encoding, header language, row count and the rows
that were deliberately planted as bad (and hair rows whose 检测结果 disagrees with the cut-off, as
warnings). The same seed gives byte-identical files.

Everything here is fictitious: names are drawn from fixed lists of characters and identity numbers are
random numbers that merely carry a valid GB 11643 checksum. The county data is calibrated on the figures of
domain.md §3–§4 so that the marts and the plan's targets show a plausible mix of met and failed checks;
the national scale only has to be big (benchmarks).

County scale (2021-01-01 .. 2025-06-30: 2025 is a year in progress, two quarters in)
    wastewater/wastewater_<year>.csv      3 plants, 7 consecutive days a quarter; 2022 in Chinese headers
    hair/hair_<year>.csv|xlsx             Chinese headers; 2023 is XLSX, 2024 is GB18030
    registry/registry_<quarter end>.csv   18 snapshots; 2024 in Chinese headers, 2022-12-31 UTF-8 with
                                          BOM, 2023-12-31 GBK; 2025-06-30 leaves the optional columns
                                          (face check, info verified, case worker) blank
    cases/cases_2021_2025.csv             GBK, Chinese headers, CRLF, mixed spellings and date formats
    indicators/indicators_<year>.xlsx     2022–2024 (2021 has none; 2022 still uses the old code
                                          committee_briefings); indicators_2025H1.xlsx the half year
    task_reports/task_reports_2024H2.csv  GBK, Chinese headers and labels, mixed date spellings; 2025H1 is
                                          XLSX: a year of member units' reports, some late, missing, blocked;
                                          one row carries an identity number in its text (quarantined)
The rules of domain.md §5 each meet the data somewhere: outflow (外地) records every year, a precursor
trading case (2021) and a precursor production case (2022), a 36-plant cultivation case (2023), both
committee bodies' briefings (2023 on), a half-year indicator file and a year in progress.
National scale: registry/registry_national_2025-06-30.csv (~1.2 M rows, the last snapshot) and
    wastewater/wastewater_national_2024.csv (~300 plants), plus the county hair, cases, indicators and
    task reports.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Callable, Iterator

from tqdm import tqdm

from demo.cases import cases_table
from demo.hair import hair_tables
from demo.indicators import indicator_tables
from demo.registry import national_registry_table, registry_tables, simulate_registry
from demo.story import SOURCES
from demo.task_reports import task_report_tables
from demo.wastewater import national_wastewater_table, wastewater_tables
from demo.write import Table, write_table


SCALES = ("county", "national")


def build_steps(seed: int, scale: str) -> Iterator[tuple[str, Callable[[], list[Table]]]]:
    """(source, builder) pairs in writing order; the registry simulation feeds hair at both scales."""
    reg = simulate_registry(seed)
    if scale == "national":
        yield "wastewater", lambda: [national_wastewater_table(seed)]
        yield "registry", lambda: [national_registry_table(seed, reg)]
    else:
        yield "wastewater", lambda: wastewater_tables(seed)
        yield "registry", lambda: registry_tables(seed, reg)
    yield "hair", lambda: hair_tables(seed, reg)
    yield "cases", lambda: [cases_table(seed)]
    yield "indicators", lambda: indicator_tables(seed)
    yield "task_reports", lambda: task_report_tables(seed)


def generate(out: Path, scale: str = "county", seed: int = 20231, progress: bool = True) -> dict:
    """Write DIR/<source>/<files> for source in wastewater, hair, registry, cases, indicators, task_reports, and
    DIR/manifest.json; return the manifest dict."""
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {SCALES}, not {scale!r}")
    out = Path(out)
    show = progress and scale == "national"
    files = []
    with tqdm(total=len(SOURCES), desc=f"demo ({scale})", unit="source", disable=not show) as bar:
        for source, build in build_steps(seed, scale):
            bar.set_postfix_str(source)
            files += [write_table(out, tab, progress=show) for tab in build()]
            bar.update()
    files.sort(key=lambda f: (SOURCES.index(f["source"]), f["path"]))
    manifest = {"seed": seed, "scale": scale, "files": files}
    out.mkdir(parents=True, exist_ok=True)
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n",
                                       encoding="utf-8")
    return manifest
