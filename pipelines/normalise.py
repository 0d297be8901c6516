"""Raw text to typed values, in DuckDB SQL generated from the source's column types.

Creates temp table `norm_unnumbered` (`read.number` then adds file row numbers as view `norm`): one typed
column per source column (under its stored name), and `issues`, the list of `column:kind` parse problems of
the row (an unparseable date, an unknown township, a bad identity number...). Identity numbers become keyed pseudonyms here and go no further; `record_ref`
carries a masked form for quarantine messages.

Values that parse but are implausible (`Limits`: a date outside the window of the settings, a number beyond
`number_max_abs`) are issues of kind `range`: the row is quarantined, and no such value reaches a bigint
cast, pandas' nanosecond timestamps or Great Expectations.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import date
from functools import cache

import duckdb

import config

import domain
from domain import identity
from pipelines.privacy import hmac_sql
from domain.sources import Column, Source
from warehouse import scalar

DATE_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d"]
BELOW_LOQ_TOKENS = ["", "<loq", "＜loq", "nd", "n.d.", "未检出", "<lod", "bloq"]
SHOWN_CHARS = 40                      # longest unknown spelling a quarantine reason repeats


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _clean(col: str) -> str:
    return f"nullif(trim({col}), '')"


def fold(sql: str) -> str:
    """SQL twin of `domain._fold` (lower case, ASCII brackets, no spaces), for the below-LOQ tokens."""
    return f"replace(replace(replace(lower(trim({sql})), '（', '('), '）', ')'), ' ', '')"


def code_of(column: Column, value: str) -> str | None:
    """The code an extract's spelling stands for in the column's vocabulary (None when unknown)."""
    if column.type == "unit" and domain._fold(value) in {domain.BANNER_CODE, domain._fold(domain.BANNER_NAME_ZH)}:
        return domain.BANNER_CODE
    extra = {domain._fold(e): e for e in column.extra}
    return extra.get(domain._fold(value)) or domain.canonical(column.vocab or "township", value)


def _vocab_table(column: Column) -> str:
    return f"vocab_{column.target}"


@cache
def known_codes(column: Column) -> dict[str, str]:
    """The code of each spelling of a coded column's values the domain knows (`code_of`): each accepted spelling
    as its files write it, in upper and title case, and folded (`domain.spellings`, `domain.vocabulary`), the
    column's extra values, and for a unit the banner. Extracts from the office's systems write these."""
    kind = column.vocab or "township"
    written = {name for name, _ in domain.spellings(kind)}
    forms = written | {case(n) for n in written for case in (str.upper, str.title)} | set(domain.vocabulary(kind))
    forms |= set(column.extra)
    if column.type == "unit":
        forms |= {domain.BANNER_CODE, domain.BANNER_NAME_ZH}
    return {form: code for form in sorted(forms) if (code := code_of(column, form)) is not None}


def file_spellings(con: duckdb.DuckDBPyConnection, columns: list[Column], present: list[str]) -> dict[str, list[str]]:
    """Each coded column's distinct spellings in the file (raw_unnumbered): one pass over its rows."""
    found = [c for c in columns if c.name in present]
    if not found:
        return {}
    return dict(zip((c.name for c in found), con.execute(
        "select " + ", ".join(f"list(distinct {c.name}) filter (where {c.name} is not null)" for c in found)
        + " from raw_unnumbered").fetchall()[0]))


def fill_vocab_tables(con: duckdb.DuckDBPyConnection, columns: list[Column], codes: dict[str, dict[str, str]]) -> None:
    """One small lookup table per coded column, spelling → code (`codes`, per column name): each spelling looked
    up once in Python, and the rows coded by a join (cheaper than folding a million values in SQL)."""
    for c in columns:
        coded = codes.get(c.name, {})
        con.execute(f"create or replace temp table {_vocab_table(c)} as select unnest(?::varchar[]) as spelling, "
                    "unnest(?::varchar[]) as code", [list(coded), list(coded.values())])


def _unknown_spelling_found(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether a row of `norm_unnumbered` has a coded value whose spelling the lookup tables did not hold."""
    return bool(scalar(con, "select exists (select 1 from norm_unnumbered where len(issues) > 0 "
                           "and len(list_filter(issues, lambda i: split_part(i, ':', 2) "
                           "in ('vocab', 'vocab_withheld'))) > 0)"))


def _vocab(column: Column, col: str) -> str:
    lookup = f"(select v.code from {_vocab_table(column)} v where v.spelling = {col})"
    return f"{lookup}::boolean" if column.vocab == "yesno" else lookup


@dataclass(frozen=True)
class Limits:
    """The plausible values (settings): dates in [earliest, latest], numbers within ±max_abs."""
    earliest: date
    latest: date
    max_abs: float

    @classmethod
    def of(cls, today: date) -> Limits:
        text = config.get("date_earliest")
        try:
            earliest = date.fromisoformat(text)
        except ValueError:
            earliest = None
        if earliest is None or earliest < date(1678, 1, 1):
            raise config.invalid("date_earliest", text, "YYYY-MM-DD ≥ 1678-01-01")
        years = int(config.get("date_latest_years_ahead"))
        if not 0 <= years <= 200:
            raise config.invalid("date_latest_years_ahead", str(years), "0 – 200")
        latest = today.replace(year=today.year + years, day=28 if (today.month, today.day) == (2, 29) else today.day)
        return cls(earliest, latest, float(config.get("number_max_abs")))


def _date(col: str) -> str:
    """ISO dates by a fast cast; the other accepted spellings through strptime."""
    formats = ", ".join(_quote(f) for f in DATE_FORMATS)
    text = f"regexp_replace(trim({col}), '\\s+00:00:00(\\.0+)?$', '')"
    return f"coalesce(try_cast({col} as date), try_strptime({text}, [{formats}])::date)"


def _number(col: str) -> str:
    value = f"try_cast(replace(trim({col}), ',', '') as double)"
    return f"case when isfinite({value}) then {value} end"


NUMERIC = {"number", "integer", "concentration"}


def parsed(column: Column, col: str) -> str | None:
    """SQL: the value as read, before the limits (None for types without limits)."""
    if column.type == "date":
        return _date(col)
    if column.type == "concentration":
        return f"case when not {_below_loq(col)} then {_number(col)} end"
    if column.type in NUMERIC:
        return _number(col)
    return None


def typed(column: Column, col: str, limits: Limits) -> str:
    """SQL expression of the typed value of raw column `col` (for limited types, of its `parsed` value);
    NULL when empty, unparseable or out of the limits."""
    t = column.type
    if t in {"text", "free_text"}:
        return _clean(col)
    if t == "date":
        return f"case when {col} between date '{limits.earliest}' and date '{limits.latest}' then {col} end"
    if t in NUMERIC:
        within = f"case when abs({col}) <= {limits.max_abs!r} then {col} end"
        return f"case when {col} = round({col}) then try_cast({within} as bigint) end" if t == "integer" \
            else within
    if t in {"vocab", "unit"}:
        return _vocab(column, col)
    if t == "period":
        return f"case when regexp_full_match(upper(trim({col})), '\\d{{4}}(H[12]|Q[1-4])?') then upper(trim({col})) end"
    if t == "report_period":
        p = f"upper(trim({col}))"
        month = f"regexp_extract({p}, '^(\\d{{4}})[-/.年](0?[1-9]|1[0-2])月?$', 2)"
        return (f"case when regexp_full_match({p}, '\\d{{4}}Q[1-4]') then {p} when {month} <> '' "
                f"then left({p}, 4) || '-' || lpad({month}, 2, '0') end")
    raise ValueError(f"no typed form for column type {t}")


def _below_loq(col: str) -> str:
    return f"coalesce({fold(col)}, '') in ({', '.join(map(_quote, BELOW_LOQ_TOKENS))})"


def _given(column: Column, col: str) -> str:
    """SQL: the cell holds something that should have parsed (a below-LOQ token is a valid reading)."""
    if column.type == "concentration":
        return f"not {_below_loq(col)}"
    return f"{_clean(col)} is not null"


def shown_sql(col: str) -> str:
    """SQL: an unknown spelling as the quarantine reason of a source with no personal rows may name it (so the
    data team sees which code is wrong), and a quarantined row of a source that `keeps_raw` keeps its values:
    trimmed, at most SHOWN_CHARS characters, anything written like an identity number masked
    (`identity.masked_sql`)."""
    return f"left({identity.masked_sql(f'trim({col})')}, {SHOWN_CHARS})"


TEXT_TYPES = {"text", "free_text"}      # scanned for identity numbers (domain/sources.yaml)


def issue_kind(column: Column, personal: bool = False) -> str:
    """The kind of a column's parse problem; an unknown code of a source whose rows are persons is `vocab_withheld`
    (its message does not repeat the value)."""
    kind = {"text": "id_in_text", "free_text": "id_in_text", "date": "date", "report_period": "report_period",
            "number": "number", "integer": "integer", "concentration": "concentration", "vocab": "vocab",
            "period": "period", "unit": "vocab"}[column.type]
    return "vocab_withheld" if kind == "vocab" and personal else kind


def _id_in_text(column: Column, found: str) -> str:
    """SQL: the issue of a text column holding an identity number (the first of list column `found`, masked)."""
    return f"case when len({found}) > 0 then '{column.name}:id_in_text:' || {identity.mask_sql(f'{found}[1]')} end"


def _read_kind(column: Column, read: str, kind: str) -> str:
    """SQL: the issue of a value that did not pass: unreadable (`kind`), not whole for an integer column, or
    read but out of the limits (`range`)."""
    fraction = f"when {read} <> round({read}) then '{column.name}:integer' " if column.type == "integer" else ""
    return f"case when {read} is null then {kind} {fraction}else '{column.name}:range' end"


def build(con: duckdb.DuckDBPyConnection, source: Source, present: list[str], today: date,
          key: bytes, snapshot_date: date | None = None) -> None:
    """Create temp table `norm_unnumbered` from `raw_unnumbered`, row for row in its order (`norm_sql`).

    Coded values are looked up among the domain's own spellings (`known_codes`), which saves a pass over
    the file's rows. A row holding any other spelling makes a second look: the file's spellings are collected
    (`file_spellings`), and if one of them is a variant `code_of` knows (another case, spaces, full-width
    brackets), the rows are normalised again with it; if none is, the first result stands, its unknown
    spellings quarantined. Either way each spelling gets the code `code_of` gives it."""
    coded = [c for c in source.columns if c.type in {"vocab", "unit"}]
    known = {c.name: known_codes(c) for c in coded}
    fill_vocab_tables(con, coded, known)
    query = norm_sql(source, present, today, key, snapshot_date)
    statement = f"create or replace temp table norm_unnumbered as {query}"
    con.execute(statement)
    if coded and _unknown_spelling_found(con):
        found = file_spellings(con, coded, present)
        variants = {c.name: {v: code for v in found.get(c.name) or [] if v not in known[c.name]
                             and (code := code_of(c, v)) is not None} for c in coded}
        if any(variants.values()):
            fill_vocab_tables(con, coded, {name: known[name] | variants[name] for name in known})
            con.execute(statement)
    for c in coded:
        con.execute(f"drop table if exists {_vocab_table(c)}")


def norm_sql(source: Source, present: list[str], today: date, key: bytes, snapshot_date: date | None = None) -> str:
    """The query of `norm_unnumbered` over `raw_unnumbered` (coded columns read the lookup tables `build` fills).

    DuckDB plans an expression each time the statement writes it, and planning is most of the time a small file
    takes: what is read more than once (a parsed value, an identity number's digits, the identity numbers found in
    a text column) is computed once in a subquery and named there."""
    limits = Limits.of(today)
    cols = [c for c in source.columns if c.type != "dropped"]
    select, issues, derived = [], [], []     # derived: computed once in a subquery, below what reads it
    for c in cols:
        raw = c.name if c.name in present else "null::varchar"
        if c.name == "snapshot_date" and snapshot_date is not None:
            raw = _quote(snapshot_date.isoformat())
        if c.type == "id_number":
            number = f"upper(trim({raw}))"        # the checks read it twenty times
            derived += [f"{number} as __id", f"{identity.first17_sql(number)} as __id17"]
            select += ["__id", f"{identity.problem_sql('__id', today, '__id17')} as __id_problem",
                       f"{identity.birth_sql('__id')} as __id_birth", f"{identity.sex_sql('__id')} as __id_sex"]
            continue
        issue = issue_kind(c, source.personal)
        kind = f"'{c.name}:{issue}'"
        value = parsed(c, raw)
        if value is not None:   # read once below, then limited; a value read but out of limits is a range issue
            derived.append(f"{value} as __read_{c.target}")
            select.append(f"__read_{c.target}")
            kind = _read_kind(c, f"__read_{c.target}", kind)
            value = f"__read_{c.target}"
        select.append(f"{typed(c, value or raw, limits)} as {c.target}")
        if c.flag:
            select.append(f"{_below_loq(raw)} as {c.flag}")
        if c.type in TEXT_TYPES:    # the numbers found, searched once (the issue reads them six times)
            derived.append(f"{identity.numbers_in_sql(_clean(raw), today)} as __ids_{c.target}")
            select.append(f"__ids_{c.target}")
            issues.append(_id_in_text(c, f"__ids_{c.target}"))
        else:     # the raw text rides along, read only where the typed value is missing
            select.append(f"{raw} as __raw_{c.target}")
            given = _given(c, f"__raw_{c.target}")
            shown = f" || ':' || {shown_sql(f'__raw_{c.target}')}" if issue == "vocab" else ""
            issues.append(f"case when {c.target} is null and {given} then ({kind}){shown} end")
    numbers = f"(select *{''.join(', ' + d for d in derived)} from raw_unnumbered)"
    return _finish(source, cols, issues, key, f"select {', '.join(select)} from {numbers}", today)


def _finish(source: Source, cols: list[Column], issues: list[str], key: bytes, typed_rows: str,
            today: date) -> str:
    """The query over `typed_rows` adding what needs typed values: identity numbers (checks, pseudonym,
    cross-checks) and the issue list. One statement, so nothing in between is materialised."""
    keep = [c.target for c in cols if c.type not in {"id_number"}]
    extra_select, extra_issues = [], []
    id_col = next((c for c in cols if c.type == "id_number"), None)
    if id_col is not None:
        valid = "__id_problem is null"
        extra_select.append(f"case when {valid} then {hmac_sql('__id', key)} end as person_key")
        extra_issues.append(f"case when __id <> '' then '{id_col.name}:' || __id_problem end")
        if "declared_sex" in keep:
            extra_select += [f"case when {valid} then __id_sex end as sex",
                             f"case when {valid} then date_part('year', age(snapshot_date, __id_birth))::integer "
                             "end as age_years"]
            extra_issues += [
                f"case when {valid} and declared_sex <> __id_sex then 'sex:sex_mismatch' end",
                f"case when {valid} and birth_date <> __id_birth then 'birth_date:birth_mismatch' end",
            ]
    if source.checks:
        rules = importlib.import_module(f"pipelines.{source.checks}")
        extra_select += rules.derived()
        extra_issues += rules.issues(today)
    ref = identity.mask_sql("__id") if source.ref == "id_number" \
        else identity.masked_sql(source.column(source.ref).target)
    all_issues = ", ".join(issues + extra_issues) or "null"
    columns = keep + [c.flag for c in cols if c.flag] + extra_select + [
        f"{ref} as record_ref", f"list_filter([{all_issues}], lambda x: x is not null) as issues"]
    return f"select {', '.join(columns)} from ({typed_rows})"
