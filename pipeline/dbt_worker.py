"""A pre-warmed dbt process: `python -m pipeline.dbt_worker` imports dbt's CLI, then waits.

Starting the dbt CLI costs ~4 s of imports before it does any work. The refresh starts this
worker while it ingests (pipeline/build.py DbtProcess), so by the dbt stage the imports are done.
The worker reads ONE line of JSON from stdin, `{"args": [...], "cwd": "..."}`, changes to `cwd`
and then runs exactly what the `dbt` console script runs (`dbt.cli.main:cli`, dbt-core's entry
point) with `sys.argv = ["dbt", *args]`: same exit code, same stdout/stderr. On EOF instead (the
refresh did not need dbt, or its process is gone) it exits 0 without doing anything.

The environment is not in the line: it is given when the worker is spawned, as it is for
`dbt <args>`, so whatever dbt reads from it while importing (e.g. DBT_RECORDER_MODE,
DBT_MACRO_DEBUGGING) sees the same values. The working directory is given late because the
refresh deletes and recreates the build directory after the worker has started.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path


def main() -> int:
    from dbt.cli.main import cli  # the `dbt` console script's entry point (dbt-core metadata)

    line = sys.stdin.readline()
    if not line.strip():
        return 0  # EOF: not needed
    try:
        command = json.loads(line)
        args, cwd = [str(arg) for arg in command["args"]], command["cwd"]
    except (ValueError, KeyError, TypeError) as exc:
        print(f"dbt_worker: bad command line {line!r}: {exc}", file=sys.stderr)
        return 2
    os.chdir(cwd)
    warming = _warm_statistics_imports()
    # What the console script sees: argv[0] is the script (dbt reads argv[1:] for the invocation
    # command), and click's program name for usage messages is "dbt", not "python -m ...".
    script = Path(sys.executable).with_name("dbt")
    sys.argv = [str(script) if script.exists() else "dbt", *args]
    try:
        return cli(prog_name="dbt")  # standalone mode: exits through SystemExit like the script
    finally:
        warming.join(timeout=30)  # never leave an import half-done at interpreter shutdown


def _warm_statistics_imports():
    """Import the statistics libraries of the drivers marts' dbt Python models in a daemon
    thread while dbt parses and runs the SQL models (~2 s off the dbt stage); a failure is left
    for the model that needs the library to report."""
    import importlib
    import threading

    from analysis import WARM_IMPORTS

    def warm() -> None:
        for name in WARM_IMPORTS:
            try:
                importlib.import_module(name)
            except ImportError:
                return

    thread = threading.Thread(target=warm, name="warm-statistics-imports", daemon=True)
    thread.start()
    return thread


if __name__ == "__main__":
    sys.exit(main())
