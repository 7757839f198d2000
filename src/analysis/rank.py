"""Observations -> rankings: the one entry point, with a policy per dimension.

Every dataset is ranked apart (never summed with another). Which policy applies follows from the
measure (``schema.dimension_of``):
- trade (``rank_trade``): own reports and mirror data, bases ``reported`` and ``best``,
  variants ``countries``, ``blocs`` (members of each year summed, ASEAN as an economy) and
  ``blocs_fixed`` (today's members in every year);
- ODA: recipients rank their donors in the donor variants ``all``, ``bilateral`` and
  ``grouped`` (multilateral families as one) on basis ``mirror`` (donor-reported); donors rank
  their recipients (``countries``, ``reported``); within a year on current prices, constant
  prices only where current prices are neither recorded nor derived (``_one_price_per_year``);
- FDI: as the source reports it (its own basis), variant ``countries``; variant ``blocs`` where
  the source publishes its own ASEAN or EU rows: each bloc row is ranked with its published
  membership (the members of that year, ``countries.published_members``), and a country row is
  dropped wherever a published bloc row of the same host-year contains it, so that no member is
  ranked beside a bloc that holds it (nor dropped where no bloc row holds it); a host that is a
  bloc (ASEAN as a whole) holds its own members (intra-ASEAN flows, as in trade).

Rules shared by ODA and FDI (``rank_simple``): values above zero are ranked; negative values
(net repayments, disinvestment) stay with no rank; zeros are dropped. Rank 1 is the largest;
equal values share the smaller rank (1, 2, 2, 4), listed by partner code.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .countries import ASEAN, EU, FOCUS, WORLD, published_members
from .rank_trade import competition_rank, rank_dataset, share
from .schema import RANKING_KEY, RANKINGS, dimension_of
from .validate import check

COLUMNS = list(RANKINGS)
TEXT = ("dataset", "measure", "variant", "basis", "country", "partner", "value_basis")

__all__ = ["COLUMNS", "competition_rank", "rank_observations", "rank_simple", "rank_snapshot"]


def rank_snapshot(obs: pd.DataFrame, manifest: dict) -> pd.DataFrame:
    """A snapshot's rankings from its observations and manifest alone: the build and every
    reader of the committed snapshot rank through here, so both give the same rows.

    The manifest's dataset entries say which datasets rank a restricted partner set (their
    ``variant``) and which have a single reporter; its ``scope`` which economies are ranked.
    """
    datasets = manifest.get("datasets", {})
    restricted = {n: e["variant"] for n, e in datasets.items() if e.get("variant")}
    # ASEAN as an economy is the sum of its members: never from a dataset of one reporter
    single = frozenset(n for n, e in datasets.items() if e.get("reporters", "all") != "all")
    countries = frozenset((*FOCUS, ASEAN)) if manifest.get("scope") == "focus" else None
    return rank_observations(obs, countries, restricted, single)


def rank_observations(
    obs: pd.DataFrame,
    countries: frozenset[str] | None = None,
    restricted: dict[str, str] | None = None,
    single_reporter: frozenset[str] = frozenset(),
) -> pd.DataFrame:
    """Every dataset's rankings. ``countries`` limits which economies are ranked (None: all).

    ``restricted``: dataset -> variant name, for datasets whose partners are a restricted set
    (e.g. 13 major partners): they are ranked among those partners only, in that variant alone
    (no bloc sums), so their ranks never pass for all-partner ranks.
    ``single_reporter``: datasets in which one economy reports (national statistics): ASEAN is
    never formed as an economy from them (it would be that one member under ASEAN's name).
    Row order: dataset, then as each policy orders its rows.
    """
    restricted = restricted or {}
    parts = []
    for name, d in obs.groupby("dataset", observed=True, sort=True):
        policies = {dimension_of(str(m)) for m in d["measure"].unique()}
        if len(policies) != 1:
            raise ValueError(f"dataset {name!r} mixes dimensions {sorted(policies)}")
        policy = POLICIES[policies.pop()]
        ranked = policy(d, str(name), countries)
        if (
            str(name) in single_reporter
            and len(ranked)
            and dimension_of(str(d["measure"].iloc[0])) == "trade"
        ):
            ranked = ranked[ranked["country"] != ASEAN]
        if str(name) in restricted and len(ranked):
            ranked = ranked[ranked["variant"] == "countries"].copy()
            ranked["variant"] = pd.Categorical(
                np.full(len(ranked), restricted[str(name)], dtype=object)
            )
        parts.append(ranked)
    parts = [p for p in parts if len(p)]
    if not parts:
        return _empty()
    if len(parts) == 1:
        out = parts[0]
    else:
        out = pd.concat(parts, ignore_index=True)
        for col in TEXT:
            out[col] = out[col].astype(str).astype("category")
    return check(out, RANKINGS, RANKING_KEY, "rankings")


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=RANKINGS[c].pandas_dtype) for c in COLUMNS})


def _trade(obs: pd.DataFrame, dataset: str, countries: frozenset[str] | None) -> pd.DataFrame:
    return rank_dataset(obs, dataset, countries)


def _partner_rows(obs: pd.DataFrame, countries: frozenset[str] | None) -> pd.DataFrame:
    """Partner rows with the economy's total (its WLD row, summed), as text columns."""
    if countries is not None:
        obs = obs[obs["country"].astype(str).isin(countries)]
    obs = obs.assign(
        country=obs["country"].astype(str),
        partner=obs["partner"].astype(str),
        measure=obs["measure"].astype(str),
        dataset=obs["dataset"].astype(str),
    )
    keys = ["dataset", "measure", "country", "year"]
    totals = obs[obs["partner"] == WORLD][keys + ["value_usd_m"]].rename(
        columns={"value_usd_m": "total_usd_m"}
    )
    totals = totals.groupby(keys, as_index=False)["total_usd_m"].sum()
    rows = obs[obs["partner"] != WORLD].merge(totals, on=keys, how="left")
    rows["value_basis"] = np.where(rows["basis"].astype(str) == "mirror", "mirror", "reported")
    rows["estimated_share"] = 0.0
    return rows


def _oda(obs: pd.DataFrame, dataset: str, countries: frozenset[str] | None) -> pd.DataFrame:
    from .donors import donor_table

    rows = _one_price_per_year(_partner_rows(obs, countries))
    received = rows[rows["measure"].str.startswith("oda_received")]
    given = rows[rows["measure"].str.startswith("oda_given")]
    parts = []
    for variant in ("all", "bilateral", "grouped"):
        codes = {d.code for d in donor_table().values() if d.code and d.in_variant(variant)}
        parts.append(rank_simple(received[received["partner"].isin(codes)], variant, "mirror"))
    parts.append(rank_simple(given, "countries", "reported"))
    return _frame(parts)


def _one_price_per_year(rows: pd.DataFrame) -> pd.DataFrame:
    """Within a year, donors are ranked on current prices.

    A donor's constant-price value is its current value divided by its own deflator, which
    carries its later exchange-rate moves, so constant prices reorder donors within a year. For
    each dataset, side and flow (``oda_<side>_<flow>``), economy and year the rows at constant
    prices (``_const2022``) are ranked only where there are no current-price rows (recorded or
    derived, see ``oda_prices``) for every partner of that economy and year; otherwise the
    current-price rows are ranked and the constant-price rows are left to trends. Where current
    prices cover only some partners, the constant prices are ranked (and the incomplete
    current-price rows are not): a ranking never mixes price bases or drops a partner.
    """
    measure = rows["measure"]
    const = measure.str.endswith("_const2022").to_numpy()
    current = measure.str.endswith("_current").to_numpy()
    if not (const.any() and current.any()):
        return rows
    base = measure.str.replace(r"_(const2022|current)$", "", regex=True)
    keys = ["dataset", "_base", "country", "year"]
    r = rows.assign(_base=base.to_numpy())
    c = r[const][keys + ["partner"]]
    k = r[current][keys + ["partner"]]
    n_const = c.groupby(keys, sort=False).size().rename("n_const")
    n_cur = k.groupby(keys, sort=False).size().rename("n_cur")
    both = c.merge(k, on=keys + ["partner"], how="inner").groupby(keys, sort=False).size()
    cover = pd.concat([n_const, n_cur, both.rename("n_both")], axis=1).fillna(0)
    complete = (cover["n_both"] == cover["n_const"]) & (cover["n_cur"] == cover["n_const"])
    has_const = cover["n_const"] > 0
    cover = cover.assign(
        keep_current=~has_const | complete, keep_const=has_const & ~complete
    ).reset_index()
    r = r.merge(cover[keys + ["keep_current", "keep_const"]], on=keys, how="left", sort=False)
    keep = ~(const | current) | (current & r["keep_current"].to_numpy(dtype=bool))
    keep |= const & r["keep_const"].to_numpy(dtype=bool)
    return rows[keep]


def _fdi(obs: pd.DataFrame, dataset: str, countries: frozenset[str] | None) -> pd.DataFrame:
    rows = _partner_rows(obs, countries)
    is_bloc = rows["partner"].isin((ASEAN, EU))
    parts = []
    for basis, d in rows.groupby(rows["basis"].astype(str), sort=True):
        bloc = is_bloc.loc[d.index]
        parts.append(rank_simple(d[~bloc], "countries", str(basis)))
        if bloc.any():
            parts.append(rank_simple(d[~_inside_bloc_rows(d, bloc)], "blocs", str(basis)))
    return _frame(parts)


def _inside_bloc_rows(d: pd.DataFrame, bloc: pd.Series) -> pd.Series:
    """True for a country row that a published bloc row of its host-year contains (that bloc
    row's membership in that year as the source publishes it). A host that is itself a bloc
    (ASEAN as a whole) holds its own members: their rows are intra-bloc flows, as in trade."""
    keys = ["dataset", "measure", "country", "year"]
    hosts = d.loc[d["country"].isin((ASEAN, EU)), keys].drop_duplicates()
    published = pd.concat(
        [d.loc[bloc, keys + ["partner"]], hosts.assign(partner=hosts["country"])]
    ).drop_duplicates()
    held = [
        (ds, measure, country, year, member)
        for ds, measure, country, year, b in published.itertuples(index=False)
        for member in sorted(published_members(ds, b, int(year)))
    ]
    if not held:
        return pd.Series(False, index=d.index)
    inside = pd.MultiIndex.from_tuples(held, names=keys + ["partner"])
    own = pd.MultiIndex.from_frame(d[keys + ["partner"]])
    return pd.Series(own.isin(inside), index=d.index) & ~bloc


def _frame(parts: list[pd.DataFrame]) -> pd.DataFrame:
    parts = [p for p in parts if len(p)]
    if not parts:
        return _empty()
    out = pd.concat(parts, ignore_index=True)
    for col in TEXT:
        out[col] = out[col].astype("category")
    return out


POLICIES = {"trade": _trade, "oda": _oda, "fdi": _fdi}


def rank_simple(rows: pd.DataFrame, variant: str, basis: str) -> pd.DataFrame:
    """Rank partner rows that need no mirror logic (ODA, FDI): one source, one side.

    ``rows``: dataset, measure, country, partner, year, value_usd_m, total_usd_m (NaN: use the sum
    over partners), value_basis, estimated_share. Values above zero are ranked; negative values
    (net repayments, disinvestment) are kept with no rank; zeros are dropped.
    """
    rows = rows[rows["value_usd_m"] != 0].copy()
    if rows.empty:
        return _empty()
    keys = ["dataset", "measure", "country", "year"]
    gid = rows.groupby(keys, observed=True, sort=False).ngroup().to_numpy()
    value = rows["value_usd_m"].to_numpy(dtype=float)
    rankable = value > 0
    partner_codes = rows["partner"].astype("category").cat.codes.to_numpy()
    ranks = np.zeros(len(rows), dtype="int32")
    idx = np.flatnonzero(rankable)
    ranks[idx] = competition_rank(gid[idx], np.round(value[idx], 6), partner_codes[idx])
    n_groups = int(gid.max()) + 1
    n_partners = np.bincount(gid[idx], minlength=n_groups)[gid]
    psum = np.bincount(gid, weights=value, minlength=n_groups)[gid]
    total = rows["total_usd_m"].to_numpy(dtype=float)
    total = np.where(np.isnan(total), psum, total)
    out = pd.DataFrame(
        {
            "dataset": rows["dataset"].astype(str).to_numpy(),
            "measure": rows["measure"].astype(str).to_numpy(),
            "variant": variant,
            "basis": basis,
            "country": rows["country"].astype(str).to_numpy(),
            "year": rows["year"].astype("int16").to_numpy(),
            "partner": rows["partner"].astype(str).to_numpy(),
            "value_usd_m": value,
            "total_usd_m": total,
            "share": share(value, total),
            "rank": pd.arrays.IntegerArray(ranks, ranks == 0),
            "n_partners": n_partners.astype("int32"),
            "value_basis": rows["value_basis"].astype(str).to_numpy(),
            "estimated_share": rows["estimated_share"].to_numpy(dtype=float),
        }
    )
    out["_r"] = np.where(ranks == 0, np.iinfo("int32").max, ranks)
    out = out.sort_values(keys + ["_r", "partner"], kind="mergesort").drop(columns="_r")
    return out.reset_index(drop=True)
