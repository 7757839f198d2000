"""Reading and writing ``data/processed/``: byte-reproducible, atomic, locked.

Files are gzip-compressed CSV with a fixed gzip header (no time stamp, no file name), a stable row
order and a fixed float format, so the same inputs give the same bytes on every machine. Each file
is written to a temporary name and renamed into place; a lock file serialises concurrent builds,
so readers never see a half-written snapshot.
"""

from __future__ import annotations

import contextlib
import fcntl
import gzip
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from .errors import SourceError
from .paths import processed_dir
from .rawstore import atomic_write
from .schema import OBSERVATIONS, RANKINGS, dtypes

FLOAT_FORMAT = "%.12g"
OBSERVATIONS_FILE = "observations.csv.gz"
RANKINGS_FILE = "rankings.csv.gz"
MANIFEST_FILE = "manifest.json"

OBS_DTYPES = dtypes(OBSERVATIONS)
RANK_DTYPES = dtypes(RANKINGS)


def csv_gz_bytes(df: pd.DataFrame) -> bytes:
    text = df.to_csv(index=False, float_format=FLOAT_FORMAT, lineterminator="\n")
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=6) as gz:
        gz.write(text.encode("utf-8"))
    return buf.getvalue()


@contextlib.contextmanager
def locked(folder: Path) -> Iterator[None]:
    """An exclusive lock on the folder, held while a build writes it."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def write(
    folder: Path,
    observations: pd.DataFrame,
    rankings: pd.DataFrame,
    manifest: dict,
    extras: dict[str, pd.DataFrame] | None = None,
) -> None:
    """Write the files atomically (each renamed into place), the manifest last. ``extras``:
    small context tables written as plain CSV (e.g. China's development finance)."""
    payloads = {
        OBSERVATIONS_FILE: csv_gz_bytes(observations),
        RANKINGS_FILE: csv_gz_bytes(rankings),
    }
    for name, frame in (extras or {}).items():
        payloads[name] = frame.to_csv(
            index=False, float_format=FLOAT_FORMAT, lineterminator="\n"
        ).encode("utf-8")
    manifest = {**manifest, "files": {}}
    from .rawstore import sha256_bytes

    for name, data in payloads.items():
        manifest["files"][name] = {"sha256": sha256_bytes(data), "bytes": len(data)}
    body = (json.dumps(manifest, indent=1, sort_keys=True) + "\n").encode()
    with locked(folder):
        for name, data in payloads.items():
            atomic_write(folder / name, data)
        atomic_write(folder / MANIFEST_FILE, body)


def read_manifest(folder: Path | None = None) -> dict:
    path = (folder or processed_dir()) / MANIFEST_FILE
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def _read(name: str, dtypes: dict, folder: Path | None) -> pd.DataFrame:
    path = (folder or processed_dir()) / name
    if not path.is_file():
        raise SourceError(
            "processed snapshot",
            str(path),
            "file missing",
            "Run `asean-japan build` (needs ../shared/data or data/raw) to create it.",
        )
    return pd.read_csv(path, dtype=dtypes, keep_default_na=False, na_values={"rank": [""]})


def load_observations(folder: Path | None = None) -> pd.DataFrame:
    return _read(OBSERVATIONS_FILE, OBS_DTYPES, folder)


def load_rankings(folder: Path | None = None) -> pd.DataFrame:
    return _read(RANKINGS_FILE, RANK_DTYPES, folder)


def load_context(source: str, folder: Path | None = None) -> pd.DataFrame | None:
    """A context table (``context_<source>.csv``: shown beside rankings, never ranked), or None."""
    path = (folder or processed_dir()) / f"context_{source}.csv"
    return pd.read_csv(path) if path.is_file() else None
