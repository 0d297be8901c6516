"""Resident identity numbers (GB 11643-1999): checksum, embedded birth date and sex, masking.

Raw numbers never leave the ingest step: `pipelines.privacy` replaces them by keyed pseudonyms, and any
message that must point at a person shows `mask()` only.
"""
from __future__ import annotations

import re
import unicodedata
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


# Identity numbers written inside text (any text column of an extract): as typed by people, with full-width
# digits (folded as NFKC folds them), a lower-case x, and one space or hyphen between the groups. Two forms:
# 18 characters as 6-8-4 (region, birth date, sequence and check character), and the pre-1999 15 digits as
# 6-6-3 (region, YYMMDD, sequence). One rule for every column (`numbers_in_sql`), one mask (`masked_sql`).
FULL_WIDTH = "".join(chr(c) for c in range(0xFF10, 0xFF1A)) + "Ｘｘ－　"
HALF_WIDTH = unicodedata.normalize("NFKC", FULL_WIDTH)
GAP = "[ -]?"
WRITTEN_18 = f"[0-9]{{6}}{GAP}[0-9]{{8}}{GAP}[0-9]{{3}}[0-9X]"
WRITTEN_15 = f"[0-9]{{6}}{GAP}[0-9]{{6}}{GAP}[0-9]{{3}}"
BEFORE = "(?:^|[^0-9])"       # a number starts where no digit stands before it


def folded_sql(col: str) -> str:
    """SQL: `col` with full-width digits, X, hyphen and space as their ASCII forms (NFKC), upper case."""
    return f"upper(translate({col}, '{FULL_WIDTH}', '{HALF_WIDTH}'))"


def _written_sql(text: str, pattern: str) -> str:
    """SQL: the runs of folded `text` written as `pattern` (the 15-digit one with one more character allowed,
    so that a longer run shows itself by its length), without their spaces and hyphens."""
    runs = f"regexp_extract_all({text}, '{BEFORE}({pattern})', 1)"
    return f"list_transform({runs}, lambda r: replace(replace(r, ' ', ''), '-', ''))"


def numbers_in_sql(col: str, today: date) -> str:
    """SQL: the identity numbers written in text `col`, compact: 18 characters whose check character and birth
    date are right (`problem_sql`), and 15 digits, no more, whose six date digits are a real date 19YYMMDD.
    A value shorter than the shortest number (most codes and ids) is not searched: on a national registry the
    search of every text cell took a fifth of the load."""
    text = folded_sql(f"coalesce({col}, '')")
    new = f"list_filter({_written_sql(text, WRITTEN_18)}, lambda n: ({problem_sql('n', today)}) is null)"
    old = (f"list_filter({_written_sql(text, WRITTEN_15 + '[0-9X]?')}, lambda n: length(n) = 15 and "
           "try_strptime('19' || substr(n, 7, 6), '%Y%m%d') is not null)")
    return f"case when length({col}) >= 15 then list_concat({new}, {old}) else []::varchar[] end"


def masked_sql(col: str) -> str:
    """SQL: `col` with every run that could be an identity number as `***`: 14 digits or more, or the groups of
    either form with spaces or hyphens (full-width digits folded, case kept)."""
    text = f"translate({col}, '{FULL_WIDTH}', '{HALF_WIDTH}')"
    runs = "|".join(["[0-9]{14,}[0-9X]?", WRITTEN_18, WRITTEN_15])
    return f"regexp_replace({text}, '{runs}', '***', 'gi')"
