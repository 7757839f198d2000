"""Raw data kept verbatim and write-once, each file with its provenance in a manifest.

Layout: ``data/raw/<source>/<vintage>/<file>`` plus ``manifest.json`` in the vintage folder. A file
is first written to a temporary name in the same folder and then renamed into place, so a fetch
killed halfway leaves no partial file, and an existing file is never replaced: writing different
bytes under a name that exists is an error, writing the same bytes again is a no-op.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from .errors import SourceError
from .paths import raw_dir


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
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if (p / "manifest.json").is_file())

    def manifest(self, vintage: str) -> list[dict]:
        path = self.vintage_dir(vintage) / "manifest.json"
        if not path.is_file():
            return []
        return json.loads(path.read_text(encoding="utf-8"))["files"]

    def save(self, vintage: str, record: RawRecord, data: bytes) -> Path:
        """Keep ``data`` verbatim as ``record.file``; refuses to replace different bytes."""
        folder = self.vintage_dir(vintage)
        path = folder / record.file
        if path.exists():
            if sha256_bytes(path.read_bytes()) == record.sha256:
                return path
            raise SourceError(
                self.source,
                str(path),
                "a raw file of that name already exists with other content; raw files are write-once",
                "Fetch into a new vintage instead.",
            )
        atomic_write(path, data)
        entries = [e for e in self.manifest(vintage) if e["file"] != record.file]
        entries.append(asdict(record))
        entries.sort(key=lambda e: e["file"])
        body = {"source": self.source, "vintage": vintage, "files": entries}
        atomic_write(
            folder / "manifest.json", (json.dumps(body, indent=1, sort_keys=True) + "\n").encode()
        )
        return path

    def find(self, sha256: str) -> Path | None:
        """A raw file with these bytes in any vintage (so unchanged data is not stored twice)."""
        for vintage in reversed(self.vintages()):
            for entry in self.manifest(vintage):
                if entry["sha256"] == sha256:
                    return self.vintage_dir(vintage) / entry["file"]
        return None
