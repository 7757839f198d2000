"""Observations -> rankings: every partner's rank and share, per economy, measure and year.

Rules (documented in the README and data/processed/README.md):
- Measures: exports, imports and trade (= exports + imports, only where the economy has both
  flows that year on that side).
- ``basis`` of a ranking: ``reported`` uses the economy's own report (IMF estimates included);
  ``best`` uses the own report where the economy reports, and partners' reports (mirror) where it
  does not: no own data that year, or IMF estimates making up half or more of the own figures.
  ``value_basis`` on each row says what the value rests on (reported, mirror, mixed for sums).
- ``variant``: ``countries`` ranks sovereign economies (historical entities such as the USSR count
  as their own partners; aggregates are never ranked); ``blocs`` first sums ASEAN-10 members into
  ``ASEAN`` and EU-27 members into ``EU``, and adds ASEAN itself as an economy (the sum of its
  members) whose partner ``ASEAN`` row is intra-ASEAN trade, kept but not ranked.
- Rank 1 is the largest; equal values share the smaller rank (competition ranking: 1, 2, 2, 4),
  listed by partner code. Only values above zero are ranked.
- ``share`` = value / the economy's total with all partners: the source's World row where present
  (own reports), else the sum over partners (mirror data, sums for ASEAN).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .countries import ASEAN, WORLD, bloc_members
from .validate import RANKING_KEY, RANKINGS, check

COLUMNS = list(RANKINGS)
ESTIMATE_LIMIT = 0.5  # own figures count as "reported" while estimates are under half their value
GROUP = ["measure", "country", "year"]


def competition_rank(group_id: np.ndarray, value: np.ndarray, tiebreak: np.ndarray) -> np.ndarray:
    """Rank values within groups, largest first; ties share the smaller rank (1, 2, 2, 4).

    Pure numpy (one lexsort), because pandas' groupby-rank is several times slower on millions of
    rows. ``tiebreak`` only fixes the order of tied rows, never their rank.
    """
    n = len(value)
    if n == 0:
        return np.zeros(0, dtype="int32")
    order = np.lexsort((tiebreak, -value, group_id))
    g, v = group_id[order], value[order]
    pos = np.arange(n)
    new_group = np.empty(n, dtype=bool)
    new_group[0] = True
    new_group[1:] = g[1:] != g[:-1]
    new_value = new_group.copy()
    new_value[1:] |= v[1:] != v[:-1]
    group_start = np.maximum.accumulate(np.where(new_group, pos, 0))
    value_start = np.maximum.accumulate(np.where(new_value, pos, 0))
    ranks = np.empty(n, dtype="int32")
    ranks[order] = value_start - group_start + 1
    return ranks


def _with_trade(base: pd.DataFrame) -> pd.DataFrame:
    """Append measure 'trade' = exports + imports where the economy has both flows that year."""
    flows = base.groupby(["side", "country", "year"], observed=True)["measure"].nunique()
    both = flows[flows == 2].reset_index()[["side", "country", "year"]]
    sub = base.merge(both, on=["side", "country", "year"], how="inner")
    trade = (
        sub.groupby(["side", "country", "partner", "year"], observed=True)[["value", "est"]]
        .sum()
        .reset_index()
    )
    trade["measure"] = "trade"
    out = pd.concat([base, trade[base.columns]], ignore_index=True)
    out["measure"] = out["measure"].astype("category")
    return out


def _prepare(obs: pd.DataFrame) -> pd.DataFrame:
    est = np.where((obs["flag"] == "e").to_numpy(bool), obs["value_usd_m"].to_numpy(), 0.0)
    base = pd.DataFrame(
        {
            "measure": obs["measure"].astype("category"),
            "country": obs["country"].astype("category"),
            "partner": obs["partner"].astype("category"),
            "year": obs["year"].astype("int16"),
            "side": (obs["basis"] == "mirror").to_numpy(bool).astype("int8"),
            "value": obs["value_usd_m"].to_numpy(),
            "est": est,
        }
    )
    return _with_trade(base)


def _to_blocs(rows: pd.DataFrame) -> pd.DataFrame:
    """Sum bloc members into their bloc as partners (fixed membership, data/blocs.csv)."""
    mapping = {m: b for b, ms in bloc_members().items() for m in ms}
    keys = ["side", "measure", "country", "year"]
    df = rows[keys + ["value", "est"]].copy()
    df["partner"] = _bloc_partner(rows["partner"], mapping)
    return df.groupby(keys + ["partner"], observed=True)[["value", "est"]].sum().reset_index()


def _bloc_partner(partner: pd.Series, mapping: dict[str, str]) -> pd.Series:
    cats = list(partner.cat.categories)
    target = [mapping.get(c, c) for c in cats]
    vocab = sorted(set(target))
    idx = {c: i for i, c in enumerate(vocab)}
    per_cat = np.array([idx[t] for t in target], dtype="int32")
    codes = per_cat[partner.cat.codes.to_numpy()]
    return pd.Series(pd.Categorical.from_codes(codes, categories=vocab), index=partner.index)


def _select(rows: pd.DataFrame, own_ok: pd.DataFrame, basis: str) -> pd.DataFrame:
    """Rows of one ranking basis: own rows, or own where own_ok and mirror elsewhere."""
    if basis == "reported":
        return rows[rows["side"] == 0]
    flag = rows[GROUP].merge(own_ok, on=GROUP, how="left")["own_ok"].fillna(False).to_numpy(bool)
    side = rows["side"].to_numpy()
    return rows[((side == 0) & flag) | ((side == 1) & ~flag)]


def _finish(
    rows: pd.DataFrame, totals: pd.DataFrame, variant: str, basis: str, dataset: str
) -> pd.DataFrame:
    """Rank one variant x basis; ``rows`` has side, measure, country, year, partner, value, est."""
    rows = rows[rows["value"] > 0].copy()
    rows["country"] = rows["country"].astype(str)
    rows["partner"] = rows["partner"].astype(str)
    rankable = (rows["partner"] != rows["country"]).to_numpy()  # intra-ASEAN row of ASEAN
    gid = rows.groupby(GROUP, observed=True, sort=False).ngroup().to_numpy()
    partner_codes = rows["partner"].astype("category").cat.codes.to_numpy()
    ranks = np.zeros(len(rows), dtype="int32")
    idx = np.flatnonzero(rankable)
    ranks[idx] = competition_rank(gid[idx], rows["value"].to_numpy()[idx], partner_codes[idx])
    rows["rank"] = pd.array(np.where(rankable, ranks, 0), dtype="Int32")
    rows.loc[~rankable, "rank"] = pd.NA
    counts = np.bincount(gid[idx], minlength=gid.max() + 1 if len(gid) else 0)
    rows["n_partners"] = counts[gid].astype("int32") if len(gid) else np.zeros(0, "int32")
    partner_sum = rows.loc[rankable].groupby(GROUP, observed=True)["value"].sum().rename("psum")
    rows = rows.merge(partner_sum.reset_index(), on=GROUP, how="left")
    rows = rows.merge(totals[[*GROUP, "total"]], on=GROUP, how="left")
    total = rows["total"].where(rows["total"] > 0, rows["psum"])
    rows["total_usd_m"] = total.astype("float64")
    rows["share"] = (rows["value"] / rows["total_usd_m"]).astype("float64")
    vb = rows["vb"] if "vb" in rows else np.where(rows["side"] == 1, "mirror", "reported")
    return pd.DataFrame(
        {
            "dataset": dataset,
            "measure": rows["measure"].astype(str),
            "variant": variant,
            "basis": basis,
            "country": rows["country"],
            "year": rows["year"].astype("int16"),
            "partner": rows["partner"],
            "value_usd_m": rows["value"].astype("float64"),
            "total_usd_m": rows["total_usd_m"],
            "share": rows["share"],
            "rank": rows["rank"],
            "n_partners": rows["n_partners"].astype("int32"),
            "value_basis": vb,
            "estimated_share": (rows["est"] / rows["value"]).clip(0, 1).astype("float64"),
        }
    )


def rank_dataset(
    obs: pd.DataFrame, dataset: str, countries: frozenset[str] | None = None
) -> pd.DataFrame:
    """All rankings of one dataset; ``countries`` limits which economies get ranked."""
    if countries is not None:  # ASEAN members are always needed: ASEAN is an economy in 'blocs'
        obs = obs[obs["country"].isin(countries | bloc_members()[ASEAN])]
    data = _prepare(obs)
    is_world = data["partner"].astype(str).to_numpy() == WORLD
    world, rows = data[is_world], data[~is_world]
    own_rows = rows[rows["side"] == 0]
    g = own_rows.groupby(GROUP, observed=True)[["value", "est"]].sum()
    own_ok = (
        ((g["value"] > 0) & (g["est"] < ESTIMATE_LIMIT * g["value"])).rename("own_ok").reset_index()
    )
    own_totals = (
        world[world["side"] == 0].groupby(GROUP, observed=True)["value"].sum().rename("total")
    )
    own_totals = own_totals.reset_index()
    out = []
    blocs = _to_blocs(rows)
    for variant, vrows in (("countries", rows), ("blocs", blocs)):
        for basis in ("reported", "best"):
            sel = _select(vrows, own_ok, basis)
            if countries is not None:
                keep = countries | bloc_members()[ASEAN] if variant == "blocs" else countries
                sel = sel[sel["country"].astype(str).isin(keep)]
            ranked = _finish_by_side(sel, own_totals, variant, basis, dataset)
            if variant == "blocs":
                ranked_asean = _asean_as_economy(sel, own_totals, basis, dataset)
                if countries is not None:
                    ranked = ranked[ranked["country"].isin(countries)]
                out.append(ranked_asean)
            out.append(ranked)
    return pd.concat(out, ignore_index=True)


def _finish_by_side(
    sel: pd.DataFrame, own_totals: pd.DataFrame, variant: str, basis: str, dataset: str
) -> pd.DataFrame:
    """Own rows take the economy's World total; mirror rows the sum over their partners."""
    parts = [
        _finish(sel[sel["side"] == side], tot, variant, basis, dataset)
        for side, tot in ((0, own_totals), (1, own_totals.iloc[0:0]))
        if (sel["side"] == side).any()
    ]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=COLUMNS)


def _asean_as_economy(
    sel: pd.DataFrame, own_totals: pd.DataFrame, basis: str, dataset: str
) -> pd.DataFrame:
    """ASEAN as one economy: its members' figures summed partner by partner (blocs variant)."""
    members = bloc_members()[ASEAN]
    m = sel[sel["country"].astype(str).isin(members)]
    if m.empty:
        return pd.DataFrame(columns=COLUMNS)
    keys = ["measure", "year", "partner"]
    agg = (
        m.groupby(keys, observed=True)
        .agg(value=("value", "sum"), est=("est", "sum"), smin=("side", "min"), smax=("side", "max"))
        .reset_index()
    )
    agg["vb"] = np.where(
        agg["smin"] != agg["smax"], "mixed", np.where(agg["smin"] == 1, "mirror", "reported")
    )
    agg["country"] = ASEAN
    agg["side"] = 0
    # total: members' own World rows where that member's figures are own, else its partner sum
    mt = (
        m.groupby(["measure", "country", "year", "side"], observed=True)["value"]
        .sum()
        .rename("psum")
        .reset_index()
    )
    mt = mt.merge(own_totals, on=GROUP, how="left")
    mt["t"] = np.where((mt["side"] == 0) & (mt["total"] > 0), mt["total"], mt["psum"])
    tot = mt.groupby(["measure", "year"], observed=True)["t"].sum().rename("total").reset_index()
    tot["country"] = ASEAN
    return _finish(
        agg[["side", "measure", "country", "year", "partner", "value", "est", "vb"]],
        tot[GROUP + ["total"]],
        "blocs",
        basis,
        dataset,
    )


def rank_observations(obs: pd.DataFrame, countries: frozenset[str] | None = None) -> pd.DataFrame:
    """Rankings for every dataset in ``obs`` (datasets are ranked apart, never summed)."""
    parts = [
        rank_dataset(d, str(name), countries) for name, d in obs.groupby("dataset", observed=True)
    ]
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=COLUMNS)
    out = sort_rankings(out)
    return check(out, RANKINGS, RANKING_KEY, "rankings")


def sort_rankings(df: pd.DataFrame) -> pd.DataFrame:
    """A stable, total order so that files written from it are byte-reproducible."""
    df = df.assign(_r=df["rank"].fillna(np.iinfo("int32").max).astype("int64"))
    df = df.sort_values(
        ["dataset", "measure", "variant", "basis", "country", "year", "_r", "partner"],
        kind="mergesort",
    ).drop(columns="_r")
    return df.reset_index(drop=True)
