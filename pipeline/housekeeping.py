"""What a refresh does around its stages so that a failure never blocks the next one: remove what
a failed or killed refresh left, check free space before writing, name the cause of an
out-of-space error, warn when the served build was altered, and say what is served after a
failure.
"""

from __future__ import annotations

import errno
import re
import shutil
import sys
from pathlib import Path

from core.paths import WarehousePaths
from pipeline import publish as publisher
from pipeline.sidecars import integrity

# A build needs about the last build's size again (the raw copy plus dbt's tables), plus room
# for DuckDB's WAL and the Parquet copies.
SPACE_MARGIN = 1.25
_DISK_FULL = re.compile(r"no space left on device|disk is full|not enough space", re.IGNORECASE)
_PATH_IN_MESSAGE = re.compile(r"""["'](/[^"']+)["']|(/[\w./+-]+)""")


class NotEnoughSpace(RuntimeError):
    stage = "start"


def remove_leftovers(paths: WarehousePaths) -> list[Path]:
    """Delete the private build folder, half-moved publishes and stray pointer temp links.
    Never a published build. Runs under the refresh lock, so nothing else uses them."""
    removed = []
    candidates = [paths.build_dir]
    if paths.builds_dir.exists():
        candidates += list(paths.builds_dir.glob(".*.incoming"))
    candidates += list(paths.root.glob(".current.duckdb.*.tmp"))
    for path in candidates:
        if path.is_symlink() or path.is_file():
            path.unlink()
        elif path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            continue
        removed.append(path)
    return removed


def last_build_size(paths: WarehousePaths) -> int:
    build = publisher.current_build(paths)
    if build is None:
        return 0
    return sum(p.stat().st_size for p in build.path.parent.rglob("*") if p.is_file())


def space_needed(paths: WarehousePaths) -> int:
    return int(last_build_size(paths) * SPACE_MARGIN)


def check_free_space(paths: WarehousePaths) -> None:
    """Fail before anything is written when the file system cannot hold another build."""
    needed = space_needed(paths)
    free = shutil.disk_usage(paths.root).free
    if needed and free < needed:
        raise NotEnoughSpace(
            f"not enough free space for a build in {paths.root}: {_mib(free)} free, about "
            f"{_mib(needed)} needed (the last build is {_mib(last_build_size(paths))}). Free "
            "space there (old builds go with a lower KEEP_BUILDS) and run the refresh again; "
            "nothing was written"
        )


def out_of_space_message(exc: BaseException, stage: str, paths: WarehousePaths) -> str | None:
    """A sentence naming the stage, the path and the space needed, if `exc` is a full disk."""
    chain, seen = [], exc
    while seen is not None and seen not in chain:
        chain.append(seen)
        seen = seen.__cause__ or seen.__context__
    for error in chain:
        text = str(error)
        full = (isinstance(error, OSError) and error.errno == errno.ENOSPC) or _DISK_FULL.search(
            text
        )
        if not full:
            continue
        path = getattr(error, "filename", None)
        if not path:
            match = _PATH_IN_MESSAGE.search(text)
            path = (match.group(1) or match.group(2)) if match else str(paths.root)
        free = shutil.disk_usage(paths.root).free
        needed = space_needed(paths)
        need = f"about {_mib(needed)} needed (the last build's size)" if needed else "more needed"
        return (
            f"out of disk space in stage {stage} writing {path}: {_mib(free)} free, {need}. "
            "The failed build's files were removed; free space and run the refresh again"
        )
    return None


def warn_if_served_build_altered(paths: WarehousePaths) -> bool:
    """Print a warning when the served file no longer matches its recorded SHA-256."""
    build = publisher.current_build(paths)
    if build is None:
        return False
    matches, detail = integrity(build.path.parent, quick=True)
    if matches is False:
        print(f"refresh: WARNING: {detail}. `python -m pipeline.publish status` checks it; "
              "this refresh publishes a new build", file=sys.stderr)  # fmt: skip
        return True
    return False


def served_after_failure(paths: WarehousePaths, before: publisher.PublishedBuild | None) -> str:
    """What is served now, said plainly (a failure after the switch leaves the new build)."""
    now = publisher.current_build(paths)
    if now is None:
        return f"nothing is served ({paths.current} does not name a build)"
    if before is not None and now.build_id == before.build_id:
        return f"the served warehouse is unchanged: build {now.build_id} ({paths.current})"
    return (
        f"build {now.build_id} IS now served ({paths.current}): the failure came after the "
        "pointer switch; `make rollback` serves the previous build"
    )


def _mib(n: int) -> str:
    return f"{n / 2**20:.1f} MiB"
