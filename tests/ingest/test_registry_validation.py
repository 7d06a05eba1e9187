"""ingest/source_registry.yml is validated before anything loads (issue 15): a missing key, an
unknown key or an invalid value fails naming the file, the entry and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.cli import land
from ingest.registry import REGISTRY_YML, RegistryError, load_registry
from ingest.store_health import IngestStageError

ENTRY = "  - id: camomile_migration\n"


def edited(tmp_path: Path, old: str, new: str) -> Path:
    text = REGISTRY_YML.read_text(encoding="utf-8")
    start = text.index(ENTRY)
    at = text.index(old, start)  # the first occurrence inside the camomile_migration entry
    path = tmp_path / "source_registry.yml"
    path.write_text(text[:at] + new + text[at + len(old) :], encoding="utf-8")
    return path


def test_the_registry_of_the_repository_is_valid():
    entries = load_registry()
    assert len(entries) == 28 and all(len(e.fingerprint) == 64 for e in entries)
    assert {e.required for e in entries if e.origin == "public_copy"} == {True}
    assert {e.required for e in entries if e.origin == "download"} == {False}


def test_invalid_value_names_file_entry_and_field(tmp_path):
    path = edited(tmp_path, "region_naming: historical", "region_naming: histrical")
    with pytest.raises(RegistryError) as caught:
        load_registry(path)
    message = str(caught.value)
    assert str(path) in message
    assert "source 'camomile_migration', field region_naming" in message
    assert "'histrical'" in message


def test_unknown_key_names_it(tmp_path):
    path = edited(tmp_path, "region_naming: historical", "region_namin: historical")
    with pytest.raises(RegistryError) as caught:
        load_registry(path)
    message = str(caught.value)
    assert "source 'camomile_migration', field region_namin: unknown key" in message
    assert "field region_naming: missing key" in message


def test_missing_required_flag_names_it(tmp_path):
    path = edited(tmp_path, "    required: true\n", "")
    with pytest.raises(RegistryError, match="'camomile_migration', field required: missing key"):
        load_registry(path)


def test_unknown_key_in_a_measure(tmp_path):
    path = edited(tmp_path, "unit: persons", "unit: persons, scope: total")
    with pytest.raises(RegistryError, match=r"field measures\.0\.scope: unknown key"):
        load_registry(path)


def test_invalid_registry_fails_the_load_before_anything_lands(tmp_path, monkeypatch,
                                                                 public_copies):  # fmt: skip
    import ingest.cli

    path = edited(tmp_path, "region_naming: historical", "region_naming: histrical")
    monkeypatch.setattr(ingest.cli, "load_registry", lambda: load_registry(path))
    raw_db = tmp_path / "wh" / "raw_store.duckdb"
    with pytest.raises(IngestStageError, match="region_naming"):
        land(public_copies, raw_db, allow_missing="")
    assert not raw_db.exists()


def test_checks_file_is_validated_too(tmp_path):
    from ingest.registry import CHECKS_YML

    path = tmp_path / "ingest_checks.yml"
    path.write_text(
        CHECKS_YML.read_text(encoding="utf-8").replace("signed: true", "signd: true"),
        encoding="utf-8",
    )
    with pytest.raises(RegistryError) as caught:
        load_registry(checks_path=path)
    assert str(path) in str(caught.value)
    assert "field count_measures.net_migration.signd: unknown key" in str(caught.value)


def test_a_changed_check_changes_every_fingerprint(tmp_path):
    from ingest.registry import CHECKS_YML

    path = tmp_path / "ingest_checks.yml"
    text = CHECKS_YML.read_text(encoding="utf-8")
    path.write_text(text.replace("count_max: 1000000000", "count_max: 100000000"))
    before = {e.id: e.fingerprint for e in load_registry()}
    after = {e.id: e.fingerprint for e in load_registry(checks_path=path)}
    assert before.keys() == after.keys()
    assert all(before[k] != after[k] for k in before)
