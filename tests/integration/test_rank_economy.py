"""``rank.rank`` of one economy (ranked from its rows alone, ``rank_economy``) and the batch
form (``rank.rank_batches``) give exactly the rows of ``rank`` of them all: same values, same
order, same bytes once written. On the committed snapshot's observations (focus scope) and on the
235 DOTS workbooks' observations of every reporter (world scope)."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import snapshot
from analysis.countries import ASEAN, FOCUS
from analysis.paths import processed_dir
from analysis.rank import RankSettings, economy_index, rank, rank_batches

FOCUS_SCOPE = frozenset((*FOCUS, ASEAN))
EVERY = RankSettings()  # the world scope's settings: DOTS declares nothing restricted


def settings() -> RankSettings:
    """The committed snapshot's settings (focus scope), as every reader ranks it."""
    return RankSettings.from_manifest(snapshot.read_manifest())


def _rows_of(ranked: pd.DataFrame, economy: str) -> pd.DataFrame:
    return ranked[(ranked["country"] == economy).to_numpy()].reset_index(drop=True)


def _same_bytes(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    """Same rows, order, columns, dtypes and exact values, so the same bytes once written (the
    CSV is a function of these); compared column by column, categories as their values, which
    is much faster than writing both."""

    def values(col: pd.Series) -> pd.Series:
        return col.astype(object) if isinstance(col.dtype, pd.CategoricalDtype) else col

    return (
        list(a.columns) == list(b.columns)
        and len(a) == len(b)
        and all(
            str(a[c].dtype) == str(b[c].dtype)
            and values(a[c]).reset_index(drop=True).equals(values(b[c]).reset_index(drop=True))
            for c in a.columns
        )
    )


@pytest.fixture(scope="module")
def committed() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The committed observations and every focus economy's ranking from them."""
    if not (processed_dir() / snapshot.OBSERVATIONS_FILE).is_file():
        pytest.fail(f"the committed snapshot is missing: {processed_dir()}")
    obs = snapshot.load_observations()
    assert settings().countries == FOCUS_SCOPE
    return obs, rank(obs, settings())


@pytest.mark.parametrize("economy", [*FOCUS, ASEAN])
def test_rank_economy_is_the_economys_rows_of_the_full_ranking(committed, economy) -> None:
    obs, full = committed
    mine = rank(obs, settings().only([economy]))
    want = _rows_of(full, economy)
    assert len(mine) > 10_000  # every focus economy has trade, ODA or FDI rankings
    assert set(mine["dataset"].astype(str)) == set(want["dataset"].astype(str))
    assert _same_bytes(mine, want)


def test_rank_economy_is_cached_and_not_shared(committed) -> None:
    obs, _ = committed
    first = rank(obs, settings().only(["JPN"]))
    first.loc[0, "value_usd_m"] = -1.0  # a caller's edit must not reach the cache
    again = rank(obs, settings().only(["JPN"]))
    assert again.loc[0, "value_usd_m"] != -1.0
    assert ("JPN", *_key_tail()) in economy_index(obs).rankings


def test_the_cache_keeps_the_latest_economies_only(committed, monkeypatch) -> None:
    import analysis.rank as engine

    obs, _ = committed
    monkeypatch.setattr(engine, "CACHED_ECONOMIES", 2)
    index = economy_index(obs)
    index.rankings.clear()
    for economy in ("BRN", "LAO", "BRN", "KHM"):
        rank(obs, settings().only([economy]))
    assert [key[0] for key in index.rankings] == ["BRN", "KHM"]  # LAO least recently used


def _key_tail() -> tuple:
    s = settings()
    return (tuple(sorted(s.restricted)), s.single_reporter, s.partial, s.partner_sets, s.unranked)


def test_an_economy_without_observations_has_an_empty_ranking(committed) -> None:
    obs, _ = committed
    out = rank(obs, settings().only(["ZZZ"]))
    assert out.empty and list(out.columns) == list(committed[1].columns)


def test_batches_together_are_the_full_ranking(committed) -> None:
    """Small batches hold every row once, each economy's rows in the full ranking's order; an
    economy is in one batch, and the batches follow the economies' code order."""
    obs, full = committed
    parts = list(rank_batches(obs, settings(), batch_rows=40_000))
    assert len(parts) > 3
    together = pd.concat(parts, ignore_index=True)
    assert len(together) == len(full)
    for part in parts:
        for economy in part["country"].astype(str).unique():
            assert _same_bytes(_rows_of(part, economy), _rows_of(full, economy))
    _one_batch_each_in_order(parts)


def _one_batch_each_in_order(parts: list[pd.DataFrame]) -> list[str]:
    batches = [sorted(p["country"].astype(str).unique()) for p in parts]
    flat = [c for b in batches for c in b]
    assert len(flat) == len(set(flat))
    assert flat == sorted(flat)
    return flat


# world scope: every reporter of the 235 workbooks


WORLD_ECONOMIES = ["USA", "DEU", "CHN", "BRA", "ZAF", "THA", ASEAN]


@pytest.fixture(scope="module")
def world_full(world_observations) -> pd.DataFrame:
    """The world ranking of a few non-focus reporters, a member and ASEAN through the one
    entry point (the economies asked for are ranked exactly as in the whole world's ranking:
    rank_trade keeps the rows they need, ASEAN's members included)."""
    return rank(world_observations, EVERY.only(WORLD_ECONOMIES))


@pytest.mark.parametrize("economy", WORLD_ECONOMIES)
def test_rank_economy_in_world_scope(world_observations, world_full, economy) -> None:
    mine = rank(world_observations, EVERY.only([economy]))
    want = _rows_of(world_full, economy)
    assert len(want) > 10_000
    assert _same_bytes(mine, want)


def test_world_batches_are_the_world_ranking_of_each_economy(world_observations) -> None:
    """Batches over many reporters (those from A to B, and four more: the whole world takes
    longer and proves no more): each economy's rows are those of one economy's ``rank``, and each
    economy comes once, in code order."""
    codes = set(world_observations["country"].astype(str).unique())
    some = frozenset({c for c in codes if c < "C"} | {"USA", "ZAF", "THA", ASEAN})
    parts, checked = [], 0
    for part in rank_batches(world_observations, EVERY.only(some), batch_rows=300_000):
        parts.append(part[["country"]])
        for economy in part["country"].astype(str).unique():
            if economy in ("USA", "ZAF", "THA", ASEAN):
                mine = _rows_of(part, economy)
                assert _same_bytes(mine, rank(world_observations, EVERY.only([economy])))
                checked += 1
    assert checked == 4
    assert set(_one_batch_each_in_order(parts)) == some and len(some) > 30


def test_world_scope_ranks_the_focus_economies_as_the_focus_build(
    world_observations, focus_build
) -> None:
    """The 235 workbooks' observations of every reporter (world scope) rank each focus
    economy exactly as the focus build does (the observations a scope keeps do not change an
    economy's ranking)."""
    focus = focus_build.rankings
    focus = focus[(focus["dataset"] == "imf_dots_xlsx").to_numpy()]
    # both scopes rank their observations as stored (sorted, 12 significant digits; bloc sums
    # add members in that order): the world's rows that involve a focus economy, as the world
    # build would store them
    from analysis.pipeline import sort_observations

    obs = world_observations
    keep = obs["country"].isin(FOCUS_SCOPE) | obs["partner"].isin(FOCUS_SCOPE)
    world = snapshot.as_stored(sort_observations(obs[keep.to_numpy()]))
    for economy in (*FOCUS, ASEAN):
        mine = rank(world, EVERY.only([economy]))
        assert len(mine) > 10_000
        assert _same_bytes(mine, _rows_of(focus, economy)), economy
