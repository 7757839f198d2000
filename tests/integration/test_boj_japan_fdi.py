"""Bank of Japan direct investment workbooks (``boj_japan_fdi``): the real files, read by rule.

Every test reads the recorded workbooks in ``../shared/data/boj_japan_fdi``; the bad-input
tests mutate copies of them in ``tmp_path``. Independent readers are openpyxl and
python-calamine used directly, never the module's parser.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from analysis.errors import SourceError
from analysis.sources import REGISTRY, boj_japan_fdi
from analysis.sources.spec import raw_files

from ..conftest import SHARED, need

SRC = REGISTRY["boj_japan_fdi"]


ASEAN10 = {"BRN", "IDN", "KHM", "LAO", "MMR", "MYS", "PHL", "SGP", "THA", "VNM"}


YEARS = set(range(2014, 2025))


@pytest.fixture(scope="module")
def folder() -> Path:
    return need(SHARED / "boj_japan_fdi")


@pytest.fixture(scope="module")
def parsed(folder: Path) -> pd.DataFrame:
    return SRC.parse(raw_files(SRC, folder, "boj_japan_fdi", origin="recorded"))


@pytest.fixture(scope="module")
def obs(folder: Path, parsed: pd.DataFrame) -> pd.DataFrame:
    return SRC.to_observations(
        parsed, raw_files(SRC, folder, "boj_japan_fdi", origin="recorded"), None
    )


def value(obs: pd.DataFrame, measure: str, partner: str, year: int) -> pd.Series:
    row = obs[(obs.measure == measure) & (obs.partner == partner) & (obs.year == year)]
    assert len(row) == 1, (measure, partner, year, len(row))
    return row.iloc[0]


# ---- independent readers (openpyxl, by label; never the module's parser) -----------------
def opx_position(path: Path, sheet: str, english: str) -> float:
    """dipYYYY.xlsx: the 'Total' column of the row whose right-most text is ``english``."""
    ws = openpyxl.load_workbook(path, read_only=True, data_only=True)[sheet]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    head = next(i for i, r in enumerate(rows) if "Total" in r and "Manufacturing" in r)
    col = rows[head].index("Total")
    for r in rows[head + 1 :]:
        texts = [str(c).strip() for c in r[col + 1 :] if isinstance(c, str) and c.strip()]
        if texts and texts[-1] == english:
            return r[col]
    raise AssertionError(english)


def opx_positions_countries(path: Path, sheet: str) -> dict[str, float]:
    """Every country row of a positions sheet (Japanese country name in column B) -> Total."""
    ws = openpyxl.load_workbook(path, read_only=True, data_only=True)[sheet]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    head = next(i for i, r in enumerate(rows) if "Total" in r and "Manufacturing" in r)
    col = rows[head].index("Total")
    out = {}
    for r in rows[head + 1 :]:
        if r[1] and isinstance(r[col], int | float) and not r[0]:
            texts = [str(c).strip() for c in r[col + 1 :] if isinstance(c, str) and c.strip()]
            out[texts[-1]] = float(r[col])
    return out


def opx_flow_country(path: Path, sheet: str, english: str) -> float:
    """difYYcy.xlsx sheets 3/4: the cell of column ``english`` on the row labelled 合計."""
    ws = openpyxl.load_workbook(path, read_only=True, data_only=True)[sheet]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    total = next(i for i, r in enumerate(rows) if "合計" in [str(c).strip() for c in r[:4]])
    for r in rows[:15]:
        cols = [j for j, c in enumerate(r) if isinstance(c, str) and " ".join(c.split()) == english]
        if cols:
            return rows[total][cols[0]]
    raise AssertionError(english)


# ---- mutation helpers for copies of the real files --------------------------------------
def set_modified(path: Path, stamp: str) -> None:
    """Rewrite a workbook copy's docProps/core.xml dcterms:modified (its release time)."""
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]+(</dcterms:modified>)",
                    rb"\g<1>" + stamp.encode() + rb"\g<2>",
                    data,
                )
            zout.writestr(item, data)
    tmp.replace(path)


def edit(src: Path, dst: Path, fn) -> Path:
    wb = openpyxl.load_workbook(src)
    fn(wb)
    wb.save(dst)
    return dst


def find_cell(ws, text: str):
    for row in ws.iter_rows():
        for c in row:
            if isinstance(c.value, str) and " ".join(c.value.split()) == text:
                return c
    raise AssertionError(text)


def total_cell(ws, english: str):
    """The 合計-row cell of column ``english`` in a flows-by-country sheet (openpyxl)."""
    col = find_cell(ws, english).column
    return ws.cell(row=find_cell(ws, "合計").row, column=col)


# ---- layout ----------------------------------------------------------------------------
def test_layout_every_workbook_every_year(folder: Path, parsed: pd.DataFrame) -> None:
    files = sorted(p.name for p in SRC.files_in(folder))
    assert files == [f"dif{y % 100:02d}cy.xlsx" for y in sorted(YEARS)] + [
        f"dip{y}.xlsx" for y in sorted(YEARS)
    ]
    _, counts = boj_japan_fdi.read_folder(folder)
    assert counts["unread"] == [] and counts["numbers"] > 3000
    for measure in ("fdi_outflow", "fdi_inflow", "fdi_outward_stock", "fdi_inward_stock"):
        got = parsed[parsed.measure == measure]
        assert set(got.year) == YEARS, measure
        # each (measure, year) from one workbook, whose own title year is in its file name
        per = got.groupby("year")["file"].unique()
        assert all(len(f) == 1 for f in per), measure
        for year, f in per.items():
            assert str(year)[-2:] in f[0]
    sheets = parsed.groupby(["file"])["sheet"].unique()
    assert all(set(s) == {"1", "2", "3", "4"} for f, s in sheets.items() if f.startswith("dif"))
    assert all(set(s) == {"1", "2"} for f, s in sheets.items() if f.startswith("dip"))


def test_partners_per_year(obs: pd.DataFrame) -> None:
    for (measure, year), g in obs.groupby(["measure", "year"], observed=True):
        partners = set(g.partner)
        assert {"WLD", "ASEAN", "EU"} <= partners, (measure, year)
        assert "" not in partners  # regions (Asia, OECD Countries, ...) never reach observations
        if measure == "fdi_outflow":
            assert partners >= ASEAN10, year  # sheet 3 lists every member
        if measure in ("fdi_outward_stock", "fdi_inward_stock"):
            # positions show six members; Brunei, Cambodia, Laos, Myanmar only inside ASEAN
            assert partners & ASEAN10 == {"SGP", "THA", "IDN", "MYS", "PHL", "VNM"}
    assert set(obs.country) == {"JPN"} and set(obs.basis) == {"reported"}


# ---- values against independent readers -------------------------------------------------
def test_positions_cell_read_independently(folder: Path, obs: pd.DataFrame) -> None:
    from analysis.fx import _converter

    raw = opx_position(folder / "dip2024.xlsx", "1", "Thailand")
    rate = _converter().convert(1.0, "JPY", "USD", date=date(2024, 12, 31))  # ECB fixed that day
    row = value(obs, "fdi_outward_stock", "THA", 2024)
    assert row.value_usd_m == pytest.approx(raw * 1e8 * rate / 1e6, rel=1e-12)
    assert row.source_ref == "boj_japan_fdi/dip2024.xlsx#1"
    inward = opx_position(folder / "dip2024.xlsx", "2", "Singapore")
    assert value(obs, "fdi_inward_stock", "SGP", 2024).value_usd_m == pytest.approx(
        inward * 1e8 * rate / 1e6, rel=1e-12
    )


def test_flows_cell_read_independently(folder: Path, obs: pd.DataFrame) -> None:
    from analysis.fx import usd_per_unit

    rate = usd_per_unit("JPY", 2024)
    raw = opx_flow_country(folder / "dif24cy.xlsx", "3", "Viet Nam")
    row = value(obs, "fdi_outflow", "VNM", 2024)
    assert row.value_usd_m == pytest.approx(raw * 1e8 * rate / 1e6, rel=1e-12)
    assert row.source_ref == "boj_japan_fdi/dif24cy.xlsx#3"
    lao = opx_flow_country(folder / "dif24cy.xlsx", "3", "Lao People's Democratic Republic")
    assert value(obs, "fdi_outflow", "LAO", 2024).value_usd_m == pytest.approx(
        lao * 1e8 * rate / 1e6, rel=1e-12
    )


def test_world_and_blocs_from_the_region_sheet(folder: Path, obs: pd.DataFrame) -> None:
    """Flows: WLD, ASEAN and EU come from sheet 1 (by region); the figure is on the 合計 row."""
    from python_calamine import CalamineWorkbook

    from analysis.fx import usd_per_unit

    rows = CalamineWorkbook.from_path(str(folder / "dif24cy.xlsx")).get_sheet_by_name("1")
    rows = rows.to_python()
    total = next(i for i, r in enumerate(rows) if "合計" in [str(c).strip() for c in r])
    head = next(i for i, r in enumerate(rows) if "World" in [str(c).strip() for c in r])
    world_col = [str(c).strip() for c in rows[head]].index("World")
    rate = usd_per_unit("JPY", 2024)
    w = value(obs, "fdi_outflow", "WLD", 2024)
    assert w.value_usd_m == pytest.approx(rows[total][world_col] * 1e8 * rate / 1e6, rel=1e-12)
    assert w.source_ref == "boj_japan_fdi/dif24cy.xlsx#1"
    asean_col = [str(c).strip() for c in rows[head]].index("ASEAN")
    assert value(obs, "fdi_outflow", "ASEAN", 2024).value_usd_m == pytest.approx(
        rows[total][asean_col] * 1e8 * rate / 1e6, rel=1e-12
    )


# ---- the rules for each trap --------------------------------------------------------------
def test_figures_sit_on_the_japanese_total_row(folder: Path) -> None:
    """Rule: the English 'Total' row under 合計 is blank in every sheet of every flows workbook
    (read with calamine directly)."""
    from python_calamine import CalamineWorkbook

    for path in sorted(folder.glob("dif*.xlsx")):
        wb = CalamineWorkbook.from_path(str(path))
        for sheet in ("1", "2", "3", "4"):
            rows = wb.get_sheet_by_name(sheet).to_python()
            i = next(i for i, r in enumerate(rows) if "合計" in [str(c).strip() for c in r[:4]])
            assert "Total" in [str(c).strip() for c in rows[i + 1][:4]], (path.name, sheet)
            assert not any(isinstance(c, int | float) for c in rows[i + 1]), (path.name, sheet)
            assert sum(isinstance(c, int | float) for c in rows[i]) >= 10, (path.name, sheet)


def test_footnote_mark_and_eu_membership_flags(folder: Path, obs: pd.DataFrame) -> None:
    """Rule: a trailing footnote mark is cut from the label and kept as flag '*'; the BoJ's EU
    row before 2020 (the U.K. a member) is flagged EU28."""
    from python_calamine import CalamineWorkbook

    cells = {
        str(c).strip()
        for r in CalamineWorkbook.from_path(str(folder / "dif20cy.xlsx"))
        .get_sheet_by_name("1")
        .to_python()
        for c in r
    }
    assert "EU*" in cells  # the raw label, footnoted in the 2020 flows
    assert value(obs, "fdi_outflow", "EU", 2020).flag == "*"
    eu = obs[obs.partner == "EU"]
    assert set(eu[eu.year < 2020].flag) == {"EU28"}
    later = eu[eu.year >= 2020]
    footnoted = (later.measure == "fdi_outflow") & (later.year == 2020)
    assert set(later[~footnoted].flag) == {""}
    assert set(obs[obs.partner != "EU"].flag) == {""}


def test_gaps_are_gaps_not_zeros(folder: Path, obs: pd.DataFrame) -> None:
    """'.' (no reports) and 'X' (confidential) give no row: International Organization's
    positions are '.' in dip2024 (an aggregate anyway), Iran's inward position is '.'."""
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(folder / "dip2024.xlsx")).get_sheet_by_name("2")
    iran = next(r for r in rows.to_python() if str(r[-1]).strip() == "Iran")
    assert str(iran[2]).strip() == "."
    assert obs[
        (obs.measure == "fdi_inward_stock") & (obs.partner == "IRN") & (obs.year == 2024)
    ].empty
    assert (obs.value_usd_m < 0).any()  # net disinvestment kept


def test_rates_flows_annual_mean_positions_year_end(
    parsed: pd.DataFrame, obs: pd.DataFrame
) -> None:
    from analysis.fx import usd_per_unit

    for measure, partner, year in (
        ("fdi_outflow", "THA", 2019),
        ("fdi_outward_stock", "THA", 2019),
        ("fdi_outward_stock", "SGP", 2016),
    ):
        label = {"THA": "Thailand", "SGP": "Singapore"}[partner]
        raw = parsed[
            (parsed.measure == measure) & (parsed.partner == label) & (parsed.year == year)
        ].value_oku_yen.item()
        rate = value(obs, measure, partner, year).value_usd_m / (raw * 1e8 / 1e6)
        if measure == "fdi_outflow":
            assert rate == pytest.approx(usd_per_unit("JPY", year), rel=1e-12)
        else:
            assert rate == pytest.approx(boj_japan_fdi.usd_per_unit_at_end("JPY", year))
            assert rate != pytest.approx(usd_per_unit("JPY", year), rel=1e-4)


def test_year_comes_from_the_title_not_the_file_name(folder: Path, tmp_path: Path) -> None:
    dst = tmp_path / "dip_renamed.xlsx"
    shutil.copy(folder / "dip2019.xlsx", dst)
    df, _ = boj_japan_fdi.read_workbook(dst)
    assert set(df.year) == {2019} and set(df.measure) == {"fdi_outward_stock", "fdi_inward_stock"}


def _release_folder(folder: Path, tmp_path: Path, stamp: str) -> tuple[Path, float]:
    """dif23cy.xlsx and dip2023.xlsx, plus a re-release of 2023's flows (Thailand's outflow
    changed) whose dcterms:modified is ``stamp``."""
    d = tmp_path / "boj"
    d.mkdir()
    for name in ("dif23cy.xlsx", "dip2023.xlsx"):
        shutil.copy(folder / name, d / name)
    changed = {}

    def bump(wb):
        cell = total_cell(wb["3"], "Thailand")
        changed["v"] = cell.value * 2
        cell.value = changed["v"]

    edit(folder / "dif23cy.xlsx", d / "dif23cy_revised.xlsx", bump)
    set_modified(d / "dif23cy_revised.xlsx", stamp)
    return d, changed["v"]


def test_newest_release_wins_for_a_year(folder: Path, tmp_path: Path) -> None:
    original = boj_japan_fdi.modified(folder / "dif23cy.xlsx")
    assert original == "2026-04-20T23:30:41Z"
    d, revised = _release_folder(folder, tmp_path, "2027-04-20T00:00:00Z")
    raw = raw_files(SRC, d, "boj_copy")
    p = SRC.parse(raw)
    tha = p[(p.measure == "fdi_outflow") & (p.partner == "Thailand") & (p.year == 2023)]
    assert tha.value_oku_yen.item() == revised
    o = SRC.to_observations(p, raw, None)
    flows = o[(o.measure == "fdi_outflow") & (o.year == 2023)]
    assert set(flows.source_ref) == {
        "boj_copy/dif23cy_revised.xlsx#1",
        "boj_copy/dif23cy_revised.xlsx#3",
    }
    assert set(o[o.measure == "fdi_outward_stock"].source_ref) == {"boj_copy/dip2023.xlsx#1"}


def test_an_older_release_loses_and_a_tie_is_an_error(folder: Path, tmp_path: Path) -> None:
    d, revised = _release_folder(folder, tmp_path, "2020-01-01T00:00:00Z")
    p = SRC.parse(raw_files(SRC, d, "boj_copy"))
    tha = p[(p.measure == "fdi_outflow") & (p.partner == "Thailand") & (p.year == 2023)]
    assert tha.value_oku_yen.item() != revised and set(tha.file) == {"dif23cy.xlsx"}
    set_modified(d / "dif23cy_revised.xlsx", boj_japan_fdi.modified(folder / "dif23cy.xlsx"))
    with pytest.raises(SourceError, match=r"later release.*dif23cy.xlsx, dif23cy_revised.xlsx"):
        SRC.parse(raw_files(SRC, d, "boj_copy"))


# ---- against JETRO's US$ tables ----------------------------------------------------------
def test_positions_agree_with_jetro(obs: pd.DataFrame) -> None:
    """JETRO's US$ positions (IIP basis: asset/liability principle, JETRO's own rate) against the
    BoJ's (directional principle) converted at the ECB year-end rate: Thailand, Viet Nam and
    Singapore 2015-2024 within 0.85-1.10 (observed 0.919-1.005)."""
    j = REGISTRY["jetro_outward_fdi"]
    jraw = raw_files(j, need(SHARED / "jetro_outward_fdi"), "jetro", origin="recorded")
    jo = j.to_observations(j.parse(jraw), jraw, None)
    k = ["measure", "partner", "year"]
    cols = [*k, "value_usd_m"]
    m = obs[cols].merge(jo[cols], on=k, suffixes=("_boj", "_jetro"))
    m = m[
        (m.measure == "fdi_outward_stock")
        & m.partner.isin(["THA", "VNM", "SGP"])
        & m.year.between(2015, 2024)
    ]
    assert len(m) == 30
    ratio = m.value_usd_m_boj / m.value_usd_m_jetro
    print(
        f"BoJ/JETRO outward positions THA, VNM, SGP 2015-2024: {ratio.min():.3f}-{ratio.max():.3f}"
    )
    assert ratio.between(0.85, 1.10).all(), m.assign(ratio=ratio)


# ---- ranking a real case ------------------------------------------------------------------
def test_rank_of_thailand_and_asean_in_japans_outward_positions(
    folder: Path, obs: pd.DataFrame
) -> None:
    from analysis.countries import bloc_members
    from analysis.rank import rank

    r = rank(obs)
    r = r[(r.dataset == "boj_japan_fdi") & (r.measure == "fdi_outward_stock") & (r.year == 2024)]
    countries = opx_positions_countries(folder / "dip2024.xlsx", "1")
    tha = countries["Thailand"]
    expected = 1 + sum(v > tha for v in countries.values())
    got = r[(r.variant == "countries") & (r.partner == "THA")]
    assert got["rank"].item() == expected == 7
    # blocs: the BoJ's ASEAN and EU rows beside the listed countries outside them
    asean = opx_position(folder / "dip2024.xlsx", "1", "ASEAN")
    eu = opx_position(folder / "dip2024.xlsx", "1", "EU")
    eu_iso = {
        "Germany",
        "France",
        "Netherlands",
        "Italy",
        "Belgium",
        "Luxembourg",
        "Sweden",
        "Spain",
    }
    members = {
        "Singapore",
        "Thailand",
        "Indonesia",
        "Malaysia",
        "Philippines",
        "Viet Nam",
    } | eu_iso
    outside = [v for k, v in countries.items() if k not in members] + [eu]
    got = r[(r.variant == "blocs") & (r.partner == "ASEAN")]
    assert got["rank"].item() == 1 + sum(v > asean for v in outside)
    assert {"DEU", "FRA", "NLD", "ITA", "BEL", "LUX", "SWE", "ESP"} <= bloc_members()["EU"]
    world = opx_position(folder / "dip2024.xlsx", "1", "Total")
    assert got["share"].item() == pytest.approx(asean / world, rel=1e-12)


# ---- bad input ----------------------------------------------------------------------------
def _pair(folder: Path, tmp_path: Path) -> Path:
    d = tmp_path / "boj"
    d.mkdir(exist_ok=True)
    for name in ("dif24cy.xlsx", "dip2024.xlsx"):
        shutil.copy(folder / name, d / name)
    return d


def test_empty_file(folder: Path, tmp_path: Path) -> None:
    d = _pair(folder, tmp_path)
    (d / "dif24cy.xlsx").write_bytes(b"")
    with pytest.raises(SourceError, match=r"not a readable workbook.*dif24cy.xlsx"):
        SRC.parse(raw_files(SRC, d))


def test_missing_files(folder: Path, tmp_path: Path) -> None:
    d = _pair(folder, tmp_path)
    (d / "dip2024.xlsx").unlink()
    with pytest.raises(SourceError, match=r"positions workbooks.*dif24cy.xlsx"):
        SRC.parse(raw_files(SRC, d))


def test_missing_sheet(folder: Path, tmp_path: Path) -> None:
    d = _pair(folder, tmp_path)

    def rename(wb):
        wb["3"].title = "3b"

    edit(folder / "dif24cy.xlsx", d / "dif24cy.xlsx", rename)
    with pytest.raises(SourceError, match=r"missing sheet.*'3'.*dif24cy.xlsx"):
        SRC.parse(raw_files(SRC, d))


def test_renamed_column(folder: Path, tmp_path: Path) -> None:
    d = _pair(folder, tmp_path)

    def rename(wb):
        find_cell(wb["1"], "Total").value = "All industries"

    edit(folder / "dip2024.xlsx", d / "dip2024.xlsx", rename)
    with pytest.raises(SourceError, match=r"'Total' and 'Manufacturing'.*dip2024.xlsx, sheet '1'"):
        SRC.parse(raw_files(SRC, d))


def test_missing_title_year(folder: Path, tmp_path: Path) -> None:
    d = _pair(folder, tmp_path)

    def untitle(wb):
        find_cell(wb["1"], "Outward / Inward Direct Investment, 2024C.Y.").value = "Outward"

    edit(folder / "dif24cy.xlsx", d / "dif24cy.xlsx", untitle)
    with pytest.raises(SourceError, match=r"no title giving the year.*dif24cy.xlsx, sheet '1'"):
        SRC.parse(raw_files(SRC, d))


def test_non_number_cell(folder: Path, tmp_path: Path) -> None:
    d = _pair(folder, tmp_path)

    def spoil(wb):
        total_cell(wb["3"], "Thailand").value = "n/a"

    edit(folder / "dif24cy.xlsx", d / "dif24cy.xlsx", spoil)
    with pytest.raises(SourceError, match=r"1 cell.*dif24cy.xlsx#3: 'Thailand': 'n/a'"):
        SRC.parse(raw_files(SRC, d))


def test_unknown_label(folder: Path, tmp_path: Path) -> None:
    d = _pair(folder, tmp_path)

    def relabel(wb):
        find_cell(wb["3"], "Thailand").value = "Atlantis"

    edit(folder / "dif24cy.xlsx", d / "dif24cy.xlsx", relabel)
    raw = raw_files(SRC, d, "boj_copy")
    p = SRC.parse(raw)
    with pytest.raises(SourceError, match=r"'Atlantis'.*boj_copy/dif24cy.xlsx"):
        SRC.to_observations(p, raw, None)


def test_total_row_not_followed_by_blank_total(folder: Path, tmp_path: Path) -> None:
    d = _pair(folder, tmp_path)

    def shift(wb):
        ws = wb["3"]
        row = find_cell(ws, "合計").row
        ws.cell(row=row + 1, column=find_cell(ws, "Thailand").column).value = 1.0

    edit(folder / "dif24cy.xlsx", d / "dif24cy.xlsx", shift)
    with pytest.raises(SourceError, match=r"blank English 'Total' row.*dif24cy.xlsx, sheet '3'"):
        SRC.parse(raw_files(SRC, d))


def test_each_value_carries_its_principle() -> None:
    """JETRO (Japan's balance of payments and IIP by region) declares the asset/liability
    principle, which holds from 2014 (BPM6); every earlier JETRO value, flows included, is
    flagged BPM5/pre1996 (directional); the Bank of Japan declares the directional principle.
    A ranking of either says so, with the other's total for the same year."""
    from analysis import catalog, query

    entries = catalog.datasets()
    assert entries["jetro_outward_fdi"]["principle"] == "asset_liability"
    assert entries["boj_japan_fdi"]["principle"] == "directional"
    obs = query.observations()
    j = obs[obs["dataset"] == "jetro_outward_fdi"]
    early = j[j["year"] <= 2013]
    assert set(early["flag"].astype(str)) == {"BPM5", "pre1996"}
    assert set(j.loc[j["year"] >= 2014, "flag"].astype(str)) <= {"BPM6", "r", ""}
    t = query.rank_table("JPN", dataset="jetro_outward_fdi", year=2020, top=3)
    note = next(n for n in t.attrs["notes"] if "asset/liability principle" in n)
    r = query.rankings()
    boj = r[
        (r["dataset"] == "boj_japan_fdi")
        & (r["country"] == "JPN")
        & (r["measure"] == "fdi_outward_stock")
        & (r["year"] == 2020)
    ]["total_usd_m"].iat[0]
    assert f"boj_japan_fdi is on the directional principle, total US${boj:,.0f} million" in note
