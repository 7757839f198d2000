"""Parsed source frames -> the one tidy, validated table of observations.

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

from .countries import WORLD, resolve_imf_names, resolve_imts_codes
from .validate import OBSERVATION_KEY, OBSERVATIONS, check

COLUMNS = list(OBSERVATIONS)


def _cat(codes: np.ndarray, vocab: list[str] | np.ndarray) -> pd.Categorical:
    return pd.Categorical.from_codes(codes, categories=pd.Index(vocab), validate=False)


def _tidy(
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
    return out[COLUMNS]


def _codes(values: pd.Series, lookup: dict[str, int]) -> np.ndarray:
    """Integer vocab index per row of a categorical column, via its categories."""
    per_cat = np.array([lookup[c] for c in values.cat.categories], dtype="int32")
    return per_cat[values.cat.codes.to_numpy()]


def _resolve(
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


def from_dots(
    parsed: pd.DataFrame,
    countries: frozenset[str] | None = None,
    dataset: str = "imf_dots_xlsx",
    folder_label: str = "imf_dots_2022",
) -> pd.DataFrame:
    """Observations from the parsed DOTS workbooks; ``countries`` limits the economies kept."""
    names = set(parsed["reporter_name"].cat.categories) | set(parsed["partner_name"].cat.categories)
    table = resolve_imf_names(names, "imf_dots_xlsx", "partner and reporter names of the workbooks")
    rep, par, keep, vocab = _resolve(parsed["reporter_name"], parsed["partner_name"], table)
    measure = (parsed["measure"].astype(str).to_numpy() == "imports").astype("int8")
    files = list(parsed["file"].cat.categories)
    ref_vocab = [f"{folder_label}/{f}#{s}" for f in files for s in ("Exports, FOB", "Imports, CIF")]
    ref = parsed["file"].cat.codes.to_numpy().astype("int32") * 2 + measure
    obs = _tidy(
        parsed,
        reporter=rep,
        partner=par,
        keep=keep,
        ref=ref,
        vocab=vocab,
        ref_vocab=ref_vocab,
        dataset=dataset,
        countries=countries,
    )
    return validate(obs)


def from_imts(
    parsed: pd.DataFrame,
    vintage: str,
    countries: frozenset[str] | None = None,
    dataset: str = "imf_imts",
) -> pd.DataFrame:
    """Observations from parsed IMTS responses (IMF codes instead of names)."""
    parsed = parsed.astype(
        {"reporter_code": "category", "partner_code": "category", "file": "category"}
    )
    codes = set(parsed["reporter_code"].cat.categories) | set(parsed["partner_code"].cat.categories)
    table = resolve_imts_codes(codes, "imf_imts", f"vintage {vintage}")
    rep, par, keep, vocab = _resolve(parsed["reporter_code"], parsed["partner_code"], table)
    ref_vocab = [f"imf_imts/{vintage}/{f}" for f in parsed["file"].cat.categories]
    obs = _tidy(
        parsed,
        reporter=rep,
        partner=par,
        keep=keep,
        ref=parsed["file"].cat.codes.to_numpy().astype("int32"),
        vocab=vocab,
        ref_vocab=ref_vocab,
        dataset=dataset,
        countries=countries,
    )
    return validate(obs)


def validate(obs: pd.DataFrame) -> pd.DataFrame:
    return check(obs, OBSERVATIONS, OBSERVATION_KEY, "observations")
