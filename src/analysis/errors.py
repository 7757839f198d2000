"""One error type for every data problem, so the CLI can print one clear paragraph."""

from __future__ import annotations

from .paths import PATH_SETTINGS

DEFAULT_HINT = (
    "Nothing was saved and existing files are unchanged; if the source changed its format, the "
    "parser or the mapping files need updating before fetching again."
)


class SourceError(RuntimeError):
    """A source gave us something we cannot use.

    Always names the source, the request or file, what was expected and what to do next, because
    the user who sees it is usually refreshing data and needs to know whether to retry, wait or
    report a changed format.
    """

    def __init__(self, source: str, where: str, problem: str, hint: str = "") -> None:
        self.source = source
        self.where = where
        self.problem = problem
        self.hint = hint
        text = f"[{source}] {problem} (at {where})."
        text += " " + (hint or DEFAULT_HINT)
        super().__init__(text)

    def __reduce__(self) -> tuple:
        # errors raised in worker processes travel back pickled: keep every field
        return (type(self), (self.source, self.where, self.problem, self.hint))


class NetworkError(SourceError):
    """The network gave up (retries exhausted): worth retrying later. The CLI exits 75."""


class SettingsError(SourceError):
    """A setting (environment variable) is not usable: a usage error. The CLI exits 2."""


class ValidationError(ValueError):
    """A tidy table broke one of its rules (types, keys, ranges)."""


# What a parser's unexpected exception means to the user: the bytes were not what the parser was
# written for. These are the exceptions parsing can raise on malformed input (wrong types, keys,
# encodings, numbers, nesting); anything else (a bug elsewhere, MemoryError, KeyboardInterrupt)
# is left alone so it is not mistaken for a data problem.
PARSE_ERRORS = (
    ArithmeticError,  # OverflowError, ZeroDivisionError
    AttributeError,
    KeyError,
    IndexError,
    LookupError,
    RecursionError,
    TypeError,
    ValueError,  # also UnicodeDecodeError, JSON/CSV/XML parser errors, pandas' ParserError
    EOFError,
)


def unreadable(
    source: str, where: str, exc: BaseException, expected: str, hint: str = ""
) -> SourceError:
    """The one translation of a parser's unexpected exception into a :class:`SourceError`.

    Parsers check the layouts they know and raise SourceError themselves; this is the catch-all
    for what they did not foresee (a list where a table was expected, a truncated workbook, an
    encoding), used where parsed data enters the pipeline (a fetched response, a raw file at
    build time), so no malformed input ends in a traceback and every such error names the source,
    the request or file, and what was expected."""
    detail = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
    return SourceError(
        source,
        where,
        f"not readable as {expected} ({type(exc).__name__}{': ' + detail if detail else ''})",
        hint,
    )


def file_system_error(exc: OSError) -> SourceError:
    """A file or folder the command needed could not be read or written (a data folder that is
    a file, read-only, without permission, on a full disk, under a missing parent).

    Names the path and the settings that place it; a path setting that points at something other
    than a folder is a usage error (SettingsError, exit 2), anything else a data problem."""
    from pathlib import Path

    path = exc.filename or ""
    reason = exc.strerror or type(exc).__name__
    settings = []
    for env, folder in PATH_SETTINGS().items():
        settings.append(f"{env}={folder}")
        inside = path and (str(path) + "/").startswith(str(folder).rstrip("/") + "/")
        if inside and folder.exists() and not folder.is_dir():
            return SettingsError(
                "settings",
                f"{env}={folder}",
                f"expected a folder, but it is a file ({reason}: {path})",
                f"Point {env} at a folder (it is created if missing), or unset it for the default.",
            )
    where = str(Path(path)) if path else "the file system"
    return SourceError(
        "file system",
        where,
        f"could not read or write it ({reason})",
        "Check that the folder exists and that you may write to it; the folders used are "
        + ", ".join(settings)
        + ". Files already there were left as they were.",
    )
