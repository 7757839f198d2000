"""The trade ranking policy (exports, imports, trade): mirror data, best basis, blocs.

Called through ``rank.rank``, the one entry point. What the variants (``countries``, ``blocs``,
``blocs_fixed``), the bases (``reported``, ``best``), ranks and shares mean is written once, for
readers, in data/processed/README.md ("How the rankings are made"); the rule this module alone
holds is which own reports ``best`` does not trust:

Own reports that ``best`` does not trust (``distrusted_own_reports``), judged on the flows
(exports, imports) the own report holds, against partners' reports of the same flows (the
mirror: partners' imports from the reporter as its exports, and the reverse); "coverage" is the
own report's sum over partners divided by the mirror's sum over partners. Per reporter-year:
- ``nearly_empty``: coverage below ``COVERAGE_LIMIT`` (half): the own report lists only a small
  part of the trade its partners report (Viet Nam 1964-1970 names one partner);
- ``partial_year``: for every flow the own report holds, that flow's coverage falls more than
  15% (below ``PARTIAL_DROP`` times) under its median in the neighbouring years (up to
  ``NEIGHBOUR_YEARS`` either side, at least ``MIN_NEIGHBOURS`` of them, nearly empty years left
  out): the own total fell far more than partners' reports of the same trade, the mark of a year
  published before all its months were in (Singapore 2020 in the IMF vintage of 2022-02).
Such a reporter-year uses partners' reports in ``best`` for all three measures. Per
reporter-year and flow:
- ``missing_partner``: partners that rank in the top ``TOP_MISSING`` (five) of the mirror of
  that flow (competition ranks, as the rankings) are absent from the own report of that flow,
  and the own report falls short of the mirror by at least what they report (the own sum over
  partners plus their mirror values is at most the mirror's sum): their trade is missing from
  the own report, not recorded under other partners (Viet Nam 1972 has no row for Japan, its
  first partner in exports and third in imports by Japan's report, 120 m of trade in all, nor
  for Singapore, France and Hong Kong; its imports, 387 m, plus their 266 m are under the
  685 m its partners report). "Absent" means no value above zero: no row, or a zero, which the
  rankings leave unranked all the same (in the IMF's table the own reports' zeros are IMF
  estimates, never reported values). A partner present at any value above zero is not absent,
  however small: a partner small in the own report and large in the mirror is a difference of
  recording (re-exports through Singapore or Hong Kong, goods recorded by origin on one side and
  by shipment on the other), not a gap. The shortfall condition is the guard against the same
  differences where a partner is absent: an entrepot's own report can lack a partner and still
  hold more than its partners report, because partners record its re-exports under their
  origin. Singapore's reports name no Indonesia before 2003, yet its own exports exceed
  partners' reports by a fifth to over double in every year 1968-2002 (1976: 6,394 m against
  4,663 m; Malaysia takes 1,005 m by Singapore's report, 332 m by Malaysia's); read from
  partners' reports, Malaysia would fall from first to fifth of its export markets and Japan
  be Singapore's first trade partner in every year 1970-1982 but 1973 (in four of them by
  Singapore's report), for reasons that have nothing to do with Indonesia. Brunei's exports of 1985 lack Korea (224 m by Korea's
  report) but total what partners report (2,727 m against 2,758 m): recorded under another
  buyer, not missing. The guard also keeps a thin mirror (few partners reporting, its fifth
  partner tiny) from judging a fuller own report, so small mirror values need no threshold of
  their own; and since imports are valued CIF in the own report and FOB in partners' exports
  (some 5-10% lower), it is strict for imports: only a clear shortfall counts.
  That flow uses partners' reports in ``best``; the other flow keeps the own report. ``trade``
  (exports + imports) uses partners' reports where either flow does: an own trade figure would
  lack what the distrusted flow lacks (Japan's trade with Viet Nam 1972 would be Viet Nam's
  imports alone), and a sum of one report's exports and another's imports has no total to take
  a share of.
``value_basis`` says ``mirror`` where partners' reports are used. ``reported`` keeps the own
report as published. A reporter-year with no mirror data (single-reporter datasets) is never
judged.

Implementation: everything runs on integer codes in numpy arrays. Group-level facts (totals,
whether an economy reports) live in dense arrays indexed by (measure, country, year), and one
lexsort per variant x basis both ranks the rows and puts them in the output order, so the
world-wide build needs no string work and no global sort.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .countries import ASEAN, EU, WORLD, ever_members, members_in
from .schema import RANKINGS

COLUMNS = list(RANKINGS)
MEASURES = ("exports", "imports", "trade")
VARIANTS = ("blocs", "blocs_fixed", "countries")  # output order
BASES = ("best", "reported")
VALUE_BASES = ("reported", "mirror", "mixed")
ESTIMATE_LIMIT = 0.5  # own figures count as "reported" while estimates are under half their value
COVERAGE_LIMIT = 0.5  # an own report covering under half of what partners report is nearly empty
PARTIAL_DROP = 0.85  # a flow's own/mirror ratio under 0.85 x its neighbours' median: partial year
NEIGHBOUR_YEARS = 3  # the neighbouring years: up to 3 either side
MIN_NEIGHBOURS = 2  # a year is judged against at least 2 neighbouring years
TOP_MISSING = 5  # a flow's own report missing a partner in the mirror's top 5 is distrusted
NEARLY_EMPTY, PARTIAL_YEAR = "nearly_empty", "partial_year"  # the rules' names
MISSING_PARTNER = "missing_partner"
ALL_FLOWS = "all"  # ``measure`` of a rule that distrusts the whole reporter-year
DISTRUST_COLUMNS = [
    "dataset",
    "country",
    "year",
    "measure",
    "rule",
    "own_usd_m",
    "mirror_usd_m",
    "coverage",
    "drop",
    "partners",
]


def share(value: np.ndarray, total: np.ndarray) -> np.ndarray:
    """value / total, empty (NaN) where the total is zero or negative: no share of nothing."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(total > 0, value / total, np.nan)


def competition_rank(group_id: np.ndarray, value: np.ndarray, tiebreak: np.ndarray) -> np.ndarray:
    """Rank values within groups, largest first; ties share the smaller rank (1, 2, 2, 4)."""
    order, ranks_sorted = _rank_sorted(group_id, value, tiebreak)
    ranks = np.empty(len(value), dtype="int32")
    ranks[order] = ranks_sorted
    return ranks


def _rank_sorted(group_id: np.ndarray, value: np.ndarray, tiebreak: np.ndarray):
    """The order (group, value descending, tiebreak) and the competition rank at each position
    (``value``: -inf where a row is not ranked, last in its group)."""
    n = len(value)
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype="int32")
    micro = _micro(value)
    found = None if micro is None else _rank_sorted_micro(group_id, micro, tiebreak)
    if found is not None:
        return found
    # three stable passes (least significant key first) beat one lexsort: the integer
    # passes use numpy's radix sort when the codes fit in 16 bits
    order = np.argsort(_small(tiebreak), kind="stable")
    order = order[np.argsort(-value[order], kind="stable")]
    order = order[np.argsort(_small(group_id)[order], kind="stable")]
    return order, _ranks_in_order(group_id[order], value[order])


def _ranks_in_order(g: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Competition ranks of rows ordered by group and value (descending)."""
    n = len(v)
    pos = np.arange(n)
    new_group = np.empty(n, dtype=bool)
    new_group[0] = True
    new_group[1:] = g[1:] != g[:-1]
    new_value = new_group.copy()
    new_value[1:] |= v[1:] != v[:-1]
    group_start = np.maximum.accumulate(np.where(new_group, pos, 0))
    value_start = np.maximum.accumulate(np.where(new_value, pos, 0))
    return (value_start - group_start + 1).astype("int32")


def _micro(value: np.ndarray) -> np.ndarray | None:
    """Values on the dollar grid (``np.round(value, 6)``) as whole micro-units (millionths of
    a million: dollars), -1 where a row is not ranked (``-inf``); None where a value is off
    the grid, negative, NaN or too large for exact integers."""
    ranked = value > -np.inf  # NaN compares False
    base = np.where(ranked, value, 0.0)
    micro = np.rint(base * 1e6)
    if not (ranked | (value == -np.inf)).all() or micro.min() < 0 or micro.max() >= 2.0**52:
        return None
    if not np.array_equal(micro / 1e6, base):
        return None
    out = micro.astype(np.int64)
    out[~ranked] = -1
    return out


def _rank_sorted_micro(group_id: np.ndarray, micro: np.ndarray, tiebreak: np.ndarray):
    """``_rank_sorted`` on whole micro-units (-1: not ranked, last in its group) from one sort
    of one int64 key, or None where the key does not fit in 63 bits.

    Why: one unstable sort of distinct integers (numpy's SIMD sort) takes a sixth of the
    three stable passes' time. The key (group, value descending, tiebreak) is distinct
    wherever (group, tiebreak) is, which the rankings' key check (``validate.check``)
    demands. The groups are renumbered densely so that they take few bits; equal values
    are equal integers, so ties are found on the integers."""
    if group_id.min() < 0 or tiebreak.min() < 0:
        return None
    if group_id.max() > DENSE_BINS_PER_ROW * len(group_id) + (1 << 16):
        return None  # sparse group ids: renumbering them would take a large table
    top = int(micro.max())
    used = np.zeros(int(group_id.max()) + 1, dtype=bool)
    used[group_id] = True
    dense = np.cumsum(used) - 1
    g_bits = int(dense[-1]).bit_length()
    v_bits = (top + 2).bit_length()
    t_bits = int(tiebreak.max()).bit_length()
    if g_bits + v_bits + t_bits > 63:
        return None
    key = dense[group_id]
    key <<= v_bits
    key |= top + 1 - micro  # descending; not ranked (-1): top + 2, last
    key <<= t_bits
    key |= tiebreak
    order = np.argsort(key)
    key >>= t_bits  # (group, value) in order: ranks from the key itself
    sorted_key = key[order]
    return order, _ranks_in_order(sorted_key >> v_bits, sorted_key)


def _small(a: np.ndarray) -> np.ndarray:
    """The narrowest unsigned dtype that holds ``a`` (radix sort for up to 16 bits)."""
    top = int(a.max()) if len(a) else 0
    if a.min(initial=0) < 0:
        return a
    for dt in (np.uint8, np.uint16, np.uint32):
        if top <= np.iinfo(dt).max:
            return a.astype(dt)
    return a


@dataclass
class Rows:
    """Column arrays of one table of partner rows (integer codes)."""

    side: np.ndarray  # 0 own report, 1 mirror
    measure: np.ndarray  # index into MEASURES
    country: np.ndarray  # index into vocab
    partner: np.ndarray
    year: np.ndarray  # offset from the first year
    value: np.ndarray
    est: np.ndarray  # the part of value that rests on IMF estimates
    vbasis: np.ndarray  # index into VALUE_BASES

    def take(self, idx: np.ndarray) -> Rows:
        return Rows(*(getattr(self, f)[idx] for f in self.__dataclass_fields__))

    @staticmethod
    def concat(parts: list[Rows]) -> Rows:
        return Rows(
            *(np.concatenate([getattr(p, f) for p in parts]) for f in Rows.__dataclass_fields__)
        )


class Space:
    """Code spaces of one dataset: the vocabulary of economies and the span of years."""

    def __init__(self, vocab: list[str], year0: int, n_years: int) -> None:
        self.vocab = vocab
        self.index = {c: i for i, c in enumerate(vocab)}
        self.nc, self.year0, self.ny = len(vocab), year0, n_years

    def group(self, measure: np.ndarray, country: np.ndarray, year: np.ndarray) -> np.ndarray:
        return (measure.astype(np.int64) * self.nc + country) * self.ny + year

    @property
    def n_groups(self) -> int:
        return len(MEASURES) * self.nc * self.ny


DENSE_BINS_PER_ROW = 8  # _sum_by counts in a dense array up to 8 bins per row (else hashes)


def _sum_by(
    high: np.ndarray, low: np.ndarray, n_low: int, *values: np.ndarray
) -> tuple[np.ndarray, ...]:
    """The unique keys ``high * n_low + low`` in ascending order and each value array summed
    per key (in row order within a key, so a subset of rows in the same order sums alike).

    Why not ``pd.factorize``: hashing is the costliest step of ranking one economy. The
    ``high`` codes in use are renumbered densely (one pass over a small array), and where
    that leaves a key space of a few bins per row, keys are counted with ``np.bincount``;
    otherwise (a whole world table at once) they are hashed, then put in key order.
    """
    if not len(high):
        return (np.zeros(0, dtype=np.int64), *(np.zeros(0) for _ in values))
    used = np.zeros(int(high.max()) + 1, dtype=bool)
    used[high] = True
    highs = np.flatnonzero(used)
    n_bins = len(highs) * n_low
    if n_bins <= max(DENSE_BINS_PER_ROW * len(high), 1 << 16):
        dense = np.cumsum(used) - 1
        key = dense[high] * n_low + low
        present = np.flatnonzero(np.bincount(key, minlength=n_bins))
        sums = tuple(np.bincount(key, weights=v, minlength=n_bins)[present] for v in values)
        return (highs[present // n_low] * n_low + present % n_low, *sums)
    codes, uniques = pd.factorize(high.astype(np.int64) * n_low + low, sort=True)
    sums = tuple(np.bincount(codes, weights=v, minlength=len(uniques)) for v in values)
    return (np.asarray(uniques), *sums)


def _present_codes(codes: np.ndarray, n: int) -> np.ndarray:
    """The distinct codes in [0, n), ascending (``np.unique`` without its sort)."""
    return np.flatnonzero(np.bincount(codes, minlength=n))


def _present(col: pd.Series) -> list[str]:
    """The distinct values of a column, as text (of a categorical: its categories in use,
    without building the text of every row)."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        used = np.bincount(col.cat.codes.to_numpy() + 1, minlength=len(col.cat.categories) + 1)
        return [str(c) for c in col.cat.categories[used[1:] > 0]]
    return [str(c) for c in col.unique()]


def _codes(col: pd.Series, space: Space) -> np.ndarray:
    cat = col.astype("category")
    per_cat = np.array(
        [space.index.get(c, -1) for c in cat.cat.categories.astype(str)], dtype=np.int64
    )
    return per_cat[cat.cat.codes.to_numpy()]


def _prepare(obs: pd.DataFrame, space: Space) -> Rows:
    """Observations -> integer rows with exports, imports and trade."""
    measure = (obs["measure"] == "imports").to_numpy(bool).astype(np.int64)
    value = obs["value_usd_m"].to_numpy(dtype=float)
    base = Rows(
        side=(obs["basis"] == "mirror").to_numpy(bool).astype(np.int64),
        measure=measure,
        country=_codes(obs["country"], space),
        partner=_codes(obs["partner"], space),
        year=obs["year"].to_numpy().astype(np.int64) - space.year0,
        value=value,
        est=np.where((obs["flag"] == "e").to_numpy(bool), value, 0.0),
        vbasis=np.zeros(len(obs), dtype=np.int64),
    )
    base.vbasis = base.side.copy()
    # trade = exports + imports, where that side of the economy has both flows that year
    cy = (base.side * space.nc + base.country) * space.ny + base.year
    n_cy = 2 * space.nc * space.ny
    has = [np.bincount(cy[base.measure == m], minlength=n_cy) > 0 for m in (0, 1)]
    both = (has[0] & has[1])[cy]
    key, value_sum, est_sum = _sum_by(
        cy[both], base.partner[both], space.nc, base.value[both], base.est[both]
    )
    partner = key % space.nc
    cy_u = key // space.nc
    trade = Rows(
        side=cy_u // (space.nc * space.ny),
        measure=np.full(len(key), 2, dtype=np.int64),
        country=(cy_u // space.ny) % space.nc,
        partner=partner,
        year=cy_u % space.ny,
        value=value_sum,
        est=est_sum,
        vbasis=cy_u // (space.nc * space.ny),
    )
    return Rows.concat([base, trade])


def _bloc_of(space: Space, dated: bool) -> np.ndarray:
    """(year, economy) -> the code its rows count under: its bloc in that year, else itself."""
    bloc_of = np.tile(np.arange(space.nc), (space.ny, 1))
    for y in range(space.ny):
        for bloc in (ASEAN, EU):
            for m in members_in(bloc, space.year0 + y, dated):
                if m in space.index:
                    bloc_of[y, space.index[m]] = space.index[bloc]
    return bloc_of


def _blocs(rows: Rows, space: Space, dated: bool) -> Rows:
    """Bloc members summed into their bloc as partners: members of each year (``dated``) or
    today's members in every year (data/blocs.csv)."""
    bloc_of = _bloc_of(space, dated)
    partner = bloc_of[rows.year, rows.partner]
    g = space.group(rows.measure, rows.country, rows.year)
    key_u, value, est = _sum_by(g * 2 + rows.side, partner, space.nc, rows.value, rows.est)
    side = (key_u // space.nc) % 2
    g_u = key_u // (2 * space.nc)
    return Rows(
        side=side,
        measure=g_u // (space.nc * space.ny),
        country=(g_u // space.ny) % space.nc,
        partner=key_u % space.nc,
        year=g_u % space.ny,
        value=value,
        est=est,
        vbasis=side.copy(),
    )


def _asean_economy(
    rows: Rows, totals: np.ndarray, space: Space, dated: bool
) -> tuple[Rows, np.ndarray]:
    """ASEAN as one economy: its members' rows summed partner by partner, and the members'
    totals; the members of each year (``dated``) or today's ten in every year."""
    asean = space.index[ASEAN]
    members = np.zeros((space.ny, space.nc), dtype=bool)
    for y in range(space.ny):
        for m in members_in(ASEAN, space.year0 + y, dated):
            if m in space.index:
                members[y, space.index[m]] = True
    sel = members[rows.year, rows.country]
    r = rows.take(np.flatnonzero(sel))
    key_u, value, est, mirror, n = _sum_by(
        r.measure * space.ny + r.year,
        r.partner,
        space.nc,
        r.value,
        r.est,
        r.side.astype(float),
        np.ones(len(r.value)),
    )
    vb = np.where(mirror == 0, 0, np.where(mirror == n, 1, 2))
    my = key_u // space.nc
    out = Rows(
        side=np.zeros(len(key_u), dtype=np.int64),
        measure=my // space.ny,
        country=np.full(len(key_u), asean, dtype=np.int64),
        partner=key_u % space.nc,
        year=my % space.ny,
        value=value,
        est=est,
        vbasis=vb,
    )
    # ASEAN's total: the sum of its members' totals (each as used in that member's own ranking)
    g_members = _present_codes(space.group(r.measure, r.country, r.year), space.n_groups)
    m_of = g_members // (space.nc * space.ny)
    y_of = g_members % space.ny
    asean_g = space.group(m_of, np.full(len(g_members), asean), y_of)
    asean_totals = np.zeros(space.n_groups)
    np.add.at(asean_totals, asean_g, totals[g_members])
    return out, asean_totals


def _group_totals(
    rows: Rows, own_total: np.ndarray, space: Space, g: np.ndarray | None = None
) -> np.ndarray:
    """Per group: the own World row where the group rests on own reports, else the partner sum
    (``g``: the rows' groups, where the caller has them)."""
    if g is None:
        g = space.group(rows.measure, rows.country, rows.year)
    ranked = rows.partner != rows.country
    psum = np.bincount(g[ranked], weights=rows.value[ranked], minlength=space.n_groups)
    own = np.zeros(space.n_groups, dtype=bool)
    own[g[rows.side == 0]] = True
    return np.where(own & (own_total > 0), own_total, psum)


def _ranked_block(
    rows: Rows, totals: np.ndarray, space: Space, g: np.ndarray | None = None
) -> dict[str, np.ndarray]:
    """Rank one variant x basis; returns output columns in output order (``g``: the rows'
    groups, where the caller has them)."""
    if g is None:
        g = space.group(rows.measure, rows.country, rows.year)
    rankable = rows.partner != rows.country  # only ASEAN's intra-ASEAN row fails this
    # unranked rows sort last in their group
    # values equal to the dollar tie (float sums in another order must not break a tie):
    # whole micro-units, rint(value * 1e6), equal where np.round(value, 6) is
    micro = np.rint(rows.value * 1e6)
    found = None
    if len(micro) and micro.min() >= 0 and micro.max() < 2.0**52:
        micro = micro.astype(np.int64)
        micro[~rankable] = -1
        found = _rank_sorted_micro(g, micro, rows.partner)
    if found is None:
        found = _rank_sorted(g, np.where(rankable, np.round(rows.value, 6), -np.inf), rows.partner)
    order, ranks = found
    rank = np.where(rankable[order], ranks, 0)
    g_o = g[order]
    n_partners = np.bincount(g[rankable], minlength=space.n_groups)[g_o]
    value = rows.value[order]
    total = totals[g_o]
    # codes as narrow as the frame holds them: a batch's blocks wait in memory until joined
    return {
        "measure": rows.measure[order].astype(np.int8),
        "country": rows.country[order].astype(np.int16),
        "year": rows.year[order].astype(np.int16),
        "partner": rows.partner[order].astype(np.int16),
        "value": value,
        "total": total,
        "rank": rank.astype(np.int32, copy=False),
        "n_partners": n_partners.astype(np.int32),
        "vbasis": rows.vbasis[order].astype(np.int8),
        "est_share": np.clip(rows.est[order] / value, 0.0, 1.0),
    }


def rank_dataset(
    obs: pd.DataFrame, dataset: str, countries: frozenset[str] | None = None
) -> pd.DataFrame:
    """All rankings of one dataset; ``countries`` limits which economies get ranked (ASEAN as
    an economy, the sum of its members, is formed only where it is one of them, or for all)."""
    form_asean = countries is None or ASEAN in countries
    if countries is not None:  # ASEAN's members are needed where ASEAN is formed
        obs = obs[obs["country"].isin(countries | ever_members(ASEAN) if form_asean else countries)]
    if obs.empty:
        return pd.DataFrame(columns=COLUMNS)
    space, rows, own_total = _coded(obs)

    own = rows.side == 0
    g_own = space.group(rows.measure[own], rows.country[own], rows.year[own])
    v_own = np.bincount(g_own, weights=rows.value[own], minlength=space.n_groups)
    e_own = np.bincount(g_own, weights=rows.est[own], minlength=space.n_groups)
    own_ok = (v_own > 0) & (e_own < ESTIMATE_LIMIT * v_own)
    own_ok &= ~_own_checks(rows, space).distrusted().ravel()

    keep_country = np.ones(space.nc, dtype=bool)
    if countries is not None:
        keep_country[:] = False
        for c in countries:
            if c in space.index:
                keep_country[space.index[c]] = True

    blocks = []
    for variant in VARIANTS:
        # made when ranked and dropped after: a batch's memory is its largest variant's
        vrows = _variant_rows(rows, space, variant, None if countries is None else keep_country)
        g = space.group(vrows.measure, vrows.country, vrows.year)
        for basis in BASES:
            if basis == "reported":
                sel = vrows.side == 0
            else:
                sel = np.where(vrows.side == 0, own_ok[g], ~own_ok[g])
            idx = np.flatnonzero(sel)
            chosen, g_chosen = vrows.take(idx), g[idx]
            totals = _group_totals(chosen, own_total, space, g_chosen)
            kept = keep_country[chosen.country]
            ranked, g_ranked = chosen, g_chosen
            if not kept.all():
                ranked, g_ranked = chosen.take(np.flatnonzero(kept)), None
            if variant != "countries" and form_asean:
                dated = variant == "blocs"
                asean_rows, asean_totals = _asean_economy(chosen, totals, space, dated)
                totals = totals + asean_totals
                # the order of rows does not matter: _ranked_block orders them all
                ranked, g_ranked = Rows.concat([ranked, asean_rows]), None
            block = _ranked_block(ranked, totals, space, g_ranked)
            block["variant"], block["basis"] = variant, basis
            blocks.append(block)
    del (
        rows,
        vrows,
        chosen,
        ranked,
        g,
        g_chosen,
        g_ranked,
    )  # the blocks hold what is left: freed before joining them
    return _to_frame(blocks, dataset, space)


def _coded(obs: pd.DataFrame) -> tuple[Space, Rows, np.ndarray]:
    """The dataset's code spaces, its partner rows (World rows and values <= 0 left out) and
    the own World rows' totals per group."""
    codes = set(_present(obs["country"])) | set(_present(obs["partner"]))
    vocab = sorted(codes | {ASEAN, EU, WORLD})
    years = obs["year"].to_numpy()
    space = Space(vocab, int(years.min()), int(years.max()) - int(years.min()) + 1)
    data = _prepare(obs, space)
    is_world = data.partner == space.index[WORLD]
    w = data.take(np.flatnonzero(is_world & (data.side == 0)))
    own_total = np.zeros(space.n_groups)
    np.add.at(own_total, space.group(w.measure, w.country, w.year), w.value)
    rows = data.take(np.flatnonzero(~is_world & (data.value > 0)))
    return space, rows, own_total


@dataclass
class OwnChecks:
    """The own report against partners' reports of the same flows: per (country, year) arrays
    for the rules on the whole reporter-year, per (flow, country, year) for ``missing_partner``."""

    own: np.ndarray  # own sum over partners, flows the own report holds
    mirror: np.ndarray  # partners' reports of those flows, summed
    coverage: np.ndarray  # own / mirror (NaN without mirror data)
    drop: np.ndarray  # largest over held flows of coverage / neighbours' median (NaN: not judged)
    nearly_empty: np.ndarray
    partial: np.ndarray
    own_flow: np.ndarray  # (flow, country, year): own sum over partners
    mirror_flow: np.ndarray  # (flow, country, year): partners' reports of that flow, summed
    missing: np.ndarray  # (flow, country, year): rule missing_partner
    gone: np.ndarray  # indices into the rows: the mirror rows of the partners that make it fire
    gone_rank: np.ndarray  # their rank in the mirror of that flow

    def distrusted(self) -> np.ndarray:
        """(measure, country, year): the own report not used by ``best``; trade (exports +
        imports) where either flow is distrusted."""
        year = self.nearly_empty | self.partial
        flows = self.missing | year[None]
        return np.concatenate([flows, (flows[0] | flows[1])[None]])


def _own_checks(rows: Rows, space: Space) -> OwnChecks:
    """The rules ``nearly_empty``, ``partial_year`` and ``missing_partner`` (module docstring)
    on coded rows.

    Only economies with an own report can be judged (no own flow: nothing held, never
    distrusted), so the arrays are worked on those economies alone and spread back to the
    whole vocabulary: one economy's ranking does not pay for the other 250.
    """
    nc, ny = space.nc, space.ny
    flow = np.flatnonzero(rows.measure < 2)  # exports, imports (trade is their sum)
    judged_c = _present_codes(rows.country[flow][rows.side[flow] == 0], nc)
    k = len(judged_c)
    dense = np.full(nc, -1, dtype=np.int64)
    dense[judged_c] = np.arange(k)
    flow = flow[dense[rows.country[flow]] >= 0]
    cell = ((rows.side[flow] * 2 + rows.measure[flow]) * k + dense[rows.country[flow]]) * ny
    cell += rows.year[flow]
    sums = np.bincount(cell, weights=rows.value[flow], minlength=4 * k * ny)
    own, mirror = sums.reshape(2, 2, k, ny)  # each (flow, country, year)
    held = own > 0
    own_sum = own.sum(axis=0)
    mirror_sum = np.where(held, mirror, 0.0).sum(axis=0)
    coverage = share(own_sum, mirror_sum)
    nearly_empty = coverage < COVERAGE_LIMIT  # NaN (no mirror data) compares False
    flow_cov = np.where(held, share(own, mirror), np.nan)
    usable = np.where(nearly_empty[None], np.nan, flow_cov)
    offsets = [i for i in range(-NEIGHBOUR_YEARS, NEIGHBOUR_YEARS + 1) if i]
    window = np.full((len(offsets), *flow_cov.shape), np.nan)
    for i, off in enumerate(offsets):  # window[i][..., y] = usable[..., y + off]
        if off > 0:
            window[i][..., : max(ny - off, 0)] = usable[..., off:]
        else:
            window[i][..., -off:] = usable[..., : max(ny + off, 0)]
    n_neighbours = np.isfinite(window).sum(axis=0)
    median = _nan_median0(window, n_neighbours)
    median = np.where(n_neighbours >= MIN_NEIGHBOURS, median, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = flow_cov / median
    judged = np.isfinite(ratio)
    dropped = judged & (ratio < PARTIAL_DROP)
    all_held_judged = held.any(axis=0) & np.all(~held | judged, axis=0)
    partial = held.any(axis=0) & np.all(~held | dropped, axis=0) & ~nearly_empty
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        drop = np.where(all_held_judged, np.nanmax(np.where(held, ratio, np.nan), axis=0), np.nan)
    missing, gone, gone_rank = _missing_partners(
        rows, flow, dense[rows.country[flow]], k, own, mirror, space
    )

    def spread(a: np.ndarray, fill) -> np.ndarray:
        out = np.full((*a.shape[:-2], nc, ny), fill, dtype=a.dtype)
        out[..., judged_c, :] = a
        return out

    return OwnChecks(
        spread(own_sum, 0.0),
        spread(mirror_sum, 0.0),
        spread(coverage, np.nan),
        spread(drop, np.nan),
        spread(nearly_empty, False),
        spread(partial, False),
        spread(own, 0.0),
        spread(mirror, 0.0),
        spread(missing, False),
        gone,
        gone_rank,
    )


def _missing_partners(
    rows: Rows,
    flow: np.ndarray,
    country: np.ndarray,
    k: int,
    own: np.ndarray,
    mirror: np.ndarray,
    space: Space,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The rule ``missing_partner`` on the flow rows ``flow`` of the judged economies
    (``country``: their dense codes, ``k`` of them; ``own`` and ``mirror``: their sums per
    (flow, economy, year)): per (flow, economy, year) whether it fires, and the mirror rows
    (indices into ``rows``) of the partners that make it fire with their mirror ranks."""
    nc, ny = space.nc, space.ny
    n_cells = 2 * k * ny
    cell = (rows.measure[flow] * k + country) * ny + rows.year[flow]
    partner = rows.partner[flow]
    value = rows.value[flow]
    mir = np.flatnonzero(rows.side[flow] == 1)
    on_own = np.flatnonzero(rows.side[flow] == 0)
    # the mirror's top five per cell: competition ranks on values to the dollar, as the rankings
    order, ranks = _rank_sorted(cell[mir], np.round(value[mir], 6), partner[mir])
    in_top = ranks <= TOP_MISSING
    top, top_rank = mir[order[in_top]], ranks[in_top]
    # absent: no own row (the rows hold values above zero only) in a flow the own report holds
    present = np.zeros(n_cells * nc, dtype=bool)
    present[cell[on_own] * nc + partner[on_own]] = True
    own_sum, mirror_sum = own.ravel(), mirror.ravel()
    absent = ~present[cell[top] * nc + partner[top]] & (own_sum[cell[top]] > 0)
    top, top_rank = top[absent], top_rank[absent]
    # the own report falls short of the mirror by at least what the absent partners report
    gone_sum = np.bincount(cell[top], weights=value[top], minlength=n_cells)
    missing = (gone_sum > 0) & (own_sum + gone_sum <= mirror_sum)
    fires = missing[cell[top]]
    return missing.reshape(2, k, ny), flow[top[fires]], top_rank[fires]


def _nan_median0(a: np.ndarray, n: np.ndarray) -> np.ndarray:
    """The median over axis 0 of the finite values (``n`` of them; NaN where none), as
    ``np.nanmedian`` gives it (the mean of the two middle values for an even count) without
    its per-slice warnings, which cost more than the median on a small window."""
    s = np.sort(a, axis=0)  # NaN sort last
    lo = np.take_along_axis(s, np.maximum(n - 1, 0)[None] // 2, axis=0)[0]
    hi = np.take_along_axis(s, (n // 2)[None], axis=0)[0]
    hi = np.where(n % 2 == 1, lo, hi)
    return np.where(n > 0, (lo + hi) / 2, np.nan)


def distrusted_own_reports(obs: pd.DataFrame) -> pd.DataFrame:
    """The own reports the ``best`` basis does not use (besides those mostly IMF estimates),
    and why.

    ``obs``: observations (any datasets; trade ones are judged, each apart). One row per
    dataset, country, year and ``measure``: ``all`` for the rules on the whole reporter-year
    (``nearly_empty``, ``partial_year``: all three measures), else the flow (``exports``,
    ``imports``) that rule ``missing_partner`` distrusts in a year no other rule distrusts
    (``trade`` follows: see the module docstring). ``own_usd_m`` and ``mirror_usd_m``: the
    flows judged (the held ones for ``all``), summed over partners; ``coverage`` (own / mirror);
    ``drop`` (``partial_year``: the largest, over the held flows, of the flow's coverage / its
    median in the neighbouring years); ``partners`` (``missing_partner``: the partners missing,
    in their mirror rank order, comma-separated). Sorted by dataset, country, year, measure.
    """
    trade = obs[obs["measure"].astype(str).isin(MEASURES[:2])]
    parts = []
    for name, d in trade.groupby("dataset", observed=True, sort=True):
        space, rows, _ = _coded(d)
        ch = _own_checks(rows, space)
        vocab = np.asarray(space.vocab, dtype=object)
        year_wide = ch.nearly_empty | ch.partial
        c, y = np.nonzero(year_wide)
        parts.append(
            pd.DataFrame(
                {
                    "dataset": str(name),
                    "country": vocab[c],
                    "year": (y + space.year0).astype("int16"),
                    "measure": ALL_FLOWS,
                    "rule": np.where(ch.nearly_empty[c, y], NEARLY_EMPTY, PARTIAL_YEAR),
                    "own_usd_m": ch.own[c, y],
                    "mirror_usd_m": ch.mirror[c, y],
                    "coverage": ch.coverage[c, y],
                    "drop": ch.drop[c, y],
                    "partners": "",
                }
            )
        )
        m, c, y = np.nonzero(ch.missing & ~year_wide[None])
        gone = rows.take(ch.gone)
        names = pd.DataFrame(
            {
                "m": gone.measure,
                "c": gone.country,
                "y": gone.year,
                "rank": ch.gone_rank,
                "partner": vocab[gone.partner],
            }
        ).sort_values(["m", "c", "y", "rank", "partner"])
        listed = names.groupby(["m", "c", "y"])["partner"].agg(", ".join)
        parts.append(
            pd.DataFrame(
                {
                    "dataset": str(name),
                    "country": vocab[c],
                    "year": (y + space.year0).astype("int16"),
                    "measure": np.asarray(MEASURES, dtype=object)[m],
                    "rule": MISSING_PARTNER,
                    "own_usd_m": ch.own_flow[m, c, y],
                    "mirror_usd_m": ch.mirror_flow[m, c, y],
                    "coverage": share(ch.own_flow[m, c, y], ch.mirror_flow[m, c, y]),
                    "drop": np.nan,
                    "partners": listed.reindex(pd.MultiIndex.from_arrays([m, c, y])).to_numpy(),
                }
            )
        )
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=DISTRUST_COLUMNS)
    out = pd.concat(parts, ignore_index=True)
    return out.sort_values(
        ["dataset", "country", "year", "measure"], kind="stable", ignore_index=True
    )


def _variant_rows(rows: Rows, space: Space, variant: str, keep: np.ndarray | None) -> Rows:
    """The rows a variant ranks: members summed into their blocs, or the economies' own rows
    (of the economies ``keep`` marks; None: all)."""
    if variant != "countries":
        return _blocs(rows, space, dated=variant == "blocs")
    # an economy not ranked needs no countries rows (its rows serve ASEAN in the blocs)
    kept = None if keep is None else keep[rows.country]
    if kept is None or kept.all():
        return rows
    return rows.take(np.flatnonzero(kept))


def _to_frame(blocks: list[dict], dataset: str, space: Space) -> pd.DataFrame:
    """The blocks joined into one frame; each block column is dropped once joined, so the
    blocks and the frame are never held whole at once (the blocks are emptied)."""
    sizes = [len(b["value"]) for b in blocks]

    def joined(key: str) -> np.ndarray:
        return np.concatenate([b.pop(key) for b in blocks])

    def cat(key: str, cats) -> pd.Categorical:
        return pd.Categorical.from_codes(joined(key), categories=list(cats))

    def const(key: str, cats) -> pd.Categorical:
        codes = np.concatenate(
            [np.full(n, cats.index(b[key]), np.int8) for n, b in zip(sizes, blocks, strict=True)]
        )
        return pd.Categorical.from_codes(codes, categories=list(cats))

    n = sum(sizes)
    rank = joined("rank")
    value = joined("value")
    total = joined("total")
    return pd.DataFrame(
        {
            "dataset": pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), categories=[dataset]),
            "measure": cat("measure", MEASURES),
            "variant": const("variant", VARIANTS),
            "basis": const("basis", BASES),
            "country": cat("country", space.vocab),
            "year": (joined("year") + space.year0).astype("int16", copy=False),
            "partner": cat("partner", space.vocab),
            "value_usd_m": value,
            "total_usd_m": total,
            "share": share(value, total),
            "rank": pd.arrays.IntegerArray(rank.astype("int32", copy=False), rank == 0),
            "n_partners": joined("n_partners").astype("int32", copy=False),
            "value_basis": cat("vbasis", VALUE_BASES),
            "estimated_share": joined("est_share"),
        },
        copy=False,  # the arrays are new: not copied again into 2-D blocks
    )
