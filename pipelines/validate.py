"""Great Expectations validation of a normalised extract (the suites in expectations/<source>.json).

GX validates the pandas frame before anything is stored (its SQL datasources cannot validate DuckDB
tables). Column-level failures name their rows, which are quarantined; a failed table-level expectation
(a registry file holding two snapshot dates) rejects the file.
"""
from __future__ import annotations

import importlib.util
import logging
import sys
import threading
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import TYPE_CHECKING

import i18n
import warehouse
from config import ConfigError
from domain.sources import suite_dict

if TYPE_CHECKING:           # both imported by Great Expectations, on the thread of `preload`
    import duckdb
    import pandas as pd
    import pyarrow as pa

ROW_ID = "row_number"


class SuiteError(ConfigError):
    """An expectation could not be evaluated: the suite file is wrong, not the extract (a configuration fault:
    exit code 2)."""


def _exception(info: dict | None) -> str | None:
    """The message of an exception GX caught, at the top level or per metric (both shapes occur)."""
    if not info:
        return None
    if info.get("raised_exception"):
        return str(info.get("exception_message"))
    nested = [v for v in info.values() if isinstance(v, dict) and v.get("raised_exception")]
    return str(nested[0].get("exception_message")) if nested else None


@dataclass
class Outcome:
    row_reasons: dict[int, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))
    file_failures: list[str] = field(default_factory=list)
    results: list[dict] = field(default_factory=list)    # one per expectation, for validation_results
    key_repeats: list[tuple[list[str], list[int]]] = field(default_factory=list)  # a uniqueness rule over a
    # key stand-in (`frame_query`): its columns and the rows it flagged, for `collided`


_CONTEXT_LOCK = threading.Lock()


@cache
def preload() -> None:
    """Import Great Expectations (about 2 s) and build its context on a thread of its own, once, while the
    caller's DuckDB normalises the file (DuckDB releases the GIL; the file's scan in Python does not, and
    took ten times as long beside the import). Call it only where a file is about to be validated: a status
    or a rerun with nothing new never pays for the import."""
    threading.Thread(target=_context, name="gx-preload", daemon=True).start()


def _context():
    with _CONTEXT_LOCK:
        return _context_made()


@cache
def _context_made():
    _defer_unused_imports()
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    _no_batch_fingerprint()
    _configurations_built_once()
    _plain_ids()
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    return context


DEFERRED_MODULES = ("scipy.stats",)


def _defer_unused_imports() -> None:
    """Register `DEFERRED_MODULES` to load on first use (`importlib.util.LazyLoader`) instead of with GX.

    GX imports `scipy.stats` (`from scipy import stats`) for what the suites do not use (the KL-divergence
    expectation, two KS-test metrics): about a third of GX's import, which the whole `ingest` command waits
    for. Whatever needs it loads it when it first reads one of its names. A module already imported is left as
    it is; tests/test_ingest.py checks that importing GX still leaves it unloaded, and that it works when used."""
    for name in DEFERRED_MODULES:
        if name in sys.modules:
            continue
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            continue
        spec.loader = importlib.util.LazyLoader(spec.loader)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        parent, _, child = name.rpartition(".")
        setattr(sys.modules[parent], child, module)


def _no_batch_fingerprint() -> None:
    """GX marks every in-memory batch under `HASH_THRESHOLD` bytes with an MD5 of pandas' row hashes: a full
    pass over the frame (about a second for a national registry) for a marker nothing here reads. A threshold
    of 0 skips it; the name is checked by tests/test_ingest.py, so an upgrade that drops it is noticed."""
    from great_expectations.execution_engine import pandas_execution_engine

    pandas_execution_engine.HASH_THRESHOLD = 0


def _plain_ids() -> None:
    """GX names every metric it computes by the MD5 of its arguments' JSON (`IDDict.to_id`), made by
    `convert_to_json_serializable`: a walk that tries a dozen pandas and NumPy types on every value, a sixth of
    validating a small file (wastewater 170 → 133 ms). Arguments that are plain JSON already (`plain_json`:
    nearly all of them) come back from that walk unchanged, so the encoder now gets them as they are; anything
    else (a date, a NumPy number, NaN) still takes GX's walk. tests/test_ingest.py checks that `to_id` still
    calls the name, and that the ids and the validations are GX's own."""
    from great_expectations.core import id_dict

    convert = id_dict.convert_to_json_serializable

    def json_ready(data):
        return data if plain_json(data) else convert(data)

    id_dict.convert_to_json_serializable = json_ready


def plain_json(value: object) -> bool:
    """Whether `value` is JSON as `convert_to_json_serializable` would return it: str, int, bool, None, a
    float that is not NaN, and lists, tuples and str-keyed dicts of them (exact types: a str or int subclass,
    an Enum or a NumPy scalar, is GX's to convert)."""
    kind = type(value)
    if value is None or kind in (str, int, bool):
        return True
    if kind is float:
        return value == value       # NaN becomes None in GX's walk
    if kind in (list, tuple):
        return all(plain_json(item) for item in value)
    if kind is dict:
        return all(type(key) is str and plain_json(item) for key, item in value.items())
    return False


_KEPT = threading.local()     # .configurations: id → (expectation, its configuration), while `run` validates


def _configurations_built_once() -> None:
    """GX builds an expectation's `configuration` (a pydantic `dict()` and a new model) anew each time it is read:
    once per keyword looked up, about 140 times an expectation in one validation, a third of the time a small
    file takes to validate. While `run` validates (`_configurations_kept`), each is built once on that thread.
    GX makes the expectation objects of a validation from the suite as it goes and does not change them, and an
    entry holds its object, so that its id is not reused while it is kept. Elsewhere the property is GX's own;
    tests/test_ingest.py checks that it is still a property building a configuration, and that validating with
    and without the kept ones gives the same results."""
    from great_expectations.expectations.expectation import Expectation

    build = Expectation.configuration.fget

    def configuration(self):
        kept = getattr(_KEPT, "configurations", None)
        if kept is None:
            return build(self)
        if id(self) not in kept:
            kept[id(self)] = (self, build(self))
        return kept[id(self)][1]

    Expectation.configuration = property(configuration)


@contextmanager
def _configurations_kept() -> Iterator[None]:
    _KEPT.configurations = {}
    try:
        yield
    finally:
        del _KEPT.configurations


@cache
def _batch_definition():
    asset = _context().data_sources.add_pandas("extracts").add_dataframe_asset("extract")
    return asset.add_batch_definition_whole_dataframe("whole")


def suite(source: str):
    """The source's suite as a GX object (read from its file each time, so an edited file counts)."""
    import great_expectations as gx

    _context()
    return gx.ExpectationSuite(name=source, expectations=[{k: v for k, v in e.items() if k != "id"}
                                                          for e in suite_dict(source)["expectations"]])


def _columns(kwargs: dict) -> list[str]:
    if "column" in kwargs:
        return [kwargs["column"]]
    if "column_list" in kwargs:
        return list(kwargs["column_list"])
    return [kwargs["column_A"], kwargs["column_B"]]


def _condition_columns(condition: object) -> list[str]:
    """The columns a row condition reads (GX's condition as JSON: `{"column": {"name": …}, …}`, nested in
    and/or)."""
    if isinstance(condition, list):
        return [c for item in condition for c in _condition_columns(item)]
    if not isinstance(condition, dict):
        return []
    own = [condition["column"]["name"]] if isinstance(condition.get("column"), dict) else []
    return own + [c for value in condition.values() for c in _condition_columns(value)]


def _read_columns(kwargs: dict) -> list[str]:
    """Every column an expectation reads: its own (`_columns`) and those of its row condition."""
    return _columns(kwargs) + _condition_columns(kwargs.get("row_condition"))


def suite_columns_needed(source: str) -> list[str]:
    """ROW_ID and every column an expectation of the suite reads."""
    return [ROW_ID] + sorted({c for e in suite_dict(source)["expectations"] for c in _read_columns(e["kwargs"])})


UNIQUENESS = {"expect_column_values_to_be_unique", "expect_compound_columns_to_be_unique"}
EQUALITY_ONLY = UNIQUENESS | {"expect_column_values_to_not_be_null"}


def _key_columns(source: str) -> set[str]:
    """Columns the suite expects to be unique (alone or together) and reads in no other way (a row condition
    included), so that a stand-in keeping only equality and presence gives GX the same answers."""
    expectations = suite_dict(source)["expectations"]
    keys = {c for e in expectations if e["type"] in UNIQUENESS for c in _columns(e["kwargs"])}
    return keys - {c for e in expectations if e["type"] not in EQUALITY_ONLY for c in _read_columns(e["kwargs"])}


KEY_HASH = "hash({}) >> 11"     # 53 bits: exact as a float64, which pandas makes of integers with nulls


def frame_query(source: str, available: set[str], relation: str, exact: bool = False) -> str:
    """SQL selecting what GX validates from `relation`: ROW_ID and the columns the suite reads.

    A key column is replaced by a stand-in that keeps equality and presence (nulls stay null), so GX handles
    integers instead of a million distinct strings (which cost it seconds and most of a load's memory):
    - by default, a hash of the value (`KEY_HASH`): equal values hash alike, so every repeat is caught, but two
      different values may too (for a million keys about one file in ten thousand), which `collided` finds
      after the fact, so that the file is validated again with the exact stand-in;
    - `exact`: the first row number holding the value, found by a hash join (a group-by of the million
      strings, about 0.2 s of a national load before anything else can start).
    """
    keys = sorted(_key_columns(source) & available)

    def column(c: str) -> str:
        if c not in keys:
            return f"r.{c}"
        if exact:
            return f"k{keys.index(c)}.first_row as {c}"
        return f"case when r.{c} is not null then {KEY_HASH.format('r.' + c)} end as {c}"

    columns = [column(c) for c in suite_columns_needed(source) if c in available]
    joins = [f" left join (select {c}, min({ROW_ID}) as first_row from {relation} where {c} is not null "
             f"group by {c}) k{i} on r.{c} = k{i}.{c}" for i, c in enumerate(keys)] if exact else []
    return f"select {', '.join(columns)} from {relation} r" + "".join(joins)


def collided(con: duckdb.DuckDBPyConnection, outcome: Outcome, relation: str) -> bool:
    """Whether a uniqueness rule over a key's hash (`frame_query`) flagged a row whose values are not repeated
    in `relation`. Rows with equal values have equal hashes, so a truly repeated row is flagged together with
    all its repeats: counting repeats among the flagged rows alone is exact."""
    for columns, rows in outcome.key_repeats:
        repeated = warehouse.scalar(con, f"select count(*) from (select count(*) over (partition by "
                                         f"{', '.join(columns)}) as n from {relation} where {ROW_ID} in "
                                         "(select unnest(?::bigint[]))) where n > 1", [rows])
        if repeated < len(rows):
            return True
    return False


def frame_for(source: str, table: pa.Table) -> pd.DataFrame:
    """The pandas frame GX validates, in the dtypes its pandas engine handles fastest.

    Text columns become categoricals (GX hashes and filters the frame many times; codes are cheap). Dates
    become datetime64[ns], which GX compares vectorised (other units go row by row); Arrow converts them
    faster than pandas would.
    """
    import pyarrow as pa    # loaded with GX by now (not at the top: the command's start waits for it)
    import pyarrow.compute as pc

    columns = {}
    for name in table.column_names:
        column = table[name]
        if pa.types.is_string(column.type):
            column = pc.dictionary_encode(column)
        elif pa.types.is_date(column.type):
            column = column.cast(pa.timestamp("ns"))
        columns[name] = column
    return pa.table(columns).to_pandas()


def run(source: str, table: pa.Table, today: date) -> Outcome:
    """Validate `table` (`frame_query`'s rows, with ROW_ID) against the source's suite, on the frame
    `frame_for` makes of it (here, so that a caller running this on a thread of its own overlaps that too)."""
    import pandas as pd     # loaded with GX by now
    outcome = Outcome()
    batch = _batch_definition().get_batch(batch_parameters={"dataframe": frame_for(source, table)})
    with _configurations_kept():
        result = batch.validate(
            suite(source),
            result_format={"result_format": "COMPLETE", "unexpected_index_column_names": [ROW_ID],
                           "partial_unexpected_count": 0, "include_unexpected_rows": False},
            expectation_parameters={"today": pd.Timestamp(today)},
        )
    for r in result.results:
        _collect(source, r, outcome)
    return outcome


def _collect(source: str, r, outcome: Outcome) -> None:
    """File one expectation's result: its failing rows, or a file-level failure, and its statistics."""
    config = r.expectation_config
    error = _exception(r.exception_info)
    rows = [int(i[ROW_ID]) for i in (r.result.get("unexpected_index_list") or [])]
    if not error and not r.success and not rows and r.result.get("unexpected_count"):
        error = "failing rows were not named"  # a row-level rule must name its rows
    if error:
        raise SuiteError(i18n.both("suite_broken", source=source, expectation=config.type, detail=error))
    meta = config.meta or {}
    reason = f"{meta.get('zh', config.type)} / {meta.get('en', config.type)}"
    columns = ",".join(_columns(config.kwargs))
    outcome.results.append({
        "expectation": config.type, "column_name": columns, "description": reason, "success": bool(r.success),
        "element_count": r.result.get("element_count"), "unexpected_count": r.result.get("unexpected_count"),
    })
    if r.success:
        return
    if rows:
        for row in rows:
            outcome.row_reasons[row].append((columns, reason))
        if config.type in UNIQUENESS and _key_columns(source) & set(_columns(config.kwargs)):
            outcome.key_repeats.append((_columns(config.kwargs), rows))
    else:
        outcome.file_failures.append(reason)
