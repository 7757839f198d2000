"""Declarative checks of the tidy tables: a broken rule fails loudly, naming rows.

Hand-written rather than pandera: the rules are few, and this keeps the full build inside its
time budget (pandera's import alone costs about a second).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import ValidationError

MIN_YEAR, MAX_YEAR = 1948, 2100


@dataclass(frozen=True)
class Column:
    kind: str  # "str" | "int" | "float"
    nullable: bool = False
    allowed: frozenset[str] | None = None
    min_value: float | None = None


MEASURES = frozenset(
    {
        "exports",
        "imports",
        "trade",
        *(
            f"oda_{side}_{flow}_{price}"  # net/gross and the price base are part of the measure
            for side in ("received", "given")
            for flow in ("net", "gross")
            for price in ("current", "const2022")
        ),
        "fdi_inflow",
        "fdi_outflow",
        "fdi_inward_stock",
        "fdi_outward_stock",
        "fdi_registered",
    }
)
TRADE_MEASURES = frozenset({"exports", "imports", "trade"})

OBSERVATIONS: dict[str, Column] = {
    "dataset": Column("str"),
    "measure": Column("str", allowed=MEASURES),
    "country": Column("str"),
    "partner": Column("str"),
    "year": Column("int", min_value=MIN_YEAR),
    "value_usd_m": Column("float"),
    "basis": Column("str", allowed=frozenset({"reported", "estimate", "mirror"})),
    "flag": Column("str", nullable=False),
    "source_ref": Column("str"),
}
OBSERVATION_KEY = ["dataset", "measure", "country", "partner", "year", "side"]

RANKINGS: dict[str, Column] = {
    "dataset": Column("str"),
    "measure": Column("str", allowed=MEASURES),
    "variant": Column(
        "str", allowed=frozenset({"countries", "blocs", "all", "bilateral", "grouped"})
    ),
    "basis": Column("str", allowed=frozenset({"reported", "best", "mirror"})),
    "country": Column("str"),
    "year": Column("int", min_value=MIN_YEAR),
    "partner": Column("str"),
    "value_usd_m": Column("float"),
    "total_usd_m": Column("float", nullable=True),
    "share": Column("float", nullable=True),
    "rank": Column("int", nullable=True, min_value=1),
    "n_partners": Column("int", min_value=0),
    "value_basis": Column("str", allowed=frozenset({"reported", "mirror", "mixed"})),
    "estimated_share": Column("float", min_value=0),
}
RANKING_KEY = ["dataset", "measure", "variant", "basis", "country", "year", "partner"]


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
    if "year" in df:
        bad = df["year"] > MAX_YEAR
        if bad.any():
            raise _fail(table, f"impossible year above {MAX_YEAR}", df[bad])
    if "measure" in df:
        trade = df["measure"].isin(TRADE_MEASURES)
        bad = trade & (df["value_usd_m"] < 0)
        if bad.any():
            raise _fail(table, "negative trade value", df[bad])
    keyed = df.assign(side=(df["basis"] == "mirror")) if "side" in key and "side" not in df else df
    dup = _duplicated(keyed, key)
    if dup.any():
        raise _fail(table, f"duplicate key {key}", df[dup])
    return df
