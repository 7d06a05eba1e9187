"""Fault injection for the reliability tests (the way dlt and Airbyte test theirs).

`KZM_INJECT_FAULT=<stage>` makes the refresh fail at that stage boundary, exactly as a real
failure there would (an exception inside the stage). Unset in normal use: then this does nothing.
Stages: ingest, build, dbt, gates, publish, publish_switch.
"""

from __future__ import annotations

import os


class InjectedFault(RuntimeError):
    pass


def maybe_fail(stage: str) -> None:
    if os.environ.get("KZM_INJECT_FAULT") == stage:
        raise InjectedFault(f"fault injected at stage {stage!r} (KZM_INJECT_FAULT)")
