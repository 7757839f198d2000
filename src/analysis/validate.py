"""Checks of the tidy tables against the one schema (schema.py): a broken rule fails loudly,
naming rows.

Hand-written rather than pandera: the rules are few, and this keeps the full build inside its
time budget (pandera's import alone costs about a second).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import ValidationError
from .schema import (  # noqa: F401 (re-exported: the one schema, declared in schema.py)
    MEASURES,
    OBSERVATION_KEY,
    OBSERVATIONS,
    RANKING_KEY,
    RANKINGS,
    TRADE_MEASURES,
    Column,
)


def _fail(table: str, msg: str, rows: pd.DataFrame | None = None) -> ValidationError:
    if rows is not None and len(rows):
        msg += f"; {len(rows)} row(s), first: {rows.head(3).to_dict('records')}"
    return ValidationError(f"{table}: {msg}")


def _duplicated(df: pd.DataFrame, key: list[str]) -> pd.Series:
    """Rows whose key repeats. Categorical and integer keys are folded into one int64 (fast on
    millions of rows); anything else falls back to pandas."""
    combined = np.zeros(len(df), dtype=np.int64)
    bound = 1  # the keys stay under this product of the columns' sizes
    for col in key:
        s = df[col]
        if isinstance(s.dtype, pd.CategoricalDtype):
            codes, size = s.cat.codes.to_numpy(), len(s.cat.categories) + 1
        elif pd.api.types.is_integer_dtype(s) or pd.api.types.is_bool_dtype(s):
            codes = s.to_numpy().astype(np.int64)
            lo = int(codes.min()) if len(codes) else 0
            codes, size = codes - lo, (int(codes.max()) - lo + 1 if len(codes) else 1)
        else:
            return df.duplicated(subset=key, keep=False)
        bound *= size + 1
        if bound > np.iinfo(np.int64).max:
            return df.duplicated(subset=key, keep=False)
        combined *= size + 1  # in place: no temporary arrays of millions of keys
        combined += codes
        combined += 1
    # one SIMD sort of the keys and a look at neighbours, not a hash table of millions of keys;
    # the rows whose key repeats are looked up only where one does
    ordered = np.sort(combined)
    repeated = ordered[1:][ordered[1:] == ordered[:-1]]
    dup = np.isin(combined, repeated) if len(repeated) else np.zeros(len(df), dtype=bool)
    return pd.Series(dup, index=df.index)


def _only_allowed(s: pd.Series, allowed) -> bool:
    """A categorical column whose every category is allowed (so is every value)."""
    return isinstance(s.dtype, pd.CategoricalDtype) and bool(
        s.cat.categories.isin(list(allowed)).all()
    )


def _isin(s: pd.Series, allowed) -> pd.Series:
    """``s.isin(allowed)``; for a categorical, decided per category and spread by code."""
    if not isinstance(s.dtype, pd.CategoricalDtype):
        return s.isin(allowed)
    per_cat = np.append(s.cat.categories.isin(list(allowed)), False)  # code -1: missing
    return pd.Series(per_cat[s.cat.codes.to_numpy()], index=s.index)


def check(df: pd.DataFrame, schema: dict[str, Column], key: list[str], table: str) -> pd.DataFrame:
    """Raise ValidationError on wrong columns, types, nulls, codes, ranges or duplicate keys."""
    cols = list(schema)
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise _fail(table, f"missing column(s) {missing}")
    for name, col in schema.items():
        s = df[name]
        if col.kind == "int" and not pd.api.types.is_integer_dtype(s):
            raise _fail(table, f"column {name!r} must be integer, is {s.dtype}")
        if col.kind == "float" and not pd.api.types.is_float_dtype(s):
            raise _fail(table, f"column {name!r} must be float, is {s.dtype}")
        if col.kind == "str" and pd.api.types.is_numeric_dtype(s):
            raise _fail(table, f"column {name!r} must be text, is {s.dtype}")
        nulls = s.isna()
        if not col.nullable and nulls.any():
            raise _fail(table, f"column {name!r} has missing values", df[nulls])
        # a categorical whose categories are all allowed holds no other value: nothing to test
        if col.allowed is not None and not _only_allowed(s, col.allowed):
            bad = ~_isin(s, col.allowed) & ~nulls
            if bad.any():
                raise _fail(
                    table, f"column {name!r} has values outside {sorted(col.allowed)}", df[bad]
                )
        if col.min_value is not None:
            bad = s < col.min_value
            if bad.any():
                raise _fail(table, f"column {name!r} below {col.min_value}", df[bad])
        if col.max_value is not None:
            bad = s > col.max_value
            if bad.any():
                raise _fail(table, f"column {name!r} above {col.max_value}", df[bad])
        if col.kind == "float":
            bad = ~np.isfinite(s.to_numpy(dtype=float)) & ~nulls.to_numpy()
            if bad.any():
                raise _fail(table, f"column {name!r} has non-finite values", df[bad])
        if col.max_abs is not None:
            bad = s.abs() > col.max_abs
            if bad.any():
                raise _fail(table, f"column {name!r} above {col.max_abs:g} in size", df[bad])
    if "measure" in df:
        trade = df["measure"].isin(TRADE_MEASURES)
        bad = trade & (df["value_usd_m"] < 0)
        if bad.any():
            raise _fail(table, "negative trade value", df[bad])
    if "share" in df and "total_usd_m" in df:  # the share rule (schema: RANKINGS["share"])
        bad = df["share"].notna() & ~(df["total_usd_m"] > 0)
        if bad.any():
            raise _fail(table, "a share where the total is zero or negative", df[bad])
    derived = "mirror" in key and "mirror" not in df  # schema.OBSERVATION_KEY says why
    keyed = df.assign(mirror=(df["basis"] == "mirror").to_numpy()) if derived else df
    dup = _duplicated(keyed, key)
    if dup.any():
        raise _fail(table, f"duplicate key {key}", df[dup])
    return df
