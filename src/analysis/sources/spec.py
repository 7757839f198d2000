"""What a source module declares once: its origin, datasets, raw files, parser and observations.

A source module defines ``SOURCE = Source(...)``. The build, the ``sources`` and ``fetch``
commands, ``rank --dataset``, the snapshot manifest, the charts' source notes and the README's
coverage table all read these declarations; nothing about a source is written anywhere else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from ..errors import SourceError


@dataclass(frozen=True)
class Dataset:
    """One table of observations a source yields (its name is the ``dataset`` column).

    ``partners`` says what a ranking from it means: ``all`` (every partner the source knows),
    or a words-description of a restricted set (e.g. "13 major partners"), which charts and
    tables must repeat; ``reporters`` likewise ("all" or e.g. "Singapore only"). A dataset with
    a restricted partner set declares ``variant`` (e.g. ``major_partners``): it is ranked in that
    variant only, never in ``countries`` or ``blocs``.
    """

    name: str
    dimension: str  # trade | oda | fdi
    measures: tuple[str, ...]
    title: str  # short words for chart notes, e.g. "IMF Direction of Trade Statistics"
    partners: str = "all"  # "all", or the restricted set in words ("13 major partners (...)")
    reporters: str = "all"
    variant: str = (
        ""  # for a restricted partner set: its ranking variant (schema.RESTRICTED_VARIANTS)
    )
    authority: str = "international"  # whose statistics: schema.AUTHORITIES (headline rule)
    partner_set: str = "all"  # the rankings' ``partner_set``: "all", or an id of the restricted
    # set ``partners`` describes (e.g. "major_13"), the same in every aggregation
    aggregation: str = ""  # a restricted set that lists blocs as its source defines them
    # (ASEAN, the EU beside countries): "blocs"; else its variant counts as "countries"
    label: str = ""  # a short name for chart legends and panel titles ("ASEANstats", "UNCTAD")
    prices_from: tuple[str, ...] = ()  # constant prices only: the datasets whose current prices
    # give the donors' deflators (``oda_prices``), in order: a donor-year takes the first that has it
    ranked: bool = True  # False: observations only, never ranked (``rank.RankSettings``):
    # one investor's own report of its investment in each host, where a rank among one
    # partner is no rank and a host's ranking must never mix it with host-reported figures
    principle: str = ""  # FDI: "directional" or "asset_liability" where the source says
    # which; charts put side by side only positions on one principle


@dataclass(frozen=True)
class RawFiles:
    """The raw files of one source that a build reads: where, which, and as of which vintage."""

    source: str
    folder: Path
    label: str  # how source_ref names the folder ("imf_dots_2022", "imf_imts/2026-11-28", ...)
    files: tuple[Path, ...]
    vintage: str
    origin: str  # recorded | own copy | fetched
    entries: tuple[dict, ...] = ()  # manifest entries of a fetched vintage (url, sha256, ...)
    # further recorded folders of the source (``Source.recorded`` names several): (folder,
    # label) each, their files in ``files`` beside the first folder's
    also: tuple[tuple[Path, str], ...] = ()

    def ref(self, path: Path | str) -> str:
        """``label/relative path``: what observations cite as ``source_ref`` (a file of a
        further folder under that folder's label)."""
        path = Path(path)
        if not path.is_absolute():
            return f"{self.label}/{path.as_posix()}"
        for folder, label in ((self.folder, self.label), *self.also):
            if path.is_relative_to(folder):
                return f"{label}/{path.relative_to(folder).as_posix()}"
        raise ValueError(f"{path} is in none of the folders of {self.source}")

    def file(self, name: str) -> Path:
        """The raw file called ``name`` among ``files`` (in whichever folder it is); a missing
        one is a SourceError naming where it was expected."""

        for p in self.files:
            if p.name == name:
                return p
        where = [str(self.folder / name)] + [str(f / name) for f, _ in self.also]
        raise SourceError(
            self.source,
            " or ".join(where),
            f"file missing: {name}",
            "Restore it beside the source's other files (see ../shared/data/PROVENANCE.md).",
        )


@dataclass(frozen=True)
class Source:
    """A public source: what it is, where its raw files are, how they become observations.

    ``recorded``: the folder under ``../shared/data`` holding real published files (None for
    sources that only come from a fetch), or several folders when one source's inputs were
    recorded apart (a table and, beside it, the release each of its years comes from): the
    first names the source's observations, every one's files are inputs. ``pattern``: the
    glob of raw files inside a folder (``**`` for subfolders). ``recorded_vintage``: the
    recorded files' vintage in words, or a function of those files that writes it from their
    values (which releases the values come from), so it is never typed beside them. ``parse(raw)`` reads the files into the source's own frame;
    ``to_observations(parsed, raw, countries)`` turns it into the tidy, validated observations
    (``countries``: the economies kept, None = all). ``role`` ``context`` marks a source that is
    shown beside the rankings but never ranked: its table is written as
    ``context_<name>.csv``. ``fetch``: the live fetcher, None for file-only sources.
    ``definitions(parsed, raw)``: for a source whose files record the definition each year's
    values follow, one row per dataset and year (``breaks.COLUMNS``); the build records a break
    wherever it changes between consecutive years (``breaks.py``), never a year typed in code.
    """

    name: str
    title: str
    producer: str
    url: str
    licence: str
    citation: str
    coverage: str
    datasets: tuple[Dataset, ...]
    parse: Callable[[RawFiles], pd.DataFrame]
    to_observations: Callable[[pd.DataFrame, RawFiles, frozenset[str] | None], pd.DataFrame]
    pattern: str
    recorded: str | tuple[str, ...] | None = None
    recorded_vintage: str | Callable[[RawFiles], str] = ""
    fetch: Callable[..., object] | None = None
    role: str = "observations"  # observations | context
    notes: tuple[str, ...] = field(default_factory=tuple)
    select: Callable[[Path], list[Path]] | None = (
        None  # files of a folder, when a glob is not enough
    )
    gaps: Callable[[pd.DataFrame, RawFiles, frozenset[str] | None], pd.DataFrame] | None = None
    # cells the source publishes without a number (suppressed, below its rounding): rows of
    # ``gaps.csv`` (``gaps.COLUMNS``) from the parsed frame, so no such cell becomes a zero
    definitions: Callable[[pd.DataFrame, RawFiles], pd.DataFrame] | None = None

    @property
    def recorded_folders(self) -> tuple[str, ...]:
        """The folders under ``../shared/data`` this source's recorded files are in (first:
        the one its observations are named by)."""
        if self.recorded is None:
            return ()
        return (self.recorded,) if isinstance(self.recorded, str) else tuple(self.recorded)

    def vintage_of(self, raw: RawFiles) -> str:
        """The recorded files' vintage: as declared, or written from ``raw``'s values."""
        if callable(self.recorded_vintage):
            return self.recorded_vintage(raw)
        return self.recorded_vintage

    @property
    def kind(self) -> str:
        return "api" if self.fetch is not None else "files"

    @property
    def dimension(self) -> str:
        return self.datasets[0].dimension if self.datasets else "context"

    @property
    def measures(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(m for d in self.datasets for m in d.measures))

    def files_in(self, folder: Path) -> list[Path]:
        """The raw files of this source in ``folder`` (sorted; the manifest is never data)."""
        if self.select is not None:
            return self.select(folder)
        return sorted(
            p
            for p in folder.glob(self.pattern)
            if p.is_file() and p.name != "manifest.json" and not p.name.startswith((".", "~$"))
        )


def recorded_files(src: Source, shared: Path) -> RawFiles | None:
    """The recorded raw files of ``src`` under ``shared`` (``../shared/data``) from each of its
    recorded folders, with their vintage; None when its first folder holds none. Reading the
    values to write the vintage may raise like a parse (``pipeline.locate`` reports it)."""
    folders = src.recorded_folders
    if not folders or not (shared / folders[0]).is_dir():
        return None
    first = src.files_in(shared / folders[0])
    if not first:
        return None
    also = tuple((shared / f, f) for f in folders[1:])
    files = [*first, *(p for folder, _ in also if folder.is_dir() for p in src.files_in(folder))]
    raw = RawFiles(
        src.name, shared / folders[0], folders[0], tuple(files), "", "recorded", also=also
    )
    return replace(raw, vintage=src.vintage_of(raw))


def each_file(
    parse_bytes: Callable[[bytes, str], pd.DataFrame],
) -> Callable[[RawFiles], pd.DataFrame]:
    """``parse`` for sources whose raw files are independent responses: each parsed with the
    same parser the fetch validated it with, a ``file`` column added."""

    def parse(raw: RawFiles) -> pd.DataFrame:
        parts = [parse_bytes(p.read_bytes(), str(p)).assign(file=p.name) for p in raw.files]
        return pd.concat(parts, ignore_index=True)

    return parse


def observer(
    source: str, to_observations: Callable[..., pd.DataFrame]
) -> Callable[[pd.DataFrame], pd.DataFrame]:
    """A fetched response's parsed rows -> ``to_observations`` of ``source`` (``livefetch``
    checks every response through it before storing; no raw files exist yet)."""

    def observe(rows: pd.DataFrame) -> pd.DataFrame:
        raw = RawFiles(source, Path("."), f"{source}/(checked before storing)", (), "", "fetched")
        return to_observations(rows, raw, None)

    return observe


def raw_files(
    src: Source, folder: Path, label: str | None = None, vintage: str = "", origin: str = "own copy"
) -> RawFiles:
    """The raw files of ``src`` in any folder (tests, benchmarks, a user's experiments)."""
    return RawFiles(
        src.name, folder, label or folder.name, tuple(src.files_in(folder)), vintage, origin
    )


def mapped(source: str, path: Path, table: dict, code: str, what: str, mapping: str):
    """``table[code]``; an unknown code is a SourceError naming the file and the mapping file
    (data/<mapping>) to extend, for sources whose file names carry a code."""

    if code not in table:
        raise SourceError(
            source, str(path), f"unknown {what} {code!r}: add it to src/analysis/data/{mapping}"
        )
    return table[code]


def csv_rows(source: str, path: Path, max_bytes: int, what: str) -> list[list[str]]:
    """A small CSV file's rows (UTF-8, undecodable bytes replaced), refused above ``max_bytes``
    (``what`` it should be, for the message) before it is read."""
    import csv

    if path.stat().st_size > max_bytes:
        raise SourceError(source, str(path), f"larger than {max_bytes:,} bytes: not {what}")
    text = path.read_bytes().decode("utf-8", errors="replace")
    return list(csv.reader(text.splitlines()))
