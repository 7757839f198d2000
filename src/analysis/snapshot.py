"""Reading and writing ``data/processed/``: byte-reproducible, atomic, locked.

Files are gzip-compressed CSV with a fixed gzip header (no time stamp, no file name), a stable row
order and a fixed float format, so the same inputs give the same bytes on every machine. Each file
is written to a temporary name and renamed into place; a lock file serialises concurrent builds,
so readers never see a half-written snapshot.

The committed (focus) snapshot holds no rankings file: rankings are a pure function of the
observations as stored (``as_stored``), ranked on load in about a second and cached outside the
snapshot (``rankcache.cache_dir()``, keyed by the observations' checksum and the build code). That keeps a
rebuild's growth of the git history to the observations file (2.7 MB instead of 27 MB), while
the rankings stay exactly reproducible; ``asean-japan export`` writes them as CSV for readers
without the package. The world scope (not committed) writes its rankings file.
"""

from __future__ import annotations

import contextlib
import fcntl
import gzip
import hashlib
import io
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import pandas as pd

from . import csvtext
from .errors import SourceError
from .paths import processed_dir
from .rawstore import atomic_write
from .schema import OBSERVATIONS, RANKINGS, dtypes

FLOAT_FORMAT = "%.12g"
OBSERVATIONS_FILE = "observations.csv.gz"
CODED_OBSERVATIONS_FILE = "observations.npz"  # the world folder's form (coded.py says why)
RANKINGS_FILE = "rankings.csv.gz"
MANIFEST_FILE = "manifest.json"

OBS_DTYPES = dtypes(OBSERVATIONS)
RANK_DTYPES = dtypes(RANKINGS)


def csv_gz_bytes(df: pd.DataFrame, level: int = 6) -> bytes:
    """The table as gzip CSV (pandas' text, written faster and in chunks by ``csvtext``)."""
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=level) as gz:
        for chunk in csvtext.chunks(df):
            gz.write(chunk.encode("utf-8"))
    return buf.getvalue()


def export_csv(df: pd.DataFrame, path: Path) -> None:
    """A table in the snapshot's own CSV format (gzip when the name ends .gz), written whole.
    Never into the snapshot folder: an export over observations.csv.gz would replace the
    snapshot with a file every reader then refuses."""
    from .paths import processed_dir

    target = path.resolve()
    inside = processed_dir().resolve()
    if target == inside or inside in target.parents:
        raise SourceError(
            "export",
            str(path),
            f"the target is inside the snapshot folder {inside}",
            "Export elsewhere (e.g. `asean-japan export rankings.csv.gz`): the snapshot's files "
            "are written only by `asean-japan build`.",
        )
    gz = path.name.endswith(".gz")
    atomic_write(path, csv_gz_bytes(df) if gz else csvtext.text(df).encode("utf-8"))


def check_writable(folder: Path) -> None:
    """Create ``folder`` if needed and write (then remove) a file in it: a folder that is a
    file, read-only or out of reach fails here, with its path, before a build's work."""
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".write-check-", suffix=".part", dir=folder)
    os.close(fd)
    os.unlink(tmp)


def lock_timeout() -> float:
    """Seconds a build waits for another build's lock ($ASEAN_JAPAN_LOCK_TIMEOUT, default 600);
    checked like every numeric setting (a number of seconds, 0 to a week)."""
    from .settings import WEEK, number_setting

    return number_setting(
        "ASEAN_JAPAN_LOCK_TIMEOUT", 600.0, "a number of seconds from 0 to a week", False, True, WEEK
    )


@contextlib.contextmanager
def locked(folder: Path, timeout: float | None = None) -> Iterator[None]:
    """An exclusive lock on the folder, held while a build writes it. Waits for another build
    (saying so on stderr) at most ``timeout`` seconds, then gives up with a clear error."""
    import sys
    import time

    timeout = lock_timeout() if timeout is None else timeout
    folder.mkdir(parents=True, exist_ok=True)
    # the lock file is opened without following a symlink and never truncated: a .lock
    # planted as a link to another file neither truncates that file nor locks it
    try:
        fd = os.open(folder / ".lock", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    except OSError as exc:
        raise SourceError(
            "snapshot",
            str(folder / ".lock"),
            f"cannot open the lock file ({exc.strerror}; a symlink is refused)",
            "Remove data/processed/.lock (it holds nothing) and run the command again.",
        ) from exc
    with os.fdopen(fd, "r+") as fh:
        start, told = time.monotonic(), False
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not told:
                    print(
                        f"waiting for another build to finish writing {folder} ...", file=sys.stderr
                    )
                    told = True
                if time.monotonic() - start >= timeout:
                    raise SourceError(
                        "snapshot",
                        str(folder / ".lock"),
                        f"another build has held the lock for over {timeout:g} s",
                        "Wait for it, or stop it (a stopped build's lock is released when its "
                        "process ends); $ASEAN_JAPAN_LOCK_TIMEOUT sets the wait.",
                    ) from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def as_stored(observations: pd.DataFrame) -> pd.DataFrame:
    """The observations exactly as ``load_observations`` will read them back from the file
    (values rounded by ``FLOAT_FORMAT``): rankings are computed from this, so a ranking derived
    on load from the committed file is identical to the build's.

    Only the number columns go through the text and the reader (the other columns read back
    as they are, cast to their dtypes): a fifth of the work and memory of the whole table, which
    matters in the world scope (4 million rows)."""
    numbers = [c for c, t in OBS_DTYPES.items() if t.startswith("float")]
    text = observations[numbers].to_csv(index=False, float_format=FLOAT_FORMAT, lineterminator="\n")
    back = pd.read_csv(
        io.StringIO(text),
        dtype={c: OBS_DTYPES[c] for c in numbers},
        keep_default_na=False,
        na_values={c: [""] for c in numbers},
        skip_blank_lines=False,  # a row whose only number is empty is an empty line
    )
    out = observations.reset_index(drop=True).astype(
        {c: t for c, t in OBS_DTYPES.items() if c in observations.columns and c not in numbers}
    )
    for c in numbers:
        out[c] = back[c].to_numpy()
    for name, col in OBSERVATIONS.items():  # an empty text reads back as missing, as in _parse
        if col.nullable and name not in numbers and (out[name] == "").any():
            out[name] = out[name].cat.remove_categories([""])
    return out[list(OBS_DTYPES)]


def write(
    folder: Path,
    observations: pd.DataFrame,
    rankings: pd.DataFrame | Iterable[pd.DataFrame] | None,
    manifest: dict,
    extras: dict[str, pd.DataFrame] | None = None,
    level: int = 6,
    coded: bool = False,
) -> None:
    """Write the files atomically (each renamed into place), the manifest last. ``level``: the
    gzip level of the observations and rankings files (the same level, the same bytes). ``extras``:
    small context tables written as plain CSV (e.g. China's development finance).

    ``rankings``: a frame; or batches of rows (the world scope), streamed through gzip into
    the file one batch at a time, the same bytes as the batches' concatenation written at
    once, without holding it; or None: no rankings file (any economy's ranking is derived from
    the observations on demand, ``rank.rank_economy``).

    ``coded``: the observations as codes and numbers (``coded.py``, ``observations.npz``), not
    gzip CSV: the world folder's form; the committed snapshot keeps its CSV.
    """
    if coded:
        from . import coded as coded_form

        other = OBSERVATIONS_FILE
        payloads = {CODED_OBSERVATIONS_FILE: coded_form.to_bytes(observations)}
    else:
        other = CODED_OBSERVATIONS_FILE
        payloads = {OBSERVATIONS_FILE: csv_gz_bytes(observations, level)}
    if isinstance(rankings, pd.DataFrame):
        payloads[RANKINGS_FILE] = csv_gz_bytes(rankings, level)
    for name, frame in (extras or {}).items():
        payloads[name] = frame.to_csv(
            index=False, float_format=FLOAT_FORMAT, lineterminator="\n"
        ).encode("utf-8")
    manifest = {**manifest, "files": {}}
    from .rawstore import sha256_bytes

    for name, data in payloads.items():
        manifest["files"][name] = {"sha256": sha256_bytes(data), "bytes": len(data)}
    with locked(folder):
        for stale in folder.glob(".*.part"):  # left by a build killed mid-write
            stale.unlink(missing_ok=True)
        streamed = None
        if rankings is not None and not isinstance(rankings, pd.DataFrame):
            streamed = _stream_part(folder, RANKINGS_FILE, rankings, level)
            part, n_rows, entry = streamed
            manifest["files"][RANKINGS_FILE] = entry
            manifest["rows"] = {**manifest.get("rows", {}), "rankings": n_rows}
        try:
            for name, data in payloads.items():
                atomic_write(folder / name, data)
            (folder / other).unlink(missing_ok=True)  # the observations' other form, if any
            if streamed:
                os.replace(streamed[0], folder / RANKINGS_FILE)
            elif rankings is None:
                (folder / RANKINGS_FILE).unlink(missing_ok=True)
        finally:
            if streamed:
                streamed[0].unlink(missing_ok=True)
        body = (json.dumps(manifest, indent=1, sort_keys=True) + "\n").encode()
        atomic_write(folder / MANIFEST_FILE, body)


class _Hashing(io.RawIOBase):
    """A file wrapper that counts and hashes what passes through it."""

    def __init__(self, fh) -> None:
        self.fh, self.size, self.sha = fh, 0, hashlib.sha256()

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.sha.update(data)
        self.size += len(data)
        return self.fh.write(data)


def _stream_part(folder: Path, name: str, batches: Iterable[pd.DataFrame], level: int = 6):
    """Write batches as one gzip CSV to a temporary file in ``folder`` (header once, the
    gzip settings of ``csv_gz_bytes``); returns its path, the row count and its manifest entry.
    """
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=folder)
    path = Path(tmp)
    n_rows = 0
    try:
        with os.fdopen(fd, "wb") as fh:
            out = _Hashing(fh)
            with gzip.GzipFile(
                filename="", mode="wb", fileobj=out, mtime=0, compresslevel=level
            ) as gz:
                header = True
                for batch in batches:
                    for chunk in csvtext.chunks(batch, header=header):
                        gz.write(chunk.encode("utf-8"))
                    header, n_rows = False, n_rows + len(batch)
                if header:  # no batch at all: the header alone
                    gz.write((",".join(RANKINGS) + "\n").encode("utf-8"))
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(path, 0o644)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path, n_rows, {"sha256": out.sha.hexdigest(), "bytes": out.size}


def read_manifest(folder: Path | None = None) -> dict:
    path = (folder or processed_dir()) / MANIFEST_FILE
    if not path.is_file():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SourceError(
            "processed snapshot",
            str(path),
            f"the manifest is not readable JSON ({exc})",
            "Run `asean-japan build --force`, or `git checkout data/processed`.",
        ) from exc


def verify(folder: Path | None = None) -> list[str]:
    """Files of the snapshot whose bytes are not those its manifest lists ([] = whole).

    The manifest is written last: a build killed between its renames leaves new files beside an
    old manifest, which this detects, so nobody reads half of two snapshots.
    """
    from .rawstore import sha256_file

    folder = folder or processed_dir()
    listed = read_manifest(folder).get("files", {})
    bad = []
    for name, entry in listed.items():
        path = folder / name
        if not path.is_file() or sha256_file(path) != entry["sha256"]:
            bad.append(name)
    return bad


def _read(name: str, dtypes: dict, folder: Path | None) -> pd.DataFrame:
    return _parse(_checked(folder or processed_dir(), name), dtypes)


def _checked(folder: Path, name: str) -> Path:
    """A snapshot file's path, once its bytes are those the manifest lists."""
    from .rawstore import sha256_file

    path = folder / name
    if not path.is_file():
        raise SourceError(
            "processed snapshot",
            str(path),
            "file missing",
            "Run `asean-japan build` (needs ../shared/data or data/raw) to create it.",
        )
    entry = read_manifest(folder).get("files", {}).get(name)
    if entry is None or sha256_file(path) != entry["sha256"]:
        raise SourceError(
            "processed snapshot",
            str(path),
            "the file is not the one the snapshot's manifest lists (a build was interrupted, "
            "or the file was edited)",
            "Run `asean-japan build --force` to write a whole snapshot again, or "
            "`git checkout data/processed` for the committed one.",
        )
    return path


def _parse(source, dtypes: dict) -> pd.DataFrame:
    """The one CSV reader of the snapshot (also used by ``as_stored``, so the build ranks
    exactly the values every reader gets back)."""
    table = OBSERVATIONS if dtypes is OBS_DTYPES else RANKINGS
    empty = {name: [""] for name, col in table.items() if col.nullable}  # from the schema
    return pd.read_csv(source, dtype=dtypes, keep_default_na=False, na_values=empty)


def load_observations(folder: Path | None = None) -> pd.DataFrame:
    """The snapshot's observations, from its CSV or, where its manifest lists one instead, its
    coded file (the world folder: ``coded.py``)."""
    from . import coded

    where = folder or processed_dir()
    files = read_manifest(where).get("files", {})
    nullable = frozenset(n for n, col in OBSERVATIONS.items() if col.nullable)
    if CODED_OBSERVATIONS_FILE in files:
        return coded.read(_checked(where, CODED_OBSERVATIONS_FILE), OBS_DTYPES, nullable)
    path = _checked(where, OBSERVATIONS_FILE)  # its bytes are those the manifest lists
    sha = files[OBSERVATIONS_FILE]["sha256"]
    return coded.cached(sha, lambda: _parse(path, OBS_DTYPES), OBS_DTYPES, nullable)


def load_rankings(folder: Path | None = None) -> pd.DataFrame:
    """Every ranking row of the snapshot: its rankings file where it has one (world scope),
    else ranked from its observations, through the cache (see the module's docstring)."""
    folder = folder or processed_dir()
    manifest = read_manifest(folder)
    if RANKINGS_FILE in manifest.get("files", {}):
        return _read(RANKINGS_FILE, RANK_DTYPES, folder)
    from . import rankcache
    from .rank import rank_snapshot

    if CODED_OBSERVATIONS_FILE in manifest.get("files", {}):  # the world folder: not cached
        return rank_snapshot(load_observations(folder), manifest)
    path = _checked(folder, OBSERVATIONS_FILE)  # a cached ranking is served for intact files only
    key = rankcache.key(manifest)
    cached = rankcache.read(key) if key else None
    if cached is not None:
        return cached
    rankings = rank_snapshot(_parse(path, OBS_DTYPES), manifest)  # checked above: read once
    if key:
        rankcache.write(key, rankings)
    return rankings


def load_context(source: str, folder: Path | None = None) -> pd.DataFrame | None:
    """A context table (``context_<source>.csv``: shown beside rankings, never ranked), or None."""
    path = (folder or processed_dir()) / f"context_{source}.csv"
    return pd.read_csv(path) if path.is_file() else None
