"""A disk cache of the rankings derived from a snapshot's observations.

Where: ``$ASEAN_JAPAN_CACHE``, else ``$XDG_CACHE_HOME/asean-japan``, else
``~/.cache/asean-japan``. Files are content-addressed, so one cache serves every checkout and
data folder (a copy of the snapshot reuses it), and the four most recently written are kept.

Ranking the committed observations takes about a second; every notebook kernel, CLI call and
test would pay it again. The cache file is named by what the rankings are a function of: the
checksum of the observations' bytes being ranked (read once and verified by
``snapshot.load_rankings``), and the ranking code, mapping files and library versions as they
are now (``fingerprint("rankings")``). Anything else in that folder is
never read. The format is NumPy's ``.npz`` loaded with ``allow_pickle=False`` (plain arrays; no
code runs on load), written to a temporary name and renamed.

The folder may be shared ($ASEAN_JAPAN_CACHE), so an entry is untrusted input (``read``): it is
served only if this user wrote it and only this user can change it, its array headers fit their
sizes (no forged shape makes NumPy allocate terabytes), its bytes match the checksum stored with
them, and the frame passes the rankings' own checks (``check_rankings``: the manifest's row
count, dtypes, ranges, shares, ranks in value order). On any doubt, and on any failure
(MemoryError included), the rankings are ranked again. A checksum is no signature: an entry
forged by this same user with its checksum made to fit and values that stay consistent is
beyond what can be checked without ranking again.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import stat
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import ValidationError
from .fingerprint import fingerprint
from .paths import env_path
from .schema import RANKING_KEY, RANKINGS
from .schema import dtypes as schema_dtypes
from .validate import check

PREFIX = "rankings-"
KEEP = 4  # cache files kept (each ~20 MB): the snapshot, a rebuild, a test's variant or two


def cache_dir() -> Path:
    """$ASEAN_JAPAN_CACHE (``~`` expanded, a relative path from the project root, like every
    path setting: ``paths.env_path``), else $XDG_CACHE_HOME/asean-japan, else ~/.cache."""
    default = None
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    if xdg:
        default = Path(xdg).expanduser() / "asean-japan"
    if default is None:
        try:
            default = Path.home() / ".cache" / "asean-japan"
        except (RuntimeError, KeyError):  # no home (a bare container): a private temp folder
            default = Path(tempfile.gettempdir()) / f"asean-japan-cache-{os.getuid()}"
    return env_path("ASEAN_JAPAN_CACHE", default)


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


CHECKSUM = "__sha256__"
ALLOWED_KINDS = "biuf"  # bool, int, unsigned, float: plain numbers, never objects
MAX_FILE = 2 * 1024 * 1024 * 1024  # a cache file the tool writes is ~20 MB (world: ~300 MB)


def _digest(arrays: dict[str, np.ndarray]) -> str:
    """sha256 over every array's name, dtype, shape and bytes, in name order."""
    h = hashlib.sha256()
    for name in sorted(arrays):
        a = np.ascontiguousarray(arrays[name])
        h.update(f"{name}|{a.dtype.str}|{a.shape}|".encode())
        h.update(a.tobytes())
    return h.hexdigest()


def _trusted(path: Path) -> bool:
    """Only a file this user wrote and only this user can change is read: the cache folder
    may be shared ($ASEAN_JAPAN_CACHE), and another user's entry is never served."""
    try:
        info = path.lstat()
    except OSError:
        return False
    return (
        stat.S_ISREG(info.st_mode)
        and info.st_uid == os.getuid()
        and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
        and 0 < info.st_size <= MAX_FILE
    )


def _headers_fit(data: bytes) -> bool:
    """Every member of the .npz is a one-dimensional array of numbers or fixed-width text
    whose header's shape and dtype account for exactly its stored size: a forged header
    (a shape of trillions of rows) is refused before NumPy allocates anything."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for info in z.infolist():
            if info.file_size > MAX_FILE:
                return False
            with z.open(info) as fh:
                fmt = np.lib.format
                version = fmt.read_magic(fh)
                read_header = {(1, 0): fmt.read_array_header_1_0, (2, 0): fmt.read_array_header_2_0}
                if version not in read_header:
                    return False
                shape, fortran, dtype = read_header[version](fh, max_header_size=10_000)
                offset = fh.tell()
            if fortran or len(shape) > 1 or dtype.hasobject:  # () only for the checksum
                return False
            if dtype.kind not in ALLOWED_KINDS + "U":
                return False
            if offset + (shape[0] if shape else 1) * dtype.itemsize != info.file_size:
                return False
    return True


def read(key: str, rows: int | None = None) -> pd.DataFrame | None:
    """The cached rankings, or None: re-rank. The cache is untrusted input: the file must be
    this user's (``_trusted``), its bytes must hash to the checksum stored with them, its array
    headers must fit their sizes, and the frame must pass the rankings' own checks
    (``check_rankings``: the manifest's row count, dtypes, ranges, ranks in value order).
    Any doubt, or any failure at all (MemoryError included), means ranking again."""
    dtypes = schema_dtypes(RANKINGS)
    path = _path(key)
    if not _trusted(path):
        return None
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_FILE + 1)
        if not _headers_fit(data):
            return None
        with np.load(io.BytesIO(data), allow_pickle=False) as z:
            arrays = {name: z[name] for name in z.files}
        stored = arrays.pop(CHECKSUM, None)
        if stored is None or str(stored) != _digest(arrays):
            return None
        cols = {}
        for name in RANKINGS:
            if f"{name}.codes" in arrays:
                cols[name] = pd.Categorical.from_codes(
                    arrays[f"{name}.codes"], categories=arrays[f"{name}.categories"].tolist()
                )
            elif f"{name}.mask" in arrays:
                cols[name] = pd.array(arrays[f"{name}.values"], dtype=dtypes[name])
                cols[name][arrays[f"{name}.mask"]] = pd.NA
            else:
                cols[name] = arrays[name]
        frame = pd.DataFrame(cols)
        return frame if check_rankings(frame, rows) else None
    except Exception:  # noqa: BLE001 (MemoryError, a damaged zip, a bad category: re-rank)
        return None


def check_rankings(frame: pd.DataFrame, rows: int | None) -> bool:
    """A cached frame is what the ranking makes: ``rows`` rows (the manifest's count), the
    schema's dtypes, its rules (``validate.check``: values, ranges, keys), ranks at most the
    number of partners, shares equal to value / total, and ranks in order of value within
    each ranking."""
    if rows is not None and len(frame) != rows:
        return False
    want = schema_dtypes(RANKINGS)
    if list(frame.columns) != list(want):
        return False
    for name, dtype in want.items():
        have = frame[name].dtype
        if (dtype == "category") != isinstance(have, pd.CategoricalDtype):
            return False
        if dtype != "category" and str(have) != dtype:
            return False
    try:
        check(frame, RANKINGS, RANKING_KEY, "cached rankings")
    except ValidationError:
        return False
    rank = frame["rank"].astype("float64").to_numpy()
    value = frame["value_usd_m"].to_numpy()
    total = frame["total_usd_m"].astype("float64").to_numpy()
    share = frame["share"].astype("float64").to_numpy()
    if (rank > frame["n_partners"].to_numpy()).any():
        return False
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = value / total
    has = ~np.isnan(share)
    if not np.allclose(share[has], expected[has], rtol=1e-9, atol=0, equal_nan=False):
        return False
    ranked = ~np.isnan(rank)
    group = frame.loc[ranked, RANKING_KEY[:-1]]
    codes = np.zeros(len(group), dtype=np.int64)
    for col in RANKING_KEY[:-1]:  # one integer per ranking (dataset ... year)
        c = group[col]
        c = c.cat.codes.to_numpy() if isinstance(c.dtype, pd.CategoricalDtype) else c.to_numpy()
        c = c.astype(np.int64) - int(c.min(initial=0))
        codes = codes * (int(c.max(initial=0)) + 1) + c
    r = rank[ranked].astype(np.int64)
    order = np.argsort(codes * (int(r.max(initial=0)) + 1) + r, kind="stable")
    v, g, r = value[ranked][order], codes[order], r[order]
    same = g[1:] == g[:-1]
    dollar = 1e-6 + 1e-12 * np.abs(v[:-1])  # ties are equal to the dollar (US$ million)
    later = same & (r[1:] > r[:-1]) & (v[1:] > v[:-1] + dollar)
    tied = same & (r[1:] == r[:-1]) & (np.abs(v[1:] - v[:-1]) > dollar)
    return not (later.any() or tied.any())


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
        elif col.dtype == object:  # text columns are categories in the schema: not cached
            return
        else:  # nullable (Int64, boolean): values with a mask, never object arrays
            mask = col.isna().to_numpy()
            arrays[f"{name}.values"] = col.to_numpy(dtype=col.dtype.numpy_dtype, na_value=0)
            arrays[f"{name}.mask"] = mask
    arrays[CHECKSUM] = np.asarray(_digest(arrays))
    folder = cache_dir()
    tmp = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".npz", dir=folder)
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, **arrays)
        os.replace(tmp, _path(key))
        tmp = None
        mine = (p for p in folder.glob(f"{PREFIX}*.npz") if p.stat().st_uid == os.getuid())
        files = sorted(mine, key=lambda p: p.stat().st_mtime)  # a shared folder: ours only
        for old in files[:-KEEP]:
            old.unlink(missing_ok=True)
    except OSError:
        return
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
