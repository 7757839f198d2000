"""Observations -> rankings: the one entry point (``rank`` and ``rank_batches`` with one
``RankSettings``), with a policy per dimension (``schema.dimension_of``): trade in
``rank_trade``, ODA and FDI here.

What each variant, basis, rank and share means is written once, for readers, in
data/processed/README.md ("How the rankings are made"). Rules held here: every dataset is ranked
apart, never summed with another; ODA donors are ranked within a year on current prices
(``_one_price_per_year``); an FDI source's own bloc rows are ranked in variant ``blocs`` with
their published membership, and a country row inside a published bloc row of its host-year is
left out of that variant (``_inside_bloc_rows``); values above zero are ranked, negative ones
and an economy's own bloc row kept with no rank, zeros dropped; rank 1 is the largest, equal
values share the smaller rank (1, 2, 2, 4), listed by partner code.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import re
import weakref
from collections import OrderedDict, deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from .countries import ASEAN, EU, FOCUS, WORLD, ever_members, published_members
from .donors import donor_table
from .rank_trade import competition_rank, rank_dataset, share
from .schema import RANKING_KEY, RANKINGS, dimension_of, ranks_recipients
from .validate import check

COLUMNS = list(RANKINGS)
CACHED_ECONOMIES = 16  # one-economy rankings kept per table of observations (rank_economy)
BATCH_WORKERS = 2  # batches ranked at once (rank_in_batches): machines here have 2 cores
SPLIT = ("aggregation", "partner_set")  # filled last, from variant (``split_variant``)
BASE = [c for c in COLUMNS if c not in SPLIT]  # what each policy ranks
TEXT = ("dataset", "measure", "variant", "basis", "country", "partner", "value_basis")

# the public surface: ``rank`` and its batch form with one settings object; the functions
# below them (``rank_observations``, ``rank_in_batches``, ``rank_economy``, ``rank_simple``)
# are the engine they call
__all__ = ["COLUMNS", "RankSettings", "rank", "rank_batches"]


@dataclass(frozen=True)
class RankSettings:
    """What ranking needs to know beyond the observations, the one settings object of every
    caller (the build, readers of the snapshot, ``diff`` of two vintages, tests), built from a
    manifest's dataset entries (``from_manifest``) so all rank alike.

    ``countries``: the economies ranked (None: every one; the focus scope: Japan, the ASEAN
    members and ASEAN). ``unranked``: datasets declared ``ranked=False`` (one investor's own
    report, ``spec.Dataset``): never ranked. ``restricted``: (dataset, variant) of datasets whose
    partners are a restricted set (e.g. 13 major partners): ranked among those partners only, in
    that variant alone (no bloc sums), so their ranks never pass for all-partner ranks.
    ``single_reporter``: datasets in which one economy reports (national statistics): ASEAN is
    never formed as an economy from them. ``partial``: datasets whose partners are a restricted
    set: where no world total is published their rows get no total and no share (the sum of 13
    partners is not the economy's total). ``partner_sets``: (dataset, set id, aggregation) of
    restricted sets, which fill the rankings' ``aggregation`` and ``partner_set`` columns
    (``split_variant``)."""

    countries: frozenset[str] | None = None
    restricted: tuple[tuple[str, str], ...] = ()
    single_reporter: frozenset[str] = frozenset()
    partial: frozenset[str] = frozenset()
    partner_sets: tuple[tuple[str, str, str], ...] = ()
    unranked: frozenset[str] = frozenset()

    @classmethod
    def from_manifest(cls, manifest: dict) -> RankSettings:
        """The settings of the datasets a manifest lists (``datasets``: name -> entry with
        variant, reporters, partners, partner_set, aggregation, ranked) and of its ``scope``
        (``focus``: Japan, the ASEAN members and ASEAN; anything else: every economy)."""
        rows = [
            (
                name,
                e.get("variant", ""),
                e.get("reporters", "all"),
                e.get("partners", "all"),
                e.get("partner_set", "all"),
                e.get("aggregation", ""),
                e.get("ranked", True),
            )
            for name, e in sorted(manifest.get("datasets", {}).items())
        ]
        return cls(
            countries=frozenset((*FOCUS, ASEAN)) if manifest.get("scope") == "focus" else None,
            restricted=tuple((name, variant) for name, variant, *_ in rows if variant),
            single_reporter=frozenset(n for n, _, reporters, *_ in rows if reporters != "all"),
            partial=frozenset(n for n, _, _, partners, *_ in rows if partners != "all"),
            partner_sets=tuple(
                sorted((n, ps, agg) for n, _, _, _, ps, agg, _ in rows if ps != "all" or agg)
            ),
            unranked=frozenset(n for n, *_, ranked in rows if not ranked),
        )

    def only(self, countries: Iterable[str] | None) -> RankSettings:
        """The same settings ranking ``countries`` alone (None: every economy)."""
        return replace(self, countries=None if countries is None else frozenset(countries))

    def keywords(self) -> dict:
        """The engine functions' keywords (``rank_observations`` and its batch and economy
        forms), ``countries`` apart."""
        return {
            "restricted": dict(self.restricted),
            "single_reporter": self.single_reporter,
            "partial": self.partial,
            "partner_sets": self.partner_sets,
            "unranked": self.unranked,
        }


def rank(observations: pd.DataFrame, settings: RankSettings | None = None) -> pd.DataFrame:
    """Every ranking of the observations under ``settings``: the one entry point (the build,
    ``snapshot.load_rankings``, ``vintages.diff`` and tests rank through here). Settings that
    name one economy rank from its rows alone, cached per frame (``rank_economy``: a fraction
    of a second at world scope); the rows are the same either way."""
    settings = settings or RankSettings()
    if settings.countries is not None and len(settings.countries) == 1:
        (economy,) = settings.countries
        return rank_economy(observations, economy, **settings.keywords())
    return rank_observations(observations, settings.countries, **settings.keywords())


def rank_batches(
    observations: pd.DataFrame, settings: RankSettings | None = None, batch_rows: int = 400_000
) -> Iterator[pd.DataFrame]:
    """``rank`` economy batch by economy batch (the world scope's rankings written in bounded
    memory, ``rank_in_batches``); the batches joined are ``rank``'s rows."""
    settings = settings or RankSettings()
    return rank_in_batches(
        observations, settings.countries, **settings.keywords(), batch_rows=batch_rows
    )


def rank_observations(
    obs: pd.DataFrame,
    countries: frozenset[str] | None = None,
    restricted: dict[str, str] | None = None,
    single_reporter: frozenset[str] = frozenset(),
    partial: frozenset[str] = frozenset(),
    partner_sets: tuple[tuple[str, str, str], ...] = (),
    unranked: frozenset[str] = frozenset(),
) -> pd.DataFrame:
    """The engine of ``rank``: every dataset's rankings of the economies ``countries`` (None:
    all), the other keywords as ``RankSettings.keywords`` gives them (the class says what each
    means).
    Row order: dataset, then as each policy orders its rows.
    """
    restricted = restricted or {}
    ranked: dict[str, pd.DataFrame] = {}
    pooled: dict[str, list[str]] = {}
    for name, d in obs.groupby("dataset", observed=True, sort=True):
        if str(name) in unranked:
            continue
        policies = {dimension_of(str(m)) for m in d["measure"].unique()}
        if len(policies) != 1:
            raise ValueError(f"dataset {name!r} mixes dimensions {sorted(policies)}")
        dimension = policies.pop()
        if dimension == "trade":  # each dataset its own code space (rank_trade)
            ranked[str(name)] = _trade(d, str(name), countries)
        else:
            pooled.setdefault(dimension, []).append(str(name))
    # ODA and FDI rank within (dataset, measure, country, year) groups and sort by dataset
    # first, so their datasets are ranked in one call per policy (one call's fixed cost, not
    # one per dataset) and split apart again
    for dimension, names in pooled.items():
        d = obs[obs["dataset"].isin(names).to_numpy()]
        ranked.update(_by_dataset(POLICIES[dimension](d, "", countries)))
    parts = []
    for name in sorted(ranked):
        r = ranked[name]
        if (
            name in single_reporter
            and len(r)
            and dimension_of(str(r["measure"].iloc[0])) == "trade"
        ):
            r = r[r["country"] != ASEAN]
        if name in restricted and len(r):
            r = r[r["variant"] == "countries"].copy()
            r["variant"] = pd.Categorical(np.full(len(r), restricted[name], dtype=object))
        if name in partial and len(r):
            r = _without_world_total(r, obs[(obs["dataset"] == name).to_numpy()])
        parts.append(r)
    parts = [p for p in parts if len(p)]
    if not parts:
        return _empty()
    out = parts[0] if len(parts) == 1 else _concat(parts)
    out = split_variant(out, partner_sets)
    return check(out, RANKINGS, RANKING_KEY, "rankings")


AGGREGATIONS = ("countries", "blocs", "blocs_fixed", "grouped")


def split_variant(
    ranked: pd.DataFrame, partner_sets: tuple[tuple[str, str, str], ...] = ()
) -> pd.DataFrame:
    """``ranked`` with ``aggregation`` and ``partner_set`` filled from ``variant`` (the one
    rule): ``aggregation`` is ``blocs``, ``blocs_fixed`` or ``grouped`` where the variant is,
    else ``countries``; ``partner_set`` is ``bilateral`` for ODA's donor-countries variant,
    ``all`` where a donor ranks its recipients (``oda_given``), else the dataset's declared
    set (``partner_sets``: (dataset, set, aggregation); ``all`` if it declares none); a
    restricted set that lists blocs as its source defines them has aggregation ``blocs``.

    Why codes: the world scope ranks 16 million rows; the rule is applied once per distinct
    (dataset, measure, variant) of the columns' categories and spread by integer codes, so
    no text is built per row."""
    cols = [_cat(ranked[c]) for c in ("dataset", "measure", "variant")]
    cats = [np.asarray(c.cat.categories.astype(str), dtype=object) for c in cols]
    # int32 where the combinations fit (they are few): less memory per batch of millions
    width = np.int32 if len(cats[0]) * len(cats[1]) * len(cats[2]) < 2**31 else np.int64
    codes = [c.cat.codes.to_numpy().astype(width) for c in cols]
    combined = (codes[0] * len(cats[1]) + codes[1]) * len(cats[2]) + codes[2]
    # the distinct combinations, ascending, and each row's index among them (``np.unique``
    # with ``return_inverse``, by counting: the combinations are few, the rows millions)
    present = np.bincount(combined, minlength=1) > 0
    uniques = np.flatnonzero(present)
    inverse = (np.cumsum(present) - 1).astype(width)[combined]
    sets = {name: ps for name, ps, _ in partner_sets}
    own_aggregation = {name: agg for name, _, agg in partner_sets if agg}
    agg_of, set_of = [], []
    for u in uniques:
        rest, v = divmod(int(u), len(cats[2]))
        d, m = divmod(rest, len(cats[1]))
        dataset, measure, variant = cats[0][d], cats[1][m], cats[2][v]
        agg_of.append(
            variant if variant in AGGREGATIONS else own_aggregation.get(dataset, "countries")
        )
        if variant == "bilateral":
            set_of.append("bilateral")
        elif ranks_recipients(measure):
            set_of.append("all")
        else:
            set_of.append(sets.get(dataset, "all"))
    out = ranked.copy(deep=False)  # two columns added: the others are not copied
    for col, values in (("aggregation", agg_of), ("partner_set", set_of)):
        names = sorted(set(values))
        per_combo = np.array([names.index(v) for v in values], dtype=np.int16)
        out[col] = pd.Categorical.from_codes(
            per_combo[inverse] if len(inverse) else np.zeros(0, dtype=np.int16),
            categories=names,
        )
    return out[COLUMNS]


def _without_world_total(ranked: pd.DataFrame, obs: pd.DataFrame) -> pd.DataFrame:
    """``ranked`` (one dataset's rankings) with total and share emptied in every economy,
    measure and year that has no published world total (``WLD`` row) in ``obs``, except a
    donor's ranking of its recipients (the set is restricted on the donors' side). A
    ``trade`` group counts as published where either flow's world row is (as the trade
    policy sums). Matched per distinct (measure, country, year) group, then spread to rows."""
    world = obs[(obs["partner"] == WORLD).to_numpy()]
    measures = {str(m) for m in world["measure"].unique()}
    if measures & {"exports", "imports"}:
        flows = world[world["measure"].isin(["exports", "imports"]).to_numpy()]
        world = pd.concat([world, flows.assign(measure="trade")])
    published = pd.MultiIndex.from_arrays(
        [
            world["measure"].astype(str).to_numpy(),
            world["country"].astype(str).to_numpy(),
            world["year"].to_numpy(dtype=np.int64),
        ]
    ).unique()
    groups = ranked[["measure", "country", "year"]].drop_duplicates()
    keys = pd.MultiIndex.from_arrays(
        [
            groups["measure"].astype(str).to_numpy(),
            groups["country"].astype(str).to_numpy(),
            groups["year"].to_numpy(dtype=np.int64),
        ]
    )
    given = np.array([ranks_recipients(str(m)) for m in groups["measure"]], dtype=bool)
    # a donor ranking its recipients (``oda_given``) ranks every recipient the dataset has:
    # the restricted set is the donors (``headline.restricted`` says the same)
    keep = keys.isin(published) | given
    if keep.all():
        return ranked
    blank = groups[~keep]
    hit = (
        ranked[["measure", "country", "year"]]
        .reset_index(drop=True)
        .merge(blank.assign(_blank=True), how="left", on=["measure", "country", "year"])["_blank"]
        .fillna(False)
        .to_numpy(dtype=bool)
    )
    out = ranked.copy()
    out["total_usd_m"] = np.where(hit, np.nan, out["total_usd_m"].to_numpy())
    out["share"] = np.where(hit, np.nan, out["share"].to_numpy())
    return out


def _by_dataset(ranked: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """One policy's rankings of several datasets, split by dataset (each keeping its order),
    each as that dataset ranked alone would be (text categories: the values present)."""
    if not len(ranked):
        return {}
    codes = ranked["dataset"].cat.codes.to_numpy()
    out = {}
    for i, name in enumerate(ranked["dataset"].cat.categories):
        piece = ranked.take(np.flatnonzero(codes == i)).reset_index(drop=True)
        if len(piece):
            for col in TEXT:
                piece[col] = piece[col].cat.remove_unused_categories()
            out[str(name)] = piece
    return out


def _concat(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """The parts one below the other, each text column a category of the values present,
    sorted (as ``astype(str).astype("category")`` makes it), recoded on integer codes: the
    text of millions of rows is never built."""
    columns = {}
    for col in BASE:
        if col == "rank":  # nullable: values and mask joined apart
            ranks = [p[col] for p in parts]
            columns[col] = pd.arrays.IntegerArray(
                np.concatenate([r.to_numpy(dtype="int32", na_value=0) for r in ranks]),
                np.concatenate([r.isna().to_numpy() for r in ranks]),
            )
            continue
        if col not in TEXT:
            columns[col] = np.concatenate([p[col].to_numpy() for p in parts])
            continue
        cats = [p[col].astype("category").cat for p in parts]
        every = sorted(set().union(*(c.categories.astype(str) for c in cats)))
        where = pd.Index(every)
        codes = np.concatenate(
            [
                np.append(where.get_indexer(c.categories.astype(str)), -1)[c.codes.to_numpy()]
                for c in cats
            ]
        )
        used = np.bincount(codes[codes >= 0], minlength=len(every)) > 0
        recode = np.full(len(every) + 1, -1, dtype=np.int64)
        recode[np.flatnonzero(used)] = np.arange(int(used.sum()))
        columns[col] = pd.Categorical.from_codes(
            recode[codes], categories=[c for c, u in zip(every, used, strict=True) if u]
        )
    return pd.DataFrame(columns)


class EconomyIndex:
    """The observations' row positions grouped by economy (``country``), built once per frame.

    Why: an economy's ranking needs only the rows of that economy (its own reports and the
    mirror rows, which carry it as ``country``), and for ASEAN its members' rows too (ASEAN as
    an economy is the sum of its members in trade's bloc variants). A stable sort by economy
    keeps each economy's rows in their original order, so sums over them add in the same
    order as in the full ranking and give the same floats.
    """

    def __init__(self, obs: pd.DataFrame) -> None:
        country = obs["country"]
        if not isinstance(country.dtype, pd.CategoricalDtype):
            country = country.astype(str).astype("category")
        codes = country.cat.codes.to_numpy()
        self.order = np.argsort(codes, kind="stable")
        bounds = np.searchsorted(codes[self.order], np.arange(len(country.cat.categories) + 1))
        self.slices = {
            str(c): (int(bounds[i]), int(bounds[i + 1]))
            for i, c in enumerate(country.cat.categories)
            if bounds[i + 1] > bounds[i]
        }
        dataset = obs["dataset"]
        if not isinstance(dataset.dtype, pd.CategoricalDtype):
            dataset = dataset.astype(str).astype("category")
        self.dataset = dataset.cat.codes.to_numpy()
        self.datasets = np.asarray(dataset.cat.categories.astype(str), dtype=object)
        # the trade datasets: the only ones ASEAN as an economy is formed from (its members
        # summed), where they have several reporters and all partners (``bloc_datasets``)
        measures = obs.drop_duplicates("dataset")[["dataset", "measure"]]
        self.trade = frozenset(
            str(d) for d, m in measures.itertuples(index=False) if dimension_of(str(m)) == "trade"
        )
        # the latest economies' rankings, least recently used first (bounded: a world table
        # holds 250 economies of ~150,000 rows each)
        self.rankings: OrderedDict[tuple, pd.DataFrame] = OrderedDict()

    @property
    def economies(self) -> list[str]:
        """Every economy with rows, in code order."""
        return sorted(self.slices)

    def positions(
        self, economies: list[str] | frozenset[str], bloc_datasets: frozenset[str] | None = None
    ) -> np.ndarray:
        """Row positions (ascending: the original order) of what ``economies``' rankings need.

        ASEAN's ranking also reads its members' rows, but only in the datasets it is formed
        from (``bloc_datasets``; None: all): elsewhere ASEAN ranks its own rows alone."""
        wanted = set(economies)
        members = ever_members(ASEAN) - wanted if ASEAN in wanted else set()
        parts = [self.order[slice(*self.slices[c])] for c in sorted(wanted) if c in self.slices]
        for c in sorted(members):
            if c not in self.slices:
                continue
            rows = self.order[slice(*self.slices[c])]
            if bloc_datasets is not None:
                rows = rows[np.isin(self.dataset[rows], self.dataset_codes(bloc_datasets))]
            parts.append(rows)
        if not parts:
            return np.zeros(0, dtype=np.int64)
        keep = np.zeros(len(self.order), dtype=bool)  # a mask, not a sort, restores the order
        for part in parts:
            keep[part] = True
        return np.flatnonzero(keep)

    def dataset_codes(self, names: frozenset[str]) -> np.ndarray:
        """The codes of the named datasets in ``self.dataset``."""
        return np.flatnonzero(np.isin(self.datasets, list(names)))


_INDEXES: list[tuple[weakref.ref, EconomyIndex]] = []


def economy_index(obs: pd.DataFrame) -> EconomyIndex:
    """The index of ``obs``, built on first use and kept while the frame lives (one at a
    time: a notebook asks about one table of observations). Do not modify ``obs`` after."""
    for ref, index in _INDEXES:
        if ref() is obs:
            return index
    index = EconomyIndex(obs)
    _INDEXES[:] = [(weakref.ref(obs), index)]
    return index


def rank_economy(
    obs: pd.DataFrame,
    economy: str,
    restricted: dict[str, str] | None = None,
    single_reporter: frozenset[str] = frozenset(),
    partial: frozenset[str] = frozenset(),
    partner_sets: tuple[tuple[str, str, str], ...] = (),
    unranked: frozenset[str] = frozenset(),
) -> pd.DataFrame:
    """One economy's complete ranking (every dataset, measure, variant, basis, year, partner):
    the rows of ``rank_observations(obs, countries, ...)`` whose ``country`` is ``economy``, in
    the same order, for any ``countries`` that holds it. Cached per frame and economy.

    Why: notebooks, widgets and ``rank`` ask about one economy at a time; ranking only the rows
    that economy's ranking reads takes a fraction of a second even at world scope.
    """
    index = economy_index(obs)
    key = (
        economy,
        tuple(sorted((restricted or {}).items())),
        single_reporter,
        partial,
        partner_sets,
        unranked,
    )
    if key in index.rankings:
        index.rankings.move_to_end(key)
    else:
        index.rankings[key] = _rank_subset(
            obs, index, [economy], restricted, single_reporter, partial, partner_sets, unranked
        )
        while len(index.rankings) > CACHED_ECONOMIES:
            index.rankings.popitem(last=False)
    return index.rankings[key].copy()


def rank_in_batches(
    obs: pd.DataFrame,
    countries: frozenset[str] | None = None,
    restricted: dict[str, str] | None = None,
    single_reporter: frozenset[str] = frozenset(),
    partial: frozenset[str] = frozenset(),
    partner_sets: tuple[tuple[str, str, str], ...] = (),
    unranked: frozenset[str] = frozenset(),
    batch_rows: int = 400_000,
    workers: int | None = None,
) -> Iterator[pd.DataFrame]:
    """The rankings of ``rank_observations`` economy batch by economy batch, in economy
    order (each batch ordered as ``rank_observations`` orders its rows).

    Why: the world scope's 16 million ranking rows need several GB at once; a batch of
    economies whose rankings read about ``batch_rows`` observations needs a fraction of that,
    and its rows can be written out before the next batch is ranked. Batches are independent
    and their work is mostly numpy sorts and sums, which release the GIL, so ``workers``
    threads (default ``BATCH_WORKERS``, at most the cores) rank that many batches at once;
    the batches are the same whatever ``workers`` is (so are the rows and their order) and
    come out in economy order, at most ``workers`` ranked ahead of the one being read.
    """
    index = economy_index(obs)
    # ASEAN is an economy of trade's bloc variants even where no observation names it
    every = sorted(set(index.economies) | {ASEAN})
    wanted = [c for c in every if countries is None or c in countries]
    workers = max(1, min(workers or BATCH_WORKERS, os.cpu_count() or 1))
    batches: list[list[str]] = [[]]
    size = 0
    for c in wanted:
        start, end = index.slices.get(c, (0, 0))
        batches[-1].append(c)
        size += end - start
        if size >= batch_rows:
            batches.append([])
            size = 0
    batches = [b for b in batches if b]

    def rank_batch(batch: list[str]) -> pd.DataFrame:
        return _rank_subset(
            obs, index, batch, restricted, single_reporter, partial, partner_sets, unranked
        )

    workers = min(workers, len(batches) or 1)
    if workers <= 1:
        yield from map(rank_batch, batches)
        return
    _one_malloc_arena()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        pending: deque[Future[pd.DataFrame]] = deque()
        for batch in batches:
            pending.append(pool.submit(rank_batch, batch))
            if len(pending) >= workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _one_malloc_arena() -> None:
    """Threads share one malloc arena from here on, and freed memory goes back to the system
    (glibc; elsewhere nothing to do).

    Why: glibc gives a thread its own arena, and what a batch frees stays in the arena that
    held it; two ranking threads held about 110 MB more at world scope than with one arena,
    at the same speed, and the parse before them left some 200 MB freed but held (measured:
    world ranking at two threads, peak 908 MB without, 819 MB with)."""
    with contextlib.suppress(OSError, AttributeError, TypeError):
        libc = ctypes.CDLL(None)
        libc.mallopt(-8, 1)  # M_ARENA_MAX = 1
        libc.malloc_trim(0)


def _rank_subset(
    obs: pd.DataFrame,
    index: EconomyIndex,
    economies: list[str],
    restricted: dict[str, str] | None,
    single_reporter: frozenset[str],
    partial: frozenset[str] = frozenset(),
    partner_sets: tuple[tuple[str, str, str], ...] = (),
    unranked: frozenset[str] = frozenset(),
) -> pd.DataFrame:
    """``rank_observations`` on the rows ``economies`` need, keeping their rows alone (a
    member's rows alone would form a one-member ASEAN, which is not ASEAN's ranking)."""
    wanted = frozenset(economies)
    forming = index.trade - single_reporter - frozenset(restricted or {})
    sub = obs.take(index.positions(wanted, forming))
    ranked = rank_observations(
        sub, wanted, restricted, single_reporter, partial, partner_sets, unranked
    )
    if ASEAN not in wanted and len(ranked):
        others = (ranked["country"] != ASEAN).to_numpy()
        if not others.all():
            ranked = ranked[others].reset_index(drop=True)
    return ranked


_EMPTY: list[pd.DataFrame] = []


def _empty() -> pd.DataFrame:
    """An empty rankings table (built once: building a typed frame is not free)."""
    if not _EMPTY:
        _EMPTY.append(pd.DataFrame({c: pd.Series(dtype=RANKINGS[c].pandas_dtype) for c in COLUMNS}))
    return _EMPTY[0].copy()


def _trade(obs: pd.DataFrame, dataset: str, countries: frozenset[str] | None) -> pd.DataFrame:
    return rank_dataset(obs, dataset, countries)


def _cat(col: pd.Series) -> pd.Series:
    """The column as a categorical (the observations' text columns already are)."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        return col
    return col.astype(str).astype("category")


def _lex(col: pd.Series) -> np.ndarray:
    """Integer codes of a text column that sort as its text sorts (categories ranked by text)."""
    c = _cat(col)
    cats = np.asarray(c.cat.categories.astype(str), dtype=object)
    rank_of = np.empty(len(cats), dtype=np.int64)
    rank_of[np.argsort(cats, kind="stable")] = np.arange(len(cats))
    return rank_of[c.cat.codes.to_numpy()]


def _group_ids(frame: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """Dense ids of the rows' key combinations, in order of first appearance (as pandas'
    ``groupby(keys, sort=False).ngroup()``), from integer codes: no text is hashed."""
    combined = np.zeros(len(frame), dtype=np.int64)
    for k in keys:
        col = frame[k]
        if isinstance(col.dtype, pd.CategoricalDtype):
            codes, size = col.cat.codes.to_numpy().astype(np.int64), len(col.cat.categories)
        else:
            codes, uniques = pd.factorize(col.to_numpy())
            size = len(uniques)
        combined = combined * (size + 1) + codes + 1
    return pd.factorize(combined)[0]


def _sorted_present(col: pd.Series) -> pd.Categorical:
    """A text column as a categorical of the values present, sorted (what
    ``astype(str).astype("category")`` makes), recoded without building the rows' text."""
    c = _cat(col)
    cats = np.asarray(c.cat.categories.astype(str), dtype=object)
    codes = c.cat.codes.to_numpy()
    used = np.flatnonzero(np.bincount(codes[codes >= 0], minlength=len(cats)))
    used = used[np.argsort(cats[used], kind="stable")]
    recode = np.full(len(cats) + 1, -1, dtype=np.int64)  # code -1 (missing) stays -1
    recode[used] = np.arange(len(used))
    return pd.Categorical.from_codes(recode[codes], categories=list(cats[used]))


def _constant(value: str, n: int) -> pd.Categorical:
    return pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), categories=[value])


def _partner_rows(obs: pd.DataFrame, countries: frozenset[str] | None) -> pd.DataFrame:
    """Partner rows with the economy's total (its WLD row, summed). Text columns stay
    categorical: the ranking works on their codes."""
    if countries is not None:
        obs = obs[obs["country"].isin(countries).to_numpy()]
    obs = obs.assign(**{c: _cat(obs[c]) for c in ("dataset", "measure", "country", "partner")})
    gid = _group_ids(obs, ["dataset", "measure", "country", "year"])
    world = (obs["partner"] == WORLD).to_numpy()
    # the WLD rows summed per group (pandas' sum, as before), spread to the group's rows
    totals = obs.loc[world, "value_usd_m"].groupby(gid[world]).sum()
    total = np.full(int(gid.max()) + 1 if len(gid) else 0, np.nan)
    total[totals.index.to_numpy()] = totals.to_numpy()
    rows = obs[~world].reset_index(drop=True)
    rows["total_usd_m"] = total[gid[~world]]
    mirror = (rows["basis"] == "mirror").to_numpy()
    rows["value_basis"] = pd.Categorical.from_codes(mirror.astype(np.int8), ["reported", "mirror"])
    rows["estimated_share"] = 0.0
    return rows


def _oda(obs: pd.DataFrame, dataset: str, countries: frozenset[str] | None) -> pd.DataFrame:

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
    measure = _cat(rows["measure"])
    codes = measure.cat.codes.to_numpy()
    names = [str(n) for n in measure.cat.categories]
    const = np.array([n.endswith("_const2022") for n in names], dtype=bool)[codes]
    current = np.array([n.endswith("_current") for n in names], dtype=bool)[codes]
    if not (const.any() and current.any()):
        return rows
    bases = [re.sub(r"_(const2022|current)$", "", n) for n in names]
    base = pd.factorize(np.array(bases, dtype=object))[0][codes]
    # the group (dataset, side and flow, economy, year) and the partner of each row, as codes
    group = _group_ids(rows.assign(base=base), ["dataset", "base", "country", "year"])
    partner = _cat(rows["partner"]).cat.codes.to_numpy().astype(np.int64)
    n = int(group.max()) + 1
    n_const = np.bincount(group[const], minlength=n)
    n_cur = np.bincount(group[current], minlength=n)
    priced = const | current
    pair, pairs = pd.factorize(group[priced] * (int(partner.max()) + 1) + partner[priced])
    in_const = np.bincount(pair[const[priced]], minlength=len(pairs))
    in_cur = np.bincount(pair[current[priced]], minlength=len(pairs))
    n_both = np.bincount(
        pairs // (int(partner.max()) + 1), weights=in_const * in_cur, minlength=n
    )  # partners priced both ways (as an inner join of the two would count them)
    complete = (n_both == n_const) & (n_cur == n_const)
    has_const = n_const > 0
    keep_current, keep_const = ~has_const | complete, has_const & ~complete
    keep = ~priced | (current & keep_current[group]) | (const & keep_const[group])
    return rows[keep]


def _fdi(obs: pd.DataFrame, dataset: str, countries: frozenset[str] | None) -> pd.DataFrame:
    rows = _partner_rows(obs, countries)
    is_bloc = rows["partner"].isin((ASEAN, EU))
    parts = []
    basis_text = _cat(rows["basis"])
    for basis in sorted(str(b) for b in basis_text.unique()):
        d = rows[(basis_text == basis).to_numpy()]
        bloc = is_bloc.loc[d.index]
        parts.append(rank_simple(d[~bloc], "countries", basis))
        # the blocs variant of each dataset that publishes bloc rows on this basis
        with_blocs = d.loc[bloc, "dataset"].unique()
        if len(with_blocs):
            d = d[d["dataset"].isin(with_blocs)]
            parts.append(rank_simple(d[~_inside_bloc_rows(d, bloc.loc[d.index])], "blocs", basis))
    return _frame(parts)


def _inside_bloc_rows(d: pd.DataFrame, bloc: pd.Series) -> pd.Series:
    """True for a country row that a published bloc row of its host-year contains (that bloc
    row's membership in that year as the source publishes it). A host that is itself a bloc
    (ASEAN as a whole) holds its own members: their rows are intra-bloc flows, as in trade.
    Where a source publishes several rows of a bloc, the value's flag names its row."""
    keys = ["dataset", "measure", "country", "year"]
    hosts = d.loc[d["country"].isin((ASEAN, EU)), keys].drop_duplicates()
    rows = d.loc[bloc, keys + ["partner"]].astype(object)
    # the flag names which of the source's rows of the bloc the value is (ASEANstats' EU28/EU27)
    rows["row"] = d.loc[bloc, "flag"].astype(str).to_numpy() if "flag" in d else ""
    own = hosts.astype(object).assign(partner=hosts["country"].astype(str), row="")
    published = pd.concat([rows, own]).drop_duplicates(keys + ["partner"])
    held = [
        (ds, measure, country, year, member)
        for ds, measure, country, year, b, row in published.itertuples(index=False)
        for member in sorted(published_members(ds, b, int(year), row))
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
    if len(parts) == 1:
        out = parts[0].copy()
        for col in TEXT:
            out[col] = _sorted_present(out[col])
        return out
    return _concat(parts)


POLICIES = {"trade": _trade, "oda": _oda, "fdi": _fdi}


def rank_simple(rows: pd.DataFrame, variant: str, basis: str) -> pd.DataFrame:
    """Rank partner rows that need no mirror logic (ODA, FDI): one source, one side.

    ``rows``: dataset, measure, country, partner, year, value_usd_m, total_usd_m (NaN: use the sum
    over partners), value_basis, estimated_share. Values above zero are ranked; negative values
    (net repayments, disinvestment) are kept with no rank; zeros are dropped. A row whose
    partner is its economy (ASEAN's intra-ASEAN row) is kept with no rank and is left out of
    the sum over partners.
    """
    rows = rows[(rows["value_usd_m"] != 0).to_numpy()]
    if rows.empty:
        return _empty()
    n = len(rows)
    gid = _group_ids(rows, ["dataset", "measure", "country", "year"])
    value = rows["value_usd_m"].to_numpy(dtype=float)
    # a bloc's own row (ASEAN's intra-ASEAN FDI) is kept but never ranked, as in trade
    own = (rows["partner"].astype(str) == rows["country"].astype(str)).to_numpy()
    rankable = (value > 0) & ~own
    partner = _lex(rows["partner"])
    ranks = np.zeros(n, dtype="int32")
    idx = np.flatnonzero(rankable)
    ranks[idx] = competition_rank(gid[idx], np.round(value[idx], 6), partner[idx])
    n_groups = int(gid.max()) + 1
    n_partners = np.bincount(gid[idx], minlength=n_groups)[gid]
    psum = np.bincount(gid[~own], weights=value[~own], minlength=n_groups)[gid]
    total = rows["total_usd_m"].to_numpy(dtype=float)
    total = np.where(np.isnan(total), psum, total)
    year = rows["year"].to_numpy().astype("int16")
    out = pd.DataFrame(
        {
            "dataset": _cat(rows["dataset"]).array,
            "measure": _cat(rows["measure"]).array,
            "variant": _constant(variant, n),
            "basis": _constant(basis, n),
            "country": _cat(rows["country"]).array,
            "year": year,
            "partner": _cat(rows["partner"]).array,
            "value_usd_m": value,
            "total_usd_m": total,
            "share": share(value, total),
            "rank": pd.arrays.IntegerArray(ranks, ranks == 0),
            "n_partners": n_partners.astype("int32"),
            "value_basis": _cat(rows["value_basis"]).array,
            "estimated_share": rows["estimated_share"].to_numpy(dtype=float),
        }
    )
    # ordered by group, then rank (unranked last), then partner: one lexsort on codes
    unranked_last = np.where(ranks == 0, np.iinfo("int32").max, ranks)
    order = np.lexsort(
        (
            partner,
            unranked_last,
            year,
            _lex(rows["country"]),
            _lex(rows["measure"]),
            _lex(rows["dataset"]),
        )
    )
    return out.take(order).reset_index(drop=True)
