"""The declarative description every source module fills in once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class SourceSpec:
    """What a source is, where it comes from and under which terms.

    ``fetch`` is ``None`` for file-only sources (the user downloads or we read recorded files).
    ``coverage`` is prose for the ``sources`` command and the README's coverage table.
    """

    name: str
    title: str
    kind: str  # "files" (published files read from disk) or "api" (live fetcher)
    producer: str
    url: str
    licence: str
    citation: str
    coverage: str
    measures: tuple[str, ...]
    fetch: Callable[..., object] | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
