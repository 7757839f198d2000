"""Reading and writing ``data/processed/``: byte-reproducible, atomic, locked.

Files are gzip-compressed CSV with a fixed gzip header (no time stamp, no file name), a stable row
order and a fixed float format, so the same inputs give the same bytes on every machine. Each file
is listed in ``manifest.json`` with its sha256 and size. A write makes a whole new folder beside
this one and swaps it in with one rename (``_staged``), under a lock beside the folder, so
readers never see a half-written snapshot and a failed write changes nothing; a reader reads
each file once, checks those bytes against the manifest and parses the same bytes
(``read_checked``).

The committed (focus) snapshot holds no rankings file: rankings are a pure function of the
observations as stored (``as_stored``), ranked on load in about a second and cached outside the
snapshot (``rankcache.cache_dir()``, keyed by the observations' checksum and the ranking code). That keeps a
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

from . import coded as coded_form
from . import csvtext, rankcache
from .errors import SourceError
from .loaders import csv_from_bytes, file_entry_problem, load_json, parsed, read_bytes
from .paths import processed_dir
from .rank import RankSettings, rank
from .rawstore import atomic_write, sha256_bytes, sha256_file
from .schema import OBSERVATIONS, RANKINGS, dtypes
from .settings import lock_timeout

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


@contextlib.contextmanager
def locked(folder: Path, timeout: float | None = None) -> Iterator[None]:
    """An exclusive lock on the folder, held while a build writes it. Waits for another build
    (saying so on stderr) at most ``timeout`` seconds, then gives up with a clear error."""
    import sys
    import time

    timeout = lock_timeout() if timeout is None else timeout
    folder.parent.mkdir(parents=True, exist_ok=True)
    lock = lock_file(folder)
    # the lock file is opened without following a symlink and never truncated: a lock file
    # planted as a link to another file neither truncates that file nor locks it
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    except OSError as exc:
        import errno

        if exc.errno != errno.ELOOP:  # no permission, a read-only disk: the file system's error
            raise
        raise SourceError(
            "snapshot",
            str(lock),
            "cannot open the lock file: it is a symlink (a symlink is refused)",
            f"Remove {lock} (it holds nothing) and run the command again.",
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
                        str(lock),
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


# Files the build makes; every other file of the folder (README.md, the claims' outputs) is
# carried into each new snapshot as it is, with its manifest entry while its bytes match it.
def built_by_build(name: str) -> bool:
    return name in (
        OBSERVATIONS_FILE,
        CODED_OBSERVATIONS_FILE,
        RANKINGS_FILE,
        MANIFEST_FILE,
        "gaps.csv",
    ) or (name.startswith("context_") and name.endswith(".csv"))


def write(
    folder: Path,
    observations: pd.DataFrame,
    rankings: pd.DataFrame | Iterable[pd.DataFrame] | None,
    manifest: dict,
    extras: dict[str, pd.DataFrame] | None = None,
    level: int = 6,
    coded: bool = False,
) -> None:
    """Write a whole new snapshot in a sibling folder and swap it in with one rename
    (``_staged``). ``level``: the gzip level of the observations and rankings files (the same
    level, the same bytes). ``extras``: small context tables written as plain CSV (e.g.
    China's development finance).

    ``rankings``: a frame; or batches of rows (the world scope), streamed through gzip into
    the file one batch at a time, the same bytes as the batches' concatenation written at
    once, without holding it; or None: no rankings file (any economy's ranking is derived from
    the observations on demand, ``rank.rank``).

    ``coded``: the observations as codes and numbers (``coded.py``, ``observations.npz``), not
    gzip CSV: the world folder's form; the committed snapshot keeps its CSV.
    """
    if coded:
        payloads = {CODED_OBSERVATIONS_FILE: coded_form.to_bytes(observations)}
    else:
        payloads = {OBSERVATIONS_FILE: csv_gz_bytes(observations, level)}
    if isinstance(rankings, pd.DataFrame):
        payloads[RANKINGS_FILE] = csv_gz_bytes(rankings, level)
    for name, frame in (extras or {}).items():
        payloads[name] = frame.to_csv(
            index=False, float_format=FLOAT_FORMAT, lineterminator="\n"
        ).encode("utf-8")
    manifest = {**manifest, "files": {}}
    for name, data in payloads.items():
        manifest["files"][name] = {"sha256": sha256_bytes(data), "bytes": len(data)}
    with _staged(folder, carry=lambda name: not built_by_build(name)) as (stage, carried):
        if rankings is not None and not isinstance(rankings, pd.DataFrame):
            part, n_rows, entry = _stream_part(stage, RANKINGS_FILE, rankings, level)
            os.replace(part, stage / RANKINGS_FILE)
            manifest["files"][RANKINGS_FILE] = entry
            manifest["rows"] = {**manifest.get("rows", {}), "rankings": n_rows}
        for name, data in payloads.items():
            _write_new(stage / name, data)
        manifest["files"].update(carried)
        _write_new(stage / MANIFEST_FILE, _manifest_bytes(manifest))


def add_files(folder: Path, files: dict[str, bytes]) -> None:
    """Add (or replace) files beside the build's, listed in the manifest (the claims'
    outputs): a new snapshot folder like the build's, swapped in with one rename."""

    with _staged(folder, carry=lambda name: name not in files) as (stage, carried):
        manifest = _read_manifest_or_empty(folder)
        for name, data in files.items():
            _write_new(stage / name, data)
            carried[name] = {"sha256": sha256_bytes(data), "bytes": len(data)}
        manifest["files"] = carried
        _write_new(stage / MANIFEST_FILE, _manifest_bytes(manifest))


def _manifest_bytes(manifest: dict) -> bytes:
    return (json.dumps(manifest, indent=1, sort_keys=True) + "\n").encode()


def _read_manifest_or_empty(folder: Path) -> dict:
    try:
        return read_manifest(folder)
    except SourceError:  # a damaged manifest lists nothing: its files are carried unlisted
        return {}


def _write_new(path: Path, data: bytes) -> None:
    """A file of a staged snapshot (a private folder: no rename needed), synced to disk."""
    with open(path, "xb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.chmod(path, 0o644)


def lock_file(folder: Path) -> Path:
    """The lock of a snapshot folder: beside it, since the folder itself is swapped (beside
    the real folder where ``folder`` is a symlink, so every path to it takes one lock)."""
    real = Path(os.path.realpath(folder))
    return real.parent / f".{real.name}.lock"


@contextlib.contextmanager
def _staged(folder: Path, carry) -> Iterator[tuple[Path, dict]]:
    """A new snapshot folder ``.<name>.new-*`` beside ``folder``, holding the files of
    ``folder`` that ``carry(name)`` keeps (hard links of the same bytes; their manifest
    entries, where the bytes match, in the dict yielded beside it). The caller writes the rest;
    then one rename swaps it with ``folder`` (``_swap``) and the old snapshot is removed.

    A failure before the swap (a full disk, say) removes the new folder and leaves ``folder``
    exactly as it was, and the error says so; nobody ever sees half of two snapshots."""
    import shutil

    folder.parent.mkdir(parents=True, exist_ok=True)
    folder = Path(os.path.realpath(folder))  # a symlinked folder: its target is replaced
    with locked(folder):
        for left in folder.parent.glob(f".{folder.name}.new-*"):  # a killed build's
            shutil.rmtree(left, ignore_errors=True)
        for left in folder.parent.glob(f".{folder.name}.old-*"):
            shutil.rmtree(left, ignore_errors=True)
        stage = Path(tempfile.mkdtemp(prefix=f".{folder.name}.new-", dir=folder.parent))
        try:
            listed = _read_manifest_or_empty(folder).get("files", {}) if folder.is_dir() else {}
            carried: dict[str, dict] = {}
            for old in sorted(folder.iterdir()) if folder.is_dir() else []:
                name = old.name
                if name.startswith(".") or old.is_symlink() or not old.is_file():
                    continue
                if name == MANIFEST_FILE or not carry(name):
                    continue
                try:
                    os.link(old, stage / name)
                except OSError:
                    shutil.copy2(old, stage / name)
                entry = listed.get(name)
                if entry and sha256_file(stage / name) == entry["sha256"]:
                    carried[name] = entry
            yield stage, carried
            os.chmod(stage, 0o755)
            _sync_dir(stage)
            _swap(stage, folder)
        except OSError as exc:
            shutil.rmtree(stage, ignore_errors=True)
            raise SourceError(
                "snapshot",
                str(folder),
                f"could not write the new snapshot ({exc.strerror or type(exc).__name__}: "
                f"{exc.filename or stage})",
                f"Nothing in {folder} was changed: the new files were written to {stage}, "
                "which was removed. Free some space (or fix the folder's permissions) and "
                "build again.",
            ) from exc
        except BaseException:
            shutil.rmtree(stage, ignore_errors=True)
            raise
        shutil.rmtree(stage, ignore_errors=True)  # after the swap: the old snapshot


def _sync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _swap(new: Path, folder: Path) -> None:
    """Put ``new`` in the place of ``folder`` with one rename; ``new`` then holds the old.
    Linux's renameat2(RENAME_EXCHANGE) swaps both names at once; where it is missing, two
    renames (for an instant there is no folder, never a mixed one)."""
    import ctypes
    import errno

    if not folder.exists():
        os.rename(new, folder)
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        renameat2 = None
    if renameat2 is not None:
        at_fdcwd, rename_exchange = -100, 2
        if (
            renameat2(at_fdcwd, os.fsencode(new), at_fdcwd, os.fsencode(folder), rename_exchange)
            == 0
        ):
            _sync_dir(folder.parent)
            return
        err = ctypes.get_errno()
        if err not in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
            raise OSError(err, os.strerror(err), str(folder))
    old = new.with_name(new.name.replace(".new-", ".old-"))
    os.rename(folder, old)
    os.rename(new, folder)
    os.rename(old, new)  # the caller removes it
    _sync_dir(folder.parent)


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


MANIFEST_HINT = (
    "Run `asean-japan build --force` to write a whole snapshot again, or "
    "`git checkout data/processed` for the committed one."
)
MANIFEST_EXPECTED = "the snapshot's manifest (JSON listing its files, each with sha256 and bytes)"
SNAPSHOT = "processed snapshot"
GAPS_COLUMNS = ("dataset", "country", "partner", "first_year", "last_year", "reason")


def _manifest_problem(manifest: object) -> str | None:
    """What is wrong with a snapshot manifest's shape (None: it can be used)."""

    if not isinstance(manifest, dict):
        return f"a JSON {type(manifest).__name__}, not a table"
    files = manifest.get("files")
    if not isinstance(files, dict) or not files:
        return "no table of files"
    for name, entry in files.items():
        if problem := file_entry_problem(name, entry):
            return problem
    if OBSERVATIONS_FILE not in files and CODED_OBSERVATIONS_FILE not in files:
        return f"{OBSERVATIONS_FILE} (or, in the world folder, {CODED_OBSERVATIONS_FILE}) is not listed"
    for key in ("rows", "datasets"):
        value = manifest.get(key, {})
        if not isinstance(value, dict) or not all(
            isinstance(v, dict) for v in (value.values() if key == "datasets" else [{}])
        ):
            return f"{key!r} is not a table"
    rows = manifest.get("rows", {})
    if any(isinstance(n, bool) or not isinstance(n, int) or n < 0 for n in rows.values()):
        return "'rows' holds something other than row counts"
    return None


def read_manifest(folder: Path | None = None) -> dict:
    """The snapshot's manifest ({} when the folder has none), its shape checked: a damaged one
    is the one-paragraph error naming it."""

    path = (folder or processed_dir()) / MANIFEST_FILE
    if not path.exists() and not path.is_symlink():
        return {}
    return load_json(path, SNAPSHOT, MANIFEST_EXPECTED, MANIFEST_HINT, _manifest_problem)


def verify(folder: Path | None = None) -> list[str]:
    """Files of the snapshot whose bytes are not those its manifest lists ([] = whole).

    The manifest is written last: a build killed between its renames leaves new files beside an
    old manifest, which this detects, so nobody reads half of two snapshots.
    """
    folder = folder or processed_dir()
    try:
        listed = read_manifest(folder).get("files", {})
    except SourceError:
        return [MANIFEST_FILE]
    bad = []
    for name, entry in listed.items():
        path = folder / name
        if (
            not path.is_file()
            or path.stat().st_size != entry["bytes"]
            or sha256_file(path) != entry["sha256"]
        ):
            bad.append(name)
    return bad


def read_checked(folder: Path | None, name: str) -> tuple[bytes, dict]:
    """A snapshot file's bytes, read once and verified against the manifest read beside them,
    with that manifest: the caller parses these very bytes (never the path again), so a build
    replacing the file meanwhile cannot slip other rows under this manifest's checksum. A
    build swapping the snapshot between the two reads is met by reading both again."""
    folder = folder or processed_dir()
    path = folder / name
    for _ in range(3):
        manifest = read_manifest(folder)
        entry = manifest.get("files", {}).get(name)
        if entry is None or not path.is_file():
            if not path.is_file():
                raise SourceError(
                    SNAPSHOT,
                    str(path),
                    "file missing",
                    "Run `asean-japan build` (needs ../shared/data or data/raw) to create it.",
                )
            raise SourceError(
                SNAPSHOT,
                str(path),
                "the file is not listed in the snapshot's manifest, so its bytes cannot be checked",
                MANIFEST_HINT,
            )
        data = read_bytes(path, SNAPSHOT, name, MANIFEST_HINT, entry["bytes"], over_ok=True)
        if len(data) == entry["bytes"] and sha256_bytes(data) == entry["sha256"]:
            return data, manifest
        if read_manifest(folder) == manifest:
            break  # no build in between: the file itself differs
    raise SourceError(
        SNAPSHOT,
        str(path),
        "the file is not the one the snapshot's manifest lists (a build was interrupted, "
        "or the file was edited)",
        MANIFEST_HINT,
    )


def _read(name: str, dtypes: dict, folder: Path | None) -> pd.DataFrame:
    data, _ = read_checked(folder, name)
    return _parse_bytes(data, name, dtypes, folder)


def _parse_bytes(data: bytes, name: str, dtypes: dict, folder: Path | None) -> pd.DataFrame:

    source = io.BytesIO(data)
    gz = "gzip" if name.endswith(".gz") else None
    return parsed(
        (folder or processed_dir()) / name,
        SNAPSHOT,
        f"the snapshot's {name}",
        MANIFEST_HINT,
        lambda: _parse(source, dtypes, gz),
    )


def _parse(source, dtypes: dict, compression: str | None = "infer") -> pd.DataFrame:
    """The one CSV reader of the snapshot (also used by ``as_stored``, so the build ranks
    exactly the values every reader gets back)."""
    table = OBSERVATIONS if dtypes is OBS_DTYPES else RANKINGS
    empty = {name: [""] for name, col in table.items() if col.nullable}  # from the schema
    return pd.read_csv(
        source, dtype=dtypes, keep_default_na=False, na_values=empty, compression=compression
    )


def load_observations(folder: Path | None = None) -> pd.DataFrame:
    """The snapshot's observations, from its CSV or, where its manifest lists one instead, its
    coded file (the world folder: ``coded.py``); either read once, verified and parsed from
    those bytes."""
    where = folder or processed_dir()
    if CODED_OBSERVATIONS_FILE not in read_manifest(where).get("files", {}):
        return _read(OBSERVATIONS_FILE, OBS_DTYPES, folder)
    data, _ = read_checked(where, CODED_OBSERVATIONS_FILE)
    nullable = frozenset(n for n, col in OBSERVATIONS.items() if col.nullable)
    return parsed(
        where / CODED_OBSERVATIONS_FILE,
        SNAPSHOT,
        f"the snapshot's {CODED_OBSERVATIONS_FILE}",
        MANIFEST_HINT,
        lambda: coded_form.read(io.BytesIO(data), OBS_DTYPES, nullable),
    )


def load_rankings(folder: Path | None = None) -> pd.DataFrame:
    """Every ranking row of the snapshot: its rankings file where it has one (world scope),
    else ranked from its observations, through the cache (see the module's docstring).

    The observations are read once and verified; the cache key names those bytes' checksum,
    and on a miss those same bytes are ranked, so what is cached is what the key names."""
    folder = folder or processed_dir()
    manifest = read_manifest(folder)
    if RANKINGS_FILE in manifest.get("files", {}):
        return _read(RANKINGS_FILE, RANK_DTYPES, folder)
    if CODED_OBSERVATIONS_FILE in manifest.get("files", {}):  # the world folder: not cached
        return rank(load_observations(folder), RankSettings.from_manifest(manifest))
    data, manifest = read_checked(folder, OBSERVATIONS_FILE)
    key = rankcache.key(sha256_bytes(data), manifest)
    rows = manifest.get("rows", {}).get("rankings")
    cached = rankcache.read(key, rows)
    if cached is not None:
        return cached
    observations = _parse_bytes(data, OBSERVATIONS_FILE, OBS_DTYPES, folder)
    rankings = rank(observations, RankSettings.from_manifest(manifest))
    if key:
        rankcache.write(key, rankings)
    return rankings


def load_table(
    name: str, folder: Path | None = None, columns: tuple[str, ...] = (), **read_csv
) -> pd.DataFrame | None:
    """A side table of the snapshot (gaps, context tables, the claims' outputs), read once,
    verified against the manifest and parsed from those bytes; None when the snapshot has no
    such file (neither on disk nor listed). ``columns``: those it must have (a file cut to
    nothing is refused, never read as "no rows")."""

    folder = folder or processed_dir()
    path = folder / name
    if not path.exists() and name not in read_manifest(folder).get("files", {}):
        return None
    data, _ = read_checked(folder, name)
    return csv_from_bytes(
        data, path, SNAPSHOT, f"the snapshot's {name}", MANIFEST_HINT, columns, **read_csv
    )


def load_gaps(folder: Path | None = None) -> pd.DataFrame | None:
    """``gaps.csv``: donors missing from a source, and cells published without a number."""
    return load_table("gaps.csv", folder, GAPS_COLUMNS, keep_default_na=False)


def load_context(source: str, folder: Path | None = None) -> pd.DataFrame | None:
    """A context table (``context_<source>.csv``: shown beside rankings, never ranked), or None."""
    return load_table(f"context_{source}.csv", folder)
