"""Failures of the ingest stage that name their cause and cure (issue 17, items 5, 6, 7, 10;
issue 15: RAW_DIR, a damaged raw store), on copies of the real files. Each asserts the exit code
or exception, the message, and that the landed rows are as they were."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from ingest.cli import land, rebuild
from ingest.registry import REGISTRY_YML
from ingest.store_health import IngestStageError, RawStoreUnreadable
from tests.ingest.raw_damage import damage_used_block

BALANCE = "armanbostybayev-maker__kaz-Data/migration_balance.json"
CAMOMILE = "Camomile2552__data-challenge-predictive-model/migration.xlsx"
INCOME = "open-data-kazakhstan__average-per-capita-nominal-cash-income/output.csv"


def query(raw_db: Path, sql: str, params=None) -> list[tuple]:
    with duckdb.connect(str(raw_db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def all_rows(raw_db: Path) -> list[tuple]:
    return query(
        raw_db,
        "select * exclude (observation_id, load_id, loaded_at) from (select * from raw.od_flows "
        "union all by name select * from raw.observations) order by all",
    )


def file_rows(raw_db: Path, source_file: str) -> list[tuple]:
    return query(
        raw_db, "select * from raw.observations where source_file = ? order by all", [source_file]
    )


# -- item 6: required sources ------------------------------------------------------------------


def test_missing_required_source_fails_the_load_and_names_the_cure(raw_dir, landed, capsys):
    before = file_rows(landed, BALANCE)
    (raw_dir / BALANCE).unlink()
    assert land(raw_dir, landed, allow_missing="") == 1
    err = capsys.readouterr().err
    assert "required source 'kazdata_migration_balance'" in err
    assert "ALLOW_MISSING=kazdata_migration_balance" in err
    assert file_rows(landed, BALANCE) == before


def test_allow_missing_publishes_with_a_warning_the_app_can_read(raw_dir, landed, capsys):
    before = file_rows(landed, BALANCE)
    (raw_dir / BALANCE).unlink()
    assert land(raw_dir, landed, allow_missing="kazdata_migration_balance") == 0
    assert "WARNING kazdata_migration_balance" in capsys.readouterr().err
    warnings = query(
        landed, "select source_id, load_warning from raw.source_registry where load_warning "
        "is not null",
    )  # fmt: skip
    assert [w[0] for w in warnings] == ["kazdata_migration_balance"]
    assert "ALLOW_MISSING" in warnings[0][1] and "migration_balance.json" in warnings[0][1]
    assert file_rows(landed, BALANCE) == before  # its last landed rows stay


def test_optional_sources_missing_do_not_fail(landed):
    optional = query(landed, "select count(*) from raw.source_registry where not required")[0][0]
    assert optional == 11  # the downloads, absent from the public copies: the load passed


def test_allow_missing_with_an_unknown_id_is_refused(raw_dir, landed):
    with pytest.raises(IngestStageError, match="unknown source id"):
        land(raw_dir, landed, allow_missing="no_such_source")


# -- item 7: what the file really is -----------------------------------------------------------


def test_html_page_saved_as_xlsx(raw_dir, landed, capsys):
    before = file_rows(landed, CAMOMILE)
    (raw_dir / CAMOMILE).write_text("<!DOCTYPE html><html><body>Sign in</body></html>")
    assert land(raw_dir, landed, allow_missing="") == 1
    err = capsys.readouterr().err
    assert f"FAILED {CAMOMILE}: an HTML page, not a workbook" in err
    assert "download the file again" in err
    assert file_rows(landed, CAMOMILE) == before


def test_utf16_csv(raw_dir, landed, capsys):
    before = file_rows(landed, INCOME)
    text = (raw_dir / INCOME).read_text(encoding="utf-8")
    (raw_dir / INCOME).write_text(text, encoding="utf-16")
    assert land(raw_dir, landed, allow_missing="") == 1
    assert f"FAILED {INCOME}: UTF-16 text: save as UTF-8" in capsys.readouterr().err
    assert file_rows(landed, INCOME) == before


def test_empty_file(raw_dir, landed, capsys):
    before = file_rows(landed, INCOME)
    (raw_dir / INCOME).write_bytes(b"")
    assert land(raw_dir, landed, allow_missing="") == 1
    assert f"FAILED {INCOME}: empty file" in capsys.readouterr().err
    assert file_rows(landed, INCOME) == before


def test_raw_dir_that_does_not_exist_is_one_clear_error(tmp_path, landed):
    before = all_rows(landed)
    with pytest.raises(IngestStageError, match="directory does not exist") as caught:
        land(tmp_path / "no-such-dir", landed, allow_missing="")
    assert str(tmp_path / "no-such-dir") in str(caught.value)
    assert all_rows(landed) == before


def test_refresh_reports_a_missing_raw_dir_at_ingest(tmp_path):
    """Through the refresh's own entry point: one line, the stage named, exit 1."""
    import subprocess
    import sys

    from core.paths import REPO_ROOT

    env = dict(os.environ, KZM_WAREHOUSE_DIR=str(tmp_path / "wh"), PYTHONPATH=str(REPO_ROOT))
    done = subprocess.run(
        [sys.executable, "-m", "pipeline.refresh", "--raw-dir", str(tmp_path / "nope")],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 1
    assert "refresh FAILED at ingest" in done.stderr
    assert "directory does not exist" in done.stderr
    assert "missing" not in done.stdout


# -- item 10: registry edits reach files already landed ----------------------------------------


def test_a_changed_registry_entry_lands_the_file_again(tmp_path, raw_dir, landed, monkeypatch):
    import ingest.cli

    text = REGISTRY_YML.read_text(encoding="utf-8")
    old = "{as_written: Taldau 704447, measure: per_capita_income, unit: tenge_per_month}"
    assert old in text
    edited = tmp_path / "source_registry.yml"
    edited.write_text(text.replace(old, old.replace("tenge_per_month", "tenge_a_month")))
    from ingest import registry

    monkeypatch.setattr(ingest.cli, "load_registry", lambda: registry.load_registry(edited))
    assert land(raw_dir, landed, allow_missing="") == 0
    units = query(landed, "select distinct unit from raw.observations where source_file = ?",
                  [INCOME])  # fmt: skip
    assert units == [("tenge_a_month",)]
    statuses = dict(query(landed, "select source_file, status from raw.load_manifest "
                                  "where status = 'loaded' and load_id = (select max(load_id) "
                                  "from raw.load_manifest)"))  # fmt: skip
    assert list(statuses) == [INCOME]  # only the entry that changed was landed again


def test_an_unchanged_registry_lands_nothing(raw_dir, landed, capsys):
    assert land(raw_dir, landed, allow_missing="") == 0
    assert "19 unchanged" in capsys.readouterr().out


# -- item 5: a damaged raw store, and its recovery ---------------------------------------------


def test_damaged_raw_store_is_detected_naming_the_file(raw_dir, landed):
    damage_used_block(landed)
    with pytest.raises(RawStoreUnreadable) as caught:
        land(raw_dir, landed, allow_missing="")
    message = str(caught.value)
    assert str(landed) in message and "checksum" in message
    assert f"make rebuild-raw RAW_DIR={raw_dir}" in message


def test_rebuild_raw_lands_everything_again_and_swaps_it_in(raw_dir, landed):
    before = all_rows(landed)
    damage_used_block(landed)
    assert rebuild(raw_dir, landed, allow_missing="") == 0
    assert all_rows(landed) == before
    assert not landed.with_name(landed.name + ".rebuild").exists()
    assert land(raw_dir, landed, allow_missing="") == 0  # readable, verified, nothing to land


def test_a_failed_rebuild_keeps_the_current_store(raw_dir, landed):
    before = landed.read_bytes()
    (raw_dir / INCOME).write_bytes(b"")
    assert rebuild(raw_dir, landed, allow_missing="") == 1
    assert landed.read_bytes() == before
    assert not landed.with_name(landed.name + ".rebuild").exists()
