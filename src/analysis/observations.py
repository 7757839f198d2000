"""The one constructor of observations: source frames -> the tidy, validated table.

Every source module ends in :func:`make` (one row per number, any dimension) or, for trade
tables with mirror data, :func:`trade` (own rows and partners' rows from integer-coded
arrays); both end in :func:`validate`, the one validation tail against ``schema.OBSERVATIONS``.

Columns: dataset, measure, country, partner, year, value_usd_m, basis, flag, source_ref.
``basis`` is *who reported the number*: ``reported`` (the country itself), ``estimate`` (the
country's own row, flagged 'e' by the IMF), ``mirror`` (the partner's report, flows swapped: a
partner's imports from X are X's exports to it). ``flag`` keeps the source's own flag ('e' or '').
Aggregate partners are dropped here, except the reporter's World total (partner ``WLD``), kept as
the denominator of shares and never ranked.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .countries import WORLD
from .schema import OBSERVATION_KEY, OBSERVATIONS
from .validate import check

COLUMNS = list(OBSERVATIONS)


def text_mask(col: pd.Series, test) -> np.ndarray:
    """Rows whose text passes ``test`` (a prefix or suffix test, an equality): tested once per
    category, not once per row (millions of rows, a few hundred categories in the world scope)."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        per_category = np.array([bool(test(str(c))) for c in col.cat.categories] + [False])
        return per_category[col.cat.codes.to_numpy()]  # code -1 (missing): the last, False
    return np.fromiter((bool(test(str(v))) for v in col), dtype=bool, count=len(col))


def _cat(codes: np.ndarray, vocab: list[str] | np.ndarray) -> pd.Categorical:
    return pd.Categorical.from_codes(codes, categories=pd.Index(vocab), validate=False)


def trade(
    parsed: pd.DataFrame,
    *,
    reporter: np.ndarray,  # index into vocab
    partner: np.ndarray,
    keep: np.ndarray,
    ref: np.ndarray,  # index into ref_vocab
    vocab: list[str],
    ref_vocab: list[str],
    dataset: str,
    countries: frozenset[str] | None,
) -> pd.DataFrame:
    """Own rows and mirror rows from integer-coded arrays (shared by all trade sources).

    Works on integer codes throughout: string work on millions of rows would dominate the build.
    """
    measure = (parsed["measure"].astype(str).to_numpy() == "imports").astype("int8")
    year = parsed["year"].to_numpy()
    value = parsed["value_usd_m"].to_numpy()
    estimated = parsed["flag"].astype(str).to_numpy() == "e"
    keep = keep & (reporter != partner)
    world = vocab.index(WORLD) if WORLD in vocab else -1
    if countries is not None:
        focus = np.isin(np.asarray(vocab, dtype=object), list(countries))
        own_keep = keep & focus[reporter]
        mir_keep = keep & focus[partner] & (partner != world)
    else:
        own_keep = keep
        mir_keep = keep & (partner != world)
    o, m = np.flatnonzero(own_keep), np.flatnonzero(mir_keep)
    n_own = len(o)
    basis = np.concatenate([np.where(estimated[o], 1, 0), np.full(len(m), 2)]).astype("int8")
    out = pd.DataFrame(
        {
            "dataset": _cat(np.zeros(n_own + len(m), dtype="int8"), [dataset]),
            "measure": _cat(
                np.concatenate([measure[o], 1 - measure[m]]).astype("int8"), ["exports", "imports"]
            ),
            "country": _cat(np.concatenate([reporter[o], partner[m]]), vocab),
            "partner": _cat(np.concatenate([partner[o], reporter[m]]), vocab),
            "year": np.concatenate([year[o], year[m]]).astype("int16"),
            "value_usd_m": np.concatenate([value[o], value[m]]).astype("float64"),
            "basis": _cat(basis, ["reported", "estimate", "mirror"]),
            "flag": _cat(np.concatenate([estimated[o], estimated[m]]).astype("int8"), ["", "e"]),
            "source_ref": _cat(np.concatenate([ref[o], ref[m]]), ref_vocab),
        }
    )
    return validate(out)


def _codes(values: pd.Series, lookup: dict[str, int]) -> np.ndarray:
    """Integer vocab index per row of a categorical column, via its categories."""
    per_cat = np.array([lookup[c] for c in values.cat.categories], dtype="int32")
    return per_cat[values.cat.codes.to_numpy()]


def resolve_trade(
    labels: pd.Series, partners: pd.Series, table: dict
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """Reporter/partner vocab indices, a keep mask (countries, and World as partner) and the vocab."""
    vocab = sorted({e.code for e in table.values() if e.code})
    index = {c: i for i, c in enumerate(vocab)}
    lookup = {name: index.get(e.code, -1) for name, e in table.items()}
    rep_ok = {name: e.kind in ("country", "historical") for name, e in table.items()}
    par_ok = {name: e.kind in ("country", "historical", "total") for name, e in table.items()}
    rep = _codes(labels, lookup)
    par = _codes(partners, lookup)
    keep = _codes(labels, rep_ok).astype(bool) & _codes(partners, par_ok).astype(bool)
    return rep, par, keep, vocab


TEXT_COLUMNS = ("dataset", "measure", "country", "partner", "basis", "flag", "source_ref")


def validate(obs: pd.DataFrame) -> pd.DataFrame:
    """The one validation tail: schema columns in order, text as categories, rules checked."""
    obs = obs[COLUMNS]
    return check(obs, OBSERVATIONS, OBSERVATION_KEY, "observations")


def make(
    dataset,
    measure,
    country,
    partner,
    year,
    value,
    basis,
    flag,
    source_ref,
    *,
    drop_self: bool = True,
) -> pd.DataFrame:
    """Observations from columns (arrays, Series or one value for every row), validated.

    Rows whose partner is the country itself are dropped (``drop_self``): a source's
    own-country row is never a partner.
    """
    args = (dataset, measure, country, partner, year, value, basis, flag, source_ref)
    n = max((len(a) for a in args if np.ndim(a)), default=1)

    def col(x) -> np.ndarray:
        if isinstance(x, pd.Series):
            x = x.to_numpy()
        return np.asarray(x, dtype=object) if np.ndim(x) else np.full(n, x, dtype=object)

    out = pd.DataFrame(
        {
            "dataset": col(dataset),
            "measure": col(measure),
            "country": col(country),
            "partner": col(partner),
            "year": np.broadcast_to(np.asarray(year), (n,)).astype("int16"),
            "value_usd_m": np.broadcast_to(np.asarray(value, dtype=float), (n,)).copy(),
            "basis": col(basis),
            "flag": col(flag),
            "source_ref": col(source_ref),
        }
    )
    if drop_self:
        out = out[out["country"] != out["partner"]].reset_index(drop=True)
    for c in TEXT_COLUMNS:
        out[c] = out[c].astype(str).astype("category")
    return validate(out)


def concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate observation tables, keeping text columns categorical (union of categories)."""
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=OBSERVATIONS[c].pandas_dtype) for c in COLUMNS})
    if len(frames) == 1:
        return frames[0]
    out = {}
    for c in frames[0].columns:
        parts = [f[c] for f in frames]
        if any(isinstance(p.dtype, pd.CategoricalDtype) or p.dtype == object for p in parts):
            cats = [
                p.astype("category") if not isinstance(p.dtype, pd.CategoricalDtype) else p
                for p in parts
            ]
            cats = [x.cat.set_categories(x.cat.categories.astype(str)) for x in cats]
            out[c] = pd.api.types.union_categoricals(cats, sort_categories=True)
        else:
            out[c] = pd.concat(parts, ignore_index=True)
    return pd.DataFrame(out)
