"""The six extract sources: their columns (`sources.yaml`) and their validation suites (`expectations/`)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path


import config

SPEC_FILE = Path(__file__).with_name("sources.yaml")
SUITES_DIR = config.ROOT / "expectations"


@dataclass(frozen=True)
class Column:
    name: str          # English header, as in contract.md §2
    zh: str            # Chinese header
    type: str
    target: str        # name of the stored column
    vocab: str | None = None
    extra: tuple[str, ...] = ()
    flag: str | None = None
    required: bool = False


@dataclass(frozen=True)
class Source:
    name: str
    table: str
    key: tuple[str, ...]
    ref: str
    columns: tuple[Column, ...]
    checks: str | None = None     # module of cross-column rules (pipelines/<checks>.py)
    keeps_raw: bool = False     # nothing personal in the extract: quarantine may keep a bad row's values

    @property
    def required(self) -> list[str]:
        """Columns that must be in the file's header (contract.md §2, marked ●)."""
        return [c.name for c in self.columns if c.required]

    @property
    def personal(self) -> bool:
        """Its rows are persons (it has an identity-number column: registry, hair): no message repeats a value
        of theirs, not even an unknown code."""
        return any(c.type == "id_number" for c in self.columns)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


@cache
def sources() -> dict[str, Source]:
    spec = config.read_yaml(SPEC_FILE)
    return {
        name: Source(
            name=name,
            table=s["table"],
            key=tuple(s["key"]),
            ref=s["ref"],
            columns=tuple(
                Column(name=c, zh=v["zh"], type=v["type"], target=v.get("to", c), vocab=v.get("vocab"),
                       extra=tuple(v.get("extra", ())), flag=v.get("flag"),
                       required=v.get("required", False))
                for c, v in s["columns"].items()
            ),
            checks=s.get("checks"),
            keeps_raw=s.get("keeps_raw", False),
        )
        for name, s in spec.items()
    }


@cache
def extract_names(source: str) -> dict[str, str]:
    """Stored column → the extract column it is read from (the pseudonym `person_key` from `id_number`, the
    `sex` read from the number checked against `sex`): to name a column as the data team's file does."""
    return {c.target: c.name for c in sources()[source].columns} | {"person_key": "id_number", "sex": "sex"}


def names() -> list[str]:
    return list(sources())


@cache
def suite_dict(source: str) -> dict:
    """The source's Great Expectations suite as stored in expectations/<source>.json."""
    return json.loads((SUITES_DIR / f"{source}.json").read_text(encoding="utf-8"))
