"""Checks at ingest (issue 17, items 1, 2, 8, 9), on copies of the real files: a bad file fails
at ingest naming file, row, column, cause and cure, and the landed rows stay as they were."""

from __future__ import annotations

from pathlib import Path

from ingest.cli import land

OD = "Diar299__kz-migration/Internal_migration.csv"
INCOME = "open-data-kazakhstan__average-per-capita-nominal-cash-income/output.csv"
KANAT_2023 = "kanatislambekov__internal-migration-flow-kz/internal_migration_2023.csv"


def file_rows(raw_db: Path, source_file: str) -> list[tuple]:
    import duckdb

    with duckdb.connect(str(raw_db), read_only=True) as con:
        return con.execute(
            "select * exclude (observation_id) from (select * from raw.od_flows union all by name "
            "select * from raw.observations) where source_file = ? order by all",
            [source_file],
        ).fetchall()


def edit_line(path: Path, line_number: int, old: str, new: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert old in lines[line_number - 1], lines[line_number - 1]
    lines[line_number - 1] = lines[line_number - 1].replace(old, new, 1)
    path.write_text("".join(lines), encoding="utf-8")


def fails_keeping_rows(raw_dir, landed, source_file, capsys) -> str:
    """Land again: exit 1, the file's landed rows unchanged; returns stderr."""
    before = file_rows(landed, source_file)
    assert before
    assert land(raw_dir, landed, allow_missing="") == 1
    err = capsys.readouterr().err
    assert f"FAILED {source_file}" in err
    assert file_rows(landed, source_file) == before
    return err


def test_impossible_year_in_a_flat_csv_fails_naming_row_and_column(raw_dir, landed, capsys):
    edit_line(raw_dir / INCOME, 2, "2006-12-31", "2099-12-31")
    err = fails_keeping_rows(raw_dir, landed, INCOME, capsys)
    assert "period year 2099 is after the year of the load" in err
    assert "'2099-12-31'" in err and "row 2, column 'date'" in err
    assert "correct it in the file" in err


def test_year_before_the_sources_first_year_fails_and_names_the_setting(raw_dir, landed, capsys):
    edit_line(raw_dir / INCOME, 2, "2006-12-31", "1995-12-31")
    err = fails_keeping_rows(raw_dir, landed, INCOME, capsys)
    assert "period year 1995 is before the first year of source 'taldau_income_704447'" in err
    assert "(2000)" in err
    assert "first_period_year" in err and "row 2, column 'date'" in err


def test_impossible_year_in_the_bulk_od_file_fails(raw_dir, landed, capsys):
    edit_line(raw_dir / OD, 1902, "2020,", "2099,")
    err = fails_keeping_rows(raw_dir, landed, OD, capsys)
    assert "period year 2099 is after the year of the load" in err
    assert "row 1902, column 'Year'" in err


def test_count_too_large_for_its_type_fails_at_ingest_bulk(raw_dir, landed, capsys):
    edit_line(raw_dir / OD, 1902, "29782", "1e30")
    err = fails_keeping_rows(raw_dir, landed, OD, capsys)
    assert "1e+30 is outside the range of a count of migrants [0, 1000000000]" in err
    assert "row 1902, column 'N'" in err


def test_count_too_large_fails_at_ingest_row_by_row(raw_dir, landed, capsys):
    lines = (raw_dir / KANAT_2023).read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    fields = lines[1].split(",")
    fields[header.index("arrivals")] = "1e30"
    lines[1] = ",".join(fields)
    (raw_dir / KANAT_2023).write_text("\n".join(lines) + "\n", encoding="utf-8")
    err = fails_keeping_rows(raw_dir, landed, KANAT_2023, capsys)
    assert "outside the range of a count of arrivals" in err
    assert "row 2, column 'arrivals'" in err


def test_negative_od_count_never_replaces_the_landed_rows(raw_dir, landed, capsys):
    edit_line(raw_dir / OD, 1902, "29782", "-500")
    err = fails_keeping_rows(raw_dir, landed, OD, capsys)
    assert "-500 is negative: a count of migrants cannot be" in err
    assert "row 1902, column 'N'" in err


def test_fractional_count_fails(raw_dir, landed, capsys):
    edit_line(raw_dir / OD, 1902, "29782", "29782.5")
    err = fails_keeping_rows(raw_dir, landed, OD, capsys)
    assert "29782.5 is not a whole number" in err and "row 1902" in err


def test_duplicated_od_row_is_an_error_naming_both_rows(raw_dir, landed, capsys):
    path = raw_dir / OD
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[1901].startswith("2020,Turkestan,Shymkent_city,29782")
    lines.insert(1902, lines[1901])
    path.write_text("".join(lines), encoding="utf-8")
    err = fails_keeping_rows(raw_dir, landed, OD, capsys)
    assert "rows 1902 and 1903" in err
    assert "period 2020, Turkestan -> Shymkent_city" in err
    assert "delete one of them" in err


def test_duplicated_row_is_an_error_row_by_row(raw_dir, landed, capsys):
    path = raw_dir / KANAT_2023
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(3, lines[1])  # line 2 again as line 4
    path.write_text("".join(lines), encoding="utf-8")
    err = fails_keeping_rows(raw_dir, landed, KANAT_2023, capsys)
    assert "rows 2 and 4 of the file hold the same cell" in err


def test_a_first_landing_of_a_bad_file_lands_nothing(tmp_path, raw_dir, capsys):
    edit_line(raw_dir / OD, 1902, "29782", "-500")
    raw_db = tmp_path / "fresh" / "raw_store.duckdb"
    assert land(raw_dir, raw_db, allow_missing="") == 1
    assert file_rows(raw_db, OD) == []
    assert "-500 is negative" in capsys.readouterr().err


def test_duplicated_row_of_a_workbook_names_the_sheet_and_both_rows(raw_dir, landed, capsys):
    import openpyxl

    camomile = "Camomile2552__data-challenge-predictive-model/migration.xlsx"
    workbook = openpyxl.load_workbook(raw_dir / camomile)
    sheet = workbook["Sheet1"]
    akmola = [cell.value for cell in sheet[4]]
    assert akmola[0] == "Акмолинская"
    sheet.append(akmola)  # the row again, as row 23
    workbook.save(raw_dir / camomile)
    err = fails_keeping_rows(raw_dir, landed, camomile, capsys)
    assert "rows 4 and 23 of sheet 'Sheet1' hold the same cell (period 2019, Акмолинская" in err
