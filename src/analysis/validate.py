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
    for col in key:
        s = df[col]
        if isinstance(s.dtype, pd.CategoricalDtype):
            codes, size = s.cat.codes.to_numpy().astype(np.int64), len(s.cat.categories) + 1
        elif pd.api.types.is_integer_dtype(s) or pd.api.types.is_bool_dtype(s):
            codes = s.to_numpy().astype(np.int64)
            lo = int(codes.min()) if len(codes) else 0
            codes, size = codes - lo, (int(codes.max()) - lo + 1 if len(codes) else 1)
        else:
            return df.duplicated(subset=key, keep=False)
        if size and combined.max(initial=0) > np.iinfo(np.int64).max // (size + 1):
            return df.duplicated(subset=key, keep=False)
        combined = combined * (size + 1) + codes + 1
    return pd.Series(combined, index=df.index).duplicated(keep=False)


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
        if col.allowed is not None:
            bad = ~s.isin(col.allowed) & ~nulls
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
