"""One error type for every data problem, so the CLI can print one clear paragraph."""

from __future__ import annotations

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
