"""Blocs have the membership of each year; published bloc rows rank beside no member of theirs.

Rules (``countries.py``, ``data/blocs.csv``, ``data/bloc_rows.csv``):
- variant ``blocs``: a bloc's members in a year are those that were members on 1 July of it
  (ASEAN accessions, EEC/EU enlargements, the UK out from 2020); ``blocs_fixed``: today's
  members in every year. Belgium-Luxembourg (XBL) counts where both BEL and LUX do.
- FDI: a bloc row a source publishes is ranked with its published membership (the dated one
  unless ``bloc_rows.csv`` says otherwise; where a source publishes several rows of one bloc,
  the row the value's flag names), and a country row is dropped from ``blocs`` wherever a
  published bloc row of the same host-year contains it.

Every test reads the real data (``../shared/data``) through the in-memory focus build, except
``test_membership_years_follow_the_1_july_rule`` (the data file itself).
"""

from __future__ import annotations

import pandas as pd
import pytest


def _sel(r: pd.DataFrame, **kw) -> pd.DataFrame:
    m = pd.Series(True, index=r.index)
    for k, v in kw.items():
        m &= r[k] == v
    return r[m]


def _value(r: pd.DataFrame, partner: str) -> float:
    return float(r.loc[r["partner"] == partner, "value_usd_m"].sum())


@pytest.fixture(scope="module")
def ranked(focus_build) -> pd.DataFrame:
    r = focus_build.rankings
    r = r.assign(
        **{c: r[c].astype(str) for c in ("dataset", "measure", "variant", "basis", "country")},
        partner=r["partner"].astype(str),
    )
    return r


@pytest.fixture(scope="module")
def trade(ranked) -> pd.DataFrame:
    return ranked[(ranked["dataset"] == "imf_dots_xlsx") & (ranked["measure"] == "trade")]


def test_blocs_have_the_membership_of_each_year(trade) -> None:
    asean13 = _sel(trade, variant="blocs", basis="best", country="ASEAN", year=2013)
    top = asean13.dropna(subset=["rank"]).nsmallest(3, "rank")["partner"].tolist()
    assert top == ["CHN", "EU", "JPN"]  # the ASEAN Secretariat's order, with the EU-28 of 2013
    fixed13 = _sel(trade, variant="blocs_fixed", basis="best", country="ASEAN", year=2013)
    assert fixed13.dropna(subset=["rank"]).nsmallest(3, "rank")["partner"].tolist() == [
        "CHN",
        "JPN",
        "EU",
    ]
    # EU-28 in 2013 = EU-27 plus the UK, which is no partner of its own in 'blocs' that year
    assert _value(asean13, "EU") == pytest.approx(_value(fixed13, "EU") + _value(fixed13, "GBR"))
    assert "GBR" not in set(asean13["partner"])
    # 2020: the UK is out (not a member on 1 July 2020): the EU of 'blocs' is the EU-27
    asean20 = _sel(trade, variant="blocs", basis="best", country="ASEAN", year=2020)
    fixed20 = _sel(trade, variant="blocs_fixed", basis="best", country="ASEAN", year=2020)
    assert _value(asean20, "EU") == _value(fixed20, "EU")
    assert "GBR" in set(asean20["partner"])
    # every year, every economy: the blocs' partner rows are the sums of that year's members
    from analysis.countries import members_in

    jpn = _sel(trade, basis="reported", country="JPN")
    countries = jpn[jpn["variant"] == "countries"].pivot_table(
        index="year", columns="partner", values="value_usd_m", aggfunc="sum"
    )
    blocs = jpn[jpn["variant"] == "blocs"].pivot_table(
        index="year", columns="partner", values="value_usd_m", aggfunc="sum"
    )
    for year in blocs.index:
        for bloc in ("ASEAN", "EU"):
            members = [m for m in members_in(bloc, int(year)) if m in countries.columns]
            expected = countries.loc[year, members].sum()
            got = blocs.loc[year, bloc] if bloc in blocs.columns else float("nan")
            if expected > 0:
                assert got == pytest.approx(expected, rel=1e-12), (bloc, year)
            else:
                assert pd.isna(got), (bloc, year)
    # Viet Nam joined on 28 July 1995: its own partner before 1996, in ASEAN from 1996
    assert blocs.loc[1994, "VNM"] == countries.loc[1994, "VNM"]
    assert pd.isna(blocs.loc[1996, "VNM"]) if "VNM" in blocs.columns else True
    assert members_in("ASEAN", 1995) == frozenset({"BRN", "IDN", "MYS", "PHL", "SGP", "THA"})
    assert "VNM" in members_in("ASEAN", 1996)
    # ASEAN did not exist before its founding (8 August 1967): no ASEAN in 'blocs' before 1968
    bl = trade[trade["variant"] == "blocs"]
    assert bl.loc[(bl["country"] == "ASEAN") | (bl["partner"] == "ASEAN"), "year"].min() == 1968


def test_asean_economy_sums_the_members_of_the_year(trade) -> None:
    """ASEAN as an economy: dated members in 'blocs', today's ten in 'blocs_fixed'."""
    from analysis.countries import bloc_members, members_in

    best = trade[trade["basis"] == "best"]
    cj = best[(best["variant"] == "countries") & (best["partner"] == "JPN")]
    by = cj.pivot_table(index="year", columns="country", values="value_usd_m", aggfunc="sum")
    for variant in ("blocs", "blocs_fixed"):
        a = best[
            (best["variant"] == variant) & (best["country"] == "ASEAN") & (best["partner"] == "JPN")
        ].set_index("year")["value_usd_m"]
        for year, got in a.items():
            ms = members_in("ASEAN", int(year)) if variant == "blocs" else bloc_members()["ASEAN"]
            assert got == pytest.approx(by.loc[year, [m for m in ms if m in by.columns]].sum())
    dated = best[(best["variant"] == "blocs") & (best["country"] == "ASEAN")]
    fixed = best[(best["variant"] == "blocs_fixed") & (best["country"] == "ASEAN")]
    # 1994: Viet Nam (1995), Laos, Myanmar (1997) and Cambodia (1999) not yet in ASEAN
    later = by.loc[1994, ["VNM", "LAO", "MMR", "KHM"]]
    assert (later > 0).all()
    assert _value(fixed[fixed["year"] == 1994], "JPN") == pytest.approx(
        _value(dated[dated["year"] == 1994], "JPN") + later.sum()
    )


def test_blocs_fixed_keeps_todays_membership_in_every_year(trade, ranked) -> None:
    """'blocs_fixed' = today's ASEAN-10 and EU-27 (with Belgium-Luxembourg) in every year."""
    from analysis.countries import bloc_members

    jpn = _sel(trade, basis="reported", country="JPN")
    countries = jpn[jpn["variant"] == "countries"].pivot_table(
        index="year", columns="partner", values="value_usd_m", aggfunc="sum"
    )
    fixed = jpn[jpn["variant"] == "blocs_fixed"].pivot_table(
        index="year", columns="partner", values="value_usd_m", aggfunc="sum"
    )
    today = {"ASEAN": bloc_members()["ASEAN"], "EU": bloc_members()["EU"] | {"XBL"}}
    assert "GBR" not in today["EU"] and len(today["EU"]) == 28 and len(today["ASEAN"]) == 10
    for bloc, members in today.items():
        expected = countries[[m for m in members if m in countries.columns]].sum(axis=1)
        assert fixed[bloc].to_numpy() == pytest.approx(expected.loc[fixed.index].to_numpy())
    outside = [c for c in countries.columns if c not in today["EU"] | today["ASEAN"]]
    assert "GBR" in outside and "DDR" in outside
    pd.testing.assert_frame_equal(
        fixed[outside].loc[:, fixed[outside].notna().any()],
        countries[outside].loc[fixed.index, fixed[outside].notna().any()],
        check_names=False,
    )
    # Singapore's own statistics (2003-2024): in 2021 both variants hold the EU-27
    sg = ranked[(ranked["dataset"] == "singstat_trade") & (ranked["year"] == 2021)]
    sg = sg[(sg["country"] == "SGP") & (sg["measure"] == "trade")]
    d, f = sg[sg["variant"] == "blocs"], sg[sg["variant"] == "blocs_fixed"]
    assert len(d) and _value(d, "EU") == _value(f, "EU") and "GBR" in set(d["partner"])


# ---- defect 6: published bloc rows, no member beside its bloc -----------------------------
def test_published_bloc_rows_rank_beside_no_member_of_theirs(ranked, focus_build) -> None:
    # Bank Indonesia's "Uni Eropa / European Union" row is the EU, ranked (2007: 2,409 vs 1,125)
    bi = _sel(ranked, dataset="bank_indonesia_fdi", variant="blocs", year=2007)
    rank = bi.set_index("partner")["rank"]
    assert _value(bi, "EU") == 2409.0 and _value(bi, "JPN") == 1125.0
    assert rank["EU"] < rank["JPN"]
    assert not {"DEU", "FRA", "NLD", "GBR"} & set(bi["partner"])  # inside BI's EU row
    # JETRO's EU row holds the UK until 2019 (its note 7): no GBR beside it
    jetro = _sel(ranked, dataset="jetro_outward_fdi", variant="blocs", measure="fdi_outward_stock")
    j19 = jetro[jetro["year"] == 2019]
    assert "EU" in set(j19["partner"]) and "GBR" not in set(j19["partner"])
    assert "GBR" in set(jetro.loc[jetro["year"] == 2020, "partner"])
    assert "XBL" not in set(jetro["partner"])  # Belgium-Luxembourg: inside JETRO's EU
    # ASEANstats' EU of a year is its EU-28 row while the UK is a member (UK inside it in 2016),
    # its EU-27 row after (the UK a partner of its own in 2021)
    asst = _sel(ranked, dataset="aseanstats_fdi", variant="blocs")
    assert "GBR" not in set(asst.loc[asst["year"] == 2016, "partner"])
    assert "EU" in set(asst.loc[asst["year"] == 2016, "partner"])
    assert "GBR" in set(asst.loc[asst["year"] == 2021, "partner"])
    # flows into ASEAN as a whole: members' rows are intra-ASEAN, never partners in 'blocs'
    into = asst[(asst["country"] == "ASEAN") & (asst["measure"] == "fdi_inflow")]
    assert len(into) and not set(into["partner"]) & {"SGP", "MYS", "THA"}
    # every published bloc row of every FDI host-year: none of its members ranked beside it
    # (the row's membership: where a source publishes several rows of a bloc, the value's flag)
    from analysis.countries import published_members

    obs = focus_build.observations
    blocs_obs = obs[obs["partner"].isin(["ASEAN", "EU"]).to_numpy()]
    row_of = {
        (str(d), str(m), str(c), int(y), str(p)): str(f)
        for d, m, c, y, p, f in zip(
            blocs_obs["dataset"],
            blocs_obs["measure"],
            blocs_obs["country"],
            blocs_obs["year"],
            blocs_obs["partner"],
            blocs_obs["flag"],
            strict=True,
        )
    }
    fdi = ranked[ranked["measure"].str.startswith("fdi_") & (ranked["variant"] == "blocs")]
    assert len(fdi)
    keys = ["dataset", "measure", "basis", "country", "year"]
    n_checked = n_rows = 0
    for key, g in fdi.groupby(keys, sort=False):
        partners = set(g["partner"])
        for bloc in (partners | {key[3]}) & {"ASEAN", "EU"}:  # a bloc host holds its members
            row = row_of.get((key[0], key[1], key[3], int(key[4]), bloc), "")
            n_rows += row != ""
            inside = partners & published_members(key[0], bloc, int(key[4]), row)
            assert not inside, (key, bloc, inside)
            n_checked += 1
    assert n_checked > 100 and n_rows > 50
