"""ODA numbers that mislead: donors ranked on constant prices within a year, and donors missing
from a whole source. On the real DAC2a files (and one focus build, in memory)."""

from __future__ import annotations

import pandas as pd
import pytest

from ..conftest import SHARED, need
from ..unit.test_oda_prices import _sel

QWIDS, BILATERAL, WDI = "oecd_dac2a_qwids", "oecd_dac2a_bilateral", "wdi_dac_donors"


@pytest.fixture(scope="module")
def build(focus_build):
    """The focus snapshot built from ../shared/data, in memory (the session's one build)."""
    need(SHARED / "oecd_dac2a_2002_2019")
    need(SHARED / "oecd_dac2a_bilateral_2009_2022" / "OECD.rda")
    return focus_build


@pytest.fixture(scope="module")
def oda_obs():
    """Every recipient's ODA observations from the two recorded DAC2a extracts (all countries)
    and WDI's net current-price series (the eight ASEAN recipients)."""
    from analysis.observations import concat
    from analysis.pipeline import _observe, find_inputs
    from analysis.sources import REGISTRY

    need(SHARED / "oecd_dac2a_2002_2019")
    need(SHARED / "oecd_dac2a_bilateral_2009_2022" / "OECD.rda")
    need(SHARED / "worldbank_wdi_dac_donors")
    inputs = [r for r in find_inputs([QWIDS, BILATERAL, WDI])]
    assert {r.source for r in inputs} == {QWIDS, BILATERAL, WDI}
    return concat([_observe(REGISTRY[r.source], r, None) for r in inputs])


# defect 2: within a year, donors are ranked on current prices
def test_deflator_is_one_factor_per_donor_year_across_recipients(oda_obs) -> None:
    """The ratio of sums is the ratio of every sizeable recipient, within rounding."""
    from analysis.oda_prices import deflators

    d = deflators(oda_obs, BILATERAL, QWIDS)
    assert sorted(d["year"].unique()) == list(range(2009, 2020))  # the two extracts' overlap
    k = ["country", "partner", "year"]
    cur = _sel(oda_obs, dataset=QWIDS, measure="oda_received_net_current")
    con = _sel(oda_obs, dataset=BILATERAL, measure="oda_received_net_const2022")
    both = cur.assign(**{c: cur[c].astype(str) for c in k[:2]})[k + ["value_usd_m"]].merge(
        con.assign(**{c: con[c].astype(str) for c in k[:2]})[k + ["value_usd_m"]],
        on=k,
        suffixes=("_cur", "_const"),
    )
    both = both[(both["value_usd_m_cur"] > 20) & (both["value_usd_m_const"] > 20)]
    both = both.merge(d.rename(columns={"donor": "partner"}), on=["partner", "year"])
    off = (both["value_usd_m_const"] / both["value_usd_m_cur"] / both["deflator"] - 1).abs()
    assert len(both) > 3000
    assert (off < 0.01).mean() > 0.99
    assert (off[both["partner"] == "JPN"] < 0.01).all()
    jpn = d.set_index(["donor", "year"])["deflator"]
    # the yen's fall after 2012: Japan's 2009 dollars are worth fewer 2022 dollars; the US's more
    assert jpn[("JPN", 2009)] < 0.75 and jpn[("USA", 2009)] > 1.3


def test_a_second_current_price_source_extends_the_deflators(oda_obs) -> None:
    """WDI's net current prices (the same DAC table) give the deflators after the QWIDS
    export ends (2020-2022), without changing the years QWIDS gives; each is one factor per
    donor-year across the ASEAN recipients, as for QWIDS."""
    from analysis.oda_prices import deflators, deflators_from

    both = deflators_from(oda_obs, BILATERAL, (QWIDS, WDI))
    qwids = deflators(oda_obs, BILATERAL, QWIDS)
    early = both[both["year"] <= 2019].drop(columns="current_dataset").reset_index(drop=True)
    pd.testing.assert_frame_equal(early, qwids.reset_index(drop=True), check_dtype=False)
    late = both[(both["year"] >= 2020) & (both["year"] < 2022)]
    assert sorted(late["year"].unique()) == [2020, 2021]
    assert set(late["current_dataset"]) == {WDI}
    assert {"JPN", "USA", "KOR", "AUS", "FRA", "DEU"} <= set(late["donor"])
    k = ["country", "partner", "year"]
    cur = _sel(oda_obs, dataset=WDI, measure="oda_received_net_current")
    con = _sel(oda_obs, dataset=BILATERAL, measure="oda_received_net_const2022")
    pair = cur.assign(**{c: cur[c].astype(str) for c in k[:2]})[k + ["value_usd_m"]].merge(
        con.assign(**{c: con[c].astype(str) for c in k[:2]})[k + ["value_usd_m"]],
        on=k,
        suffixes=("_cur", "_const"),
    )
    pair = pair[(pair["value_usd_m_cur"] > 20) & (pair["value_usd_m_const"] > 20)]
    pair = pair.merge(late.rename(columns={"donor": "partner"}), on=["partner", "year"])
    off = (pair["value_usd_m_const"] / pair["value_usd_m_cur"] / pair["deflator"] - 1).abs()
    assert len(pair) > 80 and (off < 0.01).mean() > 0.95  # 2020-2021, values above 20 m
    # 2022 is the price base year: every donor's deflator is 1, non-DAC donors included;
    # WDI's own current prices agree within rounding for the DAC donors
    base = both[both["year"] == 2022]
    assert (base["deflator"] == 1.0).all() and {"THA", "ARE", "TUR"} <= set(base["donor"])
    wdi_2022 = deflators(oda_obs, BILATERAL, WDI)
    assert wdi_2022.loc[wdi_2022["year"] == 2022, "deflator"].between(0.99, 1.01).mean() > 0.9


def test_donors_are_ranked_on_current_prices_within_a_year(build) -> None:
    r, obs = build.rankings, build.observations
    kh = _sel(
        r,
        dataset=BILATERAL,
        measure="oda_received_gross_current",
        variant="bilateral",
        country="KHM",
        year=2009,
    ).set_index("partner")
    # constant 2022 US$: Japan 92.3 < US 93.6; at 2009 prices Japan gave far more
    assert kh.loc["JPN", "rank"] == 1 and kh.loc["USA", "rank"] > 1
    assert kh.loc["JPN", "value_usd_m"] > 1.5 * kh.loc["USA", "value_usd_m"]
    # derived observations are flagged and keep the dataset; constant prices stay for trends
    derived = _sel(obs, dataset=BILATERAL, measure="oda_received_gross_current")
    assert set(derived["flag"].astype(str)) == {"derived_current"}
    const = _sel(obs, dataset=BILATERAL, measure="oda_received_gross_const2022", country="KHM")
    assert _sel(const, partner="JPN", year=2009)["value_usd_m"].iat[0] == pytest.approx(
        92.3, abs=0.05
    )
    assert sorted(const["year"].unique()) == list(range(2009, 2023))
    # one price base per ranking: current where every donor has a deflator, else constant.
    # A donor ranks its recipients on current prices to 2022 (QWIDS, then WDI deflators); a
    # recipient's donors 2020-2022 stay at constant prices, as a non-DAC donor (Thailand,
    # the UAE, Türkiye...) has no deflator there
    b = _sel(r, dataset=BILATERAL)
    years = b.groupby(b["measure"].astype(str))["year"].agg(["min", "max"])
    for flow in ("net", "gross"):
        current = b[b["measure"].astype(str) == f"oda_received_{flow}_current"]
        const = b[b["measure"].astype(str) == f"oda_received_{flow}_const2022"]
        assert sorted(current["year"].unique())[-1] == 2022  # the base year: every donor priced
        assert set(const["year"].unique()) <= {2020, 2021}
        assert tuple(years.loc[f"oda_given_{flow}_current"]) == (2009, 2022)
    jp = _sel(r, dataset=BILATERAL, country="JPN", year=2021)
    assert set(jp["measure"].astype(str)) == {"oda_given_net_current", "oda_given_gross_current"}


# defect 5: a donor missing from a whole source is a recorded gap
def test_donor_absent_from_a_whole_source_is_a_recorded_gap(build, oda_obs) -> None:
    gaps = build.extras["gaps.csv"]
    assert list(gaps.columns) == [
        "dataset",
        "country",
        "partner",
        "first_year",
        "last_year",
        "reason",
    ]
    adb = gaps[(gaps["dataset"] == QWIDS) & (gaps["partner"] == "ASDB")]
    got = {
        c: (a, b)
        for c, a, b in zip(adb["country"], adb["first_year"], adb["last_year"], strict=True)
    }
    for c in ("VNM", "KHM", "LAO"):
        assert got[c] == (2002, 2011)
    assert set(gaps["country"]) <= set(build.observations["country"].astype(str))
    # the source's own total leaves the donor out: Laos 2009, 375.21 (OECD's published: 542.95)
    lao = _sel(oda_obs, dataset=QWIDS, measure="oda_received_net_current", country="LAO", year=2009)
    assert _sel(lao, partner="WLD")["value_usd_m"].iat[0] == pytest.approx(375.21)
    assert _sel(lao, partner="ASDB").empty
    # every recorded gap is a run of years in which the donor is absent from the whole dataset
    from analysis.gaps import donor_gaps

    every = donor_gaps(oda_obs)
    rec = oda_obs[oda_obs["measure"].astype(str).str.startswith("oda_received")]
    present = set(
        zip(rec["dataset"].astype(str), rec["partner"].astype(str), rec["year"], strict=True)
    )
    for ds, donor, a, b in (
        every[["dataset", "partner", "first_year", "last_year"]]
        .drop_duplicates()
        .itertuples(index=False)
    ):
        assert not any((ds, donor, y) in present for y in range(a, b + 1))


def test_donor_that_stops_or_starts_giving_to_one_recipient_is_not_a_gap(oda_obs) -> None:
    from analysis.gaps import donor_gaps

    every = donor_gaps(oda_obs)
    flagged = {
        (ds, c, p, y)
        for ds, c, p, a, b in every[
            ["dataset", "country", "partner", "first_year", "last_year"]
        ].itertuples(index=False)
        for y in range(a, b + 1)
    }
    rec = oda_obs[oda_obs["measure"].astype(str).str.startswith("oda_received")]
    rec = rec[rec["partner"].astype(str) != "WLD"]
    rec = pd.DataFrame(
        {
            "dataset": rec["dataset"].astype(str),
            "country": rec["country"].astype(str),
            "partner": rec["partner"].astype(str),
            "year": rec["year"].astype(int),
        }
    ).drop_duplicates()
    in_source = set(zip(rec["dataset"], rec["partner"], rec["year"], strict=True))
    pairs = set(zip(rec["dataset"], rec["country"], rec["partner"], rec["year"], strict=True))
    # a donor in the source that year, not giving to this recipient (it did before or after)
    first = rec.groupby(["dataset", "country", "partner"])["year"].agg(["min", "max"])
    one_recipient = [
        (ds, c, p, y)
        for (ds, c, p), (lo, hi) in first.iterrows()
        for y in range(lo - 3, hi + 4)
        if (ds, p, y) in in_source and (ds, c, p, y) not in pairs
    ]
    assert len(one_recipient) > 1000  # common in the real files
    assert not flagged & set(one_recipient)


def test_a_dataset_offered_for_a_year_answers_it_and_says_why_not_current() -> None:
    """`rank KHM --dataset oecd_dac2a_bilateral --year 2021` (the dataset the error message of
    the headline offers for 2021) answers at constant prices, and says which donors have no
    deflator that year."""
    from analysis.query import rank_table

    t = rank_table("KHM", dataset=BILATERAL, year=2021, top=3)
    assert t.attrs["title"].startswith("Cambodia's top donors by net ODA received (constant 2022")
    notes = " ".join(t.attrs["notes"])
    assert "ranked on oda_received_net_const2022 instead" in notes
    unpriced = next(n for n in t.attrs["notes"] if "no deflator can be derived" in n)
    assert "Thailand" in unpriced and "Japan" not in unpriced
