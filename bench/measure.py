"""Run a command as a child process and measure it: wall time, CPU time and the peak resident
memory of its whole process tree (the child and every descendant, e.g. dbt), sampled with psutil.

Lines the child prints as `==> <stage>` (pipeline/refresh.py's StageTimer) open a stage; the
RSS samples between two stage marks give each stage's peak; the child's own `    <stage>: 1.2 s`
lines give each stage's wall time.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field

import psutil

SAMPLE_INTERVAL_S = 0.05
_STAGE_START = re.compile(r"^==> (\S+)")
_STAGE_END = re.compile(r"^\s+(\S+): ([0-9.]+) s$")


def tree_rss(root: psutil.Process) -> int:
    """Resident bytes of `root` and all its descendants (0 for processes already gone)."""
    total = 0
    try:
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0
    for proc in procs:
        with contextlib.suppress(psutil.Error):
            total += proc.memory_info().rss
    return total


@dataclass
class Measured:
    argv: list[str]
    returncode: int
    wall_s: float
    cpu_s: float  # user + system of the child and its waited-for descendants
    peak_rss_mib: float
    stdout: str
    stderr: str
    startup_s: float | None = None  # launch -> first stage line (interpreter, imports, lock)
    stages: list[dict] = field(default_factory=list)
    timed_out: bool = False


def run_measured(
    argv: list[str], env: dict[str, str] | None = None, cwd=None, timeout_s: float = 7200
) -> Measured:
    """Run `argv`, sample its tree's RSS every 50 ms, split the samples by stage marks."""
    samples: list[tuple[float, int]] = []
    marks: list[tuple[float, str]] = []  # (time, stage) at each `==> stage` line
    ends: dict[str, float] = {}
    out_lines: list[str] = []
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv,
        env=env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        bufsize=1,
        start_new_session=True,  # its own process group: a timeout ends the whole tree
    )
    ps = psutil.Process(proc.pid)
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            samples.append((time.perf_counter(), tree_rss(ps)))
            stop.wait(SAMPLE_INTERVAL_S)

    def read_stdout() -> None:
        for line in proc.stdout:
            now = time.perf_counter()
            out_lines.append(line)
            if m := _STAGE_START.match(line):
                marks.append((now, m[1]))
            elif m := _STAGE_END.match(line.rstrip("\n")):
                ends[m[1]] = float(m[2])

    err_chunks: list[str] = []
    threads = [
        threading.Thread(target=sample, daemon=True),
        threading.Thread(target=read_stdout, daemon=True),
        threading.Thread(target=lambda: err_chunks.append(proc.stderr.read()), daemon=True),
    ]
    for t in threads:
        t.start()
    deadline = start + timeout_s
    timed_out = False
    while True:  # wait4 gives the child's rusage including its waited-for descendants (dbt)
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline and not timed_out:
            timed_out = True
            os.killpg(proc.pid, signal.SIGKILL)
        time.sleep(0.02)
    end = time.perf_counter()
    proc.returncode = os.waitstatus_to_exitcode(status)
    stop.set()
    for t in threads:
        t.join(timeout=10)
    peak = max((rss for _, rss in samples), default=0)
    stages = []
    bounds = [*marks, (end, None)]
    for (t0, name), (t1, _) in zip(bounds, bounds[1:], strict=False):
        stage_peak = max((rss for t, rss in samples if t0 <= t <= t1), default=0)
        stages.append(
            {
                "stage": name,
                "wall_s": ends.get(name, round(t1 - t0, 3)),
                "peak_rss_mib": round(stage_peak / 2**20, 1),
            }
        )
    return Measured(
        argv=list(argv),
        returncode=proc.returncode,
        wall_s=round(end - start, 3),
        cpu_s=round(usage.ru_utime + usage.ru_stime, 2),
        peak_rss_mib=round(peak / 2**20, 1),
        stdout="".join(out_lines),
        stderr="".join(err_chunks),
        startup_s=round(marks[0][0] - start, 3) if marks else None,
        stages=stages,
        timed_out=timed_out,
    )
