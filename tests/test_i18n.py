"""The string catalogue: every entry has its Chinese and its English, and nothing else.

A value with an unquoted comma in YAML's flow style (`{zh: 写出督办通知(DOCX, PDF), en: ...}`) silently splits
into extra keys and a truncated string; this catches it for every file of `i18n/`."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import i18n

FILES = sorted((Path(i18n.__file__).parent).glob("*.yaml"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_entry_has_exactly_chinese_and_english(path: Path) -> None:
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    wrong = {key: sorted(value) for key, value in entries.items()
             if not isinstance(value, dict) or set(value) != set(i18n.LANGS)
             or not all(isinstance(v, str) and v.strip() for v in value.values())}
    assert wrong == {}


def test_no_key_is_defined_in_two_files() -> None:
    seen: dict[str, str] = {}
    twice = []
    for path in FILES:
        for key in yaml.safe_load(path.read_text(encoding="utf-8")):
            if key in seen:
                twice.append((key, seen[key], path.name))
            seen[key] = path.name
    assert twice == []
