"""A disk cache of the rankings derived from a snapshot's observations.

Where: ``$ASEAN_JAPAN_CACHE``, else ``$XDG_CACHE_HOME/asean-japan``, else
``~/.cache/asean-japan``. Files are content-addressed, so one cache serves every checkout and
data folder (a copy of the snapshot reuses it), and the four most recently written are kept.

Ranking the committed observations takes about a second; every notebook kernel, CLI call and
test would pay it again. The cache file is named by what the rankings are a function of: the
observations file's checksum (from the manifest, which ``load_observations`` verifies), the
ranking code, mapping files and library versions as they are now (``fingerprint``). Anything
else in that folder is never read. The format is NumPy's ``.npz`` loaded with
``allow_pickle=False`` (plain arrays; no code runs on load), written to a temporary name and
renamed. A cache that cannot be read or written is ignored: the rankings are ranked again.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from .fingerprint import fingerprint
from .schema import RANKINGS
from .schema import dtypes as schema_dtypes

PREFIX = "rankings-"
KEEP = 4  # cache files kept (each ~20 MB): the snapshot, a rebuild, a test's variant or two


def cache_dir() -> Path:
    value = os.environ.get("ASEAN_JAPAN_CACHE", "").strip()
    if value:
        return Path(value)
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    if xdg:
        return Path(xdg) / "asean-japan"
    try:
        return Path.home() / ".cache" / "asean-japan"
    except (RuntimeError, KeyError):  # no home (a bare container): a private temporary folder
        return Path(tempfile.gettempdir()) / f"asean-japan-cache-{os.getuid()}"


def key(observations_sha256: str, manifest: dict) -> str:
    """The cache key for the rankings of the observations file with that checksum, under its
    snapshot's manifest (scope and datasets: the ranking settings)."""
    parts = {
        "observations": observations_sha256,
        "scope": manifest.get("scope"),
        "datasets": manifest.get("datasets"),
        "code": fingerprint("rankings"),  # the ranking code and libraries as they are now
    }
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _path(key: str) -> Path:
    return cache_dir() / f"{PREFIX}{key}.npz"


def read(key: str) -> pd.DataFrame | None:
    """The cached rankings, or None (absent, unreadable, or not a frame this module wrote)."""
    dtypes = schema_dtypes(RANKINGS)
    path = _path(key)
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as z:
            cols = {}
            for name in RANKINGS:
                if f"{name}.codes" in z:
                    cols[name] = pd.Categorical.from_codes(
                        z[f"{name}.codes"], categories=z[f"{name}.categories"].tolist()
                    )
                elif f"{name}.text" in z:
                    cols[name] = z[f"{name}.text"].astype(object)
                elif f"{name}.mask" in z:
                    cols[name] = pd.array(z[f"{name}.values"], dtype=dtypes[name])
                    cols[name][z[f"{name}.mask"]] = pd.NA
                else:
                    cols[name] = z[name]
        return pd.DataFrame(cols)
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        return None


def write(key: str, rankings: pd.DataFrame) -> None:
    """Store rankings under ``key``, replacing older cache files; failures are ignored (a
    read-only data folder just means ranking again next time)."""
    arrays: dict[str, np.ndarray] = {}
    for name in rankings.columns:
        col = rankings[name]
        if isinstance(col.dtype, pd.CategoricalDtype):
            arrays[f"{name}.codes"] = col.cat.codes.to_numpy()
            arrays[f"{name}.categories"] = np.asarray(col.cat.categories, dtype=str)
        elif isinstance(col.dtype, np.dtype) and col.dtype != object:
            arrays[name] = col.to_numpy()
        elif col.dtype == object:
            arrays[f"{name}.text"] = col.to_numpy(dtype=str)
        else:  # nullable (Int64, boolean): values with a mask, never object arrays
            mask = col.isna().to_numpy()
            arrays[f"{name}.values"] = col.to_numpy(dtype=col.dtype.numpy_dtype, na_value=0)
            arrays[f"{name}.mask"] = mask
    folder = cache_dir()
    tmp = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".npz", dir=folder)
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, **arrays)
        os.replace(tmp, _path(key))
        tmp = None
        files = sorted(folder.glob(f"{PREFIX}*.npz"), key=lambda p: p.stat().st_mtime)
        for old in files[:-KEEP]:
            old.unlink(missing_ok=True)
    except OSError:
        return
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
