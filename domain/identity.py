"""Resident identity numbers (GB 11643-1999): checksum, embedded birth date and sex, masking.

Raw numbers never leave the ingest step: `pipelines.privacy` replaces them by keyed pseudonyms, and any
message that must point at a person shows `mask()` only.
"""
from __future__ import annotations

import re
from datetime import date

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
PATTERN = re.compile(r"^\d{17}[\dX]$")


def normalise(raw: str) -> str:
    return raw.strip().upper()


def check_char(first17: str) -> str:
    return CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, WEIGHTS)) % 11]


def birth_date(number: str) -> date | None:
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def problem(number: str, today: date) -> str | None:
    """None when `number` is a valid identity number, else a message key naming what is wrong."""
    if not PATTERN.match(number):
        return "id_format"
    if check_char(number[:17]) != number[17]:
        return "id_checksum"
    born = birth_date(number)
    if born is None or born > today:
        return "id_birth_date"
    return None


def sex(number: str) -> str:
    """'male' for an odd sequence digit, else 'female'."""
    return "male" if int(number[16]) % 2 else "female"


def mask(number: str) -> str:
    """`150823********123X`: region and last four only, as the office's systems show it."""
    n = normalise(number)
    if len(n) < 10:
        return "*" * len(n)
    return n[:6] + "*" * (len(n) - 10) + n[-4:]


# SQL twins of the checks above, built from the same constants, for checking a million rows at once in
# DuckDB. tests/test_identity.py holds both to the same answers.

def birth_sql(col: str) -> str:
    return f"try_strptime(substr({col}, 7, 8), '%Y%m%d')::date"


def sex_sql(col: str) -> str:
    return f"case when try_cast(substr({col}, 17, 1) as integer) % 2 = 1 then 'male' else 'female' end"


def first17_sql(col: str) -> str:
    """The 17 digits before the check character as one integer (NULL unless they are digits)."""
    return f"try_cast(substr({col}, 1, 17) as bigint)"


def problem_sql(col: str, today: date, first17: str | None = None) -> str:
    """SQL twin of `problem()`: NULL for a valid number, else the message key.

    The checksum takes the digits apart arithmetically from `first17_sql(col)`, which it reads 17 times:
    a caller checking many rows passes it as a column computed in a subquery (DuckDB does not share
    repeated expressions inside CASE, and recomputing it would triple the cost).
    """
    first17 = first17 or first17_sql(col)
    weighted = " + ".join(f"({first17} // {10 ** (16 - i)} % 10) * {w}" for i, w in enumerate(WEIGHTS))
    check = f"substr('{CHECK_CHARS}', (({weighted}) % 11)::integer + 1, 1)"
    return (f"case when not regexp_full_match({col}, '{PATTERN.pattern[1:-1]}') then 'id_format' "
            f"when {check} <> substr({col}, 18, 1) then 'id_checksum' "
            f"when {birth_sql(col)} is null or {birth_sql(col)} > date '{today.isoformat()}' then 'id_birth_date' "
            "end")


def mask_sql(col: str) -> str:
    return (f"case when length({col}) < 10 then repeat('*', length({col})) "
            f"else substr({col}, 1, 6) || repeat('*', length({col}) - 10) || right({col}, 4) end")
