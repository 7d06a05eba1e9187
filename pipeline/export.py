"""`make export OUT=<dir> [BUILD=<id>]`: the marts of a published build for other tools.

Writes into OUT: `parquet/<mart>.parquet` (zstd), `csv/<mart>.csv` (UTF-8, header),
`data_dictionary.csv` (table, column, type, description, grain) and `manifest.json` (build id,
input manifest hash, row counts, SHA-256 of each file). Everything comes from the build's sidecars
(core/build_record.py: its record and Parquet copies), never from its DuckDB file: an export works
while a client holds the served build.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import shutil
import sys
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from core.build_record import file_sha256, parquet_path, read_record
from core.paths import WarehousePaths, warehouse_paths
from pipeline import publish as publisher

# The marts' descriptions start with their grain: "Grain: one row per (…)."
GRAIN = re.compile(r"grain:\s*(.+?\.)(?:\s|$)", re.IGNORECASE | re.DOTALL)


class ExportError(RuntimeError):
    pass


def build_folder(paths: WarehousePaths, build_id: str | None) -> Path:
    if build_id:
        folder = paths.builds_dir / build_id
        if not folder.is_dir():
            known = sorted(p.name for p in paths.builds_dir.glob("[!.]*") if p.is_dir())
            raise ExportError(f"no published build {build_id!r} in {paths.builds_dir}; "
                              f"published: {', '.join(known) or 'none'}")  # fmt: skip
        return folder
    current = publisher.current_build(paths)
    if current is None:
        raise ExportError("nothing is published yet: run `make refresh` first")
    return current.path.parent


def grain_of(description: str) -> str:
    match = GRAIN.search(description or "")
    return " ".join(match.group(1).split()) if match else ""


def export(paths: WarehousePaths, out: Path, build_id: str | None = None) -> dict:
    folder = build_folder(paths, build_id)
    record = read_record(folder)
    if record is None or "tables" not in record.extra:
        raise ExportError(f"build {folder.name} has no record with its tables (published "
                          "before exports existed): refresh, or export a newer BUILD")  # fmt: skip
    marts = {name.split(".", 1)[1]: info for name, info in sorted(record.extra["tables"].items())
             if name.startswith("marts.")}  # fmt: skip
    out.mkdir(parents=True, exist_ok=True)
    (out / "parquet").mkdir(exist_ok=True)
    (out / "csv").mkdir(exist_ok=True)
    row_counts, dictionary = {}, []
    with duckdb.connect() as con:
        for table, info in marts.items():
            source = parquet_path(folder, "marts", table)
            shutil.copyfile(source, out / "parquet" / f"{table}.parquet")  # already zstd
            escaped = str(out / "csv" / f"{table}.csv").replace("'", "''")
            con.execute(
                f"copy (select * from read_parquet(?)) to '{escaped}' (header, delimiter ',')",
                [str(source)],
            )
            row_counts[table] = con.execute(
                "select count(*) from read_parquet(?)", [str(source)]
            ).fetchone()[0]
            grain = grain_of(info.get("comment", ""))
            dictionary.append({"table": table, "column": "", "type": "table",
                               "description": info.get("comment", ""), "grain": grain})  # fmt: skip
            dictionary += [{"table": table, "column": c["name"], "type": c["type"],
                            "description": c["comment"], "grain": grain}
                           for c in info["columns"]]  # fmt: skip
    with open(out / "data_dictionary.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, ["table", "column", "type", "description", "grain"])
        writer.writeheader()
        writer.writerows(dictionary)
    files = sorted(p for p in out.rglob("*") if p.is_file() and p.name != "manifest.json")
    manifest = {
        "build_id": record.build_id,
        "input_manifest_hash": record.extra.get("input_manifest_hash"),
        "build_sha256": record.sha256,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "row_counts": row_counts,
        "files": {p.relative_to(out).as_posix(): file_sha256(p) for p in files},
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.export", description=__doc__)
    parser.add_argument("--out", type=Path, required=True, help="folder to write into")
    parser.add_argument("--build", help="a published build id (default: the served build)")
    args = parser.parse_args(argv)
    try:
        manifest = export(warehouse_paths(), args.out, args.build)
    except ExportError as exc:
        print(f"export: {exc}", file=sys.stderr)
        return 1
    total = sum(manifest["row_counts"].values())
    print(f"export: build {manifest['build_id']}: {len(manifest['row_counts'])} marts, "
          f"{total} rows, {len(manifest['files'])} files in {args.out}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
