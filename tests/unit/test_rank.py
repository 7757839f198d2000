"""Pure logic (hand-made inputs, no real files) beside tests/integration/test_rank.py: Ranking logic on
tiny hand-built frames (not data: made-up numbers to test the rules)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.rank import competition_rank, rank
from analysis.validate import OBSERVATIONS


def test_competition_rank_ties_share_the_smaller_rank() -> None:
    groups = np.array([0, 0, 0, 0, 1, 1])
    values = np.array([5.0, 3.0, 3.0, 1.0, 2.0, 9.0])
    tiebreak = np.array([0, 2, 1, 3, 0, 1])
    assert competition_rank(groups, values, tiebreak).tolist() == [1, 2, 2, 4, 2, 1]


def test_competition_rank_off_the_dollar_grid_and_in_big_groups() -> None:
    """Values on the dollar grid are ranked from one packed integer sort, values off it (or
    too wide to pack) by stable passes: both give the same ranks (hand-made values)."""
    groups = np.array([0, 0, 0, 1, 1])
    off_grid = np.array([1.0000001, 1.0000002, 1.0000002, 7.5, 7.5])
    assert competition_rank(groups, off_grid, np.array([0, 1, 2, 0, 1])).tolist() == [
        3,
        1,
        1,
        1,
        1,
    ]
    rng = np.random.default_rng(0)  # made-up values, many ties: both ways must agree
    g = rng.integers(0, 50, 5000)
    v = np.round(rng.integers(0, 20, 5000) * 0.5, 6)
    t = rng.permutation(5000)
    packed = competition_rank(g, v, t)
    wide = competition_rank(g * (1 << 40), v, t)  # groups too wide to pack: stable passes
    assert (packed == wide).all() and packed.min() == 1


def test_the_rankings_key_check_names_repeated_rows(ranked: pd.DataFrame) -> None:
    from analysis.errors import ValidationError
    from analysis.schema import RANKING_KEY, RANKINGS
    from analysis.validate import check

    twice = pd.concat([ranked, ranked.iloc[[3]]], ignore_index=True)
    with pytest.raises(ValidationError, match=r"duplicate key .*; 2 row\(s\)"):
        check(twice, RANKINGS, RANKING_KEY, "rankings")
    check(ranked, RANKINGS, RANKING_KEY, "rankings")  # the rows as ranked pass


def handmade_observations(rows: list[tuple]) -> pd.DataFrame:
    """Hand-built observations: (measure, country, partner, year, value, basis, flag)."""
    df = pd.DataFrame(
        rows, columns=["measure", "country", "partner", "year", "value_usd_m", "basis", "flag"]
    )
    df["dataset"] = "handmade"
    df["source_ref"] = "handmade"
    df["year"] = df["year"].astype("int16")
    df["value_usd_m"] = df["value_usd_m"].astype(float)
    for c in ("dataset", "measure", "country", "partner", "basis", "flag", "source_ref"):
        df[c] = df[c].astype("category")
    return df[list(OBSERVATIONS)]


def _get(r: pd.DataFrame, **kw) -> pd.DataFrame:
    m = np.ones(len(r), bool)
    for k, v in kw.items():
        m &= (r[k].astype(str) if r[k].dtype.name == "category" else r[k]).to_numpy() == v
    return r[m]


HANDMADE = handmade_observations(
    [
        # Viet Nam reports: exports and imports with World totals
        ("exports", "VNM", "WLD", 2000, 100, "reported", ""),
        ("exports", "VNM", "JPN", 2000, 30, "reported", ""),
        ("exports", "VNM", "CHN", 2000, 20, "reported", ""),
        ("exports", "VNM", "THA", 2000, 15, "reported", ""),
        ("exports", "VNM", "SGP", 2000, 15, "reported", ""),
        ("exports", "VNM", "DEU", 2000, 10, "reported", ""),
        ("exports", "VNM", "FRA", 2000, 5, "reported", ""),
        ("imports", "VNM", "WLD", 2000, 50, "reported", ""),
        ("imports", "VNM", "CHN", 2000, 40, "reported", ""),
        # Laos: own figures are mostly IMF estimates, so 'best' uses partners' reports
        ("exports", "LAO", "WLD", 2000, 10, "estimate", "e"),
        ("exports", "LAO", "THA", 2000, 6, "estimate", "e"),
        ("exports", "LAO", "JPN", 2000, 1, "reported", ""),
        ("exports", "LAO", "THA", 2000, 8, "mirror", ""),
        ("exports", "LAO", "VNM", 2000, 9, "mirror", ""),
        ("exports", "LAO", "JPN", 2000, 2, "mirror", "e"),
    ]
)


@pytest.fixture(scope="module")
def ranked() -> pd.DataFrame:
    return rank(HANDMADE)


def test_ranks_ties_and_shares(ranked: pd.DataFrame) -> None:
    r = _get(
        ranked, measure="exports", variant="countries", basis="reported", country="VNM", year=2000
    )
    assert r["partner"].astype(str).tolist() == ["JPN", "CHN", "SGP", "THA", "DEU", "FRA"]
    assert r["rank"].tolist() == [1, 2, 3, 3, 5, 6]
    assert r["share"].tolist() == pytest.approx([0.30, 0.20, 0.15, 0.15, 0.10, 0.05])
    assert set(r["n_partners"]) == {6}
    assert "WLD" not in set(r["partner"].astype(str))


def test_blocs_sum_members(ranked: pd.DataFrame) -> None:
    r = _get(ranked, measure="exports", variant="blocs", basis="reported", country="VNM", year=2000)
    got = dict(zip(r["partner"].astype(str), r["value_usd_m"], strict=True))
    assert got == {"JPN": 30, "ASEAN": 30, "CHN": 20, "EU": 15}
    assert dict(zip(r["partner"].astype(str), r["rank"], strict=True)) == {
        "JPN": 1,
        "ASEAN": 1,
        "CHN": 3,
        "EU": 4,
    }


def test_trade_is_exports_plus_imports(ranked: pd.DataFrame) -> None:
    r = _get(
        ranked, measure="trade", variant="countries", basis="reported", country="VNM", year=2000
    )
    got = dict(zip(r["partner"].astype(str), r["value_usd_m"], strict=True))
    assert got["CHN"] == 60 and got["JPN"] == 30
    assert r["total_usd_m"].iloc[0] == 150


def test_best_uses_mirror_where_own_figures_are_mostly_estimates(ranked: pd.DataFrame) -> None:
    rep = _get(
        ranked, measure="exports", variant="countries", basis="reported", country="LAO", year=2000
    )
    assert rep["partner"].astype(str).tolist() == ["THA", "JPN"]
    assert rep["estimated_share"].tolist() == [1.0, 0.0]
    best = _get(
        ranked, measure="exports", variant="countries", basis="best", country="LAO", year=2000
    )
    assert best["partner"].astype(str).tolist() == ["VNM", "THA", "JPN"]
    assert set(best["value_basis"]) == {"mirror"}
    assert (
        best["total_usd_m"].iloc[0] == 19
    )  # sum over reporting partners: no World row on that side
    assert best["estimated_share"].tolist() == [0.0, 0.0, 1.0]
    # Viet Nam reports its own figures: best == reported
    vb = _get(
        ranked, measure="exports", variant="countries", basis="best", country="VNM", year=2000
    )
    assert set(vb["value_basis"]) == {"reported"} and len(vb) == 6


def test_asean_as_one_economy(ranked: pd.DataFrame) -> None:
    r = _get(ranked, measure="exports", variant="blocs", basis="best", country="ASEAN", year=2000)
    got = {
        p: (v, rk)
        for p, v, rk in zip(r["partner"].astype(str), r["value_usd_m"], r["rank"], strict=True)
    }
    # members' figures summed: VNM (own) + LAO (mirror); intra-ASEAN trade kept, not ranked
    assert got["JPN"] == (32, 1)
    assert got["ASEAN"][0] == 30 + 8 + 9 and pd.isna(got["ASEAN"][1])
    assert got["CHN"] == (20, 2) and got["EU"] == (15, 3)
    assert set(r["value_basis"].astype(str)) == {"mixed", "reported"}
    assert r["total_usd_m"].iloc[0] == 100 + 19


def test_datasets_ranked_apart() -> None:
    other = HANDMADE.copy()
    other["dataset"] = pd.Categorical(["other"] * len(other))
    both = pd.concat([HANDMADE, other], ignore_index=True)
    r = rank(both)
    one = _get(
        r,
        dataset="handmade",
        measure="exports",
        variant="countries",
        basis="reported",
        country="VNM",
        year=2000,
    )
    assert one["value_usd_m"].max() == 30  # not 60: never summed across datasets
