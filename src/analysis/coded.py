"""A table as NumPy arrays: each text column as integer codes and its categories, each number
column as it is. The world folder's observations (``data/build/world/``, never committed) are
written this way: writing 4 million rows as gzip text took a fifth of the world build, and
reading them back parsed every cell again.

The file is a zip of ``.npy`` arrays (what ``numpy.load`` reads as an ``.npz``), written with
fixed member dates, so the same table gives the same bytes; loaded with ``allow_pickle=False``
(plain arrays only: no code runs on load). Values are the build's own float64 numbers, not
rounded through text as the committed CSV's are.
"""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pandas as pd

_DATE = (1980, 1, 1, 0, 0, 0)  # every member's date: the bytes depend on the table alone


def to_bytes(df: pd.DataFrame) -> bytes:
    """``df`` as an uncompressed zip of .npy arrays: ``<col>.codes`` and ``<col>.categories``
    for a categorical or text column, ``<col>`` for a number column (missing text: code -1)."""
    arrays: dict[str, np.ndarray] = {"columns": np.asarray(list(df.columns), dtype=str)}
    for name in df.columns:
        col = df[name]
        if not isinstance(col.dtype, pd.CategoricalDtype) and col.dtype == object:
            col = col.astype("category")
        if isinstance(col.dtype, pd.CategoricalDtype):
            arrays[f"{name}.codes"] = col.cat.codes.to_numpy()
            arrays[f"{name}.categories"] = np.asarray(col.cat.categories, dtype=str)
        else:
            arrays[name] = col.to_numpy()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as z:
        for key, arr in arrays.items():
            member = io.BytesIO()
            np.lib.format.write_array(member, np.ascontiguousarray(arr), allow_pickle=False)
            info = zipfile.ZipInfo(key + ".npy", date_time=_DATE)
            info.external_attr = 0o644 << 16
            z.writestr(info, member.getvalue())
    return buf.getvalue()


def read(path, dtypes: dict[str, str], nullable: frozenset[str] = frozenset()) -> pd.DataFrame:
    """The table ``to_bytes`` wrote, with ``dtypes`` (the schema's); an empty text in a
    ``nullable`` column reads back as missing, as the CSV reader reads it."""
    with np.load(path, allow_pickle=False) as z:
        cols: dict[str, object] = {}
        for name in z["columns"].tolist():
            if f"{name}.codes" in z:
                cats = pd.Index(z[f"{name}.categories"].astype(object))
                col = pd.Categorical.from_codes(z[f"{name}.codes"], categories=cats)
                if name in nullable and "" in cats:
                    col = col.remove_categories([""])
                cols[name] = col
            else:
                cols[name] = z[name]
    out = pd.DataFrame(cols)
    return out.astype({c: t for c, t in dtypes.items() if c in out.columns})
