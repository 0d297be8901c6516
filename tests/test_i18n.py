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


def _stored_message_keys() -> set[str]:
    """Catalogue keys the code passes to `i18n.both` (named, or by a prefix it completes): messages that are
    stored as '中文 / English' and joined by '; ' (pipeline_runs.message, quarantine reasons)."""
    import re

    from tests.source_files import program_files

    code = "\n".join(p.read_text(encoding="utf-8") for p in program_files(".py"))
    named = set(re.findall(r"""i18n\.both\(\s*["']([\w.]+)["']""", code))
    prefixes = {a or b for a, b in re.findall(r"""i18n\.both\(\s*(?:f["']([a-z_]+)\{|["']([a-z_]+)["']\s*\+)""", code)}
    return {k for k in i18n.catalogue() if k in named or any(k.startswith(p) for p in prefixes)}


def test_a_stored_message_splits_back_into_the_readers_language() -> None:
    """The pages show the reader's half of a stored message (`quality.split_bilingual`), splitting clauses at
    '; ' and languages at ' / ': no message may hold either itself, in Chinese or in English."""
    from analysis.quality import split_bilingual

    keys = _stored_message_keys()
    assert {"file_already_loaded", "issue_id_in_text_named", "issue_vocab", "status_loaded"} <= keys
    for key in sorted(keys):
        for lang in ("zh", "en"):
            text = i18n.catalogue()[key][lang]
            assert "; " not in text and " / " not in text, (key, lang, text)
    stored = "; ".join(i18n.both(k, value="110105********002X", when="2025-07-01 10:00") for k in
                       ("issue_id_in_text_named", "file_already_loaded"))
    for lang in ("zh", "en"):
        assert split_bilingual(stored, lang) == "; ".join(
            i18n.t(k, lang, value="110105********002X", when="2025-07-01 10:00")
            for k in ("issue_id_in_text_named", "file_already_loaded"))


def test_a_value_given_in_both_languages_reads_as_each_language_does() -> None:
    said = i18n.both("brief.done", period="2024", audience=i18n.both_of("brief.audience_public"), n=1,
                     version="v", dir="d")
    assert said.startswith("2024通报（公开）") and "Briefing for 2024 (public)" in said
