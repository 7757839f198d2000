"""ODA sources and rankings on the real DAC2a files, and the two recorded extracts cross-checked."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.errors import SourceError
from analysis.sources import oecd_dac2a_bilateral, oecd_dac2a_qwids

from ..conftest import SHARED, need


@pytest.fixture(scope="module")
def qwids_dir() -> Path:
    return need(SHARED / "oecd_dac2a_2002_2019")


@pytest.fixture(scope="module")
def rda() -> Path:
    return need(SHARED / "oecd_dac2a_bilateral_2009_2022" / "OECD.rda")


@pytest.fixture(scope="module")
def qwids(qwids_dir: Path) -> pd.DataFrame:
    return oecd_dac2a_qwids.read_folder(qwids_dir)


@pytest.fixture(scope="module")
def bilateral(rda: Path) -> pd.DataFrame:
    return oecd_dac2a_bilateral.read_rda(rda)


def _cell(qwids: pd.DataFrame, recipient: str, donor: str, year: int) -> float:
    hit = qwids[
        (qwids["recipient"] == recipient) & (qwids["donor"] == donor) & (qwids["year"] == year)
    ]
    assert len(hit) == 1
    return float(hit["value_usd_m"].iat[0])


def _raw_row(path: Path, recipient: str) -> tuple[list[str], list[str]]:
    table = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    return table[0], next(r for r in table if r[0] == recipient)


def test_shifted_header_years_are_realigned(qwids: pd.DataFrame, qwids_dir: Path) -> None:
    header, row = _raw_row(qwids_dir / "ODA-2004-DAC2a.csv", "Viet Nam")
    assert len(header) == len(row) + 1  # the defect: one stray header cell
    naive = row[header.index("Japan")]  # reading the header as is puts the next donor under Japan
    aligned = row[header.index("Japan") - 1]
    assert _cell(qwids, "Viet Nam", "Japan", 2004) == float(aligned) == 615.33
    assert float(naive) != 615.33
    # a year without the defect is read as is
    header, row = _raw_row(qwids_dir / "ODA-2019-DAC2a.csv", "Viet Nam")
    assert len(header) == len(row)
    assert _cell(qwids, "Viet Nam", "Japan", 2019) == float(row[header.index("Japan")])


def test_every_year_satisfies_the_table_identity(qwids: pd.DataFrame) -> None:
    wide = qwids[qwids["recipient"] == "Viet Nam"].pivot_table(
        index="year", columns="donor", values="value_usd_m"
    )
    parts = wide[
        ["DAC Countries, Total", "Non-DAC Countries, Total", "Multilateral Agencies, Total"]
    ]
    assert np.allclose(wide["Official Donors, Total"], parts.fillna(0).sum(axis=1), atol=0.5)
    assert sorted(wide.index) == list(range(2002, 2020))


def test_unreconcilable_header_is_an_error(qwids_dir: Path, tmp_path: Path) -> None:
    lines = (qwids_dir / "ODA-2010-DAC2a.csv").read_text(encoding="utf-8-sig").splitlines(True)
    header = next(csv.reader([lines[0]]))
    header.remove("Japan")  # one donor label lost: every later column would shift
    buf = io.StringIO()
    csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\n").writerow(header)
    bad = tmp_path / "ODA-2010-DAC2a.csv"
    bad.write_text(buf.getvalue() + "".join(lines[1:]), encoding="utf-8")
    with pytest.raises(SourceError, match="cannot be reconciled") as err:
        oecd_dac2a_qwids.parse_file(bad)
    assert "oecd_dac2a_qwids" in str(err.value) and "ODA-2010-DAC2a.csv" in str(err.value)


def test_unknown_donor_label_is_an_error(qwids_dir: Path, tmp_path: Path) -> None:
    text = (qwids_dir / "ODA-2019-DAC2a.csv").read_text(encoding="utf-8-sig")
    bad = tmp_path / "ODA-2019-DAC2a.csv"
    bad.write_text(text.replace('"Japan"', '"Nippon"', 1), encoding="utf-8")
    with pytest.raises(SourceError, match="cannot be reconciled"):
        oecd_dac2a_qwids.parse_file(bad)


def test_bilateral_extract_gross_and_net(bilateral: pd.DataFrame) -> None:
    vn = bilateral[
        (bilateral["recipient"] == "Viet Nam")
        & (bilateral["donor"] == "Japan")
        & (bilateral["year"] == 2015)
    ]
    got = dict(zip(vn["flow"], vn["value_usd_m"], strict=True))
    assert got == {"gross": 1332.32, "net": 1009.35}
    assert (bilateral["value_usd_m"] > 0).all()  # the extract holds no zero or negative values
    idn = bilateral[(bilateral["recipient"] == "Indonesia") & (bilateral["donor"] == "Japan")]
    # Japan's net ODA to Indonesia is below zero most years: absent here, not zero
    assert set(idn.loc[idn["flow"] == "gross", "year"]) - set(idn.loc[idn["flow"] == "net", "year"])


def test_changed_columns_in_the_r_file(tmp_path: Path) -> None:
    import pyreadr

    df = pd.DataFrame(
        {
            "Recipient": ["Viet Nam"],
            "Donor": ["Japan"],
            "Aid": ["ODA: Total Net"],
            "Amount type": ["x"],
            "Year": [2015.0],
            "Value": [1.0],
        }
    )  # hand-built
    path = tmp_path / "OECD.rda"
    pyreadr.write_rdata(str(path), df, df_name="OECD")
    with pytest.raises(SourceError, match="changed columns: missing \\['Aid type'\\]"):
        oecd_dac2a_bilateral.read_rda(path)


def test_two_extracts_differ_only_by_each_donors_deflator(qwids, bilateral) -> None:
    """Net current (QWIDS) / net constant 2022 (extract) is one factor per donor and year."""
    net = bilateral[bilateral["flow"] == "net"]
    both = qwids.merge(net, on=["recipient", "donor", "year"], suffixes=("_cur", "_const"))
    both = both[(both["value_usd_m_cur"] > 20) & (both["value_usd_m_const"] > 20)]
    ratio = both["value_usd_m_cur"] / both["value_usd_m_const"]
    spread = ratio.groupby([both["donor"], both["year"]]).agg(lambda r: r.max() / r.min() - 1)
    assert len(spread) > 200
    assert (spread < 0.01).mean() > 0.97  # within 1% for nearly every donor-year
    japan = spread.xs("Japan", level="donor")
    assert (japan < 0.01).all()


@pytest.fixture(scope="module")
def oda_rankings(qwids, bilateral):
    from analysis.observations import concat
    from analysis.rank import RankSettings, rank
    from analysis.sources.dac_table import observations

    obs = concat(
        [
            observations(qwids, "oecd_dac2a_qwids", "oecd_dac2a_qwids", "current", "q"),
            observations(
                bilateral, "oecd_dac2a_bilateral", "oecd_dac2a_bilateral", "const2022", "b"
            ),
        ]
    )
    return rank(obs, RankSettings(frozenset({"VNM", "IDN", "JPN"})))


def _r(r, **kw):
    m = np.ones(len(r), bool)
    for k, v in kw.items():
        m &= (
            r[k].astype(str) if isinstance(r[k].dtype, pd.CategoricalDtype) else r[k]
        ).to_numpy() == v
    return r[m]


def test_japan_top_donor_of_viet_nam_2004(oda_rankings) -> None:
    r = _r(
        oda_rankings,
        dataset="oecd_dac2a_qwids",
        measure="oda_received_net_current",
        variant="all",
        country="VNM",
        year=2004,
    )
    top = r.nsmallest(3, "rank")
    assert top["partner"].astype(str).iat[0] == "JPN" and top["value_usd_m"].iat[0] == 615.33
    assert (r["partner"].astype(str) != "WLD").all()


def test_negative_net_flows_are_kept_unranked(oda_rankings) -> None:
    r = _r(
        oda_rankings,
        dataset="oecd_dac2a_qwids",
        measure="oda_received_net_current",
        variant="all",
        country="IDN",
        year=2015,
        partner="JPN",
    )
    assert r["value_usd_m"].iat[0] == pytest.approx(-999.12) and pd.isna(r["rank"].iat[0])
    gross = _r(
        oda_rankings,
        dataset="oecd_dac2a_bilateral",
        measure="oda_received_gross_const2022",
        variant="bilateral",
        country="IDN",
        year=2015,
        partner="JPN",
    )
    assert gross["rank"].iat[0] == 1  # in gross terms Japan is Indonesia's largest bilateral donor


def test_variants(oda_rankings) -> None:
    base = dict(
        dataset="oecd_dac2a_qwids", measure="oda_received_net_current", country="VNM", year=2015
    )
    all_ = set(_r(oda_rankings, variant="all", **base)["partner"].astype(str))
    bil = set(_r(oda_rankings, variant="bilateral", **base)["partner"].astype(str))
    grp = set(_r(oda_rankings, variant="grouped", **base)["partner"].astype(str))
    assert "IDA" in all_ and "WBG" not in all_
    assert "WBG" in grp and "IDA" not in grp
    assert "JPN" in bil and not bil & {"IDA", "EUI", "WBG"}


def test_japan_largest_recipients(oda_rankings) -> None:
    r = _r(
        oda_rankings,
        dataset="oecd_dac2a_qwids",
        measure="oda_given_net_current",
        country="JPN",
        year=2015,
    )
    top = r.nsmallest(2, "rank")
    assert top["partner"].astype(str).tolist() == ["VNM", "IND"]
    assert top["value_usd_m"].iat[0] == 1074.92
