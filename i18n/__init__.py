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
    return f"{t(key, 'zh', **values)} / {t(key, 'en', **values)}"
