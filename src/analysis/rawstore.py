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
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from .errors import SettingsError, SourceError
from .paths import raw_dir

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
        from .loaders import load_json

        path = self.vintage_dir(vintage) / "manifest.json"
        if not path.is_file():
            return []
        body = load_json(
            path,
            self.source,
            "a vintage manifest (JSON: the files of the vintage, each with url, sha256 and "
            "bytes)",
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

    def write_vintage(
        self, vintage: str, new: list[tuple[RawRecord, bytes]], carried: list[tuple[dict, Path]]
    ) -> Path:
        """Write a whole vintage at once: new files, carried files (manifest entry, path of the
        kept copy) and the manifest, in a temporary folder renamed into place."""
        folder = self.vintage_dir(vintage)
        if folder.exists():
            raise SourceError(
                self.source,
                str(folder),
                "a vintage of that name already exists; vintages are write-once",
                "Fetch into a new vintage name instead.",
            )
        self.root.mkdir(parents=True, exist_ok=True)
        self._clean_temporary()
        tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{vintage}-", dir=self.root))
        try:
            entries = []
            for record, data in new:
                atomic_write(tmp / record.file, data)
                entries.append(asdict(record))
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
                tmp / "manifest.json",
                (json.dumps(body, indent=1, sort_keys=True) + "\n").encode(),
            )
            os.chmod(tmp, 0o755)
            os.rename(tmp, folder)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return folder

    def _clean_temporary(self) -> None:
        """Remove what a fetch killed before its final rename left behind."""
        for p in self.root.glob(".tmp-*"):
            shutil.rmtree(p, ignore_errors=True)

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
    from .loaders import file_entry_problem

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
