"""Unit tests of the app's pure parts: exports, labels, chart data, data access (the map's
geometry: test_app_geometry.py)."""

from __future__ import annotations

import io
import os
import re
import shutil
from datetime import datetime, timezone

import pandas as pd
import pytest
import yaml

from core.paths import REPO_ROOT
from streamlit_app import data, export, i18n
from streamlit_app.charts import classification as classification_charts
from streamlit_app.charts import common
from streamlit_app.charts import flows as flows_charts
from streamlit_app.charts import overview as overview_charts
from streamlit_app.charts import quality as quality_charts
from streamlit_app.charts import region as region_charts
from tests.app.reference_fixture import reference_tables
from tests.app.warehouse_fixture import build_tables, publish_fixture, write_warehouse

# ------------------------------------------------------------------------------------------------
# exports


def test_csv_has_a_bom_and_keeps_cyrillic():
    df = pd.DataFrame({"region": ["Түркістан облысы", "город Алматы"], "v": [1, 2]})
    raw = export.to_csv_bytes(df)
    assert raw.startswith(b"\xef\xbb\xbf")
    assert pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig").equals(df)


def test_excel_roundtrip_with_lists_and_aware_times():
    df = pd.DataFrame(
        {
            "region": ["Абай облысы"],
            "ids": [["obs-1", "obs-2"]],
            "built_at": [datetime(2025, 1, 2, 3, 4, tzinfo=timezone.utc)],  # noqa: UP017
            "value": [1.5],
        }
    )
    raw = export.to_excel_bytes(df, "figure/1: [balance]")
    back = pd.read_excel(io.BytesIO(raw), engine="calamine")
    assert back["region"][0] == "Абай облысы"
    assert back["ids"][0] == "obs-1, obs-2"
    assert back["value"][0] == 1.5
    assert pd.Timestamp(back["built_at"][0]) == pd.Timestamp("2025-01-02 03:04")
    assert export.sheet_name("figure/1: [balance]") == "figure_1_ _balance_"


# ------------------------------------------------------------------------------------------------
# labels


def test_every_label_has_all_three_languages():
    for key, entry in i18n.LABELS.items():
        assert set(entry) >= set(i18n.LANGUAGES), key
        assert all(entry[lang].strip() for lang in i18n.LANGUAGES), key


@pytest.fixture(scope="module")
def vocab(tmp_path_factory) -> data.Vocabulary:
    """The vocabularies of a build whose `reference` schema holds the committed seeds."""
    path = write_warehouse(tmp_path_factory.mktemp("vocab") / "w.duckdb", build_tables())
    return data.vocabulary(data.build_at(path))


def test_every_indicator_scope_frame_and_class_has_a_label(vocab):
    assert vocab.indicators and vocab.region_frames and vocab.score_classes
    for code in vocab.indicators:
        assert f"ind_{code}" in i18n.LABELS
    for scope in data.FLOW_SCOPES:
        assert f"scope_{scope}" in i18n.LABELS
    for frame in vocab.region_frames:
        assert f"frame_{frame}" in i18n.LABELS
    for klass in vocab.score_classes:
        assert f"class_{klass}" in i18n.LABELS
    for measure in overview_charts.MEASURES:
        assert measure in i18n.LABELS and f"short_{measure}" in i18n.LABELS


def test_label_fallbacks():
    assert i18n.t("no_such_key", "kk") == "no_such_key"
    assert i18n.indicator_label("new_indicator", "ru") == "new_indicator"
    assert i18n.name_column("xx") == "region_name_en"


# ------------------------------------------------------------------------------------------------
# chart data


@pytest.fixture(scope="module")
def tables():
    return build_tables()


def test_natural_frame(tables, vocab):
    fm = tables["region_frame_map"]
    kz17 = common.frame_units(fm, "kz17")
    assert common.natural_frame(kz17, fm, vocab) == "kz17"
    assert common.natural_frame(common.frame_units(fm, "kz16"), fm, vocab) == "kz16"
    assert common.natural_frame(common.frame_units(fm, "kz20"), fm, vocab) == "kz20"
    assert common.natural_frame(["510000000", "750000000"], fm, vocab) == "kz16"
    assert common.natural_frame(["100000000"], fm, vocab) == "kz20"


def test_color_scale_is_symmetric_around_the_neutral_value():
    scale = overview_charts.color_scale([0.5, 1.0, 1.6], "attractiveness_coefficient")
    assert scale.log and scale.position(1.0) == pytest.approx(0.5)
    assert scale.position(0.5) == pytest.approx(1 - scale.position(2.0))
    lin = overview_charts.color_scale([-3.0, 1.0], "net_migration_per_1000")
    assert not lin.log and lin.position(0.0) == 0.5 and lin.position(-3.0) == 0.0


def test_ranked_ties_share_a_rank():
    values = pd.DataFrame({"region_code": ["a", "b", "c"], "value": [2.0, 1.0, 2.0]})
    out = overview_charts.ranked(values, {"a": "A", "b": "B", "c": "C"})
    assert out[["rank", "region"]].values.tolist() == [[1, "A"], [1, "C"], [3, "B"]]


def test_top_flows_and_sankey_leave_out_moves_inside_a_unit():
    flows = pd.DataFrame(
        {
            "origin_region_code": ["a", "a", "b", "c", "a"],
            "destination_region_code": ["b", "c", "a", "a", "a"],
            "persons": [5, 7, 3, 9, 100],
        }
    )
    names = {"a": "A", "b": "B", "c": "C"}
    out = flows_charts.top_flows(flows, "a", "out", names, n=10)
    assert out[["destination", "persons"]].values.tolist() == [["C", 7], ["B", 5]]
    into = flows_charts.top_flows(flows, "a", "in", names, n=1)
    assert into[["origin", "persons"]].values.tolist() == [["C", 9]]
    assert len(flows_charts.sankey_data(flows, names, 99)) == 4


def test_national_migration_rates(tables):
    bal = tables["fct_migration_balance"]
    att = tables["fct_migration_attractiveness"]
    nat = region_charts.national_migration(bal, att)
    row = nat[(nat["flow_scope"] == "interregional") & (nat["region_frame"] == "kz20")
              & (nat["year"] == 2020)].iloc[0]  # fmt: skip
    # interregional moves cancel out nationally
    assert row["net_migration_per_1000"] == pytest.approx(0.0, abs=1e-9)
    assert row["attractiveness_coefficient"] == pytest.approx(1.0)
    assert row["migration_efficiency_pct"] == pytest.approx(0.0, abs=1e-9)


def test_classification_matrix_and_default_year(tables, vocab):
    scores, card = tables["fct_socioeconomic_scores"], tables["fct_region_scorecard"]
    names = {c: c for c in tables["dim_region"]["region_code"]}
    m = classification_charts.classification_matrix(scores, card, 2016, names, "en")
    assert m["region_code"].nunique() == 16
    assert set(m["score_class"]) <= set(vocab.score_classes)
    totals = m.drop_duplicates("region_code")["total_score_points"].tolist()
    assert totals == sorted(totals, reverse=True)
    # all seven indicators up to 2021
    assert classification_charts.default_score_year(scores) == 2021
    fig = classification_charts.classification_figure(m, "en", vocab)
    assert len(fig.data) == 2


def test_coverage_counts_units_with_a_value(tables, vocab):
    cov = quality_charts.coverage(tables, None, vocab)
    cov = cov.set_index(["measure", "flow_scope", "region_frame", "year"])
    assert cov.loc[("attractiveness_coefficient", "internal", "kz20", 2023), "share"] == 1.0
    assert cov.loc[("avg_monthly_wage", "—", "kz16", 2015), "units"] == 16


# ------------------------------------------------------------------------------------------------
# data access


def test_no_build_when_nothing_is_published(tmp_path):
    assert data.current_build(tmp_path) is None
    (tmp_path / "current.duckdb").symlink_to(tmp_path / "missing.duckdb")
    assert data.current_build(tmp_path) is None


def test_current_build_follows_the_link(tmp_path):
    tables = build_tables()
    a = write_warehouse(tmp_path / "builds" / "a" / "warehouse.duckdb", tables)
    b = write_warehouse(tmp_path / "builds" / "b" / "warehouse.duckdb", tables)
    link = tmp_path / "current.duckdb"
    link.symlink_to(a)
    first = data.current_build(tmp_path)
    assert first is not None and first.path == a.resolve()
    tmp = tmp_path / "next"
    tmp.symlink_to(b)
    os.replace(tmp, link)
    second = data.current_build(tmp_path)
    assert second.path == b.resolve() and second.key != first.key


def test_query_names_a_missing_table_instead_of_scanning_python_objects(tmp_path):
    tables = build_tables()
    del tables["build_info"]
    path = write_warehouse(tmp_path / "w.duckdb", tables)
    build = data.build_at(path)
    build_info = pd.DataFrame({"build_id": ["impostor"]})  # noqa: F841  (must not be read)
    with pytest.raises(data.MissingTable) as exc:
        data.build_info(build)
    assert exc.value.table == "build_info"
    problems = data.contract_problems(data.table_columns(build))
    assert problems == ["marts.build_info is missing"]


def test_contract_lists_the_columns_the_app_reads(tmp_path):
    tables = build_tables()
    tables["fct_migration_balance"] = tables["fct_migration_balance"].drop(columns="population")
    path = write_warehouse(tmp_path / "w.duckdb", tables)
    build = data.build_at(path)
    assert data.contract_problems(data.table_columns(build)) == [
        "marts.fct_migration_balance lacks population"
    ]


def test_source_ids_and_descriptions_come_from_dim_source(tmp_path):
    assert data.split_source_ids(["a+b", "b, c", None, ["d"]]) == ["a", "b", "c", "d"]
    tables = build_tables()
    tables["dim_source"].loc[tables["dim_source"]["source_id"] == "diar_od_flows",
                             "description"] = "Flows as this build describes them"  # fmt: skip
    build = data.build_at(write_warehouse(tmp_path / "w.duckdb", tables))
    desc = data.source_descriptions(build)
    assert desc["diar_od_flows"] == "Flows as this build describes them (Diar299/kz-migration)"
    sources = data.sources(build)
    assert list(sources.columns) == list(data.SOURCE_COLUMNS)
    assert set(sources["source_id"]) == set(tables["dim_source"]["source_id"])


def test_a_build_without_dim_source_has_no_descriptions(tmp_path):
    tables = build_tables()
    del tables["dim_source"]
    build = data.build_at(write_warehouse(tmp_path / "w.duckdb", tables))
    assert data.sources(build) is None
    assert data.source_descriptions(build) == {}


def test_vocabularies_are_the_builds_not_the_checkouts(tmp_path):
    reference = reference_tables()
    frames = reference["region_frames"]
    later = frames.iloc[[0]].assign(region_frame="kz21", first_year=2030, unit_count=21)
    reference["region_frames"] = pd.concat([frames, later], ignore_index=True)
    reference["score_bands"] = reference["score_bands"].sort_values(
        "class_order", ascending=False, ignore_index=True
    )  # the row order must not matter
    build = data.build_at(write_warehouse(tmp_path / "w.duckdb", build_tables(), reference))
    vocab = data.vocabulary(build)
    assert vocab.region_frames == ("kz21", "kz20", "kz17", "kz16")
    assert vocab.score_classes == ("very low", "low", "medium", "high", "very high")
    assert vocab.indicators == tuple(reference["indicators"]["indicator_code"])


def test_vocabularies_of_a_build_without_reference_seeds(tmp_path):
    build = data.build_at(write_warehouse(tmp_path / "w.duckdb", build_tables(), reference={}))
    vocab = data.vocabulary(build)
    assert vocab.region_frames == ("kz20", "kz17", "kz16")  # by unit count
    assert vocab.score_classes == ("very low", "low", "medium", "high", "very high")
    assert set(vocab.indicators) == set(
        build_tables()["fct_socioeconomic_scores"]["indicator_code"]
    )


def test_no_app_module_opens_a_file_of_the_checkouts_stages():
    """The app shows what the served build holds: it reads no file under ingest/ (nor the
    pipeline's or the gates' configuration)."""
    offenders = []
    for path in sorted((REPO_ROOT / "streamlit_app").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for pattern in ("ingest/", '"ingest"', "'ingest'", "source_registry.yml",
                        "expectations/", "pipeline/"):  # fmt: skip
            if pattern in text:
                offenders.append(f"{path.relative_to(REPO_ROOT)}: {pattern}")
    assert offenders == []


def test_repo_root_is_this_checkout():
    assert (REPO_ROOT / "streamlit_app" / "app.py").is_file()


def test_parquet_copies_and_the_duckdb_file_give_the_same_tables(tmp_path):
    """The app reads a build's Parquet copies where they exist; they must show what its
    .duckdb file holds, table for table, with the same types after loading."""
    target = publish_fixture(tmp_path, "both-0001")
    with_parquet = data.build_at(target)
    assert with_parquet.parquet is not None
    shutil.copytree(target.parent, tmp_path / "copy", ignore=shutil.ignore_patterns("parquet"))
    file_only = data.build_at(tmp_path / "copy" / target.name)
    assert file_only.parquet is None
    for table in data.MART_TABLES:
        pd.testing.assert_frame_equal(
            data.load_table(with_parquet, table), data.load_table(file_only, table)
        )
    assert data.vocabulary(with_parquet) == data.vocabulary(file_only)
    assert data.table_columns(with_parquet) == data.table_columns(file_only)
    with pytest.raises(data.MissingTable):
        data.query(with_parquet, "select * from marts.no_such_table")


# ------------------------------------------------------------------------------------------------
# the app's contract: the dbt exposure


def _relation_names() -> dict[str, str]:
    """dbt model name -> the relation it builds in `marts` (its alias where it has one)."""
    out = {}
    for sql_file in (REPO_ROOT / "dbt_project" / "models" / "marts").rglob("*.sql"):
        alias = re.search(r"""alias\s*=\s*["'](\w+)["']""", sql_file.read_text(encoding="utf-8"))
        out[sql_file.stem] = alias.group(1) if alias else sql_file.stem
    return out


def _documented_columns() -> dict[str, set[str]]:
    """Columns each mart model declares in its dbt YAML (the enforced contracts)."""
    out: dict[str, set[str]] = {}
    for yml in (REPO_ROOT / "dbt_project" / "models" / "marts").rglob("*.yml"):
        for model in (yaml.safe_load(yml.read_text(encoding="utf-8")) or {}).get("models") or []:
            out[model["name"]] = {c["name"] for c in model.get("columns") or []}
    return out


def test_the_exposure_lists_the_marts_the_app_reads():
    body = yaml.safe_load(data.EXPOSURES_FILE.read_text(encoding="utf-8"))
    (exposure,) = [e for e in body["exposures"] if e["name"] == "streamlit_app"]
    assert exposure["type"] == "application"
    refs = [re.fullmatch(r"ref\('(\w+)'\)", d).group(1) for d in exposure["depends_on"]]
    relations = _relation_names()
    read = {relations[r] for r in refs}
    assert read - set(data.OPTIONAL_MARTS) == set(data.REQUIRED_COLUMNS) - {"build_info"}
    documented = _documented_columns()
    for model in (r for r in refs if relations[r] in data.REQUIRED_COLUMNS):
        missing = set(data.REQUIRED_COLUMNS[relations[model]]) - documented[model]
        assert not missing, f"{model}: the app requires undeclared columns {sorted(missing)}"


def test_a_broken_exposure_file_is_named(tmp_path):
    path = tmp_path / "exposures.yml"
    path.write_text("exposures:\n  - name: other_app\n    type: dashboard\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"exposures\.yml: no exposure named 'streamlit_app'"):
        data.read_required_columns(path)
    path.write_text(
        "exposures:\n  - name: streamlit_app\n    meta:\n      required_columns:\n"
        "        dim_region: region_code\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match=r"required_columns\.dim_region: expected a list"):
        data.read_required_columns(path)
    with pytest.raises(ValueError, match="cannot read"):
        data.read_required_columns(tmp_path / "missing.yml")


def test_series_grid_breaks_the_line_at_years_without_data():
    """2015 and 2020 with nothing between: the region's line has empty points for 2016-2019, so
    no segment joins 2015 to 2020; the national line likewise."""
    long = pd.DataFrame(
        {
            "year": [2015, 2020, 2021],
            "panel": ["net_migration"] * 3,
            "region_value": [-5.0, -3.0, -2.0],
            "national_value": [0.0, 0.0, 0.0],
        }
    )
    fig = region_charts.series_grid_figure(long, [("net_migration", "Net")], ("A", "Kazakhstan"))
    for trace in fig.data:
        assert list(trace.x) == list(range(2015, 2022))
        values = [None if pd.isna(v) else v for v in trace.y]
        assert values[1:5] == [None] * 4 and None not in (values[0], values[5], values[6])
        assert not trace.connectgaps
