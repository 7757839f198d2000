"""The trade ``best`` basis does not trust own reports that are nearly empty, cover a partial
year or miss a partner in the top five of partners' reports of a flow
(rank_trade.distrusted_own_reports): tested on the real DOTS workbooks via the snapshot build
(and openpyxl on the workbooks for Viet Nam 1972), plus pure-logic checks of the rules on
hand-built numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import query, rank_trade
from analysis.countries import FOCUS
from analysis.rank_trade import distrusted_own_reports

from ..excel import number, read_row
from ..unit.test_rank import _get

DOTS = "imf_dots_xlsx"


SHEETS = ("Exports, FOB", "Imports, CIF")


@pytest.fixture(scope="module")
def build(focus_build):
    """The focus snapshot build from ../shared/data, in memory (the session's one build)."""
    return focus_build


@pytest.fixture(scope="module")
def distrusted(build) -> pd.DataFrame:
    return distrusted_own_reports(build.observations)


def _best(build, **kw) -> pd.DataFrame:
    return _get(build.rankings, dataset=DOTS, variant="countries", basis="best", **kw)


def _years(
    d: pd.DataFrame, country: str, rule: str | None = None, measure: str | None = None
) -> set[int]:
    m = d["country"] == country
    if rule is not None:
        m &= d["rule"] == rule
    if measure is not None:
        m &= d["measure"] == measure
    return set(d.loc[m & (d["dataset"] == DOTS), "year"].astype(int))


def test_partial_year_rule_sends_singapore_2020_to_partners_reports(build, distrusted) -> None:
    # the own/mirror ratio of both flows falls >15% under its 2017-2019 median
    assert 2020 in _years(distrusted, "SGP", rank_trade.PARTIAL_YEAR)
    # no other year is distrusted as a whole (2000's imports lack Indonesia: a rule per flow)
    assert not _years(distrusted, "SGP", measure=rank_trade.ALL_FLOWS) & set(range(2000, 2020))
    for measure in rank_trade.MEASURES:
        r = _best(build, country="SGP", measure=measure)
        basis = r.groupby("year")["value_basis"].agg(lambda v: set(v.astype(str)))
        assert basis[2020] == {"mirror"}, measure
        for year in range(2014, 2020):  # the neighbouring years keep Singapore's own report
            assert basis[year] == {"reported"}, (measure, year)
    # 'reported' is the own report as published
    rep = _get(build.rankings, dataset=DOTS, variant="countries", basis="reported", country="SGP")
    assert set(rep.loc[rep["year"] == 2020, "value_basis"].astype(str)) == {"reported"}
    # ASEAN's 2020 sum takes Singapore from its partners' reports
    asean = _get(
        build.rankings, dataset=DOTS, variant="blocs", basis="best", country="ASEAN", year=2020
    )
    jpn = asean[(asean["partner"] == "JPN") & (asean["measure"] == "trade")]
    assert jpn["value_basis"].astype(str).tolist() == ["mixed"]


def test_nearly_empty_own_report_falls_back_to_partners_reports(build, distrusted) -> None:
    # Viet Nam's own reports for 1964-1970 name one partner (the US)
    assert set(range(1964, 1971)) <= _years(distrusted, "VNM", rank_trade.NEARLY_EMPTY)
    obs = build.observations
    japan = obs[
        (obs["dataset"] == DOTS)
        & (obs["country"] == "JPN")
        & (obs["partner"] == "VNM")
        & (obs["basis"] != "mirror")
    ]
    jp = japan.pivot_table(
        index="year", columns="measure", values="value_usd_m", aggfunc="sum", observed=True
    )
    for year in range(1964, 1971):
        # Viet Nam's exports to Japan are Japan's imports from Viet Nam, and the reverse
        expected = {
            "exports": jp.loc[year, "imports"],
            "imports": jp.loc[year, "exports"],
            "trade": jp.loc[year, "imports"] + jp.loc[year, "exports"],
        }
        for measure, value in expected.items():
            r = _best(build, country="VNM", measure=measure, year=year)
            row = r[r["partner"] == "JPN"]
            assert len(row) == 1, (measure, year)
            assert pd.notna(row["rank"].iloc[0]), (measure, year)
            assert row["value_basis"].astype(str).iloc[0] == "mirror"
            assert np.isclose(row["value_usd_m"].iloc[0], value), (measure, year)
    assert jp.loc[1964, "exports"] > 34 and jp.loc[1969, "exports"] < 224  # US$34-223 m


def test_own_report_rules_leave_full_reports_alone(build, distrusted) -> None:
    assert not _years(distrusted, "THA") & set(range(1990, 2021))
    assert not _years(distrusted, "JPN")
    for country in ("THA", "JPN"):
        r = _best(build, country=country)
        r = r[r["year"].between(1990, 2020)]
        assert set(r["value_basis"].astype(str)) == {"reported"}, country
    # every flagged year has partners' reports, and the rules' numbers say why
    d = distrusted[distrusted["dataset"] == DOTS]
    empty = d["rule"] == rank_trade.NEARLY_EMPTY
    partial = d["rule"] == rank_trade.PARTIAL_YEAR
    assert (d.loc[empty, "coverage"] < rank_trade.COVERAGE_LIMIT).all()
    assert (d.loc[partial, "drop"] < rank_trade.PARTIAL_DROP).all()
    assert (d.loc[empty | partial, "measure"] == rank_trade.ALL_FLOWS).all()
    assert (d.loc[~(empty | partial), "partners"].str.len() > 0).all()
    assert (d["mirror_usd_m"] > 0).all()
    # national statistics (one reporter, no partners' reports) are never judged
    assert set(distrusted["dataset"]) == {DOTS}


def _str(df: pd.DataFrame) -> pd.DataFrame:
    return df.assign(**{c: df[c].astype(str) for c in ("measure", "country", "partner", "basis")})


def _expected_missing_partners(obs: pd.DataFrame, countries) -> dict[tuple, list[str]]:
    """The rule missing_partner read independently (pandas, one reporter-year-flow at a time):
    (country, year, flow) -> the partners ranked in the top five of partners' reports of that
    flow that have no value above zero in the own report, where the own report's sum plus
    their values is at most the partners' reports' sum."""
    o = _str(obs[(obs["dataset"] == DOTS).to_numpy()])
    o = o[
        o["measure"].isin(["exports", "imports"])
        & o["country"].isin(countries)
        & (o["partner"] != "WLD")
        & (o["value_usd_m"] > 0)
    ]
    mirror = {k: g for k, g in o[o["basis"] == "mirror"].groupby(["country", "year", "measure"])}
    out = {}
    for key, own in o[o["basis"] != "mirror"].groupby(["country", "year", "measure"]):
        if key not in mirror:
            continue
        m = mirror[key]
        to_dollar = m["value_usd_m"].round(6)
        listed = []
        for p, v, exact in zip(m["partner"], to_dollar, m["value_usd_m"], strict=True):
            rank = 1 + int((to_dollar > v).sum())  # competition rank
            if rank <= 5 and p not in set(own["partner"]):
                listed.append((rank, p, exact))
        gone = sum(x for _, _, x in listed)
        if listed and own["value_usd_m"].sum() + gone <= m["value_usd_m"].sum():
            out[(key[0], int(key[1]), key[2])] = [p for _, p, _ in sorted(listed)]
    return out


def test_viet_nam_1972_ranks_japan_from_japans_report(build, distrusted, dots_dir) -> None:
    # Viet Nam's own report (DOTS_213) has no value for Japan in 1972; Japan's (DOTS_101) has
    own = [read_row(dots_dir / "DOTS_213.xlsx", s, "Japan") for s in SHEETS]
    assert [r.get(1972) for r in own] == [None, None]
    assert all(r.get(1963) is not None for r in own)  # the row has values in other years
    japan = {s: number(read_row(dots_dir / "DOTS_101.xlsx", s, "Vietnam")[1972]) for s in SHEETS}
    expected = {  # Viet Nam's exports to Japan are Japan's imports from Viet Nam
        "exports": japan["Imports, CIF"],
        "imports": japan["Exports, FOB"],
        "trade": japan["Imports, CIF"] + japan["Exports, FOB"],
    }
    assert expected["trade"] > 120  # 14.1 + 106.4
    d = distrusted[(distrusted["country"] == "VNM") & (distrusted["year"] == 1972)]
    assert d["rule"].tolist() == [rank_trade.MISSING_PARTNER] * 2
    assert d["measure"].tolist() == ["exports", "imports"]
    assert all("JPN" in p.split(", ") for p in d["partners"])
    for measure, value in expected.items():
        r = _best(build, country="VNM", measure=measure, year=1972)
        assert set(r["value_basis"].astype(str)) == {"mirror"}, measure
        row = r[r["partner"] == "JPN"]
        assert len(row) == 1 and pd.notna(row["rank"].iloc[0]), measure
        assert np.isclose(row["value_usd_m"].iloc[0], value), measure
        # ranked among partners' reports: one more than the partners reporting more
        assert row["rank"].iloc[0] == 1 + (r["value_usd_m"] > value).sum(), measure
    rep = _get(build.rankings, dataset=DOTS, variant="countries", basis="reported", country="VNM")
    assert not len(rep[(rep["year"] == 1972) & (rep["partner"] == "JPN")])


def test_missing_partner_flows_match_an_independent_reading(build, distrusted) -> None:
    focus = set(FOCUS)
    expected = _expected_missing_partners(build.observations, focus)
    whole = set(
        zip(
            distrusted.loc[distrusted["measure"] == rank_trade.ALL_FLOWS, "country"],
            distrusted.loc[distrusted["measure"] == rank_trade.ALL_FLOWS, "year"].astype(int),
            strict=True,
        )
    )
    expected = {k: v for k, v in expected.items() if k[:2] not in whole}
    d = distrusted[
        (distrusted["rule"] == rank_trade.MISSING_PARTNER)
        & distrusted["country"].isin(focus)
        & (distrusted["dataset"] == DOTS)
    ]
    got = {
        (c, int(y), m): p.split(", ")
        for c, y, m, p in zip(d["country"], d["year"], d["measure"], d["partners"], strict=True)
    }
    assert got == expected
    assert {("VNM", 1972, "exports"), ("VNM", 1972, "imports")} <= set(got)
    assert not {k for k in got if k[0] in ("JPN", "THA", "MYS", "PHL")}
    # Singapore's own reports name no Indonesia before 2003, but they hold more than partners
    # report (re-exports): only 1962's exports fall short of the mirror by Indonesia's value
    assert {k: v for k, v in got.items() if k[0] == "SGP"} == {("SGP", 1962, "exports"): ["IDN"]}
    obs = _str(build.observations[(build.observations["dataset"] == DOTS).to_numpy()])
    sgp = obs[(obs["country"] == "SGP") & obs["year"].between(1968, 2002)]
    sgp = sgp[(sgp["partner"] != "WLD") & (sgp["value_usd_m"] > 0)]
    assert not len(sgp[(sgp["basis"] != "mirror") & (sgp["partner"] == "IDN")])
    mirror_idn = sgp[(sgp["basis"] == "mirror") & (sgp["partner"] == "IDN")]
    assert len(mirror_idn) > 50  # Indonesia's own reports of that trade, both flows


def test_best_takes_partners_reports_per_flow(build, distrusted) -> None:
    """A flow the rule distrusts is read from partners' reports, trade with it; the other flow
    keeps the own report where no rule distrusts it (estimates under half its value)."""
    obs = _str(build.observations[(build.observations["dataset"] == DOTS).to_numpy()])
    own = obs[(obs["basis"] != "mirror") & (obs["partner"] != "WLD") & (obs["value_usd_m"] > 0)]
    est = own["value_usd_m"].where(own["flag"].astype(str) == "e", 0.0)
    g = own.assign(est=est).groupby(["country", "year", "measure"])[["value_usd_m", "est"]].sum()
    trusted_estimates = g["est"] < 0.5 * g["value_usd_m"]
    d = distrusted[
        (distrusted["rule"] == rank_trade.MISSING_PARTNER) & distrusted["country"].isin(FOCUS)
    ]
    flagged = set(zip(d["country"], d["year"].astype(int), d["measure"], strict=True))
    one_flow = 0
    for country, year, measure in sorted(flagged):
        r = _best(build, country=country, year=year)
        basis = r.groupby("measure", observed=True)["value_basis"].agg(lambda v: set(v.astype(str)))
        assert basis[measure] == {"mirror"}, (country, year, measure)
        if "trade" in basis:
            assert basis["trade"] == {"mirror"}, (country, year)
        other = "imports" if measure == "exports" else "exports"
        if (country, year, other) not in flagged and trusted_estimates.get(
            (country, year, other), False
        ):
            assert basis[other] == {"reported"}, (country, year, other)
            one_flow += 1
    assert one_flow >= 10  # exports distrusted while imports are trusted (Indonesia 1972-1975)


def test_the_mirror_note_says_why_and_names_the_missing_partners() -> None:
    """`rank` says why the own report gives way (committed snapshot): the partners it lacks
    per flow, or the rule or reason that applies."""

    def note(*args, **kw) -> str:
        t = query.rank_table(*args, **kw)
        return next(n for n in t.attrs["notes"] if n.startswith("Values from partners' reports"))

    vnm = note("VNM", year=1972)
    assert "own report for 1972 lacks Japan, France, Hong Kong SAR and Singapore in its " in vnm
    assert "exports and Singapore, Japan, France and Hong Kong SAR in its imports" in vnm
    idn = note("IDN", measure="exports", year=1972)
    assert "lacks Trinidad and Tobago and Korea, Rep. in its exports" in idn
    # Indonesia's imports of 1972 keep its own report: no such note
    t = query.rank_table("IDN", measure="imports", year=1972)
    assert not any(n.startswith("Values from partners' reports") for n in t.attrs["notes"])
    assert "is nearly empty: it lists 12% of the trade" in note("VNM", year=1968)
    assert "is mostly IMF estimates" in note("LAO", year=2010)
