"""The settings registry: one YAML file, every setting documented, environment overrides.

`get("quarantine_max_percent")` returns the environment's value (variable named like the setting in upper
case) or the documented default, converted to the default's type.
"""
from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
REGISTRY_FILE = Path(__file__).with_name("settings.yaml")
DATA_DIR_MARK = "{data_dir}"


@cache
def registry() -> dict[str, dict[str, Any]]:
    """Every setting with its default, help and optional unit and choices."""
    return yaml.safe_load(REGISTRY_FILE.read_text(encoding="utf-8"))


def get(name: str) -> Any:
    """The current value of setting `name` (KeyError for an undocumented one)."""
    spec = registry()[name]
    default = spec["default"]
    raw = os.environ.get(name.upper())
    if raw is None or raw == "":
        value = default
    elif isinstance(default, bool):
        value = raw.lower() in {"1", "true", "yes"}
    elif isinstance(default, (int, float)):
        number = float(raw)
        value = int(number) if isinstance(default, int) and number.is_integer() else number
    else:
        value = type(default)(raw)
    if "choices" in spec and value not in spec["choices"]:
        raise ValueError(f"setting {name}={value!r}: expected one of {spec['choices']}")
    return value


def path(name: str) -> Path:
    """A path setting, relative paths taken from the project root; `{data_dir}` in it stands for the data
    folder (setting `data_dir`), so moving DATA_DIR moves the files whose own settings are left alone."""
    raw = str(get(name))
    if DATA_DIR_MARK in raw and name != "data_dir":
        raw = raw.replace(DATA_DIR_MARK, str(path("data_dir")))
    p = Path(raw)
    return p if p.is_absolute() else ROOT / p
