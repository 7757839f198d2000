"""The command line run in a forked child of the test process: a real process, without the
0.5-0.8 s a fresh interpreter spends importing pandas, matplotlib and the package.

``run_cli(*args)`` forks the (already warm) pytest worker; the child points fds 1 and 2 at
files of its own, applies ``env`` to its environment, runs ``analysis.cli.main(args)`` as
``python -m analysis`` would (``sys.exit(main())``: SystemExit from argparse, a traceback for
anything uncaught) and leaves with ``os._exit``, so it never runs the worker's atexit hooks nor
returns into pytest. The parent gets a ``subprocess.CompletedProcess`` like ``subprocess.run(...,
capture_output=True, text=True)``: the child's own exit code, stdout and stderr.

A fresh interpreter would read everything from disk; the child inherits the worker's memory,
so it first drops the package's in-process caches: the snapshot frames of ``query`` (keyed by
the manifest's path and mtime: a test that damages ``observations.csv.gz`` and leaves the
manifest alone would otherwise be served the rankings read before), ``rank``'s economy index
and every ``functools.cache`` of the package (mapping files). What a fresh interpreter would
not see either way: a module attribute a test monkeypatched is inherited, so tests that patch
the package keep ``subprocess``.

Safe under pytest-xdist's threads: the child is single-threaded after the fork, touches only
its own fds (1, 2 and the files behind them) and new ``sys.stdout``/``sys.stderr`` objects,
never the buffers or locks of the worker's streams, and always ends in ``os._exit``. Tests
that need a separate interpreter (the ``python -m analysis`` entry itself, kill -9, two
builds at once, another user under setpriv) keep ``subprocess``.
"""

from __future__ import annotations

import io
import os
import select
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping


def run_cli(
    *args: str, env: Mapping[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess:
    """``asean-japan ARGS`` in a forked child; ``env`` is added to the inherited environment."""
    argv = [str(a) for a in args]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        pid = os.fork()
        if pid == 0:  # the child: never returns
            _child(argv, env or {}, out.fileno(), err.fileno())
        code = _wait(pid, timeout, argv)
        out.seek(0)
        err.seek(0)
        return subprocess.CompletedProcess(
            ["asean-japan", *argv],
            code,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
        )


def _child(argv: list[str], env: Mapping[str, str], out_fd: int, err_fd: int) -> None:
    code = 1
    try:
        os.dup2(out_fd, 1)
        os.dup2(err_fd, 2)
        sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding="utf-8")
        sys.stderr = io.TextIOWrapper(
            io.FileIO(2, "w", closefd=False), encoding="utf-8", errors="backslashreplace"
        )
        os.environ.update(env)
        _fresh_interpreter()
        from analysis.cli import main

        try:
            code = _exit_code(main(argv))
        except SystemExit as exc:  # argparse: --help, --version, a usage error
            code = _exit_code(exc.code)
    except BaseException:  # what `python -m analysis` would print before exiting with 1
        import traceback

        traceback.print_exc()
        code = 1
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def _exit_code(value: object) -> int:
    """The exit status Python gives ``sys.exit(value)``: None is 0, an int itself, anything
    else is printed to stderr and 1."""
    if value is None:
        return 0
    if isinstance(value, int):
        return value & 0xFF
    print(value, file=sys.stderr)
    return 1


def _fresh_interpreter() -> None:
    """Undo what the worker's state would change about the command's run: pytest's warning
    recorder and log handlers (a fresh interpreter prints a warning on stderr, where the
    one-paragraph checks see it) and the package's caches (the child reads from disk again)."""
    import logging
    import warnings

    warnings.resetwarnings()  # Python's default filters, as `python -m analysis` starts with
    for category in (ResourceWarning, ImportWarning, PendingDeprecationWarning):
        warnings.simplefilter("ignore", category)
    warnings.simplefilter("ignore", DeprecationWarning)
    warnings.filterwarnings("default", category=DeprecationWarning, module="__main__")
    warnings.showwarning = _print_warning  # public hook: wins over pytest's recorder
    root = logging.getLogger()
    for handler in list(root.handlers):  # pytest's capture handlers: none in a fresh process
        root.removeHandler(handler)
    root.setLevel(logging.WARNING)
    for name, module in list(sys.modules.items()):
        if not (name == "analysis" or name.startswith("analysis.")) or module is None:
            continue
        for value in list(vars(module).values()):
            if callable(getattr(value, "cache_clear", None)):  # functools.cache
                value.cache_clear()
    query = sys.modules.get("analysis.query")
    if query is not None:
        query._CACHE.clear()
    rank = sys.modules.get("analysis.rank")
    if rank is not None:
        rank._INDEXES.clear()


def _print_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """Python's own warning text on stderr, as a fresh interpreter shows it."""
    import warnings

    sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))


def _wait(pid: int, timeout: float, argv: list[str]) -> int:
    """The child's exit code; killed (and TimeoutExpired raised) after ``timeout`` seconds."""
    end = time.monotonic() + timeout
    try:
        fd = os.pidfd_open(pid)
    except (AttributeError, OSError):  # no pidfd (not Linux 5.3+): poll
        fd = None
    try:
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                return os.waitstatus_to_exitcode(status)
            left = end - time.monotonic()
            if left <= 0:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                raise subprocess.TimeoutExpired(["asean-japan", *argv], timeout)
            if fd is not None:
                select.select([fd], [], [], left)
            else:
                time.sleep(min(left, 0.01))
    finally:
        if fd is not None:
            os.close(fd)
