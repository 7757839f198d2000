"""Raw data kept verbatim and write-once, each file with its provenance in a manifest.

Layout: ``data/raw/<source>/<vintage>/<file>`` plus ``manifest.json`` in the vintage folder.
A vintage is complete or absent: it is written into a hidden temporary folder (every file and
the manifest) and renamed into place in one step, so a fetch killed halfway leaves no vintage
(its temporary folder is ignored and cleaned up by the next fetch). A vintage holds every file
of the source as of that fetch: a file unchanged since an earlier vintage is carried forward as
a hard link (a copy where links are impossible), recorded in the manifest with
``carried_from``, so the latest vintage alone is always the whole source. A vintage is never
changed once written; a second fetch on the same day that brings new bytes gets the next name
(``2026-11-29-2``), or the name the caller chose (``fetch --vintage NAME``), which must be a
safe folder name that no vintage has yet.

One fetch of a source at a time: a fetch holds the source's lock (``data/raw/<source>/.lock``)
from reading the kept vintages to renaming its own into place, so a second fetch of the same
source waits and then sees the first one's vintage. A temporary folder is removed only when its
writer is gone (``tempdirs``): a fetch never removes the folder another is still writing.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from .errors import SettingsError, SourceError
from .loaders import file_entry_problem, load_json
from .paths import raw_dir
from .settings import lock_timeout
from .tempdirs import clean, owned

log = logging.getLogger("analysis.fetch")
TEMPORARY = ".tmp-"  # the prefix of a vintage being written
_HELD: dict[Path, int] = {}  # source folders whose lock this process holds -> depth

# a vintage name the caller chooses: one plain folder name (no path, no hidden or temporary
# folder, nothing a shell or another file system would mangle)
VINTAGE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


@dataclass(frozen=True)
class RawRecord:
    """Provenance of one raw file."""

    file: str
    url: str
    params: dict
    fetched_at: str
    status: int
    sha256: str
    bytes: int
    content_type: str
    licence: str
    citation: str
    etag: str = ""
    last_modified: str = ""
    carried_from: str = ""  # the earlier vintage this unchanged file was carried from


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    """sha256 of a file, read in chunks (the manifests of raw inputs)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def atomic_write(path: Path, data: bytes) -> None:
    """Write bytes to ``path`` through a temporary file and an atomic rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; data files are for everyone to read
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


class RawStore:
    """The raw folder of one source."""

    def __init__(self, source: str, root: Path | None = None) -> None:
        self.source = source
        self.root = (root or raw_dir()) / source

    def vintage_dir(self, vintage: str) -> Path:
        return self.root / vintage

    def vintages(self) -> list[str]:
        """Complete vintages (folders with a readable manifest), oldest first; temporary
        folders skipped, and so are vintages whose manifest is damaged (``damaged``): a fetch
        goes past them, a build refuses while one is the newest (``pipeline.locate``)."""
        return [v for v in self._with_manifest() if v not in self.damaged()]

    def _with_manifest(self) -> list[str]:
        if not self.root.is_dir():
            return []
        names = [
            p.name
            for p in self.root.iterdir()
            if not p.name.startswith(".") and (p / "manifest.json").is_file()
        ]
        return sorted(names, key=_vintage_key)

    def damaged(self) -> dict[str, SourceError]:
        """Vintages whose manifest cannot be read or has the wrong shape, with the error."""
        out = {}
        for v in self._with_manifest():
            try:
                self.manifest(v)
            except SourceError as exc:
                out[v] = exc
        return out

    def manifest(self, vintage: str) -> list[dict]:
        """The vintage's file entries, the manifest's shape checked (``loaders``): a damaged
        one is the one-paragraph SourceError naming it and how to get past it."""

        path = self.vintage_dir(vintage) / "manifest.json"
        if not path.is_file():
            return []
        body = load_json(
            path,
            self.source,
            "a vintage manifest (JSON: the files of the vintage, each with url, sha256 and bytes)",
            f"Move the vintage away (e.g. `mv {path.parent} /tmp/`) and fetch again; raw files "
            "are never changed by the tool, so it cannot repair it.",
            _vintage_manifest_problem,
        )
        return body["files"]

    def new_vintage_name(self, base: str) -> str:
        """``base`` if no vintage has it, else ``base-2``, ``base-3``, ...: vintages never change."""
        taken = (
            set(self.vintages())
            | {p.name for p in self.root.glob("*") if p.is_dir() and not p.name.startswith(".")}
            if self.root.is_dir()
            else set()
        )
        if base not in taken:
            return base
        n = 2
        while f"{base}-{n}" in taken:
            n += 1
        return f"{base}-{n}"

    def check_new_name(self, name: str) -> str:
        """A vintage name chosen by the caller, checked before anything is asked of the network:
        a safe folder name (letters, digits, ``.``, ``_``, ``-``; at most 64; starting with a
        letter or digit) that no vintage of this source has. Raises SettingsError (a usage
        problem) naming the folder and what to do."""
        where = f"--vintage {name!r}"
        if not VINTAGE_NAME.fullmatch(name) or ".." in name:
            raise SettingsError(
                self.source,
                where,
                "not a safe vintage name: expected 1-64 letters, digits, '.', '_' or '-', "
                "starting with a letter or digit (it becomes a folder under "
                f"{self.root})",
                "Choose a name such as 2026-11-29-revised.",
            )
        if (self.root / name).exists():
            raise SettingsError(
                self.source,
                str(self.root / name),
                f"a vintage named {name!r} already exists; vintages are write-once",
                f"Choose another name (existing: {', '.join(self.vintages()) or 'none'}), or "
                "leave out --vintage to get the next free name of today's date.",
            )
        return name

    @contextlib.contextmanager
    def locked(self, timeout: float | None = None) -> Iterator[None]:
        """The source's fetch lock, held while the block runs (re-entrant within a process).
        Another fetch of the source holding it is waited for at most ``timeout`` seconds
        ($ASEAN_JAPAN_LOCK_TIMEOUT), saying so, then a SourceError."""

        self.root.mkdir(parents=True, exist_ok=True)
        key = self.root.resolve()  # one key however the folder is named (links, relative)
        if _HELD.get(key):
            _HELD[key] += 1
            try:
                yield
            finally:
                _HELD[key] -= 1
            return
        timeout = lock_timeout() if timeout is None else timeout
        lock = self.root / ".lock"
        try:  # never through a symlink, never truncated: a planted link locks nothing
            fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
        except OSError as exc:
            raise SourceError(
                self.source,
                str(lock),
                f"cannot open the fetch lock ({exc.strerror}; a symlink is refused)",
                f"Remove {lock} (it holds nothing) and fetch again.",
            ) from exc
        try:
            start, told = time.monotonic(), False
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if not told:
                        log.warning("%s: waiting for another fetch of it to finish", self.source)
                        told = True
                    if time.monotonic() - start >= timeout:
                        raise SourceError(
                            self.source,
                            str(lock),
                            f"another fetch of {self.source} has held its lock for over "
                            f"{timeout:g} s",
                            "Nothing was fetched or saved. Wait for it, or stop it (a stopped "
                            "fetch's lock is released when its process ends); "
                            "$ASEAN_JAPAN_LOCK_TIMEOUT sets the wait.",
                        ) from None
                    time.sleep(0.1)
            _HELD[key] = 1
            try:
                yield
            finally:
                del _HELD[key]
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    @contextlib.contextmanager
    def writing(self) -> Iterator[Path]:
        """A temporary folder for the next vintage, owned by this process (``tempdirs``): what
        a killed fetch left is removed first, a live one's folder never."""
        self.root.mkdir(parents=True, exist_ok=True)
        self._clean_temporary()
        with owned(self.root, TEMPORARY) as tmp:
            yield tmp

    def finish_vintage(
        self, tmp: Path, vintage: str, new: list[RawRecord], carried: list[tuple[dict, Path]]
    ) -> Path:
        """Complete a vintage written into ``tmp`` (its new files already there): carried files
        linked in and the manifest written. Not yet in place: see :meth:`publish`."""
        entries = [asdict(record) for record in new]
        for entry, kept in carried:
            target = tmp / entry["file"]
            try:
                os.link(kept, target)
            except OSError:  # another file system, or links not allowed: copy instead
                shutil.copy2(kept, target)
            entries.append(entry)
        entries.sort(key=lambda e: e["file"])
        body = {"source": self.source, "vintage": vintage, "files": entries}
        atomic_write(
            tmp / "manifest.json", (json.dumps(body, indent=1, sort_keys=True) + "\n").encode()
        )
        return tmp

    def publish(self, tmp: Path, vintage: str) -> Path:
        """Rename a completed temporary folder into place as ``vintage`` (write-once)."""
        folder = self._free(vintage)
        os.chmod(tmp, 0o755)
        os.rename(tmp, folder)
        return folder

    def write_vintage(
        self, vintage: str, new: list[tuple[RawRecord, bytes]], carried: list[tuple[dict, Path]]
    ) -> Path:
        """Write a whole vintage at once: new files, carried files (manifest entry, path of the
        kept copy) and the manifest, in a temporary folder renamed into place."""
        self._free(vintage)
        with self.locked(), self.writing() as tmp:
            for record, data in new:
                atomic_write(tmp / record.file, data)
            self.finish_vintage(tmp, vintage, [r for r, _ in new], carried)
            return self.publish(tmp, vintage)

    def _free(self, vintage: str) -> Path:
        """The folder of a vintage not written yet; a taken name is a SourceError."""
        folder = self.vintage_dir(vintage)
        if folder.exists():
            raise SourceError(
                self.source,
                str(folder),
                "a vintage of that name already exists; vintages are write-once",
                "Fetch into a new vintage name instead.",
            )
        return folder

    def _clean_temporary(self) -> None:
        """Remove what a fetch killed before its final rename left behind (only folders whose
        writer is gone)."""
        clean(self.root, TEMPORARY + "*")

    def find(self, sha256: str, file: str) -> tuple[str, dict] | None:
        """(vintage, manifest entry) of a kept file of this name and bytes, newest first."""
        for vintage in reversed(self.vintages()):
            for entry in self.manifest(vintage):
                if entry["sha256"] == sha256 and entry["file"] == file:
                    return vintage, entry
        return None


def _vintage_key(name: str) -> tuple[str, int, str]:
    """``2026-11-29`` < ``2026-11-29-2`` < ``2026-11-29-10`` < ``2026-11-30``."""
    m = re.fullmatch(r"(\d{4}-\d{2}-\d{2})(?:-(\d+))?", name)
    if m:
        return (m.group(1), int(m.group(2) or 1), "")
    return (name, 0, name)


def _vintage_manifest_problem(body: object) -> str | None:
    """What is wrong with a vintage manifest's shape (None: usable)."""

    if not isinstance(body, dict) or not isinstance(body.get("files"), list):
        return "expected a table with a list of files"
    seen = set()
    for entry in body["files"]:
        name = entry.get("file") if isinstance(entry, dict) else None
        if problem := file_entry_problem(name, entry):
            return problem
        if not all(isinstance(entry.get(k), str) for k in ("url", "fetched_at")):
            return f"the entry of {name} has no url or fetch time"
        if name in seen:
            return f"{name} is listed twice"
        seen.add(name)
    return None
