"""ingest/download_tables.yml is validated before any download (issue 15)."""

from __future__ import annotations

import pytest

from ingest.download.tables import TABLES_YML, TablesConfigError, load_tables


def edited(tmp_path, old: str, new: str):
    text = TABLES_YML.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "download_tables.yml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_the_repository_file_is_valid():
    specs, settings = load_tables()
    assert len(specs) == 11 and settings.max_attempts >= 1


def test_unknown_key_of_a_table_is_named(tmp_path):
    path = edited(tmp_path, "measure: population, unit: persons,",
                  "measure: population, units: persons,")  # fmt: skip
    with pytest.raises(TablesConfigError) as caught:
        load_tables(path)
    assert "table bns 6584, field units: unknown key" in str(caught.value)
    assert str(caught.value).startswith("download_tables.yml: ")
    assert "field unit: missing key" in str(caught.value)


def test_invalid_value_is_named(tmp_path):
    path = edited(tmp_path, "{source: bns, id: 6584", "{source: bnss, id: 6584")
    with pytest.raises(TablesConfigError, match="table bnss 6584, field source: .*'bnss'"):
        load_tables(path)


def test_unknown_setting_is_named(tmp_path):
    path = edited(tmp_path, "max_attempts: 4", "max_attempt: 4")
    with pytest.raises(TablesConfigError, match="settings, field max_attempt: unknown key"):
        load_tables(path)
