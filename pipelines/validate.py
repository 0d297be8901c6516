"""Great Expectations validation of a normalised extract (the suites in expectations/<source>.json).

GX validates the pandas frame before anything is stored (its SQL datasources cannot validate DuckDB
tables). Column-level failures name their rows, which are quarantined; a failed table-level expectation
(a registry file holding two snapshot dates) rejects the file.
"""
from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cache

import pandas as pd

from pipelines.sources import suite_dict

ROW_ID = "row_number"


@dataclass
class Outcome:
    row_reasons: dict[int, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))
    file_failures: list[str] = field(default_factory=list)
    results: list[dict] = field(default_factory=list)    # one per expectation, for validation_results


@cache
def _context():
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    return context


@cache
def _batch_definition():
    asset = _context().data_sources.add_pandas("extracts").add_dataframe_asset("extract")
    return asset.add_batch_definition_whole_dataframe("whole")


def suite(source: str):
    """The source's suite as a GX object (ids dropped so the file stays the source of truth)."""
    import great_expectations as gx

    _context()
    data = suite_dict(source)
    expectations = [{k: v for k, v in e.items() if k != "id"} for e in data["expectations"]]
    return gx.ExpectationSuite(name=source, expectations=expectations, meta=data.get("meta", {}))


def _columns(kwargs: dict) -> list[str]:
    if "column" in kwargs:
        return [kwargs["column"]]
    if "column_list" in kwargs:
        return list(kwargs["column_list"])
    return [kwargs["column_A"], kwargs["column_B"]]


def suite_columns_needed(source: str) -> list[str]:
    """ROW_ID and every column an expectation of the suite reads."""
    return [ROW_ID] + sorted({c for e in suite_dict(source)["expectations"] for c in _columns(e["kwargs"])})


def frame_for(source: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Dates as datetime64[ns]: GX compares those vectorised (other datetime units go row by row)."""
    for c in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[c]) or (frame[c].dtype == object and c.endswith("_date")):
            frame[c] = pd.to_datetime(frame[c]).astype("datetime64[ns]")
    return frame


def run(source: str, frame: pd.DataFrame, today: date) -> Outcome:
    """Validate `frame` (which has ROW_ID) against the source's suite."""
    batch = _batch_definition().get_batch(batch_parameters={"dataframe": frame})
    result = batch.validate(
        suite(source),
        result_format={"result_format": "COMPLETE", "unexpected_index_column_names": [ROW_ID],
                       "partial_unexpected_count": 0, "include_unexpected_rows": False},
        expectation_parameters={"today": pd.Timestamp(today)},
    )
    outcome = Outcome()
    for r in result.results:
        config = r.expectation_config
        if r.exception_info and r.exception_info.get("raised_exception"):
            raise RuntimeError(f"expectation {config.type} on {source} failed to run: "
                               f"{r.exception_info.get('exception_message')}")
        meta = config.meta or {}
        reason = (meta.get("zh", config.type), meta.get("en", config.type))
        rows = [int(i[ROW_ID]) for i in (r.result.get("unexpected_index_list") or [])]
        outcome.results.append({
            "expectation": config.type, "column_name": ",".join(_columns(config.kwargs)),
            "description": f"{reason[0]} / {reason[1]}", "success": bool(r.success),
            "element_count": r.result.get("element_count"), "unexpected_count": r.result.get("unexpected_count"),
        })
        if r.success:
            continue
        if rows:
            for row in rows:
                outcome.row_reasons[row].append((",".join(_columns(config.kwargs)), f"{reason[0]} / {reason[1]}"))
        else:
            outcome.file_failures.append(f"{reason[0]} / {reason[1]}")
    return outcome
