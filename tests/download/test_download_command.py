"""`python -m ingest.download` against the fake server: every configured table, each failure mode,
the manifest, the exit code, atomic storage, one copy per distinct body and the `latest` link."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ingest.download.cli import REPO_ROOT, main
from ingest.download.store import MANIFEST
from ingest.download.tables import base_urls, load_tables
from ingest.registry import load_registry
from tests.download.fakes import HTML_ERROR, Reply, ok_csv, ok_json

FAST = ["--delay", "0", "--backoff", "0", "--connect-timeout", "0.2", "--read-timeout", "0.2",
        "--max-attempts", "3", "--no-progress"]  # fmt: skip


def manifest(directory: Path) -> list[dict]:
    lines = (directory / MANIFEST).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def by_table(rows: list[dict]) -> dict[str, dict]:
    return {row["table_id"]: row for row in rows}


def leftovers(directory: Path) -> list[str]:
    return [p.name for p in directory.iterdir() if p.name.endswith(".part")]


def test_configured_tables_and_their_registry_entries():
    specs, settings = load_tables()
    assert {(s.source, s.id) for s in specs} == {
        ("bns", i) for i in ("6584", "6567", "5930", "102790", "19298", "4289", "6576")
    } | {("taldau", i) for i in ("703831", "702972", "704447", "701925")}
    assert settings.max_attempts >= 2 and settings.delay_seconds > 0
    registry = load_registry()
    for spec in specs:
        entries = [e for e in registry if spec.file in e.files]
        assert len(entries) == 1, spec
        (mapping,) = entries[0].measures.values()
        assert (mapping.measure, mapping.unit, mapping.flow_scope) == (
            spec.measure, spec.unit, spec.flow_scope,
        ), spec  # fmt: skip
        assert entries[0].parser == {"bns": "bns_export", "taldau": "taldau_json"}[spec.source]


def test_base_urls_default_to_the_real_hosts_and_follow_the_environment():
    assert base_urls({}) == {"bns": "https://stat.gov.kz", "taldau": "https://taldau.stat.gov.kz"}
    assert base_urls({"BNS_BASE_URL": "http://127.0.0.1:1/", "TALDAU_BASE_URL": "http://x"}) == {
        "bns": "http://127.0.0.1:1", "taldau": "http://x",
    }  # fmt: skip
    spec = next(s for s in load_tables()[0] if s.id == "704447")
    assert spec.url(base_urls({})) == (
        "https://taldau.stat.gov.kz/ru/Api/GetIndexData/704447?period=7&dics=67"
    )


def test_every_table_tried_each_failure_named_exit_nonzero(
    base_urls_env, tmp_path, capsys, bns_6567, bns_6584, taldau_704447
):
    server = base_urls_env
    server.bns("6584", Reply(500, b"boom"), Reply(500, b"boom"), ok_csv(bns_6584))
    server.bns("6567", ok_csv(bns_6567))
    server.bns("5930", Reply(404, b"not found"))
    server.bns("102790", HTML_ERROR)
    server.bns("19298", Reply(200, bns_6567[:1000], declared_length=len(bns_6567)))
    server.bns("4289", ok_csv(bns_6567.replace(b'"VAL"', b'"VALUE"', 1)))
    server.bns("6576", Reply(200, bns_6567, delay=2.0))
    server.taldau("703831", ok_json(taldau_704447[:-300]))  # complete answer, cut JSON
    server.taldau("702972", Reply(503, b"unavailable"))
    server.taldau("704447", ok_json(taldau_704447))
    # 701925 has no route: the server answers 404
    out = tmp_path / "dl"

    code = main(["--out", str(out), *FAST])

    assert code == 1
    err = capsys.readouterr().err
    rows = by_table(manifest(out))
    assert len(manifest(out)) == 11
    expect = {
        "6584": ("stored", 200, 3, ""),
        "6567": ("stored", 200, 1, ""),
        "5930": ("failed", 404, 1, "HTTP 404"),
        "102790": ("failed", 200, 1, "HTML page"),
        "19298": ("failed", 200, 3, "truncated body"),
        "4289": ("failed", 200, 1, "unexpected header: column 'VAL' missing"),
        "6576": ("failed", None, 3, "timed out"),
        "703831": ("failed", 200, 1, "not valid JSON"),
        "702972": ("failed", 503, 3, "HTTP 503"),
        "704447": ("stored", 200, 1, ""),
        "701925": ("failed", 404, 1, "not retried"),
    }
    for table_id, (outcome, status, attempts, reason) in expect.items():
        row = rows[table_id]
        assert (row["outcome"], row["http_status"], row["attempts"]) == (
            outcome, status, attempts,
        ), row  # fmt: skip
        assert reason in row["message"], row
        if outcome == "failed":
            assert f"FAILED {row['source']} {table_id} (" in err and reason in err
            assert not (out / row["file"]).exists()
        else:
            body = (out / row["file"]).read_bytes()
            assert row["bytes"] == len(body) and len(row["sha256"]) == 64
    hits = {path.split("/")[4].split("?")[0]: n for path, n in server.hits.items()}
    assert hits["6584"] == 3 and hits["5930"] == 1 and hits["701925"] == 1
    assert hits["702972"] == 3 and hits["19298"] == 3
    assert (out / "bns_6567_migration_balance.csv").read_bytes() == bns_6567
    assert "8 table(s) failed" in err
    assert leftovers(out) == []
    for row in manifest(out):
        assert set(row) >= {"url", "table_id", "time", "http_status", "sha256", "bytes", "outcome"}
        assert row["url"].startswith(server.base_url)


def test_failed_download_leaves_the_earlier_one_untouched(base_urls_env, tmp_path, bns_6567):
    server = base_urls_env
    out = tmp_path / "dl"
    server.bns("6567", ok_csv(bns_6567))
    assert main(["--out", str(out), "--only", "6567", *FAST]) == 0
    target = out / "bns_6567_migration_balance.csv"
    before = (target.read_bytes(), target.stat().st_mtime_ns, target.stat().st_ino)

    for bad in (HTML_ERROR, Reply(500, b"x"), Reply(200, bns_6567[:500], declared_length=9999),
                ok_csv(bns_6567.replace(b'"NAM"', b'"NAME"', 1))):  # fmt: skip
        server.bns("6567", bad)
        assert main(["--out", str(out), "--only", "6567", *FAST]) == 1
        assert (target.read_bytes(), target.stat().st_mtime_ns, target.stat().st_ino) == before
    outcomes = [r["outcome"] for r in manifest(out)]
    assert outcomes == ["stored", "failed", "failed", "failed", "failed"]
    assert leftovers(out) == []


def test_identical_body_is_recorded_not_stored_twice(base_urls_env, tmp_path, taldau_704447):
    server = base_urls_env
    server.taldau("704447", ok_json(taldau_704447))
    out = tmp_path / "dl"
    assert main(["--out", str(out), "--only", "704447", *FAST]) == 0
    target = out / "taldau_704447_per_capita_income.json"
    stat = target.stat()
    assert main(["--out", str(out), "--only", "704447", *FAST]) == 0
    first, second = manifest(out)
    assert (first["outcome"], second["outcome"]) == ("stored", "unchanged")
    assert first["sha256"] == second["sha256"] and "not written again" in second["message"]
    assert (target.stat().st_mtime_ns, target.stat().st_ino) == (stat.st_mtime_ns, stat.st_ino)

    changed = taldau_704447.replace(b'"value": "4678"', b'"value": "4679"', 1)
    server.taldau("704447", ok_json(changed))
    assert main(["--out", str(out), "--only", "704447", *FAST]) == 0
    assert manifest(out)[-1]["outcome"] == "stored" and target.read_bytes() == changed


def test_dated_directories_latest_link_and_one_copy_across_dates(
    base_urls_env, tmp_path, bns_6567, taldau_704447
):
    server = base_urls_env
    server.bns("6567", ok_csv(bns_6567))
    server.taldau("704447", ok_json(taldau_704447))
    root = tmp_path / "raw"
    args = ["--raw-root", str(root), "--only", "6567", "--only", "704447", *FAST]
    assert main([*args, "--date", "2026-11-01"]) == 0
    assert os.readlink(root / "latest") == "2026-11-01"

    changed = taldau_704447.replace(b'"value": "4678"', b'"value": "4679"', 1)
    server.taldau("704447", ok_json(changed))
    assert main([*args, "--date", "2026-11-02"]) == 0
    assert os.readlink(root / "latest") == "2026-11-02"
    old, new = root / "2026-11-01", root / "2026-11-02"
    rows = by_table(manifest(new))
    assert rows["6567"]["outcome"] == "unchanged"
    assert rows["6567"]["same_as"] == "2026-11-01/bns_6567_migration_balance.csv"
    csv_name = "bns_6567_migration_balance.csv"
    assert (new / csv_name).stat().st_ino == (old / csv_name).stat().st_ino  # one copy on disk
    assert rows["704447"]["outcome"] == "stored"
    json_name = "taldau_704447_per_capita_income.json"
    assert (old / json_name).read_bytes() == taldau_704447  # the earlier download is untouched
    assert (new / json_name).read_bytes() == changed

    server.bns("6567", Reply(500, b"down"))
    assert main([*args, "--date", "2026-11-03"]) == 1
    assert os.readlink(root / "latest") == "2026-11-02"  # not moved to an incomplete download
    assert not (root / "2026-11-03" / csv_name).exists()


def test_progress_bar_and_unknown_ids(base_urls_env, tmp_path, capsys, monkeypatch, taldau_704447):
    base_urls_env.taldau("704447", ok_json(taldau_704447))
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)  # the bar shows on terminals only
    fast = [a for a in FAST if a != "--no-progress"]
    assert main(["--out", str(tmp_path / "dl"), "--only", "704447", *fast]) == 0
    assert "download: 100%" in capsys.readouterr().err
    assert main(["--out", str(tmp_path / "dl"), "--only", "123"]) == 2


@pytest.mark.parametrize("flag", ["--help"])
def test_help(flag, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([flag])
    assert exit_.value.code == 0 and "BNS_BASE_URL" in capsys.readouterr().out


def test_python_dash_m_entry_point(base_urls_env, tmp_path, taldau_704447):
    """`make download OUT=...` runs `python -m ingest.download --out ...`."""
    base_urls_env.taldau("704447", ok_json(taldau_704447))
    out = tmp_path / "dl"
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "ingest.download", "--out", str(out), "--only", "704447", *FAST],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "1 stored, 0 unchanged, 0 failed" in done.stdout
    assert (out / "taldau_704447_per_capita_income.json").read_bytes() == taldau_704447
