"""The build: one loop over the registry of sources, then one ranking, then the snapshot.

For each source: locate its raw files (``locate``), parse them, turn them into observations (the
source module's own ``parse`` and ``to_observations``). Then one derived step over all sources
(it needs more than one): constant-price ODA gets current-price twins where another dataset of
the same DAC table gives each donor-year's deflator (``oda_prices``: deflator = sum of net
constant / sum of net current over the donor's recipients with both above zero; flag
``derived_current``), and donors missing from a whole source are recorded as ``gaps.csv``
(``gaps``). Then rank everything through the one entry point and write ``data/processed/`` as a
whole. No code here knows any source by name.

Where a source's raw files come from, in order of preference: its latest fetched vintage
(``data/raw/<source>/<vintage>/`` with a manifest), the user's own copy
(``data/raw/<source>/*``), the recorded real data (``../shared/data/<folder>``). Any subset
works: fetched-only, recorded-only or mixed. A build whose inputs, code fingerprints
(``fingerprint.py``) and libraries match the snapshot's manifest is skipped (``force``
rebuilds). ``scope='focus'`` (the committed snapshot) keeps Japan, the ASEAN members and
ASEAN; ``scope='world'`` ranks every reporter and writes to ``data/build/world/`` (not
committed).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import __version__
from .breaks import find as find_breaks
from .countries import ASEAN, FOCUS
from .errors import PARSE_ERRORS, SourceError, ValidationError, unreadable
from .fingerprint import fingerprints, library_versions
from .gaps import donor_gaps, with_declared
from .observations import concat
from .oda_prices import with_current
from .paths import data_dir, processed_dir, raw_dir, shared_data_dir
from .rank import RankSettings, rank, rank_batches
from .rawstore import RawStore, _vintage_key, sha256_file
from .settings import lock_timeout
from .snapshot import (
    RANKINGS_FILE,
    as_stored,
    check_writable,
    read_manifest,
    verify,
    write,
)
from .sources import REGISTRY, RawFiles, Source
from .sources.spec import recorded_files

SNAPSHOT_SCHEMA = 4  # 4: rankings split variant into aggregation and partner_set


def locate(src: Source, vintage: str | None = None, root: Path | None = None) -> RawFiles | None:
    """The raw files a build reads for one source (``vintage``: that fetched vintage instead of
    the latest; ``root``: another raw folder), or None when there are none."""
    store = RawStore(src.name, root=root)
    vintages = store.vintages()
    damaged = store.damaged()  # a damaged vintage newer than the latest whole one is refused
    newer = [v for v in damaged if not vintages or _vintage_key(v) > _vintage_key(vintages[-1])]
    if vintage in damaged or (vintage is None and newer):
        raise damaged[vintage or max(newer, key=_vintage_key)]
    if vintage is not None and vintage not in vintages:
        raise SourceError(
            src.name,
            str(store.vintage_dir(vintage)),
            f"no vintage {vintage!r}",
            f"Vintages: {', '.join(vintages) or 'none'} (see `asean-japan vintages`).",
        )
    if vintages:
        v = vintage or vintages[-1]
        folder = store.vintage_dir(v)
        entries = tuple(store.manifest(v))
        listed = {folder / e["file"] for e in entries}
        # only files the manifest lists: a file a killed fetch left behind is never read
        files = tuple(p for p in src.files_in(folder) if p in listed)
        missing = [e["file"] for e in entries if not (folder / e["file"]).is_file()]
        if missing:
            raise SourceError(
                src.name,
                str(folder),
                f"the vintage's manifest lists {missing} but the file(s) are missing",
                f"Remove the incomplete vintage ({folder}) and fetch again.",
            )
        return RawFiles(src.name, folder, f"{src.name}/{v}", files, v, "fetched", entries)
    own = raw_dir() / src.name
    if own.is_dir() and (files := src.files_in(own)):
        return RawFiles(
            src.name, own, f"data/raw/{src.name}", tuple(files), "own copy in data/raw", "own copy"
        )
    # the recorded files: a vintage written from their values is read here, so a file that
    # cannot be read names itself as it would in the build
    return _reading(src, None, lambda: recorded_files(src, shared_data_dir()))


def find_inputs(names: list[str] | None = None) -> list[RawFiles]:
    """The raw files of every source in the registry (or of ``names``) that has any."""
    out = []
    for name, src in REGISTRY.items():
        if names is not None and name not in names:
            continue
        raw = locate(src)
        if raw is not None:
            out.append(raw)
    return out


def input_records(inputs: list[RawFiles]) -> list[dict]:
    """The manifest's list of raw inputs: source, file, sha256, vintage (and URL if fetched).

    Every checksum is of the file's bytes as they are now, never copied from a record: a
    fetched file must still be the one its vintage's manifest records (sha256 and size), or the
    build refuses, naming it (``check_fetched``); so a file replaced by other bytes can neither
    leave the snapshot "up to date" nor be built under the old checksum."""
    records = []
    for raw in inputs:
        by_file = {e["file"]: e for e in raw.entries}
        for p in raw.files:
            entry = by_file.get(p.name)
            digest = sha256_file(p)
            rec = {
                "source": raw.source,
                "file": raw.ref(p),
                "sha256": digest,
                "vintage": raw.vintage,
            }
            if entry:
                check_fetched(raw, p, entry, digest)
                rec["url"] = entry["url"]
            records.append(rec)
    return sorted(records, key=lambda f: f["file"])


def check_fetched(raw: RawFiles, path: Path, entry: dict, digest: str) -> None:
    """A fetched raw file is the one its vintage's manifest records, or a SourceError."""
    size = path.stat().st_size
    if digest == entry["sha256"] and size == entry["bytes"]:
        return
    raise SourceError(
        raw.source,
        str(path),
        f"the fetched file is not the one vintage {raw.vintage} recorded (sha256 "
        f"{entry['sha256'][:12]}..., {entry['bytes']:,} bytes; now {digest[:12]}..., "
        f"{size:,} bytes)",
        "Raw files are write-once and the build uses none that changed: restore the file, or "
        f"move the vintage away (e.g. `mv {raw.folder} /tmp/`) and fetch again. The snapshot "
        "was not changed.",
    )


def _file_stats(inputs: list[RawFiles]) -> dict[str, tuple[int, ...]]:
    """Identity of every raw file (device, inode, size, time of last write), taken before it
    is hashed: the files parsed are the files hashed, or the build refuses
    (``_unchanged_since``)."""
    out = {}
    for raw in inputs:
        for p in raw.files:
            st = p.stat()
            out[str(p)] = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
    return out


def _unchanged_since(seen: dict[str, tuple[int, ...]], inputs: list[RawFiles]) -> None:
    now = _file_stats(inputs)
    changed = sorted(p for p in seen if now.get(p) != seen[p])
    if changed:
        raise SourceError(
            "pipeline",
            ", ".join(changed[:3]) + (f" and {len(changed) - 3} more" if len(changed) > 3 else ""),
            "raw file(s) changed while the build was reading them",
            "Nothing was written; run the build again once whatever is changing them is done.",
        )


@dataclass
class BuildResult:
    observations: pd.DataFrame
    rankings: pd.DataFrame | Iterator[pd.DataFrame] | None  # see build_tables
    manifest: dict
    seconds: dict[str, float]
    skipped: bool = False
    extras: dict[str, pd.DataFrame] = field(default_factory=dict)


def no_inputs_error() -> SourceError:
    return SourceError(
        "pipeline",
        f"{raw_dir()} and {shared_data_dir()}",
        "no raw inputs found for any source",
        "Fetch a live source (`asean-japan fetch --all`), put a source's files in "
        "data/raw/<source>/, or place the recorded data at ../shared/data. The committed "
        "snapshot in data/processed/ is still usable as it is.",
    )


def build_tables(
    inputs: list[RawFiles], scope: str = "focus", rankings: str = "frame"
) -> BuildResult:
    """Parse, clean, mirror and rank. Pure: writes nothing.

    ``rankings``: ``frame`` ranks every economy of the scope into one frame; ``batches`` gives
    an iterator that ranks them economy batch by economy batch as it is read (the world
    scope's 16 million rows never held at once); ``none`` ranks nothing (any economy's
    economy's ranking is derived from the observations on demand, ``rank.rank``).
    """
    if rankings not in ("frame", "batches", "none"):
        raise ValueError(f"rankings={rankings!r}: expected frame, batches or none")
    if not any(REGISTRY[r.source].role == "observations" for r in inputs):
        raise no_inputs_error()
    seconds: dict[str, float] = {}
    t0 = time.perf_counter()
    # every raw file hashed (a fetched one checked against its vintage) before it is parsed,
    # and found unchanged after: what is recorded is what was read
    seen = _file_stats(inputs)
    records = input_records(inputs)
    # ASEAN itself is an economy of the focus scope where a source reports it as one
    # (ASEANstats' inflows into ASEAN); trade ranks it in 'blocs' from its members
    countries = frozenset((*FOCUS, ASEAN)) if scope == "focus" else None
    frames, extras, datasets, declared_gaps = [], {}, {}, []
    for raw in inputs:
        src = REGISTRY[raw.source]
        t1 = time.perf_counter()
        out, found = _observe_breaks(src, raw, countries, declared_gaps)
        seconds[raw.source] = time.perf_counter() - t1
        if src.role == "context":
            extras[f"context_{src.name}.csv"] = out
            continue
        made = {str(d) for d in out["dataset"].unique()}
        declared = {d.name: d for d in src.datasets}
        if not made <= set(declared):
            raise SourceError(
                src.name, raw.label, f"yielded undeclared dataset(s) {sorted(made - set(declared))}"
            )
        for name in sorted(made):
            datasets[name] = (src, declared[name], raw, found.get(name, []))
        frames.append(out)
    # derived step: current-price ODA (oda_prices.py), for datasets that declare prices_from
    prices_from = {d.name: d.prices_from for spec in REGISTRY.values() for d in spec.datasets}
    obs = with_current(concat(frames), {k: v for k, v in prices_from.items() if v})
    # donors missing from a source (gaps.py), and the cells sources publish without a number
    extras["gaps.csv"] = with_declared(donor_gaps(obs, countries), declared_gaps)
    del frames
    _unchanged_since(seen, inputs)
    if countries is not None:
        obs = obs[obs["country"].isin(countries)]
    t1 = time.perf_counter()
    obs = sort_observations(obs)
    if rankings != "none":  # rank what the file will hold (and what a reader will rank)
        obs = as_stored(obs)
    seconds["sort"] = time.perf_counter() - t1
    years = obs.groupby("dataset", sort=True)["year"].agg(["min", "max"])
    datasets = {name: _dataset_entry(*datasets[name], years.loc[name]) for name in years.index}
    manifest = {
        "snapshot_schema": SNAPSHOT_SCHEMA,
        "code_version": __version__,
        "fingerprints": fingerprints(),  # what makes each artefact (fingerprint.py)
        "libraries": library_versions(),
        "scope": scope,
        "datasets": datasets,
        "inputs": records,
    }
    t1 = time.perf_counter()
    ranked: pd.DataFrame | Iterator[pd.DataFrame] | None = None
    settings = RankSettings.from_manifest(manifest)  # as every reader of the snapshot ranks
    if rankings == "frame":  # from the observations as stored: what a reader ranks on load
        ranked = rank(obs, settings)
        seconds["rank"] = time.perf_counter() - t1
    elif rankings == "batches":
        ranked = rank_batches(obs, settings)
    manifest["rows"] = {"observations": len(obs)}
    if isinstance(ranked, pd.DataFrame):
        manifest["rows"]["rankings"] = len(ranked)  # batches: counted as they are written
    elif ranked is None:
        manifest["rankings"] = "on demand: rank.rank(observations, settings.only([economy]))"
    seconds["total"] = time.perf_counter() - t0
    return BuildResult(obs, ranked, manifest, seconds, extras=extras)


def declared_datasets() -> dict[str, dict]:
    """What the registry declares about ranking each dataset, as a manifest records it
    (``RankSettings.from_manifest`` reads these fields): for ranking raw files that no
    snapshot holds yet."""
    return {d.name: _ranking_fields(d) for src in REGISTRY.values() for d in src.datasets}


def _ranking_fields(ds) -> dict:
    return {
        "partners": ds.partners,
        "variant": ds.variant or "",
        "reporters": ds.reporters,
        "partner_set": ds.partner_set,
        "aggregation": ds.aggregation,
        "ranked": ds.ranked,
    }


def _observe(
    src: Source,
    raw: RawFiles,
    countries: frozenset[str] | None,
    gaps: list[pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """One source's raw files -> observations (``_observe_breaks`` without the breaks)."""
    return _observe_breaks(src, raw, countries, gaps)[0]


def _observe_breaks(
    src: Source,
    raw: RawFiles,
    countries: frozenset[str] | None,
    gaps: list[pd.DataFrame] | None = None,
) -> tuple[pd.DataFrame, dict[str, list[dict]]]:
    """One source's raw files -> observations, and the breaks in its datasets' definitions
    where its files record them (``Source.definitions``, ``breaks.find``); the cells it
    publishes without a number (``Source.gaps``, where it declares them) are appended to
    ``gaps``."""

    def read() -> tuple[pd.DataFrame, dict[str, list[dict]]]:
        parsed = src.parse(raw)
        if src.gaps is not None and gaps is not None:
            gaps.append(src.gaps(parsed, raw, countries))
        obs = src.to_observations(parsed, raw, countries)
        found = find_breaks(src.definitions(parsed, raw)) if src.definitions else {}
        return obs, found

    return _reading(src, raw, read)


def _reading(src: Source, raw: RawFiles | None, read):
    """``read()`` of one source's raw files; a fetched vintage that fails names itself and
    how to fall back to the previous one (raw files are write-once: the user must choose).

    A file the parser did not foresee (empty, truncated, another encoding, a changed layout)
    ends in a SourceError naming the source and the file being read when it failed (``raw``
    None: the files are being located, the file is found in the traceback alone)."""
    try:
        try:
            return read()
        except (SourceError, ValidationError):
            raise
        except PARSE_ERRORS as exc:
            where = _failing_file(exc, raw)
            raise unreadable(
                src.name,
                str(where),
                exc,
                f"one of the files {src.name} publishes, in the layout its parser reads",
                "Nothing was written. Replace the file with an intact copy from the source "
                "(its size or checksum against the provenance notes tells a damaged copy), or "
                "update the parser if the source changed its layout.",
            ) from exc
    except (SourceError, ValidationError) as exc:
        if raw is None or raw.origin != "fetched":
            raise
        raise SourceError(
            src.name,
            str(raw.folder),
            f"the fetched vintage {raw.vintage} cannot be built ({exc})",
            f"Move that vintage folder away (e.g. `mv {raw.folder} /tmp/`) to build from the "
            "previous vintage, then fetch again; raw files are never changed by the build.",
        ) from exc


def _failing_file(exc: BaseException, raw: RawFiles | None) -> Path | str:
    """The raw file being read when ``exc`` was raised: the innermost frame of its traceback
    that holds one of the source's files in a local variable (parsers loop over their files),
    else the source's folder. ``raw`` None (the files were being located): the files are
    those of the innermost ``RawFiles`` in the traceback."""
    frames = []
    tb = exc.__traceback__
    while tb is not None:
        frames.append(tb.tb_frame.f_locals)
        tb = tb.tb_next
    if raw is None:
        held = [v for f in frames for v in f.values() if isinstance(v, RawFiles)]
        raw = held[-1] if held else None
    if raw is None:
        return "the source's recorded files"
    files = {str(p): p for p in raw.files}
    found = None
    for f in frames:
        for value in f.values():
            if isinstance(value, str | Path) and str(value) in files:
                found = files[str(value)]
    return found or raw.folder


def _dataset_entry(src: Source, ds, raw: RawFiles, breaks: list[dict], years: pd.Series) -> dict:
    """What charts and tables say about a dataset: its source, vintage, years and the breaks
    in its definition that its files record (``breaks.py``)."""
    return {
        "source": src.name,
        "dimension": ds.dimension,
        "title": ds.title,
        "producer": src.producer,
        "licence": src.licence,
        "citation": src.citation,
        **_ranking_fields(ds),
        "authority": ds.authority,
        "label": ds.label or ds.name,
        "prices_from": list(ds.prices_from),
        "principle": ds.principle,
        "origin": raw.origin,
        "vintage": raw.vintage,
        "first_year": int(years["min"]),
        "last_year": int(years["max"]),
        "breaks": breaks,
    }


SORT_KEY = ("dataset", "country", "measure", "partner", "year", "basis")


def sort_observations(obs: pd.DataFrame) -> pd.DataFrame:
    """Stable total order for byte-reproducible files: the key columns in text order.

    Sorted on category codes, each text column's categories first put in text order (unused
    ones dropped): the same order and the same categories as casting the columns to text and
    sorting the text, without making millions of Python strings (seconds in the world scope)."""
    out = obs.reset_index(drop=True)
    for col in ("dataset", "measure", "country", "partner", "basis", "flag", "source_ref"):
        c = out[col]
        if not isinstance(c.dtype, pd.CategoricalDtype):
            c = c.astype(str).astype("category")
        out[col] = _in_text_order(c)
    keys = [out[k].cat.codes.to_numpy() if k != "year" else out[k].to_numpy() for k in SORT_KEY]
    order = np.lexsort(keys[::-1])  # stable; the last key given is the first sorted on
    return out.take(order).reset_index(drop=True)


def _in_text_order(col: pd.Series) -> pd.Categorical:
    """A categorical column with its used categories only, in text order (codes counted, not
    sorted: ``remove_unused_categories`` sorts millions of codes to find the used ones)."""
    codes = col.cat.codes.to_numpy()
    cats = col.cat.categories
    used = np.bincount(codes[codes >= 0], minlength=len(cats)) > 0
    keep = sorted((str(cats[i]), i) for i in np.flatnonzero(used))
    new = np.full(len(cats) + 1, -1, dtype=np.int64)  # the last: a missing cell stays missing
    new[np.array([i for _, i in keep], dtype=np.intp)] = np.arange(len(keep))
    return pd.Categorical.from_codes(
        new[codes], categories=pd.Index([cats[i] for _, i in keep]), validate=False
    )


def stale_reasons(inputs: list[RawFiles], folder: Path, scope: str) -> list[str]:
    """Why the snapshot in ``folder`` is not what a build now would write ([] = up to date)."""
    try:
        old = read_manifest(folder)
    except SourceError:  # a damaged manifest: the build writes the whole snapshot again
        return ["snapshot manifest unreadable"]
    if not old:
        return ["no snapshot"]
    reasons = []
    checks = {
        "snapshot layout": (old.get("snapshot_schema"), SNAPSHOT_SCHEMA),
        "library versions": (old.get("libraries"), library_versions()),
        "scope": (old.get("scope"), scope),
        "raw inputs": (old.get("inputs"), input_records(inputs)),
    }
    # each artefact's code, under the libraries the snapshot was written with (a library
    # change is said once, above)
    recorded = old.get("fingerprints", {})
    for artefact, fp in fingerprints(old.get("libraries", {})).items():
        checks[f"{artefact} code"] = (recorded.get(artefact), fp)
    for what, (was, now) in checks.items():
        if was != now:
            reasons.append(what)
    if verify(folder):
        reasons.append("snapshot files differ from its manifest")
    return reasons


def _has_rankings(folder: Path) -> bool:
    try:
        return RANKINGS_FILE in read_manifest(folder).get("files", {})
    except SourceError:
        return False


def world_dir() -> Path:
    return data_dir() / "build" / "world"


def build(
    scope: str = "focus",
    force: bool = False,
    folder: Path | None = None,
    rankings: str | None = None,
) -> BuildResult | None:
    """Build and write the snapshot; returns None when it was already up to date.

    ``rankings`` (see ``build_tables``): both scopes write their observations alone; the
    focus scope ranks in memory (the manifest's row count, the caller's frame) and readers
    derive its rankings on load (``snapshot.load_rankings``); in the world scope every
    economy's ranking is a fraction of a second away (``rank.rank`` of one economy), and ``batches``
    writes the world's rankings too, batch by batch (minutes of CSV, in bounded memory).
    """
    folder = folder or (processed_dir() if scope == "focus" else world_dir())
    rankings = rankings or ("frame" if scope == "focus" else "none")
    inputs = find_inputs()
    reasons = [] if force else stale_reasons(inputs, folder, scope)
    if rankings == "batches" and "no rankings file" not in reasons and not _has_rankings(folder):
        reasons.append("no rankings file")
    if not force and not reasons:
        return None
    # what would stop the write is found before the build's work, not after it
    lock_timeout()
    check_writable(folder)
    result = build_tables(inputs, scope=scope, rankings=rankings)
    t = time.perf_counter()
    # the committed snapshot derives its rankings on load (snapshot.py says why)
    written = None if scope == "focus" else result.rankings
    # the committed snapshot is compressed harder; the world's 4 million rows (never committed)
    # are written as codes and numbers (coded.py), its rankings file (on request) at gzip
    # level 1, a third of the time for a fifth more bytes
    level = 6 if scope == "focus" else 1
    write(
        folder,
        result.observations,
        written,
        result.manifest,
        result.extras,
        level=level,
        coded=scope != "focus",
    )
    result.seconds["write"] = time.perf_counter() - t
    result.manifest = read_manifest(folder)  # with the files and the rows streamed
    return result
