"""FDI sources on the real files: hostile numbers read by rule, zero unread cells, rankings."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.sources import REGISTRY, jetro_outward_fdi
from analysis.sources.unctad_bilateral_fdi import read_number

from ..conftest import SHARED, need

FDI_SOURCES = {
    "unctad_bilateral_fdi",
    "jetro_outward_fdi",
    "vietnam_fdi",
    "abn2018_fdi",
    "bank_indonesia_fdi",
}


@pytest.fixture(scope="module")
def unctad_dir() -> Path:
    return need(SHARED / "unctad_bilateral_fdi_2001_2012")


@pytest.fixture(scope="module")
def built():
    need(SHARED / "jetro_outward_fdi")
    from analysis.observations import concat
    from analysis.pipeline import find_inputs
    from analysis.rank import RankSettings, rank

    fdi = [r for r in find_inputs() if r.source in FDI_SOURCES]
    assert len(fdi) == len(FDI_SOURCES), "every recorded FDI source must be found"
    obs = concat(
        [REGISTRY[r.source].to_observations(REGISTRY[r.source].parse(r), r, None) for r in fdi]
    )
    return obs, {}, rank(obs, RankSettings(frozenset({"VNM", "JPN", "BRN", "THA"})))


def test_every_cell_of_the_real_files_is_read() -> None:
    """The readers count what they could not read; the build stops on any (parse raises)."""
    from analysis.sources import bank_indonesia_fdi, unctad_bilateral_fdi

    _, counts = unctad_bilateral_fdi.read_tables(need(SHARED / "unctad_bilateral_fdi_2001_2012"))
    _, jetro = jetro_outward_fdi.read_folder(need(SHARED / "jetro_outward_fdi"))
    _, bank = bank_indonesia_fdi.read(need(SHARED / "indonesia_fdi"))
    assert (counts.unread, jetro["unread"], bank) == ([], [], [])
    assert jetro["numbers"] > 1000


def _raw(path: Path, label: str) -> dict[int, str]:
    rows = list(csv.reader(path.open(encoding="utf-8")))
    header = next(
        r for r in rows if len(r) > 1 and r[1] in ("Region / economy", "Reporting economy")
    )
    years = {j: int(c) for j, c in enumerate(header) if c.strip().isdigit() and len(c.strip()) == 4}
    row = next(r for r in rows if label in [c.strip() for c in r[1:6]])
    return {y: row[j] for j, y in years.items()}


def test_unctad_values_and_negatives(built, unctad_dir: Path) -> None:
    obs, _, _ = built
    o = obs[obs["dataset"] == "unctad_bilateral_fdi"]
    raw = _raw(unctad_dir / "flows_inward" / "VNM.csv", "Japan")
    got = o[(o["country"] == "VNM") & (o["partner"] == "JPN") & (o["measure"] == "fdi_inflow")]
    assert dict(zip(got["year"].astype(int), got["value_usd_m"], strict=True)) == {
        y: read_number(v) for y, v in raw.items() if read_number(v) is not None
    }
    raw = _raw(unctad_dir / "stock_inward" / "BRN.csv", "Belgium")
    assert raw[2010] == "- -65"
    bel = o[(o["country"] == "BRN") & (o["partner"] == "BEL") & (o["year"] == 2010)]
    assert bel["value_usd_m"].tolist() == [-65.0]  # disinvestment stays negative
    assert bel["basis"].astype(str).tolist() == [
        "mirror"
    ]  # Brunei's stock table: partners' reports


def test_jetro_breaks_and_blocs(built) -> None:
    obs, _, rankings = built
    j = obs[obs["dataset"] == "jetro_outward_fdi"]
    stock = j[j["measure"] == "fdi_outward_stock"]
    assert set(stock.loc[stock["year"] <= 2013, "flag"].astype(str)) == {"BPM5"}
    assert set(stock.loc[stock["year"] >= 2014, "flag"].astype(str)) == {"BPM6"}
    vn = stock[stock["partner"] == "VNM"]
    assert vn["year"].min() == 2007  # 'n.a.' before: absent, not zero
    assert {"ASEAN", "EU", "WLD"} <= set(j["partner"].astype(str))
    bl = rankings[
        (rankings["dataset"] == "jetro_outward_fdi")
        & (rankings["variant"] == "blocs")
        & (rankings["measure"] == "fdi_outward_stock")
        & (rankings["year"] == 2024)
    ]
    top = bl.nsmallest(3, "rank")["partner"].astype(str).tolist()
    assert top[0] == "USA" and "ASEAN" in top and "EU" in top
    countries = rankings[
        (rankings["dataset"] == "jetro_outward_fdi") & (rankings["variant"] == "countries")
    ]
    assert not set(countries["partner"].astype(str)) & {"ASEAN", "EU"}


def test_jetro_against_an_independent_reader() -> None:
    import openpyxl

    path = need(SHARED / "jetro_outward_fdi" / "jetro_outward_fdi_flows_1983_2025.xlsx")
    ws = openpyxl.load_workbook(path, read_only=True, data_only=True).active
    rows = list(ws.iter_rows(values_only=True))
    header = next(r for r in rows if r and 1990.0 in r)
    row = next(r for r in rows if r and any(str(c).strip() == "Vietnam" for c in r[:3] if c))
    expected = {
        int(float(str(h).rstrip("r"))): v
        for h, v in zip(header, row, strict=False)
        if h not in (None, "") and isinstance(v, int | float)
    }
    df, _ = jetro_outward_fdi.parse_workbook(path, "flows")
    got = df[df["partner"] == "Vietnam"]
    assert dict(zip(got["year"], got["value_usd_m"], strict=True)) == pytest.approx(expected)


def test_registered_capital_is_its_own_measure(built) -> None:
    obs, _, rankings = built
    gso = obs[obs["dataset"] == "vietnam_gso"]
    assert set(gso["measure"].astype(str)) == {"fdi_registered"}
    r = rankings[(rankings["dataset"] == "vietnam_gso") & (rankings["year"] == 2017)]
    assert r.nsmallest(1, "rank")["partner"].astype(str).iat[0] == "JPN"


def test_negative_flows_have_no_rank(built) -> None:
    _, _, rankings = built
    neg = rankings[rankings["value_usd_m"] < 0]
    assert len(neg) > 0 and neg["rank"].isna().all()
    pos = rankings[rankings["value_usd_m"] > 0]
    assert pos["rank"].notna().all()


def test_unctad_matrix_japans_outward_stock(built) -> None:
    obs, _, _ = built
    o = obs[
        (obs["dataset"] == "unctad_bilateral_fdi")
        & (obs["country"] == "JPN")
        & (obs["measure"] == "fdi_outward_stock")
        & (obs["partner"] == "VNM")
    ]
    got = dict(zip(o["year"].astype(int), o["value_usd_m"], strict=True))
    assert got[2012] == pytest.approx(8392.936453)
    assert np.all(np.diff([got[y] for y in range(2007, 2013)]) > 0)


def test_inflow_table_world_total_is_the_share_denominator(built, unctad_dir: Path) -> None:
    _, _, rankings = built
    world = read_number(_raw(unctad_dir / "flows_inward" / "VNM.csv", "World")[2012])
    r = rankings[
        (rankings["dataset"] == "unctad_bilateral_fdi")
        & (rankings["country"] == "VNM")
        & (rankings["measure"] == "fdi_inflow")
        & (rankings["year"] == 2012)
    ]
    assert set(r["total_usd_m"]) == {world}
    assert r["share"].tolist() == pytest.approx((r["value_usd_m"] / world).tolist())


def test_bank_indonesia_annual_columns_by_rule() -> None:
    """The annual column of a block is its Q1 year (the sheet mislabels 2008's as 2009); each
    annual value is the sum of its quarters in the real sheet."""
    from python_calamine import CalamineWorkbook

    from analysis.sources import bank_indonesia_fdi

    folder = need(SHARED / "indonesia_fdi")
    df, unread = bank_indonesia_fdi.read(folder)
    assert unread == [] and sorted(df["year"].unique()) == list(range(2004, 2021))
    rows = (
        CalamineWorkbook.from_path(str(folder / bank_indonesia_fdi.FILE))
        .get_sheet_by_name("2004-2012")
        .to_python()
    )
    japan = next(r for r in rows if any(str(c).strip() == "Japan" for c in r))
    quarters = rows[6]
    q_cols = [j for j, q in enumerate(quarters) if str(q).strip() in ("Q1", "Q2", "Q3", "Q4")]
    blocks = [q_cols[i : i + 4] for i in range(0, len(q_cols), 4)]
    by_year = dict(zip(range(2004, 2004 + len(blocks)), blocks, strict=False))
    got = df[(df["partner"] == "Japan") & (df["sheet"] == "2004-2012")].set_index("year")[
        "value_usd_m"
    ]
    for year in (2007, 2008, 2009):
        assert got[year] == pytest.approx(sum(float(japan[j]) for j in by_year[year]), abs=1.0)


def test_host_totals_agree_with_the_world_bank(built) -> None:
    """Cross-check: each host's World total of FDI inflows (UNCTAD, Bank Indonesia) against the
    World Bank's BX.KLT.DINV.CD.WD in the recorded WDI extract. Bank Indonesia is the source of
    both for 2004-2009 (equal to the rounding); overall most host-years agree within 10%, and
    Myanmar's UNCTAD figures, on an approval basis, are flagged as such."""
    obs, _, _ = built
    wdi = pd.read_csv(
        need(SHARED / "worldbank_wdi" / "wdi-full-2000-2024.csv"),
        keep_default_na=False,
        na_values={"value": [""]},
    )
    wdi = wdi[wdi["indicator"] == "BX.KLT.DINV.CD.WD"]
    wdi = dict(
        zip(zip(wdi["country_iso3"], wdi["year"], strict=True), wdi["value"] / 1e6, strict=True)
    )
    tot = obs[
        (obs["measure"] == "fdi_inflow")
        & (obs["partner"] == "WLD")
        & obs["dataset"].isin(["unctad_bilateral_fdi", "bank_indonesia_fdi"])
    ]
    pairs = [
        (str(d), str(c), int(y), v, wdi[(str(c), int(y))], str(f))
        for d, c, y, v, f in zip(
            tot["dataset"],
            tot["country"],
            tot["year"],
            tot["value_usd_m"],
            tot["flag"],
            strict=True,
        )
        if (str(c), int(y)) in wdi
    ]
    assert len(pairs) > 100
    bi = [(v, w) for d, c, y, v, w, _ in pairs if d == "bank_indonesia_fdi" and y <= 2009]
    assert len(bi) == 6 and all(abs(v - w) < 1.5 for v, w in bi)
    close = [abs(v / w - 1) <= 0.10 for *_, v, w, f in pairs if w > 0 and f != "approval"]
    assert sum(close) / len(close) > 0.6
    flags = {f for d, c, *_, f in pairs if c == "MMR" and d == "unctad_bilateral_fdi"}
    assert flags == {"approval"}
