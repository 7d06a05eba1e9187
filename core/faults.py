"""Fault injection for the reliability tests (the way dlt and Airbyte test theirs).

`KZM_INJECT_FAULT=<stage>` makes the refresh fail at that stage boundary, exactly as a real
failure there would (an exception inside the stage). Unset in normal use: then this does nothing.
Stages: ingest, build, dbt, gates, docs, publish, publish_sidecars (record and Parquet
copies written, folder not yet renamed), publish_switch (intent logged, pointer not yet switched),
publish_log (pointer switched, confirmation not yet logged).
"""

from __future__ import annotations

import os


class InjectedFault(RuntimeError):
    pass


def maybe_fail(stage: str) -> None:
    if os.environ.get("KZM_INJECT_FAULT") == stage:
        raise InjectedFault(f"fault injected at stage {stage!r} (KZM_INJECT_FAULT)")
