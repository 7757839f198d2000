"""Where things live. Every path can be redirected, so tests and users never touch the real tree.

The project root is found from this file (src layout). ``ASEAN_JAPAN_SHARED`` points to the folder
of recorded real data (default ``../shared/data`` beside the project root); ``ASEAN_JAPAN_DATA``
moves ``data/`` (raw and processed) elsewhere. In every path setting ``~`` is the home folder,
and a relative path is relative to ``PROJECT_ROOT`` (the source checkout; for an installed
wheel, the folder it runs in), never to the current directory of one process or another.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PACKAGE_DATA = PACKAGE_DIR / "data"


def _project_root() -> Path:
    """The source checkout holding this package (editable install, ``PYTHONPATH=src``); for an
    installed wheel, the folder it is run from: its ``data/`` and ``notebooks/`` are used there
    (or wherever ``ASEAN_JAPAN_DATA`` and ``ASEAN_JAPAN_NOTEBOOKS`` point)."""
    checkout = PACKAGE_DIR.parent.parent
    return checkout if (checkout / "pyproject.toml").is_file() else Path.cwd()


PROJECT_ROOT = _project_root()


def env_path(name: str, default: Path) -> Path:
    """A path from the environment; unset or empty means the default (never the current
    directory, which an empty string would silently mean). ``~`` and ``~user`` are expanded
    (a literal ``~`` folder is never made), and a relative path is taken from the project
    root, the one base every process agrees on (a notebook kernel works in notebooks/, a
    command wherever it was started)."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    path = Path(value).expanduser()
    return path if path.is_absolute() else PROJECT_ROOT / path


def data_dir() -> Path:
    return env_path("ASEAN_JAPAN_DATA", PROJECT_ROOT / "data")


def raw_dir() -> Path:
    return data_dir() / "raw"


def processed_dir() -> Path:
    return data_dir() / "processed"


def shared_data_dir() -> Path:
    return env_path("ASEAN_JAPAN_SHARED", PROJECT_ROOT.parent / "shared" / "data")


def reports_dir() -> Path:
    return env_path("ASEAN_JAPAN_REPORTS", PROJECT_ROOT / "reports")


def notebooks_dir() -> Path:
    """The notebooks' sources (``notebooks/*.py``) the main job executes."""
    return env_path("ASEAN_JAPAN_NOTEBOOKS", PROJECT_ROOT / "notebooks")


def PATH_SETTINGS() -> dict[str, Path]:  # noqa: N802 (reads like the constant it stands for)
    """Each folder setting and the folder it means now (for error messages)."""
    return {
        "ASEAN_JAPAN_DATA": data_dir(),
        "ASEAN_JAPAN_REPORTS": reports_dir(),
        "ASEAN_JAPAN_SHARED": shared_data_dir(),
        "ASEAN_JAPAN_NOTEBOOKS": notebooks_dir(),
    }
