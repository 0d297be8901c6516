"""Every user-facing string in Chinese and English, from one catalogue (`messages.yaml`).

`t("key", "en", n=3)` formats one language; `both("key", ...)` gives "中文 / English" for the CLI, logs and
stored messages, which are read by people of either language.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

import config

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"


@cache
def catalogue() -> dict[str, dict[str, str]]:
    data: dict[str, dict[str, str]] = {}
    for f in sorted(Path(__file__).parent.glob("*.yaml")):
        data.update(config.read_yaml(f))
    return data


def t(key: str, lang: str = DEFAULT_LANG, **values: object) -> str:
    entry = catalogue()[key]
    return entry.get(lang, entry["zh"]).format(**values)


def both(key: str, **values: object) -> str:
    """'中文 / English'; a value given as {"zh": …, "en": …} (`both_of`) is put in each language as it reads."""
    def of(lang: str) -> dict[str, object]:
        return {k: v[lang] if isinstance(v, dict) and v.keys() == {"zh", "en"} else v for k, v in values.items()}
    return f"{t(key, 'zh', **of('zh'))} / {t(key, 'en', **of('en'))}"


def both_of(key: str) -> dict[str, str]:
    """A catalogue entry in both languages, as a value `both` puts in each language as it reads."""
    return {"zh": t(key, "zh"), "en": t(key, "en")}
