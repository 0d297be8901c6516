"""The program's own source files, for tests that read the code (settings read, messages passed to i18n)."""
from __future__ import annotations

import os
from pathlib import Path

import config

SKIPPED = {".venv", ".git", "tests", "__pycache__", "node_modules"}   # not walked at all (the venv alone: 1 s)


def program_files(*suffixes: str) -> list[Path]:
    """Files of the program ending in one of `suffixes` (the tests' own excluded)."""
    found = []
    for folder, subfolders, names in os.walk(config.ROOT):
        subfolders[:] = [d for d in subfolders if d not in SKIPPED]
        found += [Path(folder, n) for n in names if n.endswith(suffixes)]
    return found
