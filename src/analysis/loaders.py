"""The one way the tool reads a JSON, CSV or TOML file it did not just make itself (manifests,
vintage manifests, the snapshot's side tables, claim files): bounded, a regular file only,
its shape checked by the caller's rule, and every failure the same one-paragraph SourceError
naming the file.

Why one loader: a damaged file can raise anything while it is parsed (a decoder's error, a
list where a table was expected, RecursionError on deep nesting, MemoryError on a huge one);
caught here once, each reader of the tool says which file and what to do instead of a
traceback.
"""

from __future__ import annotations

import io
import json
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .errors import SourceError

MAX_TEXT = 64 * 1024 * 1024  # a manifest, a claim file, a side table: megabytes at most

# a rule on the parsed value: None when it holds, else what is wrong (said in the error)
Shape = Callable[[Any], str | None]


def _error(owner: str, path: Path | str, expected: str, why: str, hint: str) -> SourceError:
    return SourceError(owner, str(path), f"not readable as {expected} ({why})", hint)


def _why(exc: BaseException) -> str:
    """What went wrong, in a few words (the type, and the first line of the message)."""
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    if isinstance(exc, MemoryError):
        return "too large to read into memory"
    detail = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
    return type(exc).__name__ + (f": {detail}" if detail else "")


def read_bytes(
    path: Path,
    owner: str,
    expected: str,
    hint: str,
    limit: int = MAX_TEXT,
    over_ok: bool = False,
) -> bytes:
    """The file's bytes, read once: a regular file (a FIFO or device never blocks the reader)
    of at most ``limit`` bytes (``over_ok``: a longer file gives its first ``limit + 1``, for a
    caller that compares against a known size). Missing or unreadable: the SourceError
    naming it."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise _error(owner, path, expected, exc.strerror or type(exc).__name__, hint) from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _error(owner, path, expected, "not a regular file", hint)
        if info.st_size > limit and not over_ok:
            raise _error(owner, path, expected, f"{info.st_size:,} bytes, over {limit:,}", hint)
        with os.fdopen(os.dup(fd), "rb") as fh:
            data = fh.read(limit + 1)
        if len(data) > limit and not over_ok:
            raise _error(owner, path, expected, f"over {limit:,} bytes", hint)
        return data
    except OSError as exc:
        raise _error(owner, path, expected, exc.strerror or type(exc).__name__, hint) from exc
    finally:
        os.close(fd)


def parsed(
    path: Path | str,
    owner: str,
    expected: str,
    hint: str,
    parse: Callable[[], Any],
    shape: Shape | None = None,
) -> Any:
    """``parse()`` of a file's bytes, then ``shape`` on what it gave: any exception (a
    decoder's, RecursionError, MemoryError) or a broken shape is the one SourceError."""
    try:
        value = parse()
        problem = shape(value) if shape is not None else None
    except SourceError:
        raise
    except Exception as exc:  # noqa: BLE001 (every parse failure means the same: damaged)
        raise _error(owner, path, expected, _why(exc), hint) from exc
    if problem:
        raise _error(owner, path, expected, problem, hint)
    return value


def load_json(path: Path, owner: str, expected: str, hint: str, shape: Shape | None = None) -> Any:
    data = read_bytes(path, owner, expected, hint)
    return parsed(path, owner, expected, hint, lambda: json.loads(data.decode("utf-8")), shape)


def load_toml(
    path: Path,
    owner: str,
    expected: str,
    hint: str,
    shape: Shape | None = None,
    limit: int = MAX_TEXT,
) -> Any:
    import tomllib

    data = read_bytes(path, owner, expected, hint, limit)
    # UTF-8 with or without the byte-order mark some editors write
    return parsed(
        path, owner, expected, hint, lambda: tomllib.loads(data.decode("utf-8-sig")), shape
    )


def csv_from_bytes(
    data: bytes,
    path: Path | str,
    owner: str,
    expected: str,
    hint: str,
    columns: list[str] | tuple[str, ...] = (),
    **read_csv: Any,
):
    """A CSV table parsed from bytes already read (and verified) once; ``columns``: those it
    must have (a file cut to nothing, or to another table's header, is refused)."""
    import pandas as pd

    def shape(frame: pd.DataFrame) -> str | None:
        missing = [c for c in columns if c not in frame.columns]
        return f"missing column(s) {missing}" if missing else None

    def parse() -> pd.DataFrame:
        if not data.strip():
            raise ValueError("empty file")
        return pd.read_csv(io.BytesIO(data), **read_csv)

    return parsed(path, owner, expected, hint, parse, shape)


def load_csv(
    path: Path,
    owner: str,
    expected: str,
    hint: str,
    columns: list[str] | tuple[str, ...] = (),
    **read_csv: Any,
):
    data = read_bytes(path, owner, expected, hint)
    return csv_from_bytes(data, path, owner, expected, hint, columns, **read_csv)


# --- shape rules ---------------------------------------------------------------------------


def is_sha256(value: object) -> bool:
    return (
        isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value)
    )


def file_entry_problem(name: object, entry: object) -> str | None:
    """A manifest's entry for one file: a plain file name, a sha256 and a byte count."""
    if not isinstance(name, str) or not name or "/" in name or name in (".", ".."):
        return f"a file entry named {str(name)[:80]!r} (expected a plain file name)"
    if not isinstance(entry, dict):
        return f"the entry of {name} is a {type(entry).__name__}, not a table"
    if not is_sha256(entry.get("sha256")):
        return f"the entry of {name} has no sha256 checksum"
    size = entry.get("bytes")
    if isinstance(size, bool) or not isinstance(size, int) or size < 0:
        return f"the entry of {name} has no byte count"
    return None
