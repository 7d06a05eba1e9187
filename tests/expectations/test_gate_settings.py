"""expectations/config.yml is validated before anything runs: an unknown key or an invalid value
fails with the file, the entry and the field named, and no gate runs (no report is written)."""

from __future__ import annotations

import pytest

from expectations.gates import run_gates
from expectations.settings import CONFIG_PATH, GateConfigError, load_settings


def test_shipped_config_is_valid():
    settings = load_settings()
    assert settings.large_table_row_threshold > 0
    assert settings.band("raw.load_manifest") == 1.0
    assert settings.band("marts.data_quality_issues") is None
    assert settings.band("raw.observations") == settings.default_band == 0.5


@pytest.mark.parametrize(
    ("old", "new", "named"),
    [
        ("sample_size: 3", "sample_sise: 3", ["sample_sise", "unknown key", "sample_size"]),
        ("sample_size: 3", "sample_size: -1", ["sample_size", "greater than or equal to 0"]),
        ("  default: 0.5", "  default: lots", ["row_count_band.default", "'lots'"]),
        ("  default: 0.5", "  defualt: 0.5", ["row_count_band.defualt", "unknown key", "tables"]),
        (
            "    raw.load_manifest: 1.0",
            "    raw.load_manifest: -1",
            ["row_count_band.tables.raw.load_manifest", "greater than or equal to 0"],
        ),
        (
            "severity_overrides: {}",
            'severity_overrides: {"raw.od_flow_cells/range__value": fatal}',
            ["severity_overrides.raw.od_flow_cells/range__value", "'error' or 'warn'", "fatal"],
        ),
        (
            "severity_overrides: {}",
            "severity_overrides: {range__value: warn}",
            ["severity_overrides", "<suite name>/<expectation id>", "range__value"],
        ),
        ("duckdb_memory_limit: 2GB", "duckdb_memory_limit: lots", ["duckdb_memory_limit", "lots"]),
        (
            "large_table_row_threshold: 200000",
            "large_table_row_threshold: many",
            ["large_table_row_threshold", "'many'"],
        ),
    ],
)
def test_bad_setting_fails_before_anything_runs(tmp_path, old, new, named):
    text = CONFIG_PATH.read_text(encoding="utf-8")
    assert old in text
    config = tmp_path / "config.yml"
    config.write_text(text.replace(old, new), encoding="utf-8")
    report = tmp_path / "gates.json"
    with pytest.raises(GateConfigError) as caught:
        # the build file does not even exist: the settings are checked first
        run_gates(tmp_path / "no-build.duckdb", None, report, config_path=config)
    message = str(caught.value)
    assert str(config) in message
    for word in named:
        assert word in message, message
    assert not report.exists()


def test_not_a_mapping_is_rejected(tmp_path):
    config = tmp_path / "config.yml"
    config.write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(GateConfigError, match="expected a mapping"):
        load_settings(config)
