"""The settings registry: one YAML file, every setting documented, environment overrides.

`get("quarantine_max_percent")` returns the environment's value (variable named like the setting in upper
case) or the documented default, converted to the default's type. A value that cannot be converted, or is not
one of the setting's choices, raises `SettingError`: a configuration fault, which every command reports as one
bilingual line with exit code 2 (`ConfigError`).
"""
from __future__ import annotations

import math
import os
from functools import cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
REGISTRY_FILE = Path(__file__).with_name("settings.yaml")
DATA_DIR_MARK = "{data_dir}"


class ConfigError(Exception):
    """The installation is wrong, not the data: a bad setting, a path of the wrong kind, a damaged file.
    Its message is one bilingual line; commands exit with code 2."""


class SettingError(ConfigError, ValueError):
    """A setting's value from the environment is not of its type or not one of its choices."""


YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)   # libyaml's parser: about 9× the pure-Python one


def read_yaml(path: Path) -> Any:
    """A YAML file of the project (UTF-8), parsed safely; every module reads its YAML through this."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER)


@cache
def registry() -> dict[str, dict[str, Any]]:
    """Every setting with its default, help and optional unit and choices."""
    return read_yaml(REGISTRY_FILE)


def get(name: str) -> Any:
    """The current value of setting `name` (KeyError for an undocumented one)."""
    spec = registry()[name]
    default = spec["default"]
    raw = os.environ.get(name.upper())
    if raw is None or raw == "":
        return default
    value = _convert(name, raw, default)
    if "choices" in spec and value not in spec["choices"]:
        raise invalid(name, raw, " | ".join(map(str, spec["choices"])))
    least = spec.get("minimum", 0)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value < least:
        raise invalid(name, raw, f"≥ {least}")
    return value


def _convert(name: str, raw: str, default: Any) -> Any:
    """`raw` as the default's type (a whole-number setting may be given a fraction, e.g. 7.5 %); SettingError
    when it is not of it (a NaN or infinite number is no number)."""
    if isinstance(default, bool):
        if raw.lower() not in {"1", "true", "yes", "0", "false", "no"}:
            raise invalid(name, raw, "true | false")
        return raw.lower() in {"1", "true", "yes"}
    if isinstance(default, (int, float)):
        try:
            number = float(raw)
        except ValueError:
            number = float("nan")
        if not math.isfinite(number):
            raise invalid(name, raw, "数字 / a number")
        return int(number) if isinstance(default, int) and number.is_integer() else number
    return type(default)(raw)


def invalid(name: str, raw: str, expected: str) -> SettingError:
    """The error for setting `name` holding `raw` (shown cut short, and escaped when unprintable)."""
    import i18n

    shown = raw if len(raw) <= 40 and raw.isprintable() else repr(raw[:40])
    return SettingError(i18n.both("setting_invalid", name=name.upper(), value=shown, expected=expected))


def path(name: str) -> Path:
    """A path setting, relative paths taken from the project root; `{data_dir}` in it stands for the data
    folder (setting `data_dir`), so moving DATA_DIR moves the files whose own settings are left alone."""
    raw = str(get(name))
    if DATA_DIR_MARK in raw and name != "data_dir":
        raw = raw.replace(DATA_DIR_MARK, str(path("data_dir")))
    p = Path(raw)
    return p if p.is_absolute() else ROOT / p
