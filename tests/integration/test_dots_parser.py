"""The DOTS workbook parser, on the real IMF files and on damaged copies of them."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from analysis.errors import SourceError
from analysis.sources.imf_dots_xlsx import SOURCE, parse_workbook, read_folder
from analysis.sources.spec import raw_files

from ..excel import number, read_row


def test_reporter_name_comes_from_the_sheet_not_the_file_number(dots_dir: Path) -> None:
    df = parse_workbook(dots_dir / "DOTS_213.xlsx")
    assert set(df["reporter_name"]) == {"Vietnam"}
    assert set(df["measure"]) == {"exports", "imports"}


@pytest.mark.parametrize(
    ("sheet", "measure"), [("Exports, FOB", "exports"), ("Imports, CIF", "imports")]
)
@pytest.mark.parametrize("partner", ["World", "Japan", "China, P.R.: Mainland", "Thailand"])
def test_values_match_an_independent_reader(
    dots_dir: Path, sheet: str, measure: str, partner: str
) -> None:
    """Every year of a row equals what openpyxl reads from the same real file."""
    path = dots_dir / "DOTS_213.xlsx"
    expected = {y: number(v) for y, v in read_row(path, sheet, partner).items()}
    df = parse_workbook(path)
    got = df[(df["measure"] == measure) & (df["partner_name"] == partner)]
    assert dict(zip(got["year"].astype(int), got["value_usd_m"], strict=True)) == pytest.approx(
        expected
    )
    assert len(expected) > 20


def test_estimate_flag_and_thousands_separator(dots_dir: Path) -> None:
    path = dots_dir / "DOTS_140.xlsx"  # Netherlands Antilles: text cells such as '1,380.50 e'
    raw = read_row(path, "Imports, CIF", "Venezuela, Rep. Bolivariana de")
    year = next(y for y, v in raw.items() if v == "1,380.50 e")
    df = parse_workbook(path)
    row = df[
        (df["measure"] == "imports")
        & (df["partner_name"] == "Venezuela, Rep. Bolivariana de")
        & (df["year"] == year)
    ]
    assert row["value_usd_m"].tolist() == [1380.5]
    assert row["flag"].tolist() == ["e"]


def test_repeated_partner_row_is_kept_once(dots_dir: Path) -> None:
    df = parse_workbook(dots_dir / "DOTS_211.xlsx")  # Vanuatu lists Australia twice
    aus = df[(df["partner_name"] == "Australia") & (df["measure"] == "imports")]
    assert not aus.duplicated(["year"]).any()
    assert len(aus) > 10


def test_all_235_workbooks(dots_parsed) -> None:
    files = set(dots_parsed["file"].astype(str))
    reporters = set(dots_parsed["reporter_name"].astype(str))
    # 235 files, 234 reporters: DOTS_143 and DOTS_144 are the same Nicaragua report
    assert len(reporters) == 234
    assert "DOTS_144.xlsx" not in files and "DOTS_143.xlsx" in files
    assert len(files) == 234
    assert {"Vietnam", "Japan", "Lao People's Dem. Rep.", "World"} <= reporters


def _copy(dots_dir: Path, tmp_path: Path, names: list[str]) -> Path:
    folder = tmp_path / "dots"
    folder.mkdir()
    for n in names:
        shutil.copy(dots_dir / n, folder / n)
    return folder


def test_truncated_workbook_is_a_clear_error(dots_dir: Path, tmp_path: Path) -> None:
    data = (dots_dir / "DOTS_172.xlsx").read_bytes()
    bad = tmp_path / "DOTS_172.xlsx"
    bad.write_bytes(data[: len(data) // 2])
    with pytest.raises(SourceError) as err:
        parse_workbook(bad)
    assert "imf_dots_xlsx" in str(err.value) and "DOTS_172.xlsx" in str(err.value)
    assert "not a readable .xlsx" in str(err.value)


def _edit(src: Path, dst: Path, edit) -> Path:
    wb = openpyxl.load_workbook(src)
    edit(wb)
    wb.save(dst)
    return dst


def test_changed_year_header_is_a_clear_error(dots_dir: Path, tmp_path: Path) -> None:
    def edit(wb):
        wb["Exports, FOB"]["C7"] = "Year 1960"

    bad = _edit(dots_dir / "DOTS_172.xlsx", tmp_path / "DOTS_172.xlsx", edit)
    with pytest.raises(SourceError, match="changed layout: year header cell 'Year 1960'"):
        parse_workbook(bad)


def test_shifted_layout_is_a_clear_error(dots_dir: Path, tmp_path: Path) -> None:
    def edit(wb):  # a note row pushes the unit and the years down by one
        ws = wb["Imports, CIF"]
        ws.insert_rows(5)
        ws["B5"] = "Note: provisional"

    bad = _edit(dots_dir / "DOTS_172.xlsx", tmp_path / "DOTS_172.xlsx", edit)
    with pytest.raises(SourceError, match="changed layout: unit 'Note: provisional'") as err:
        parse_workbook(bad)
    assert "sheet 'Imports, CIF'" in str(err.value)


def test_unknown_partner_names_are_all_listed(dots_dir: Path, tmp_path: Path) -> None:
    def edit(wb):
        ws = wb["Exports, FOB"]
        names = [c.value for c in ws["B"]]
        ws.cell(row=names.index("Japan") + 1, column=2, value="Atlantis")
        ws.cell(row=names.index("Thailand") + 1, column=2, value="Freedonia")

    folder = _copy(dots_dir, tmp_path, ["DOTS_101.xlsx"])
    _edit(dots_dir / "DOTS_213.xlsx", folder / "DOTS_213.xlsx", edit)
    parsed = read_folder(folder, workers=1)
    with pytest.raises(SourceError) as err:
        SOURCE.to_observations(parsed, raw_files(SOURCE, folder), None)
    assert "'Atlantis'" in str(err.value) and "'Freedonia'" in str(err.value)
    assert "imf_names.csv" in str(err.value)


def test_bad_cell_text_names_file_partner_and_year(dots_dir: Path, tmp_path: Path) -> None:
    def edit(wb):
        ws = wb["Exports, FOB"]
        names = [c.value for c in ws["B"]]
        ws.cell(row=names.index("World") + 1, column=3, value="n/a")

    bad = _edit(dots_dir / "DOTS_172.xlsx", tmp_path / "DOTS_172.xlsx", edit)
    with pytest.raises(SourceError, match=r"DOTS_172.xlsx.*'World', year 1960"):
        parse_workbook(bad)
