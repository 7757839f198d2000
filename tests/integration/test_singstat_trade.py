"""SingStat / Enterprise Singapore trade by market: the real recorded tables, their traps, bad
input on mutated copies, a real ranking, and the national check on the IMF's Singapore figures."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis.errors import SourceError
from analysis.fx import usd_per_unit
from analysis.rank import RankSettings, rank
from analysis.sources.spec import raw_files

from ..conftest import SHARED, need
from ..unit.test_singstat_trade import SRC

FOLDER = SHARED / "singstat_trade"


IMPORTS, DOMESTIC, REEXPORTS = "M451491.csv", "M451501.csv", "M451511.csv"


def _raw(folder: Path):
    return raw_files(SRC, folder, label="singstat_trade", origin="recorded")


@pytest.fixture(scope="module")
def folder() -> Path:
    for name in (IMPORTS, DOMESTIC, REEXPORTS, "outputFile.xlsx"):
        need(FOLDER / name)
    return FOLDER


@pytest.fixture(scope="module")
def parsed(folder: Path) -> pd.DataFrame:
    return SRC.parse(_raw(folder))


@pytest.fixture(scope="module")
def obs(folder: Path, parsed: pd.DataFrame) -> pd.DataFrame:
    return SRC.to_observations(parsed, _raw(folder), None)


def _read(path: Path) -> tuple[list[str], dict[str, list[str]]]:
    """Independent reader (csv module): the month header and the rows by stripped label."""
    with open(path, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    i = next(k for k, r in enumerate(rows) if r and r[0] == "Data Series")
    header = [c.strip() for c in rows[i]]
    table = {}
    for r in rows[i + 1 :]:
        if not r or not r[0].strip():
            break
        table[r[0].strip()] = r
    return header, table


def _year_sum(path: Path, label: str, year: int) -> float:
    header, table = _read(path)
    cols = [j for j, h in enumerate(header) if h.startswith(f"{year} ")]
    assert len(cols) == 12
    return sum(float(table[label][j]) for j in cols)


def _value(obs: pd.DataFrame, measure: str, partner: str, year: int) -> float:
    hit = obs[(obs.measure == measure) & (obs.partner == partner) & (obs.year == year)]
    assert len(hit) == 1, (measure, partner, year)
    return float(hit["value_usd_m"].iat[0])


def _copy(tmp_path: Path) -> Path:
    for name in (IMPORTS, DOMESTIC, REEXPORTS):
        shutil.copy(need(FOLDER / name), tmp_path / name)
        (tmp_path / name).chmod(0o644)
    return tmp_path


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8-sig")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def _set_cell(path: Path, label: str, month: str, value: str) -> None:
    """Rewrite one cell (row by stripped label, column by month header) with the csv module."""
    with open(path, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    i = next(k for k, r in enumerate(rows) if r and r[0] == "Data Series")
    j = [c.strip() for c in rows[i]].index(month)
    k = next(k for k, r in enumerate(rows) if k > i and r and r[0].strip() == label)
    rows[k][j] = value
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)


def _build(folder: Path) -> pd.DataFrame:
    raw = _raw(folder)
    return SRC.to_observations(SRC.parse(raw), raw, None)


# --- layout -------------------------------------------------------------------------------
def test_layout_of_the_three_recorded_tables(folder: Path, parsed: pd.DataFrame) -> None:
    headers = {}
    for name in (IMPORTS, DOMESTIC, REEXPORTS):
        header, table = _read(folder / name)
        headers[name] = (header, list(table))
        assert header[1] == "2025 Jan" and header[-1] == "2003 Jan"
        assert len(header) - 1 == 22 * 12 + 1  # 2003-01 .. 2025-01, newest first
        assert "Total All Markets" in table and "Japan" in table
    assert headers[IMPORTS] == headers[DOMESTIC] == headers[REEXPORTS]
    assert set(parsed["series"]) == {"imports", "domestic_exports", "re_exports"}
    assert set(parsed["indent"]) == {0, 2, 4}
    assert parsed["year"].min() == 2003 and parsed["year"].max() == 2024


# --- values read independently ------------------------------------------------------------
def test_imports_equal_twelve_months_read_by_csv_converted_at_the_ecb_rate(
    folder: Path, obs: pd.DataFrame
) -> None:
    sgd = _year_sum(folder / IMPORTS, "Japan", 2024)
    assert _value(obs, "imports", "JPN", 2024) == pytest.approx(sgd * usd_per_unit("SGD", 2024))


def test_exports_are_domestic_exports_plus_re_exports(folder: Path, obs: pd.DataFrame) -> None:
    for label, code, year in (("Japan", "JPN", 2010), ("Total All Markets", "WLD", 2024)):
        sgd = _year_sum(folder / DOMESTIC, label, year) + _year_sum(folder / REEXPORTS, label, year)
        assert _value(obs, "exports", code, year) == pytest.approx(sgd * usd_per_unit("SGD", year))


def test_the_excel_export_of_the_same_tables_agrees(folder: Path, obs: pd.DataFrame) -> None:
    """outputFile.xlsx (read with calamine) holds the same numbers as the CSV downloads."""
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(folder / "outputFile.xlsx"))
    total = 0.0
    for sheet in ("T2", "T3"):  # domestic exports, re-exports
        rows = wb.get_sheet_by_name(sheet).to_python()
        i = next(k for k, r in enumerate(rows) if r and r[0] == "Data Series")
        cols = [j for j, h in enumerate(rows[i]) if str(h).startswith("2024 ")]
        row = next(r for r in rows[i + 1 :] if str(r[0]).strip() == "China")
        total += sum(float(row[j]) for j in cols)
    assert _value(obs, "exports", "CHN", 2024) == pytest.approx(total * usd_per_unit("SGD", 2024))


# --- the rules, on the real files -----------------------------------------------------------
def test_only_complete_years_2025_with_one_month_is_dropped(
    folder: Path, obs: pd.DataFrame
) -> None:
    header, _ = _read(folder / IMPORTS)
    months_2025 = [h for h in header if h.startswith("2025 ")]
    assert months_2025 == ["2025 Jan"]  # the real trap: one month of 2025
    assert sorted(obs["year"].unique()) == list(range(2003, 2025))


def test_a_missing_month_makes_that_year_a_gap_not_a_partial_sum(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _set_cell(folder / IMPORTS, "Japan", "2010 Jun", "na")
    _set_cell(folder / REEXPORTS, "China", "2011 Feb", "")
    got = _build(folder)
    imp = got[got.measure == "imports"]
    assert not ((imp.partner == "JPN") & (imp.year == 2010)).any()
    assert ((imp.partner == "JPN") & (imp.year == 2011)).any()
    assert ((got.measure == "exports") & (got.partner == "JPN") & (got.year == 2010)).any()
    ex = got[got.measure == "exports"]
    assert not ((ex.partner == "CHN") & (ex.year == 2011)).any()  # re-exports incomplete
    assert ((imp.partner == "CHN") & (imp.year == 2011)).any()


def test_a_year_with_a_month_column_missing_is_dropped(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    for name in (IMPORTS, DOMESTIC, REEXPORTS):
        with open(folder / name, newline="", encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
        i = next(k for k, r in enumerate(rows) if r and r[0] == "Data Series")
        j = [c.strip() for c in rows[i]].index("2024 Dec")
        rows = [r[:j] + r[j + 1 :] if len(r) > j else r for r in rows]
        with open(folder / name, "w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows(rows)
    assert _build(folder)["year"].max() == 2023


def test_nil_dash_counts_as_zero(tmp_path: Path, folder: Path) -> None:
    copy = _copy(tmp_path)
    header, table = _read(folder / IMPORTS)
    cell = float(table["Japan"][header.index("2015 Mar")])
    _set_cell(copy / IMPORTS, "Japan", "2015 Mar", "-")
    sgd = _year_sum(folder / IMPORTS, "Japan", 2015) - cell
    assert _value(_build(copy), "imports", "JPN", 2015) == pytest.approx(
        sgd * usd_per_unit("SGD", 2015)
    )


def test_total_becomes_wld_and_regions_are_never_partners(folder: Path, obs: pd.DataFrame) -> None:
    _, table = _read(folder / IMPORTS)
    regions = [k for k, r in table.items() if r[0].startswith("  ") and not r[0].startswith("    ")]
    assert regions == ["America", "Asia", "Europe", "Oceania", "Africa"]
    markets = [k for k, r in table.items() if r[0].startswith("    ")]
    named = [m for m in markets if not m.startswith("Other Markets")]
    partners = set(obs["partner"].astype(str))
    assert "WLD" in partners and "" not in partners
    assert len(partners) == len(named) + 1  # every named market, one code each, plus WLD
    assert set(obs["country"].astype(str)) == {"SGP"}
    assert set(obs["basis"].astype(str)) == {"reported"}  # no mirror rows
    sgd = _year_sum(folder / IMPORTS, "Total All Markets", 2020)
    assert _value(obs, "imports", "WLD", 2020) == pytest.approx(sgd * usd_per_unit("SGD", 2020))


# --- bad input on copies of the real files ------------------------------------------------
def _raises(folder: Path, file: str, words: str) -> None:
    with pytest.raises(SourceError) as err:
        _build(folder)
    assert file in str(err.value) and words in str(err.value)


def test_missing_file_names_the_folder(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / REEXPORTS).unlink()
    _raises(folder, str(folder), "re_exports")


def test_renamed_header_row(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(folder / DOMESTIC, "\nData Series,", "\nSeries,")
    _raises(folder, DOMESTIC, "Data Series")


def test_month_header_not_a_month(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(folder / IMPORTS, "2024 Dec ,", "2024 December ,")
    _raises(folder, IMPORTS, "not a month")


def test_changed_title(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(folder / IMPORTS, "(Imports), Monthly", "(Imports), Quarterly")
    _raises(folder, IMPORTS, "Table Title")


def test_unknown_label(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    for name in (IMPORTS, DOMESTIC, REEXPORTS):
        _edit(folder / name, "\n    Japan,", "\n    Atlantis,")
    _raises(folder, IMPORTS, "'Atlantis'")


def test_a_market_indented_as_a_region(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    for name in (IMPORTS, DOMESTIC, REEXPORTS):
        _edit(folder / name, "\n    Japan,", "\n  Japan,")
    _raises(folder, IMPORTS, "Japan")


def test_non_numeric_cell(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _set_cell(folder / REEXPORTS, "Japan", "2012 Jul", "12.3x")
    _raises(folder, REEXPORTS, "'12.3x'")


def test_empty_file(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / IMPORTS).write_text("", encoding="utf-8")
    _raises(folder, IMPORTS, "empty")


def test_tables_listing_different_markets(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(folder / IMPORTS, "\n    Japan,", "\n    Nippon,")
    _raises(folder, IMPORTS, "different markets")


def test_units_not_singapore_dollars(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(folder / DOMESTIC, "Values are shown in Singapore dollars", "Values are shown in US$")
    _raises(folder, DOMESTIC, "Singapore dollars")


# --- a real ranking -----------------------------------------------------------------------
def test_japan_rank_among_singapore_partners_2024(folder: Path, obs: pd.DataFrame) -> None:
    # independent: S$ sums of imports + domestic exports + re-exports per named market
    trade: dict[str, float] = {}
    for name in (IMPORTS, DOMESTIC, REEXPORTS):
        header, table = _read(folder / name)
        cols = [j for j, h in enumerate(header) if h.startswith("2024 ")]
        for label, row in table.items():
            if row[0].startswith("    ") and not label.startswith("Other Markets"):
                trade[label] = trade.get(label, 0.0) + sum(float(row[j]) for j in cols)
    order = sorted(trade, key=trade.get, reverse=True)
    expected = order.index("Japan") + 1

    ranks = rank(obs, RankSettings().only(["SGP"]))
    sel = ranks[
        (ranks.dataset == "singstat_trade")
        & (ranks.measure == "trade")
        & (ranks.variant == "countries")
        & (ranks.country == "SGP")
        & (ranks.year == 2024)
    ]
    for basis in ("best", "reported"):
        row = sel[(sel.basis == basis) & (sel.partner == "JPN")]
        assert len(row) == 1 and int(row["rank"].iat[0]) == expected
        assert set(sel[sel.basis == basis]["value_basis"].astype(str)) == {"reported"}
    best = sel[sel.basis == "best"].set_index("partner")[["value_usd_m", "rank", "share"]]
    rep = sel[sel.basis == "reported"].set_index("partner")[["value_usd_m", "rank", "share"]]
    pd.testing.assert_frame_equal(best.sort_index(), rep.sort_index())  # best == reported
    top = sel[sel.basis == "best"].nsmallest(1, "rank")
    assert str(top["partner"].iat[0]) == "CHN" and order[0] == "China"
    # shares: out of Singapore's published total (imports + all exports)
    total = sum(
        _year_sum(folder / f, "Total All Markets", 2024) for f in (IMPORTS, DOMESTIC, REEXPORTS)
    )
    row = sel[(sel.basis == "best") & (sel.partner == "JPN")]
    assert float(row["share"].iat[0]) == pytest.approx(trade["Japan"] / total)


# --- the national check on the IMF's Singapore figures ------------------------------------
DOTS_SINGAPORE = SHARED / "imf_dots_2022" / "DOTS_173.xlsx"


IMF_TOLERANCE = 0.05  # 2003-2019: IMF and SingStat totals within 5% of each other


def test_imf_dots_singapore_totals_against_singstat(obs: pd.DataFrame) -> None:
    """Singapore's exports + imports with the world: SingStat (S$ at ECB rates) vs the IMF DOTS
    workbook (US$). 2003-2019 agree within IMF_TOLERANCE; the IMF's 2020 is partial (far lower)."""
    from analysis.sources.imf_dots_xlsx import parse_workbook

    dots = parse_workbook(need(DOTS_SINGAPORE))
    assert set(dots["reporter_name"]) == {"Singapore"}
    world = dots[dots["partner_name"].astype(str) == "World"]
    imf = world.groupby("year")["value_usd_m"].sum()
    ours = obs[obs.partner == "WLD"].groupby("year")["value_usd_m"].sum()
    ratio = (imf / ours).dropna()
    core = ratio.loc[2003:2019]
    assert list(core.index) == list(range(2003, 2020))
    assert ((core - 1).abs() < IMF_TOLERANCE).all(), core.round(4).to_dict()
    assert ratio.loc[2020] < 1 - 3 * IMF_TOLERANCE  # the IMF's 2020 figure is partial
    print(
        f"IMF/SingStat 2003-2019: {core.min():.4f}..{core.max():.4f}; 2020: {ratio.loc[2020]:.4f}"
    )
