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

from . import __version__, fdi, oda
from .countries import FOCUS
from .errors import SourceError
from .live import LIVE, live_observations
from .observations import from_dots
from .paths import data_dir, processed_dir, raw_dir, shared_data_dir
from .rank import rank_observations
from .rawstore import RawStore, sha256_file
from .snapshot import read_manifest, write
from .sources import imf_dots_xlsx, oecd_dac2a_bilateral, oecd_dac2a_qwids

SNAPSHOT_SCHEMA = 1


@dataclass
class Inputs:
    """The raw files a build reads, with their checksums (the manifest of raw inputs)."""

    dots_folder: Path | None = None
    dots_label: str = ""
    qwids_folder: Path | None = None
    qwids_label: str = ""
    dac2a_bilateral: Path | None = None
    dac2a_bilateral_label: str = ""
    live: dict[str, Path] = field(default_factory=dict)  # source -> latest fetched vintage
    fdi_root: Path | None = None  # the folder holding the recorded FDI sources
    files: list[dict] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.dots_folder or self.qwids_folder or self.dac2a_bilateral)


def _recorded(own: Path, shared: Path, pattern: str) -> tuple[Path | None, str]:
    """The user's own files in data/raw/<source>/ win over the recorded ones in ../shared/data."""
    if own.is_dir() and any(own.glob(pattern)):
        return own, f"data/raw/{own.name}"
    if shared.is_dir() and any(shared.glob(pattern)):
        return shared, shared.name
    return None, ""


def _add_files(
    inputs: Inputs, source: str, folder: Path, label: str, pattern: str, vintage: str
) -> None:
    for p in sorted(folder.glob(pattern)):
        inputs.files.append(
            {
                "source": source,
                "file": f"{label}/{p.name}",
                "sha256": sha256_file(p),
                "vintage": vintage,
            }
        )


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
                    "sha256": sha256_file(p),
                    "vintage": "2022-02 (IMF DOTS, last year 2020)",
                }
            )
    inputs.qwids_folder, inputs.qwids_label = _recorded(
        raw_dir() / oecd_dac2a_qwids.NAME,
        shared_data_dir() / "oecd_dac2a_2002_2019",
        "ODA-*-DAC2a.csv",
    )
    if inputs.qwids_folder:
        _add_files(
            inputs,
            oecd_dac2a_qwids.NAME,
            inputs.qwids_folder,
            inputs.qwids_label,
            "ODA-*-DAC2a.csv",
            "QWIDS export, 2002-2019",
        )
    folder, label = _recorded(
        raw_dir() / oecd_dac2a_bilateral.NAME,
        shared_data_dir() / "oecd_dac2a_bilateral_2009_2022",
        "*.rda",
    )
    if folder:
        inputs.dac2a_bilateral, inputs.dac2a_bilateral_label = next(folder.glob("*.rda")), label
        _add_files(
            inputs,
            oecd_dac2a_bilateral.NAME,
            folder,
            label,
            "*.rda",
            "OECD.Stat TABLE2A extract, 2009-2022",
        )
    shared = shared_data_dir()
    fdi_folders = {
        "unctad_bilateral_fdi": (
            "unctad_bilateral_fdi_2001_2012",
            "**/*.*",
            "UNCTAD bilateral FDI 2014",
        ),
        "jetro_outward_fdi": ("jetro_outward_fdi", "*.xls*", "JETRO, as published 2025-2026"),
        "vietnam_fdi": ("vietnam_fdi", "*.csv", "GSO yearbooks 2006-2025; IMF DIP 2009-2024"),
        "abn2018_fdi": ("bilateral_fdi_abn2018", "*.csv", "Aisbett, Busse & Nunnenkamp (2018)"),
        "bank_indonesia_fdi": ("indonesia_fdi", "*.xls", "SEKI V.33 to 2021Q3"),
        "aiddata_china": ("aiddata_china", "*.csv", "AidData GCDF 3.0 (2000-2021)"),
    }
    for source, (sub, pattern, vintage) in fdi_folders.items():
        folder = shared / sub
        if folder.is_dir():
            inputs.fdi_root = shared
            for p in sorted(folder.glob(pattern)):
                if p.is_file():
                    inputs.files.append(
                        {
                            "source": source,
                            "file": f"{sub}/{p.relative_to(folder)}",
                            "sha256": sha256_file(p),
                            "vintage": vintage,
                        }
                    )
    for source in LIVE:
        live = RawStore(source)
        if live.vintages():
            latest = live.vintages()[-1]
            inputs.live[source] = live.vintage_dir(latest)
            for entry in live.manifest(latest):
                inputs.files.append(
                    {
                        "source": source,
                        "file": f"{source}/{latest}/{entry['file']}",
                        "sha256": entry["sha256"],
                        "vintage": latest,
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
    extras: dict[str, pd.DataFrame] = field(default_factory=dict)


def build_tables(inputs: Inputs, scope: str = "focus", progress: bool = False) -> BuildResult:
    """Parse, clean, mirror and rank. Pure: writes nothing."""
    if inputs.empty:
        raise SourceError(
            "pipeline",
            f"{raw_dir()} and {shared_data_dir()}",
            "no raw inputs found",
            "Put the IMF DOTS workbooks in data/raw/imf_dots_xlsx/, run `asean-japan fetch imf_imts`, "
            "or place the recorded data at ../shared/data.",
        )
    seconds: dict[str, float] = {}
    t0 = time.perf_counter()
    countries = frozenset(FOCUS) if scope == "focus" else None
    by_dimension: dict[str, list[pd.DataFrame]] = {"trade": [], "oda": [], "fdi": []}
    if inputs.dots_folder is not None:
        parsed = imf_dots_xlsx.read_folder(inputs.dots_folder, progress=progress)
        seconds["parse_dots"] = time.perf_counter() - t0
        t1 = time.perf_counter()
        by_dimension["trade"].append(from_dots(parsed, countries, folder_label=inputs.dots_label))
        seconds["observations_dots"] = time.perf_counter() - t1
        del parsed
    t1 = time.perf_counter()
    if inputs.qwids_folder is not None:
        q = oecd_dac2a_qwids.read_folder(inputs.qwids_folder)
        by_dimension["oda"].append(
            oda.observations(
                q,
                oecd_dac2a_qwids.NAME,
                oecd_dac2a_qwids.NAME,
                "current",
                inputs.qwids_label + "/" + q["file"],
            )
        )
    if inputs.dac2a_bilateral is not None:
        b = oecd_dac2a_bilateral.read_rda(inputs.dac2a_bilateral)
        by_dimension["oda"].append(
            oda.observations(
                b,
                oecd_dac2a_bilateral.NAME,
                oecd_dac2a_bilateral.NAME,
                "const2022",
                f"{inputs.dac2a_bilateral_label}/{inputs.dac2a_bilateral.name}",
            )
        )
    if inputs.fdi_root is not None:
        fdi_obs, unread = fdi.observations(inputs.fdi_root)
        bad = [cell for cells in unread.values() for cell in cells]
        if bad:
            raise SourceError("fdi", "; ".join(bad[:5]), f"{len(bad)} cell(s) could not be read")
        by_dimension["fdi"].append(fdi_obs)
    for source, folder in inputs.live.items():  # the latest fetched vintage of each live source
        by_dimension[LIVE[source].dimension].append(live_observations(source, folder))
    seconds["oda_fdi_live"] = time.perf_counter() - t1
    frames, rank_parts = [], []
    rankers = {"trade": rank_observations, "oda": oda.rankings, "fdi": fdi.rankings}
    for dimension, parts in by_dimension.items():
        parts = [p for p in parts if len(p)]
        if not parts:
            continue
        t1 = time.perf_counter()
        obs = _concat(parts)
        frames.append(obs)
        rank_parts.append(rankers[dimension](obs, countries))
        seconds[f"rank_{dimension}"] = time.perf_counter() - t1
    extras = {}
    if inputs.fdi_root is not None and (inputs.fdi_root / "aiddata_china").is_dir():
        from .snapshot import CONTEXT_CHINA_FILE
        from .sources import aiddata_china

        extras[CONTEXT_CHINA_FILE] = aiddata_china.read(inputs.fdi_root / "aiddata_china")
    obs = _concat(frames)
    rankings = _concat(rank_parts)
    rankings = rankings.sort_values("dataset", kind="mergesort").reset_index(drop=True)
    if countries is not None:
        obs = obs[obs["country"].isin(countries)]
    t1 = time.perf_counter()
    obs = sort_observations(obs)
    seconds["sort"] = time.perf_counter() - t1
    seconds["total"] = time.perf_counter() - t0
    manifest = {
        "snapshot_schema": SNAPSHOT_SCHEMA,
        "code_version": __version__,
        "code_sha256": code_fingerprint(),
        "scope": scope,
        "inputs": sorted(inputs.files, key=lambda f: f["file"]),
        "rows": {"observations": len(obs), "rankings": len(rankings)},
    }
    return BuildResult(obs, rankings, manifest, seconds, extras=extras)


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate tidy tables, keeping text columns categorical (union of categories)."""
    if len(frames) == 1:
        return frames[0]
    out = {}
    for col in frames[0].columns:
        parts = [f[col] for f in frames]
        if any(isinstance(p.dtype, pd.CategoricalDtype) or p.dtype == object for p in parts):
            cats = [
                p.astype("category") if not isinstance(p.dtype, pd.CategoricalDtype) else p
                for p in parts
            ]
            cats = [c.cat.set_categories(c.cat.categories.astype(str)) for c in cats]
            out[col] = pd.api.types.union_categoricals(cats, sort_categories=True)
        else:
            out[col] = pd.concat(parts, ignore_index=True)
    return pd.DataFrame(out)


def sort_observations(obs: pd.DataFrame) -> pd.DataFrame:
    """Stable total order for byte-reproducible files."""
    out = obs.copy()
    for col in ("dataset", "measure", "country", "partner", "basis", "flag", "source_ref"):
        out[col] = out[col].astype(str)
    out = out.sort_values(
        ["dataset", "country", "measure", "partner", "year", "basis"], kind="mergesort"
    )
    return out.reset_index(drop=True)


def code_fingerprint() -> str:
    """sha256 over the package's code and mapping files: a snapshot built by other code is stale."""
    import hashlib

    from .paths import PACKAGE_DIR

    h = hashlib.sha256()
    for p in sorted(PACKAGE_DIR.rglob("*")):
        if p.suffix in (".py", ".csv") and "__pycache__" not in p.parts:
            h.update(p.relative_to(PACKAGE_DIR).as_posix().encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def up_to_date(inputs: Inputs, folder: Path, scope: str) -> bool:
    old = read_manifest(folder)
    return (
        bool(old)
        and old.get("code_version") == __version__
        and old.get("code_sha256") == code_fingerprint()
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
    write(folder, result.observations, result.rankings, result.manifest, result.extras)
    return result
