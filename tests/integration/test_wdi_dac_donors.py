"""World Bank WDI net bilateral ODA by DAC donor (DDF republication): layout, values read by an
independent reader (the csv module) and checked against NOTES.md and the QWIDS export, the
traps (the DAC total is no donor, EU institutions, negative flows), bad input naming the file,
and how it answers the headline."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from analysis import headline, query
from analysis.errors import SourceError
from analysis.sources import wdi_dac_donors as wdi
from analysis.sources.spec import raw_files

from ..conftest import SHARED, need

FOLDER = SHARED / "worldbank_wdi_dac_donors"


@pytest.fixture(scope="module")
def parsed():
    raw = raw_files(wdi.SOURCE, need(FOLDER))
    return raw, wdi.parse(raw)


def _csv_value(code: str, geo: str, year: int) -> float:
    """A cell read with the csv module alone, in US$ million."""
    path = need(FOLDER / f"ddf--datapoints--dc_dac_{code}l_cd--by--geo--time.asean.csv")
    with open(path, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["geo"] == geo and int(row["time"]) == year:
                return float(row[f"dc_dac_{code}l_cd"]) / 1e6
    raise AssertionError(f"{path.name}: no {geo} {year}")


def test_layout_donors_and_the_total(parsed) -> None:
    raw, d = parsed
    assert len(raw.files) == 31  # 29 DAC countries, EU institutions, the DAC total
    assert set(d["donor"]) >= {"JPN", "USA", "EUI"} and "" not in set(d["donor"])
    assert len(set(d["donor"])) == 30  # the total (tot) is read, checked and never a donor
    assert set(d["recipient"]) == {"IDN", "KHM", "LAO", "MMR", "MYS", "PHL", "THA", "VNM"}
    assert (d["year"].min(), d["year"].max()) == (2000, 2023)


def test_values_match_notes_and_an_independent_reader(parsed) -> None:
    """NOTES.md: Japan -> Viet Nam 2018 203.75 ... 2023 149.31 (negative in 2021-2022: real
    repayments), United States -> Viet Nam 2023 211.94."""
    _, d = parsed
    jpn = d[(d["donor"] == "JPN") & (d["recipient"] == "VNM")].set_index("year")["value_usd_m"]
    expected = {2018: 203.75, 2019: 148.63, 2020: 75.18, 2021: -163.19, 2022: -168.69, 2023: 149.31}
    assert {y: jpn[y] for y in expected} == expected
    for year, value in expected.items():
        assert _csv_value("jpn", "vnm", year) == pytest.approx(value, abs=0.005)
    usa = d[(d["donor"] == "USA") & (d["recipient"] == "VNM") & (d["year"] == 2023)]
    assert usa["value_usd_m"].iat[0] == 211.94


def test_same_concept_as_the_qwids_export() -> None:
    """Every 2002-2019 donor-recipient-year in both equals the QWIDS export's net ODA to US$
    10,000, but for the later revisions NOTES.md lists (5 cells)."""
    obs = query.observations()
    keys = ["country", "partner", "year"]

    def net(name: str):
        o = obs[(obs["dataset"] == name) & (obs["measure"] == "oda_received_net_current")]
        o = o[o["partner"] != "WLD"]
        return o.assign(**{k: o[k].astype(str) for k in keys[:2]}).set_index(keys)["value_usd_m"]

    both = (
        net("wdi_dac_donors").to_frame("wdi").join(net("oecd_dac2a_qwids").rename("q"), how="inner")
    )
    assert len(both) > 2000
    differ = both[(both["wdi"] - both["q"]).abs() > 0.011]
    assert sorted(differ.index.tolist()) == [
        ("IDN", "CHE", 2019),
        ("IDN", "NLD", 2019),
        ("MMR", "NOR", 2018),
        ("MMR", "NOR", 2019),
        ("VNM", "GBR", 2019),
    ]


def test_ranked_among_dac_donors_with_no_share() -> None:
    r = query.rankings()
    d = r[r["dataset"] == "wdi_dac_donors"]
    assert set(d["partner_set"].astype(str)) <= {"dac_donors_eui", "bilateral"}
    assert d["share"].isna().all() and "WLD" not in set(d["partner"].astype(str))
    t = query.rank_table("VNM", measure="oda_received_net_current", year=2023, top=3)
    assert t.attrs["dataset"] == "wdi_dac_donors" and list(t["partner"]) == ["USA", "JPN", "KOR"]
    assert "among DAC donors and EU institutions" in t.attrs["title"]
    assert any("World Bank IDA" in n for n in t.attrs["notes"])  # the largest absent donor
    assert headline.restricted("wdi_dac_donors", "oda_received_net_current")


@pytest.mark.parametrize(
    "name,text,message",
    [
        ("ddf--datapoints--dc_dac_xyzl_cd--by--geo--time.asean.csv", "geo,time,dc_dac_xyzl_cd\n", "unknown WDI donor code 'xyz'"),
        ("ddf--datapoints--dc_dac_jpnl_cd--by--geo--time.asean.csv", "geo,year,value\nvnm,2020,1\n", "expected the header geo,time,dc_dac_jpnl_cd"),
        ("ddf--datapoints--dc_dac_jpnl_cd--by--geo--time.asean.csv", "geo,time,dc_dac_jpnl_cd\nvnm,2020,n/a\n", "not a number"),
        ("ddf--datapoints--dc_dac_jpnl_cd--by--geo--time.asean.csv", "<html><body>Error</body></html>", "expected the header"),
    ],
)  # fmt: skip
def test_bad_files_name_the_file(tmp_path: Path, name: str, text: str, message: str) -> None:
    shutil.copy(need(FOLDER / "ddf--datapoints--dc_dac_usal_cd--by--geo--time.asean.csv"), tmp_path)
    (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(SourceError, match=message) as err:
        wdi.parse(raw_files(wdi.SOURCE, tmp_path))
    assert name in str(err.value)
