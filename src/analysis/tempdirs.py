"""Temporary folders that belong to a live process, and files written without following links.

A temporary folder (a vintage being fetched, a kernel's connection files) is made under a name
no cleaner looks at, locked (``flock`` on the folder itself) and only then renamed to its
pattern, and its writer holds that lock for as long as it runs. A cleaner removes a folder of the
pattern only when it can take the lock: the writer is gone (finished, killed with SIGKILL,
crashed), since the kernel releases a dead process's locks. So a second process never removes
the folder a first one is still writing, and what a killed one left is removed by the next.

``write_output`` writes a report file, a figure or an export through a temporary file in the
same folder and a rename: a symlink planted at the target is replaced, never followed (its
target is left as it was), and a reader never sees half a file.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path


@contextlib.contextmanager
def owned(parent: Path, prefix: str) -> Iterator[Path]:
    """A new folder ``parent/<prefix><random>`` locked by this process while the block runs,
    removed at its end unless the block renamed it (a vintage moved into place)."""
    parent.mkdir(parents=True, exist_ok=True)
    hidden = Path(tempfile.mkdtemp(prefix=".new" + prefix, dir=parent))
    fd = os.open(hidden, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # taken at once: nobody else knows the folder yet
        path = parent / (prefix + hidden.name.removeprefix(".new" + prefix))
        os.rename(hidden, path)  # now a cleaner may see it, and finds it locked
        try:
            yield path
        finally:
            shutil.rmtree(path, ignore_errors=True)
    finally:
        os.close(fd)  # releases the lock
        shutil.rmtree(hidden, ignore_errors=True)  # only if the rename never happened


def clean(parent: Path, pattern: str) -> list[Path]:
    """Remove the folders ``parent/<pattern>`` whose writer is gone (their lock is free);
    returns them. A folder still locked is left alone, and so is anything that is not a plain
    folder (a symlink is never followed)."""
    removed = []
    if not parent.is_dir():
        return removed
    for path in parent.glob(pattern):
        try:
            fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
        except OSError:
            continue  # gone meanwhile, a symlink or not a folder
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue  # its writer is still at work
        try:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
        finally:
            os.close(fd)
    return removed


def write_output(path: Path, write: Callable[[Path], object] | bytes | str) -> Path:
    """Write ``path`` through a temporary file beside it and one rename: ``write`` is the bytes
    or text, or a function that writes the file it is given (a figure's ``savefig``). A symlink
    at ``path`` is replaced by the file, its target untouched; a failure leaves ``path`` as it
    was."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".part" + path.suffix, dir=path.parent
    )
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as fh:
            if isinstance(write, str | bytes):
                fh.write(write.encode("utf-8") if isinstance(write, str) else write)
        if not isinstance(write, str | bytes):
            write(tmp)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; outputs are for everyone to read
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path
