"""ASEANstats FDI exports (aseanstats_fdi): layout, traps by rule, cross-checks, bad input, ranks.

Every test reads the real recorded files in ../shared/data/aseanstats_fdi (missing data fails).
Independent readers: openpyxl on the Excel exports, the csv module on the CSV exports.
"""

from __future__ import annotations

import csv
import shutil
from functools import cache
from pathlib import Path

import pandas as pd
import pytest

from analysis.errors import SourceError
from analysis.rank import rank
from analysis.sources import REGISTRY
from analysis.sources import aseanstats_fdi as mod
from analysis.sources.spec import raw_files

from ..conftest import SHARED, need

FOLDER = SHARED / "aseanstats_fdi"


CSV_OF = {f: f.removesuffix(".xlsx") + ".csv" for f in (mod.STOCKS, mod.FLOWS, mod.HOST_TOTALS)}


@cache
def _built() -> tuple[pd.DataFrame, pd.DataFrame]:
    raw = raw_files(mod.SOURCE, need(FOLDER), label="aseanstats_fdi")
    parsed = mod.parse(raw)
    return parsed, mod.to_observations(parsed, raw, None)


@cache
def _rankings() -> pd.DataFrame:
    return rank(_built()[1])


@cache
def _xlsx(file: str) -> list[tuple]:
    """openpyxl's cells of the first sheet, the host carried down (independent reader)."""
    import openpyxl

    wb = openpyxl.load_workbook(need(FOLDER / file), read_only=True, data_only=True)
    rows = [tuple(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    wb.close()
    return rows


def _blocks(rows: list[tuple], width: int = 2) -> dict[tuple[str, str], tuple]:
    """(host, label) -> the year cells, host carried down (independent of the module)."""
    header = next(i for i, r in enumerate(rows) if r[0] == "Host Country")
    out, host = {}, None
    for r in rows[header + 1 :]:
        host = (r[0] or "").strip() or host
        out[(host, r[1].strip() if width == 2 else "")] = r[width:]
    return out


def _years(rows: list[tuple]) -> list[int]:
    header = next(r for r in rows if r[0] == "Host Country")
    return [int(y) for y in header if y and str(y).isdigit()]


def _csv(file: str) -> list[list[str]]:
    with open(need(FOLDER / CSV_OF[file]), newline="", encoding="utf-8-sig") as fh:
        return list(csv.reader(fh))


def _obs(country: str, measure: str, year: int) -> pd.DataFrame:
    o = _built()[1]
    return o[(o.country == country) & (o.measure == measure) & (o.year == year)]


# --- layout ---------------------------------------------------------------------------------
def test_layout_of_the_real_exports() -> None:
    stocks, flows = _xlsx(mod.STOCKS), _xlsx(mod.FLOWS)
    assert stocks[2][:2] == mod.HEADER and flows[2][:2] == mod.HEADER
    assert _years(stocks) == list(range(2014, 2023)) and _years(flows) == list(range(2010, 2023))
    hosts = [r[0] for r in stocks[3:] if r[0]]
    assert hosts == [
        "Brunei Darussalam",
        "Cambodia",
        "Indonesia",
        "Malaysia",
        "Myanmar",
        "Philippines",
        "Singapore",
        "Thailand",
    ]
    assert [r[0] for r in flows[3:] if r[0]] == ["ASEAN"]
    assert REGISTRY["aseanstats_fdi"] is mod.SOURCE
    assert [p.name for p in mod.SOURCE.files_in(FOLDER)] == sorted([mod.FLOWS, mod.STOCKS])


def test_xlsx_is_the_full_precision_version_of_the_csv() -> None:
    """Why the Excel export is the raw input: every CSV cell (text, space as thousands
    separator) is the Excel number to 2 decimals (within 0.005), and empty where the Excel cell is."""
    for file in (mod.STOCKS, mod.FLOWS):
        x = _blocks(_xlsx(file))
        c = _csv(file)
        header = next(i for i, r in enumerate(c) if r[0] == "Host Country")
        host, n, spaced = None, 0, 0
        for r in c[header + 1 :]:
            host = r[0].strip() or host
            cells = x[(host, r[1].strip())]
            for text, v in zip(r[2:], cells, strict=True):
                if text == "":
                    assert v in ("", None)
                    continue
                spaced += " " in text
                assert abs(float(text.replace(" ", "")) - v) <= 0.005 + 1e-9, (host, r[1])
                n += 1
        assert len(x) == len(c) - header - 1 and n > 3000 and spaced > 100


# --- cells read independently equal the observations ----------------------------------------
def test_thailand_japan_2022_by_two_independent_readers() -> None:
    v = _blocks(_xlsx(mod.STOCKS))[("Thailand", "Japan [JP]")][-1]
    o = _obs("THA", "fdi_inward_stock", 2022)
    assert o.loc[o.partner == "JPN", "value_usd_m"].item() == v
    c = [r for r in _csv(mod.STOCKS) if r[1] == "Japan [JP]"]
    assert c[-1][-1] == "92 289.70" and round(v, 2) == 92289.70  # Thailand is the last block
    assert (
        o.loc[o.partner == "WLD", "value_usd_m"].item()
        == (_blocks(_xlsx(mod.STOCKS))[("Thailand", "Total countries [99]")][-1])
    )


def test_asean_inflows_japan_and_total_2022() -> None:
    x = _blocks(_xlsx(mod.FLOWS))
    o = _obs("ASEAN", "fdi_inflow", 2022).set_index("partner")["value_usd_m"]
    assert o["JPN"] == x[("ASEAN", "Japan [JP]")][-1]
    assert o["WLD"] == x[("ASEAN", "Total countries [99]")][-1]
    assert o["EU"] == x[("ASEAN", "Total EU-27 [EU27]")][-1]
    assert round(o["JPN"]) == 27215 and round(o["WLD"]) == 225794
    # ASEAN's own Total ASEAN row (intra-ASEAN) is kept (never ranked, see below); members too
    assert o["ASEAN"] == x[("ASEAN", "Total ASEAN [00]")][-1]
    assert {"SGP", "THA", "MYS"} <= set(o.index)


# --- traps, each by its rule ------------------------------------------------------------------
def test_host_is_carried_down_to_every_row_of_its_block() -> None:
    parsed = _built()[0]
    stocks = parsed[parsed.file == mod.STOCKS]
    rows = _xlsx(mod.STOCKS)
    firsts = [i for i, r in enumerate(rows) if i > 2 and r[0]]
    sizes = [b - a for a, b in zip(firsts, [*firsts[1:], len(rows)], strict=True)]
    for (host, size), first in zip(
        zip([rows[i][0] for i in firsts], sizes, strict=True), firsts, strict=True
    ):
        labels = {r[1] for r in rows[first : first + size]}
        assert set(stocks.loc[stocks.host == host, "label"]) <= labels
    assert {"THA", "IDN", "KHM"} <= set(_built()[1].country.astype(str))
    # Japan's row sits in every host's block and in no other host's
    assert stocks[stocks.label == "Japan [JP]"].groupby("host").size().max() == 9


def test_zero_is_not_reported() -> None:
    parsed, obs = _built()
    assert (obs.value_usd_m != 0).all()
    assert (parsed.value_usd_m == 0).sum() > 1000  # the trap is in the data
    sgp = _blocks(_xlsx(mod.STOCKS))
    assert sgp[("Singapore", "China [CN]")][-1] == 0 and sgp[("Singapore", "China [CN]")][-2] > 0
    assert "CHN" not in set(_obs("SGP", "fdi_inward_stock", 2022).partner)
    assert "CHN" in set(_obs("SGP", "fdi_inward_stock", 2021).partner)


def test_host_years_without_breakdown_keep_only_their_total() -> None:
    """The rule, derived independently from openpyxl's cells: a host-year whose country rows
    (not Total/Unspecified/International/Other) are all empty or 0 has only its WLD row."""
    rows = _xlsx(mod.STOCKS)
    years = _years(rows)
    codes = {"Brunei Darussalam": "BRN", "Cambodia": "KHM", "Indonesia": "IDN"}
    codes |= {"Malaysia": "MYS", "Myanmar": "MMR", "Philippines": "PHL"}
    codes |= {"Singapore": "SGP", "Thailand": "THA"}
    aggregate = ("Total", "Unspecified", "International", "Other")
    without = set()
    for host, code in codes.items():
        cells = [v for (h, lab), v in _blocks(rows).items() if h == host]
        labels = [lab for (h, lab) in _blocks(rows) if h == host]
        for j, y in enumerate(years):
            vals = [
                v[j]
                for lab, v in zip(labels, cells, strict=True)
                if not lab.startswith(aggregate) and v[j] not in ("", None, 0)
            ]
            if not vals:
                without.add((code, y))
    assert {("PHL", y) for y in years} | {("MMR", 2014), ("MMR", 2015)} == without
    obs, ranks = _built()[1], _rankings()
    for code, y in without:
        o = _obs(code, "fdi_inward_stock", y)
        assert list(o.partner) == ["WLD"] and o.value_usd_m.item() > 0
        assert not ((ranks.country == code) & (ranks.year == y)).any()
    assert not (ranks.country == "PHL").any()  # a gap, never zeros
    assert (obs.country == "PHL").sum() == len(years)


def test_aggregates_and_blocs_by_their_mapping_kind() -> None:
    obs = _built()[1]
    stk = _obs("THA", "fdi_inward_stock", 2019).set_index("partner")["value_usd_m"]
    x = _blocks(_xlsx(mod.STOCKS))
    assert stk["EU"] == x[("Thailand", "Total EU-28 [EU28]")][5]  # 2019: EU-28, with the UK
    assert stk["ASEAN"] == x[("Thailand", "Total ASEAN [00]")][5]
    assert stk["WLD"] == x[("Thailand", "Total countries [99]")][5]
    assert x[("Thailand", "Total EU-27 [EU27]")][5] not in set(obs.value_usd_m)
    assert "" not in set(obs.partner.astype(str))  # Unspecified / International: dropped
    ranks = _rankings()
    tha = ranks[(ranks.country == "THA") & (ranks.year == 2022)]
    blocs = tha[tha.variant == "blocs"]
    assert {"ASEAN", "EU"} <= set(blocs.partner) and not ({"SGP", "DEU"} & set(blocs.partner))
    assert not ({"ASEAN", "EU", "WLD"} & set(tha[tha.variant == "countries"].partner))


# --- the EU of each year; intra-ASEAN FDI kept, never ranked --------------------------------
def _csv_cells(file: str) -> dict[tuple[str, str], dict[int, float | None]]:
    """(host, label) -> year -> the CSV's number (text read with the csv module), host carried."""
    c = _csv(file)
    header = next(i for i, r in enumerate(c) if r[0] == "Host Country")
    years = [int(y) for y in c[header][2:]]
    out, host = {}, None
    for r in c[header + 1 :]:
        host = r[0].strip() or host
        out[(host, r[1].strip())] = {
            y: float(t.replace(" ", "")) if t else None for y, t in zip(years, r[2:], strict=True)
        }
    return out


def test_the_eu_of_each_year_is_the_row_of_its_membership() -> None:
    """ASEANstats publishes EU-28 (with the UK, 2010-2019) and EU-27 (without it): the EU of a
    year is the row whose members are the EU's of that year (data/blocs.csv: the UK a member to
    31 January 2020), found from the membership data and the rows published, not a list of
    years; the members of that row are the ones left out of variant ``blocs``."""
    from analysis.countries import bloc_row_of_year, members_in, published_members

    c = _csv_cells(mod.FLOWS)
    eu27, eu28 = c[("ASEAN", "Total EU-27 [EU27]")], c[("ASEAN", "Total EU-28 [EU28]")]
    uk = c[("ASEAN", "United Kingdom [GB]")]
    # what the two rows hold, checked on the file: EU-28 = EU-27 + the UK row, every year
    for y, v in eu28.items():
        if v is not None:
            assert abs(v - eu27[y] - uk[y]) <= 0.015, y
    assert [y for y, v in eu28.items() if v is not None] == list(range(2010, 2020))
    o = _built()[1]
    eu = o[(o.country == "ASEAN") & (o.partner == "EU") & (o.measure == "fdi_inflow")]
    eu = eu.set_index("year")
    assert round(eu.loc[2015, "value_usd_m"], 2) == eu28[2015] == 20373.12
    assert eu.loc[2015, "flag"] == "EU28"
    assert round(eu.loc[2021, "value_usd_m"], 2) == eu27[2021] == 27898.65
    assert eu.loc[2021, "flag"] == "EU27"
    # every EU value of both tables: its row is EU-28 exactly where the UK was a member
    every = o[o.partner == "EU"]
    assert len(every) > 60
    for y, flag in zip(every["year"], every["flag"].astype(str), strict=True):
        assert flag == ("EU28" if "GBR" in members_in("EU", int(y)) else "EU27"), (y, flag)
    # the rule itself: the row that matches the year's members, else the nearest
    rows = {"EU27", "EU28"}
    assert bloc_row_of_year(mod.NAME, "EU", 2015, rows) == "EU28"
    assert published_members(mod.NAME, "EU", 2015, "EU28") == members_in("EU", 2015)
    assert bloc_row_of_year(mod.NAME, "EU", 2021, rows) == "EU27"
    assert published_members(mod.NAME, "EU", 2021, "EU27") == members_in("EU", 2021)
    # 2010-2012: EU-28 holds Croatia (a member from 1 July 2013), one apart; EU-27 two apart
    assert bloc_row_of_year(mod.NAME, "EU", 2011, rows) == "EU28"
    assert published_members(mod.NAME, "EU", 2011, "EU28") ^ members_in("EU", 2011) == {"HRV"}
    assert bloc_row_of_year(mod.NAME, "EU", 2015, {"EU27"}) == "EU27"  # only what is published
    # the ranking: the UK inside the EU in 2015, a partner of its own in 2021
    r = _rankings()
    blocs = r[(r.country == "ASEAN") & (r.variant == "blocs") & (r.measure == "fdi_inflow")]
    b15 = blocs[blocs.year == 2015].set_index("partner")
    b21 = blocs[blocs.year == 2021].set_index("partner")
    assert "GBR" not in b15.index and "GBR" in b21.index
    assert b21.loc["GBR", "value_usd_m"] == pytest.approx(uk[2021], abs=0.005)
    assert b15.loc["EU", "rank"] == 2 and b15.loc["JPN", "rank"] == 3  # USA 22,912.5 first
    # stocks too: Thailand 2015, EU-28 (UK inside); 2021, EU-27 (UK beside it)
    s = _csv_cells(mod.STOCKS)
    tha = r[(r.country == "THA") & (r.variant == "blocs") & (r.measure == "fdi_inward_stock")]
    t15 = tha[tha.year == 2015].set_index("partner")
    t21 = tha[tha.year == 2021].set_index("partner")
    assert round(t15.loc["EU", "value_usd_m"], 2) == s[("Thailand", "Total EU-28 [EU28]")][2015]
    assert round(t21.loc["EU", "value_usd_m"], 2) == s[("Thailand", "Total EU-27 [EU27]")][2021]
    assert "GBR" not in t15.index and "GBR" in t21.index


def test_croatia_inside_the_eu28_row_before_it_joined_is_said() -> None:
    from analysis.caveats import bloc_row_lines

    o = _built()[1]
    eu = pd.Series(["EU", "JPN"])
    lines = bloc_row_lines(o, mod.NAME, "fdi_inflow", "ASEAN", 2011, eu)
    assert len(lines) == 1 and "EU28" in lines[0] and "Croatia, not a member in 2011" in lines[0]
    assert bloc_row_lines(o, mod.NAME, "fdi_inflow", "ASEAN", 2015, eu) == []
    assert bloc_row_lines(o, mod.NAME, "fdi_inflow", "ASEAN", 2021, eu) == []


def test_intra_asean_fdi_is_kept_shown_and_never_ranked() -> None:
    """ASEAN's own 'Total ASEAN' row (members investing in ASEAN) is partner ASEAN of ASEAN:
    kept with no rank, as trade keeps intra-ASEAN trade, and stated under ``rank ASEAN``; the
    ranks of the sources outside ASEAN are those without it."""
    from analysis import query

    c = _csv_cells(mod.FLOWS)
    intra = c[("ASEAN", "Total ASEAN [00]")]
    assert intra[2022] == 28081.25 and intra[2015] == 20819.28
    r = _rankings()
    blocs = r[(r.country == "ASEAN") & (r.variant == "blocs") & (r.measure == "fdi_inflow")]
    own = blocs[blocs.partner == "ASEAN"].set_index("year")
    assert sorted(own.index) == list(range(2010, 2023)) and own["rank"].isna().all()
    for y, v in intra.items():
        assert round(own.loc[y, "value_usd_m"], 2) == v, y
    total = c[("ASEAN", "Total countries [99]")][2022]
    assert own.loc[2022, "share"] == pytest.approx(intra[2022] / total, abs=1e-6)
    # the other ranks are those of the observations without the intra-ASEAN row
    o = _built()[1]
    without = rank(o[~((o.country == "ASEAN") & (o.partner == "ASEAN"))])
    w = without[(without.country == "ASEAN") & (without.variant == "blocs")]
    w = w[w.measure == "fdi_inflow"]
    key = ["year", "partner"]
    a = blocs[blocs.partner != "ASEAN"].sort_values(key).reset_index(drop=True)
    b = w.sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b, check_categorical=False)
    jpn = a[a.partner == "JPN"].set_index("year")["rank"]
    assert jpn[2022] == 2 and jpn[2015] == 3
    # the answer: Japan 2nd in 2022, with intra-ASEAN beside it (it would be 2nd, ahead of Japan)
    t = query.rank_table("ASEAN", measure="fdi_inflow", year=2022, top=3)
    assert t.loc[2, "partner"] == "JPN" and t.attrs["dataset"] == mod.NAME
    note = next(n for n in t.attrs["notes"] if "intra-ASEAN" in n)
    assert f"US$ {own.loc[2022, 'value_usd_m']:,.1f} million" in note
    assert "would be 2nd, ahead of Japan (27,215.0)" in note
    assert f"{100 * intra[2022] / total:.1f}% of the total" in note


# --- cross-checks with the per-host totals -----------------------------------------------------
def test_per_host_inflow_totals_agree_with_asean_total() -> None:
    """The "to ASEAN Countries" file: the ten hosts sum to its Grand Total, which equals ASEAN's
    Total countries row (the WLD observation) every year 2010-2022."""
    rows = _xlsx(mod.HOST_TOTALS)
    years = _years(rows)
    hosts = _blocks(rows, width=1)
    grand = hosts.pop(("Grand Total", ""))
    assert len(hosts) == 10
    for j, y in enumerate(years):
        total = _obs("ASEAN", "fdi_inflow", y).set_index("partner")["value_usd_m"]["WLD"]
        assert abs(sum(v[j] for v in hosts.values()) - grand[j]) < 1e-6
        assert abs(grand[j] - total) < 1e-6, y
    c = {r[0].strip(): r[1:] for r in _csv(mod.HOST_TOTALS)[2:]}
    assert c["Grand Total"][-1] == "225 794.0"


# --- the ranking of a real case ---------------------------------------------------------------
def test_thailand_2022_ranks_follow_the_raw_value_order() -> None:
    x = _blocks(_xlsx(mod.STOCKS))
    aggregate = ("Total", "Unspecified", "International", "Other")
    tha = sorted(
        ((v[-1], lab) for (h, lab), v in x.items() if h == "Thailand" and v[-1]),
        reverse=True,
    )
    top = [mod.split_label(lab)[1] for v, lab in tha if not lab.startswith(aggregate)][:5]
    assert top == ["JP", "SG", "HK", "US", "NL"]
    r = _rankings()
    r = r[
        (r.country == "THA")
        & (r.year == 2022)
        & (r.variant == "countries")
        & (r.measure == "fdi_inward_stock")
    ]
    assert list(r.partner[:5]) == ["JPN", "SGP", "HKG", "USA", "NLD"]
    assert r.set_index("partner")["rank"]["JPN"] == 1
    assert r.n_partners.iloc[0] == sum(
        1 for v, lab in tha if v > 0 and not lab.startswith(aggregate)
    )


# --- bad input: mutated copies of the real files ---------------------------------------------
def _copy(tmp_path: Path) -> Path:
    for f in (mod.STOCKS, mod.FLOWS):
        shutil.copy(need(FOLDER / f), tmp_path / f)
    return tmp_path


def _mutate(path: Path, find: str, col: int, value: object) -> None:
    """Set column ``col`` (1-based) of the first row whose column B is ``find``."""
    import openpyxl

    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    for row in ws.iter_rows():
        if row[1].value == find:
            row[col - 1].value = value
            break
    else:
        raise AssertionError(find)
    wb.save(path)


def _build(folder: Path) -> pd.DataFrame:
    raw = raw_files(mod.SOURCE, folder)
    return mod.to_observations(mod.parse(raw), raw, None)


def test_text_in_the_portal_number_format_is_read(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _mutate(folder / mod.FLOWS, "Japan [JP]", 15, "27 215.03")
    o = _build(folder)
    j = o[(o.country == "ASEAN") & (o.partner == "JPN") & (o.year == 2022)]
    assert j.value_usd_m.item() == 27215.03


@pytest.mark.parametrize(
    ("file", "find", "col", "value", "match"),
    [
        (mod.STOCKS, "Source Country", 2, "Partner", "no header row"),
        (mod.FLOWS, "Japan [JP]", 15, "n/a", "not numbers"),
        (mod.STOCKS, "Japan [JP]", 2, "Atlantis [XA]", "Atlantis"),
        (mod.STOCKS, "Japan [JP]", 2, "Japan [JM]", "ISO2"),
        (mod.STOCKS, "Japan [JP]", 1, "Brunei Darussalam", "second block"),
        # a third EU row the mapping knows nothing of: which members it holds is not known
        (mod.FLOWS, "Total EU-28 [EU28]", 2, "Total EU-28 [EU29]", "not described"),
    ],
)
def test_bad_input_names_the_file(
    tmp_path: Path, file: str, find: str, col: int, value: str, match: str
) -> None:
    folder = _copy(tmp_path)
    _mutate(folder / file, find, col, value)
    with pytest.raises(SourceError, match=match) as err:
        _build(folder)
    assert err.value.source == "aseanstats_fdi"
    assert file in err.value.where


def test_missing_and_empty_files(tmp_path: Path) -> None:
    import openpyxl

    folder = _copy(tmp_path)
    (folder / mod.FLOWS).unlink()
    with pytest.raises(SourceError, match="missing") as err:
        _build(folder)
    assert mod.FLOWS in err.value.where
    wb = openpyxl.Workbook()
    wb.save(folder / mod.FLOWS)
    with pytest.raises(SourceError, match="no header row") as err:
        _build(folder)
    assert mod.FLOWS in err.value.where
    (folder / mod.FLOWS).write_bytes(b"not a workbook")
    with pytest.raises(SourceError, match="not a readable workbook"):
        _build(folder)
