"""What the benchmark's yardsticks (``duckdb_rank``, ``polars_rank``) share: the observations of
one trade dataset as integer codes (the form both engines are fastest on, and the form the
package ranks on), the blocs' members as codes, and the row-for-row comparison of a yardstick's
rankings with the package's.

Codes: ``side`` 0 own report, 1 mirror; ``m`` the index into ``MEASURES`` (exports, imports,
trade); ``c`` and ``p`` indices into ``vocab`` (sorted economy codes, ASEAN, EU and World among
them); ``y`` the year; ``variant`` an index into ``VARIANTS``, ``basis`` into ``BASES``,
``vb`` into ``VALUE_BASES`` (the package's orders, ``rank_trade``). Rows of the rankings come
out as numpy columns of those codes, ``rank`` 0 where a row is not ranked.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.countries import ASEAN, EU, WORLD, members_in
from analysis.rank_trade import BASES, MEASURES, VALUE_BASES, VARIANTS

KEY = ("variant", "basis", "m", "c", "y", "p")
RESULT = (*KEY, "value", "total", "rank", "n_partners", "vb")


@dataclass
class Coded:
    """One dataset's observations as codes (``columns``) and the code spaces."""

    vocab: list[str]
    year0: int
    n_years: int
    columns: dict[str, np.ndarray]  # side, m, c, p, y, v, est

    @property
    def world(self) -> int:
        return self.vocab.index(WORLD)

    @property
    def asean(self) -> int:
        return self.vocab.index(ASEAN)


def _present(col: pd.Series) -> list[str]:
    cat = col.astype("category")
    used = np.bincount(cat.cat.codes.to_numpy() + 1, minlength=len(cat.cat.categories) + 1)
    return [str(c) for c in cat.cat.categories[used[1:] > 0]]


def _codes(col: pd.Series, index: dict[str, int]) -> np.ndarray:
    cat = col.astype("category")
    per_cat = np.array([index.get(str(c), -1) for c in cat.cat.categories], dtype=np.int16)
    return per_cat[cat.cat.codes.to_numpy()]  # categories not in use: -1, never looked up


def encode(obs: pd.DataFrame) -> Coded:
    """The observations (one trade dataset) as integer codes, from the categoricals' codes:
    no text per row."""
    vocab = sorted(
        set(_present(obs["country"])) | set(_present(obs["partner"])) | {ASEAN, EU, WORLD}
    )
    index = {c: i for i, c in enumerate(vocab)}
    year = obs["year"].to_numpy().astype(np.int16)
    value = obs["value_usd_m"].to_numpy(dtype=float)
    columns = {
        "side": (obs["basis"] == "mirror").to_numpy(bool).astype(np.int8),
        "m": (obs["measure"] == "imports").to_numpy(bool).astype(np.int8),
        "c": _codes(obs["country"], index),
        "p": _codes(obs["partner"], index),
        "y": year,
        "v": value,
        "est": np.where((obs["flag"] == "e").to_numpy(bool), value, 0.0),
    }
    y0 = int(year.min())
    return Coded(vocab, y0, int(year.max()) - y0 + 1, columns)


def bloc_codes(coded: Coded) -> dict[str, np.ndarray]:
    """variant (1 ``blocs``: members of each year, 2 ``blocs_fixed``: today's), year, member,
    bloc: every member of ASEAN and the EU in every year of the data, as codes."""
    index = {c: i for i, c in enumerate(coded.vocab)}
    rows = [
        (VARIANTS.index(variant), year, index[member], index[bloc])
        for variant, dated in (("blocs", True), ("blocs_fixed", False))
        for year in range(coded.year0, coded.year0 + coded.n_years)
        for bloc in (ASEAN, EU)
        for member in sorted(members_in(bloc, year, dated))
        if member in index
    ]
    a = np.array(rows, dtype=np.int16).reshape(-1, 4)
    return {"variant": a[:, 0], "year": a[:, 1], "member": a[:, 2], "bloc": a[:, 3]}


def package_rows(ours: pd.DataFrame, coded: Coded) -> dict[str, np.ndarray]:
    """The package's rankings of that dataset in the yardsticks' codes."""
    index = {c: i for i, c in enumerate(coded.vocab)}

    def codes(col: str, names) -> np.ndarray:
        cat = ours[col].astype("category")
        lookup = {n: i for i, n in enumerate(names)}
        per_cat = np.array([lookup[str(c)] for c in cat.cat.categories], dtype=np.int64)
        return per_cat[cat.cat.codes.to_numpy()]

    return {
        "variant": codes("variant", VARIANTS),
        "basis": codes("basis", BASES),
        "m": codes("measure", MEASURES),
        "c": codes("country", index),
        "y": ours["year"].to_numpy().astype(np.int64),
        "p": codes("partner", index),
        "value": ours["value_usd_m"].to_numpy(dtype=float),
        "total": ours["total_usd_m"].to_numpy(dtype=float),
        "rank": ours["rank"].fillna(0).to_numpy(dtype=np.int64),
        "n_partners": ours["n_partners"].to_numpy().astype(np.int64),
        "vb": codes("value_basis", VALUE_BASES),
    }


def gather(batches: Iterable[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """A yardstick's streamed batches (dicts of columns) joined into one set of columns."""
    parts = list(batches)
    return {k: np.concatenate([np.asarray(b[k]) for b in parts]) for k in RESULT}


def compare(theirs: dict[str, np.ndarray], ours: dict[str, np.ndarray]) -> dict:
    """Rows of the two engines matched on their key (variant, basis, measure, economy, year,
    partner): how many keys are on one side only, and how many rows differ in rank, partner
    count, value basis, value or total (beyond float summing order, 1e-9 relative). All zero:
    the times measure the same work."""

    def keyed(cols: dict[str, np.ndarray]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        key = np.zeros(len(cols["value"]), dtype=np.int64)
        for k, size in zip(KEY, (3, 2, 3, 1 << 12, 1 << 12, 1 << 12), strict=True):
            key = key * size + np.asarray(cols[k], dtype=np.int64)
        order = np.argsort(key, kind="stable")
        return key[order], {k: np.asarray(cols[k])[order] for k in RESULT}

    k1, a = keyed(theirs)
    k2, b = keyed(ours)
    dup = int((k1[1:] == k1[:-1]).sum() + (k2[1:] == k2[:-1]).sum())
    both = np.intersect1d(k1, k2, assume_unique=not dup)
    i1, i2 = np.searchsorted(k1, both), np.searchsorted(k2, both)

    def near(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        same_nan = np.isnan(x) & np.isnan(y)
        return same_nan | (np.abs(x - y) <= 1e-9 * np.abs(y))

    differ = (
        (a["rank"][i1].astype(np.int64) != b["rank"][i2])
        | (a["n_partners"][i1].astype(np.int64) != b["n_partners"][i2])
        | (a["vb"][i1].astype(np.int64) != b["vb"][i2])
        | ~near(a["value"][i1].astype(float), b["value"][i2])
        | ~near(a["total"][i1].astype(float), b["total"][i2])
    )
    return {
        "rows": len(k2),
        "rows_one_side": len(k1) + len(k2) - 2 * len(both),
        "rows_differ": int(differ.sum()),
        "duplicate_keys": dup,
    }
