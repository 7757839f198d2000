"""The snapshot's CSV text, written in chunks: the same bytes as pandas' ``to_csv`` with the
snapshot's settings (``float_format='%.12g'``, empty for missing, minimal quoting, ``\\n``).

Hand code because pandas' writer turns every categorical cell into a Python object again and
takes about 10 s for the world scope's 4.3 million observations; here each category is quoted
once and cells are looked up by code, numbers formatted once each, in chunks that keep memory
flat. Any column of another kind (object, boolean) falls back to pandas for that chunk, so the
text is always pandas' text (tests compare the two on the real tables).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

FLOAT_FORMAT = "%.12g"
CHUNK_ROWS = 250_000
_SPECIAL = (",", '"', "\n", "\r")


def _field(text: str) -> str:
    """One cell as the csv module writes it with minimal quoting."""
    if any(ch in text for ch in _SPECIAL):
        return '"' + text.replace('"', '""') + '"'
    return text


def _cells(col: pd.Series) -> np.ndarray | None:
    """A column's cells as an object array of text, or None where pandas must write it."""
    dtype = col.dtype
    text = isinstance(dtype, pd.StringDtype) or (
        pd.api.types.is_object_dtype(dtype)
        and pd.api.types.infer_dtype(col, skipna=True) in ("string", "empty")
    )
    if text:
        col = col.astype("category")  # text cells: each distinct text quoted once
        dtype = col.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        cats = [_field(str(c)) for c in dtype.categories]
        lookup = np.array([*cats, ""], dtype=object)  # code -1 (missing) -> the last: empty
        return lookup[col.cat.codes.to_numpy()]
    if isinstance(dtype, np.dtype) and dtype.kind == "f":
        values = col.to_numpy()
        out = np.array([FLOAT_FORMAT % v for v in values.tolist()], dtype=object)
        out[np.isnan(values)] = ""
        return out
    if isinstance(dtype, np.dtype) and dtype.kind in "iu":
        return col.to_numpy().astype(str).astype(object)
    if isinstance(dtype, pd.api.extensions.ExtensionDtype) and dtype.kind in "iu":  # Int32 ...
        mask = col.isna().to_numpy()
        out = col.to_numpy(dtype=np.int64, na_value=0).astype(str).astype(object)
        out[mask] = ""
        return out
    return None


def chunks(df: pd.DataFrame, rows: int = CHUNK_ROWS, header: bool = True) -> Iterator[str]:
    """The CSV text of ``df`` (header first unless ``header=False``), chunk by chunk."""
    if header:
        yield ",".join(_field(str(c)) for c in df.columns) + "\n"
    for start in range(0, len(df), rows):
        part = df.iloc[start : start + rows]
        cells = [_cells(part[c]) for c in part.columns]
        if any(c is None for c in cells):
            yield part.to_csv(
                index=False, header=False, float_format=FLOAT_FORMAT, lineterminator="\n"
            )
            continue
        if len(cells) == 1:  # pandas quotes a lone empty cell, so the row is not blank
            yield "".join((v or '""') + "\n" for v in cells[0])
            continue
        yield "\n".join(map(",".join, zip(*cells, strict=True))) + "\n"


def text(df: pd.DataFrame) -> str:
    return "".join(chunks(df))
