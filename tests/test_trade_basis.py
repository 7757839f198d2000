"""The trade ``best`` basis does not trust own reports that are nearly empty or cover a partial
year (rank_trade.distrusted_own_reports): tested on the real DOTS workbooks via the snapshot
build, plus one pure-logic check of the neighbouring-years rule on hand-built numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import rank_trade
from analysis.rank_trade import distrusted_own_reports

from .test_rank import _get, handmade_observations

DOTS = "imf_dots_xlsx"


@pytest.fixture(scope="module")
def build(focus_build):
    """The focus snapshot build from ../shared/data, in memory (the session's one build)."""
    return focus_build


@pytest.fixture(scope="module")
def distrusted(build) -> pd.DataFrame:
    return distrusted_own_reports(build.observations)


def _best(build, **kw) -> pd.DataFrame:
    return _get(build.rankings, dataset=DOTS, variant="countries", basis="best", **kw)


def _years(d: pd.DataFrame, country: str, rule: str | None = None) -> set[int]:
    m = d["country"] == country
    if rule is not None:
        m &= d["rule"] == rule
    return set(d.loc[m & (d["dataset"] == DOTS), "year"].astype(int))


def test_partial_year_rule_sends_singapore_2020_to_partners_reports(build, distrusted) -> None:
    # the own/mirror ratio of both flows falls >15% under its 2017-2019 median
    assert 2020 in _years(distrusted, "SGP", rank_trade.PARTIAL_YEAR)
    assert not _years(distrusted, "SGP") & set(range(2000, 2020))
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
    assert (d.loc[empty, "coverage"] < rank_trade.COVERAGE_LIMIT).all()
    assert (d.loc[~empty, "drop"] < rank_trade.PARTIAL_DROP).all()
    assert (d["mirror_usd_m"] > 0).all()
    # national statistics (one reporter, no partners' reports) are never judged
    assert set(distrusted["dataset"]) == {DOTS}


def test_partial_year_rule_needs_two_neighbouring_years_handmade() -> None:
    """Pure logic on hand-built numbers (not data): a drop is judged only against at least
    MIN_NEIGHBOURS neighbouring years, and only when every flow the own report holds drops."""
    rows = []
    cov = {2000: 1.0, 2001: 1.0, 2002: 1.0, 2003: 0.7}  # 2003: 30% under the median
    for year, c in cov.items():
        for measure in ("exports", "imports"):
            rows.append((measure, "AAA", "BBB", year, 100.0, "mirror", ""))
            rows.append((measure, "AAA", "BBB", year, 100.0 * c, "reported", ""))
    # CCC: only one neighbouring year before its drop: not judged
    for year, c in {2000: 1.0, 2001: 0.7}.items():
        for measure in ("exports", "imports"):
            rows.append((measure, "CCC", "BBB", year, 100.0, "mirror", ""))
            rows.append((measure, "CCC", "BBB", year, 100.0 * c, "reported", ""))
    # DDD: exports drop, imports do not: not a partial year
    for year in (2000, 2001, 2002, 2003):
        rows.append(("exports", "DDD", "BBB", year, 100.0, "mirror", ""))
        rows.append(
            ("exports", "DDD", "BBB", year, 70.0 if year == 2003 else 100.0, "reported", "")
        )
        rows.append(("imports", "DDD", "BBB", year, 100.0, "mirror", ""))
        rows.append(("imports", "DDD", "BBB", year, 100.0, "reported", ""))
    d = distrusted_own_reports(handmade_observations(rows))
    assert d[["country", "year", "rule"]].values.tolist() == [["AAA", 2003, "partial_year"]]
