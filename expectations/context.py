"""The Great Expectations side of the quality gates: one ephemeral GX context per process, and
the validation of one batch (a pandas DataFrame read by `batches.py`) against expectations.

GX does not raise when expectations fail: `validate_batch` returns every result's success, and
the gates decide themselves (`suite_validation.py`).
"""

from __future__ import annotations

import os
import threading
from typing import Any

import pandas as pd

from expectations.suite_files import Suite

_GX: tuple[Any, Any, Any] | None = None
_GX_LOCK = threading.Lock()


def prepare_gx() -> None:
    """Import GX and make its context now (~3 s), not at the first suite."""
    _gx()


def _gx() -> tuple[Any, Any, Any]:
    """(gx module, ephemeral context, whole-dataframe batch definition), made once per process
    (a lock: the refresh makes it in a background thread while dbt runs, pipeline/refresh.py).

    Analytics are switched off before GX is imported (no network; the gates must never wait on
    a phone-home), and progress bars are off.
    """
    with _GX_LOCK:
        return _GX or _make_gx()


def _make_gx() -> tuple[Any, Any, Any]:
    global _GX
    if _GX is None:
        os.environ["GX_ANALYTICS_ENABLED"] = "false"
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        context = gx.get_context(mode="ephemeral")
        context.variables.progress_bars = ProgressBarsConfig(globally=False)
        context.config.analytics_enabled = False
        datasource = context.data_sources.add_pandas("kzm_gates")
        asset = datasource.add_dataframe_asset("batch")
        _GX = (gx, context, asset.add_batch_definition_whole_dataframe("whole_batch"))
    return _GX


def _exception(result: Any) -> str | None:
    info = result.exception_info or {}
    candidates = [info, *(v for v in info.values() if isinstance(v, dict))]
    for item in candidates:
        if item.get("raised_exception"):
            return str(item.get("exception_message") or "exception").splitlines()[0]
    return None


def validate_batch(
    suite: Suite,
    batch_name: str,
    batch: pd.DataFrame,
    expectations: list[dict[str, Any]],
    params: dict[str, Any],
    sample_size: int,
) -> dict[str, Any]:
    """Validate `batch` against `expectations`; {expectation id: GX result summary}."""
    if not expectations:
        return {}
    gx, _, batch_definition = _gx()
    gx_suite = gx.ExpectationSuite(
        name=f"{suite.name}:{batch_name}",
        expectations=[
            {
                "type": e["type"],
                "kwargs": e["kwargs"],
                "meta": e["meta"],
                "severity": "critical" if e["meta"]["severity"] == "error" else "warning",
            }
            for e in expectations
        ],
    )
    used = {
        v["$PARAMETER"]
        for e in expectations
        for v in e["kwargs"].values()
        if isinstance(v, dict) and "$PARAMETER" in v
    }
    params = {k: v for k, v in params.items() if k in used}
    gx_batch = batch_definition.get_batch(batch_parameters={"dataframe": batch})
    # First pass: success only (GX builds far fewer metrics); then the failed expectations
    # again with counts and examples. Most expectations pass, so this halves the GX time.
    validation = gx_batch.validate(
        gx_suite, expectation_parameters=params, result_format={"result_format": "BOOLEAN_ONLY"}
    )
    out = {}
    for r in validation.results:
        out[r.expectation_config.meta["id"]] = {
            "success": bool(r.success),
            "result": dict(r.result or {}),
            "exception": _exception(r),
        }
    failed = [e for e in gx_suite.expectations if not out[e.meta["id"]]["success"]]
    if not validation.success and not failed:
        raise RuntimeError(f"GX reported {suite.name}:{batch_name} failed without a failed result")
    if failed:
        detail_suite = gx.ExpectationSuite(name=f"{suite.name}:{batch_name}:failed")
        for e in failed:
            detail_suite.add_expectation(e)
        detailed = gx_batch.validate(
            detail_suite,
            expectation_parameters=params,
            result_format={"result_format": "SUMMARY", "partial_unexpected_count": sample_size},
        )
        for r in detailed.results:
            out[r.expectation_config.meta["id"]].update(
                result=dict(r.result or {}), exception=_exception(r)
            )
    return out
