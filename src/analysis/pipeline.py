"""Orchestration: find the raw inputs, build observations and rankings, write the snapshot.

Inputs, in order of preference: the user's own files under ``data/raw/<source>/`` and then the
recorded real data in ``../shared/data``. A build whose inputs and code version match the
snapshot's manifest is skipped (``force`` rebuilds). ``scope='focus'`` (the committed snapshot)
keeps Japan, the ASEAN members and ASEAN; ``scope='world'`` ranks every reporter and writes to
``data/build/world/`` (not committed).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import __version__
from .countries import FOCUS
from .errors import SourceError
from .observations import from_dots, from_imts
from .paths import data_dir, processed_dir, raw_dir, shared_data_dir
from .rank import rank_observations
from .rawstore import RawStore
from .snapshot import read_manifest, write
from .sources import imf_dots_xlsx, imf_imts

SNAPSHOT_SCHEMA = 1


@dataclass
class Inputs:
    """The raw files a build reads, with their checksums (the manifest of raw inputs)."""

    dots_folder: Path | None = None
    dots_label: str = ""
    imts_vintage: Path | None = None
    files: list[dict] = field(default_factory=list)


def find_inputs() -> Inputs:
    inputs = Inputs()
    own = raw_dir() / imf_dots_xlsx.NAME
    shared = shared_data_dir() / "imf_dots_2022"
    if own.is_dir() and imf_dots_xlsx.find_workbooks(own):
        inputs.dots_folder, inputs.dots_label = own, f"data/raw/{imf_dots_xlsx.NAME}"
    elif shared.is_dir():
        inputs.dots_folder, inputs.dots_label = shared, "imf_dots_2022"
    if inputs.dots_folder is not None:
        for p in imf_dots_xlsx.find_workbooks(inputs.dots_folder):
            inputs.files.append(
                {
                    "source": imf_dots_xlsx.NAME,
                    "file": f"{inputs.dots_label}/{p.name}",
                    "sha256": imf_dots_xlsx.sha256_file(p),
                    "vintage": "2022-02 (IMF DOTS, last year 2020)",
                }
            )
    store = RawStore(imf_imts.NAME)
    vintages = store.vintages()
    if vintages:
        inputs.imts_vintage = store.vintage_dir(vintages[-1])
        for entry in store.manifest(vintages[-1]):
            inputs.files.append(
                {
                    "source": imf_imts.NAME,
                    "file": f"imf_imts/{vintages[-1]}/{entry['file']}",
                    "sha256": entry["sha256"],
                    "vintage": vintages[-1],
                    "url": entry["url"],
                }
            )
    return inputs


@dataclass
class BuildResult:
    observations: pd.DataFrame
    rankings: pd.DataFrame
    manifest: dict
    seconds: dict[str, float]
    skipped: bool = False


def build_tables(inputs: Inputs, scope: str = "focus", progress: bool = False) -> BuildResult:
    """Parse, clean, mirror and rank. Pure: writes nothing."""
    if inputs.dots_folder is None and inputs.imts_vintage is None:
        raise SourceError(
            "pipeline",
            f"{raw_dir()} and {shared_data_dir()}",
            "no raw inputs found",
            "Put the IMF DOTS workbooks in data/raw/imf_dots_xlsx/, run `asean-japan fetch imf_imts`, "
            "or place the recorded data at ../shared/data.",
        )
    seconds: dict[str, float] = {}
    t0 = time.perf_counter()
    frames = []
    if inputs.dots_folder is not None:
        parsed = imf_dots_xlsx.read_folder(inputs.dots_folder, progress=progress)
        seconds["parse_dots"] = time.perf_counter() - t0
        t1 = time.perf_counter()
        frames.append(from_dots(parsed, folder_label=inputs.dots_label))
        seconds["observations_dots"] = time.perf_counter() - t1
        del parsed
    if inputs.imts_vintage is not None:
        t1 = time.perf_counter()
        parsed = imf_imts.read_vintage(inputs.imts_vintage)
        frames.append(from_imts(parsed, inputs.imts_vintage.name))
        seconds["imts"] = time.perf_counter() - t1
    obs = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    for col in ("dataset", "measure", "country", "partner", "basis", "flag", "source_ref"):
        obs[col] = obs[col].astype("category")
    countries = frozenset(FOCUS) if scope == "focus" else None
    t1 = time.perf_counter()
    rankings = rank_observations(obs, countries)
    seconds["rank"] = time.perf_counter() - t1
    if countries is not None:
        obs = obs[obs["country"].isin(countries)]
    t1 = time.perf_counter()
    obs = sort_observations(obs)
    seconds["sort"] = time.perf_counter() - t1
    seconds["total"] = time.perf_counter() - t0
    manifest = {
        "snapshot_schema": SNAPSHOT_SCHEMA,
        "code_version": __version__,
        "scope": scope,
        "inputs": sorted(inputs.files, key=lambda f: f["file"]),
        "rows": {"observations": len(obs), "rankings": len(rankings)},
    }
    return BuildResult(obs, rankings, manifest, seconds)


def sort_observations(obs: pd.DataFrame) -> pd.DataFrame:
    """Stable total order for byte-reproducible files."""
    out = obs.copy()
    for col in ("dataset", "measure", "country", "partner", "basis", "flag", "source_ref"):
        out[col] = out[col].astype(str)
    out = out.sort_values(
        ["dataset", "country", "measure", "partner", "year", "basis"], kind="mergesort"
    )
    return out.reset_index(drop=True)


def up_to_date(inputs: Inputs, folder: Path, scope: str) -> bool:
    old = read_manifest(folder)
    return (
        bool(old)
        and old.get("code_version") == __version__
        and old.get("scope") == scope
        and old.get("snapshot_schema") == SNAPSHOT_SCHEMA
        and old.get("inputs") == sorted(inputs.files, key=lambda f: f["file"])
    )


def world_dir() -> Path:
    return data_dir() / "build" / "world"


def build(
    scope: str = "focus", force: bool = False, progress: bool = False, folder: Path | None = None
) -> BuildResult | None:
    """Build and write the snapshot; returns None when it was already up to date."""
    folder = folder or (processed_dir() if scope == "focus" else world_dir())
    inputs = find_inputs()
    if not force and up_to_date(inputs, folder, scope):
        return None
    result = build_tables(inputs, scope=scope, progress=progress)
    write(folder, result.observations, result.rankings, result.manifest)
    return result
