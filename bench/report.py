"""Write the benchmark report: bench/results/<UTC time>.json and .md, and latest.json (the list
of runs, each with `name`, `rows`, `wall_s`, `peak_rss_mib` and, where there is one, `floor_s`)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from bench.sizes import size_label

TARGET_X_FLOOR = 3.0  # the whole refresh at 10^8 rows, against the floor query
TARGET_X_FLOOR_ROWS = 100_000_000
TARGET_PEAK_MIB = 4096.0
RENDER_TARGET_S = 1.5  # first render of a page after the imports, seconds
NOOP_TARGET_S = 1.5  # "about a second"


def _fmt(value, digits: int = 1) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _status(run: dict) -> str:
    when = run.get("measured_at")
    return run["status"] + (f" ({when[11:16]} UTC)" if when else "")


def _stages(run: dict) -> str:
    parts = []
    for s in run.get("stages") or []:
        peak = f" / {s['peak_rss_mib']:,.0f} MiB" if s.get("peak_rss_mib") else ""
        parts.append(f"{s['stage']} {_fmt(s['wall_s'])} s{peak}")
    return "; ".join(parts) or "—"


def linearity(synthetic: list[dict]) -> list[str]:
    ok = sorted(
        (r for r in synthetic if r["status"] == "ok" and "+" not in r["name"]),
        key=lambda r: r["rows"],
    )
    lines = []
    for small, big in zip(ok, ok[1:], strict=False):
        ratio_rows = big["rows"] / small["rows"]
        ratio_wall = big["wall_s"] / small["wall_s"]
        lines.append(
            f"- {small['name']} → {big['name']}: rows ×{ratio_rows:.0f}, wall ×{ratio_wall:.1f}, "
            f"CPU ×{big['cpu_s'] / small['cpu_s']:.1f}, peak memory "
            f"×{big['peak_rss_mib'] / small['peak_rss_mib']:.1f}"
        )
    return lines


def markdown(runs: list[dict], machine: dict, started: datetime, sizes: list[int]) -> str:
    by_name = {r["name"]: r for r in runs}
    out = [
        f"# Benchmark report {started:%Y-%m-%d %H:%M} UTC",
        "",
        f"Machine: {machine['nproc']} cores ({machine['cpu_model']}), "
        f"{machine['memory_gib']} GiB RAM; Python {machine['python']}, DuckDB "
        f"{machine['duckdb']}; {machine['platform']}.",
        "",
        "Wall time is elapsed time; CPU is user + system time of the process tree; peak memory is "
        "the largest sum of resident memory over the process tree (dbt included), sampled every "
        "50 ms. `load` is the 1-minute load average when the run ended: the machine is shared, "
        "so wall times above CPU / cores mean the run waited for CPU.",
        "",
        "## Embedded sample",
        "",
        "| run | rows | wall s | CPU s | peak MiB | load | status | stages (wall s / peak) |",
        "|---|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in runs:
        if r["name"].startswith(("full_sample", "noop_sample")):
            startup = f"startup {_fmt(r.get('startup_s'), 2)} s; " if r.get("startup_s") else ""
            out.append(
                f"| {r['name']} | {_fmt(r['rows'])} | {_fmt(r['wall_s'], 2)} | {_fmt(r['cpu_s'])} "
                f"| {_fmt(r['peak_rss_mib'], 0)} | {_fmt(r['load_avg_1m'])} | {_status(r)} | "
                f"{startup}{_stages(r)} |"
            )
    noops = [r for r in runs if r["name"].startswith("noop_sample")]
    if noops:
        best = min(r["wall_s"] for r in noops)
        verdict = "met" if best <= NOOP_TARGET_S else "MISSED"
        out += [
            "",
            f"No-change refresh: best {best:.2f} s of {len(noops)} (target about a "
            f"second, ≤ {NOOP_TARGET_S} s: {verdict}).",
        ]
    out += ["", "## App pages (first render, fresh process, AppTest)", ""]
    pages = [r for r in runs if r["name"].startswith("app_page")]
    if not pages:
        out.append("Not measured in this run.")
    elif any(r["name"] == "app_pages" for r in pages):
        out.append(f"**Gap:** {by_name['app_pages']['status']}.")
    else:
        out += [
            f"Render: the page's first run after the Python imports (Streamlit and the app's "
            f"modules, timed apart), on the published sample build; target < {RENDER_TARGET_S} s.",
            "",
            "| page | render s | target | process wall s | peak MiB | status |",
            "|---|---:|---|---:|---:|---|",
        ]
        for r in pages:
            render = r.get("render_s")
            verdict = "—" if render is None else "met" if render < RENDER_TARGET_S else "missed"
            out.append(
                f"| {r['name'].split(':', 1)[1]} | {_fmt(render)} | {verdict} | "
                f"{_fmt(r['wall_s'])} | {_fmt(r['peak_rss_mib'], 0)} | {r['status']} |"
            )
    synthetic = [r for r in runs if r["name"].startswith("synthetic_")]
    out += ["", "## Synthetic district-level sizes (whole refresh vs the floor)", ""]
    if not synthetic:
        out.append("Not run.")
    else:
        out += [
            "| size | rows | wall s | floor s | × floor | CPU s | peak MiB | rows/s | load "
            "| status |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
        ]
        for r in synthetic:
            out.append(
                f"| {r['name']} | {_fmt(r['rows'])} | {_fmt(r['wall_s'])} | {_fmt(r['floor_s'])} "
                f"| {_fmt(r.get('x_floor'))} | {_fmt(r['cpu_s'])} | {_fmt(r['peak_rss_mib'], 0)} "
                f"| {_fmt(r.get('rows_per_s'))} | {_fmt(r['load_avg_1m'])} | {_status(r)} |"
            )
        out += ["", "Stages (wall s / peak MiB):", ""]
        for r in synthetic:
            out.append(f"- {r['name']}: {_stages(r)}")
            if r.get("error_detail"):
                out.append(f"  - error: {r['error_detail'][:600]}")
            elif r.get("error"):
                failed = [x for x in r["error"].splitlines() if "FAILED" in x or "ERROR" in x]
                out.append(f"  - error: `{(failed or r['error'].splitlines())[-1][:300]}`")
        floors = [r for r in runs if r["name"].startswith("floor_")]
        if floors:
            out += [
                "",
                "Floor queries: "
                + "; ".join(
                    f"{r['name']} {_fmt(r['floor_s'])} s, peak {_fmt(r['peak_rss_mib'], 0)} MiB"
                    for r in floors
                )
                + ".",
            ]
        lin = linearity(synthetic)
        if lin:
            out += ["", "Growth between sizes:", "", *lin]
        out += ["", "## Targets", "", "| size | ≤ 3× floor | peak < 4 GiB |", "|---|---|---|"]
        for r in synthetic:
            if r["status"] != "ok":
                out.append(f"| {r['name']} | not reached ({r['status']}) | — |")
                continue
            xf = r.get("x_floor")
            if r["rows"] < TARGET_X_FLOOR_ROWS:  # fixed costs (dbt, gates) dominate below
                floor_verdict = f"no target below 10^8 rows ({_fmt(xf)}×)"
            else:
                met = xf is not None and xf <= TARGET_X_FLOOR
                floor_verdict = f"{'met' if met else 'MISSED'} ({_fmt(xf)}×)"
            out.append(
                f"| {r['name']} | {floor_verdict} "
                f"| {'met' if r['peak_rss_mib'] < TARGET_PEAK_MIB else 'MISSED'} "
                f"({_fmt(r['peak_rss_mib'], 0)} MiB) |"
            )
    missing = [s for s in sizes if f"synthetic_{size_label(s)}" not in by_name]
    if missing:
        out += ["", f"Sizes requested but not run: {missing}."]
    out += ["", "See bench/README.md for the method, the district scheme and the findings."]
    return "\n".join(out) + "\n"


def write_report(
    runs: list[dict], machine: dict, started: datetime, sizes: list[int], results_dir: Path
) -> list[Path]:
    results_dir.mkdir(parents=True, exist_ok=True)
    stamp = started.astimezone(UTC).strftime("%Y-%m-%dT%H%MZ")
    doc = {
        "started": started.isoformat(timespec="seconds"),
        "machine": machine,
        "sizes": sizes,
        "runs": runs,
    }
    dated_json = results_dir / f"{stamp}.json"
    dated_md = results_dir / f"{stamp}.md"
    dated_json.write_text(json.dumps(doc, indent=2, default=str) + "\n", encoding="utf-8")
    dated_md.write_text(markdown(runs, machine, started, sizes), encoding="utf-8")
    latest = results_dir / "latest.json"
    latest.write_text(json.dumps(runs, indent=2, default=str) + "\n", encoding="utf-8")
    return [dated_json, dated_md, latest]
