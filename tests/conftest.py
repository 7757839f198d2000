"""Shared fixtures: the real recorded data, one parse of the 235 workbooks, a replay HTTP server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analysis.paths import shared_data_dir

from .replay import ReplayServer

SHARED = shared_data_dir()


def need(path: Path) -> Path:
    """Real data the test needs: missing data fails (naming the path), it never skips."""
    if not path.exists():
        pytest.fail(
            f"real data missing: {path} does not exist. The tests read ../shared/data beside the "
            "project root (or $ASEAN_JAPAN_SHARED); see ../shared/data/PROVENANCE.md."
        )
    return path


@pytest.fixture(scope="session")
def dots_dir() -> Path:
    return need(SHARED / "imf_dots_2022")


@pytest.fixture(scope="session")
def imf_fixtures() -> Path:
    return need(SHARED / "api_fixtures" / "imf_sdmx3")


@pytest.fixture(scope="session")
def imts_xml(imf_fixtures: Path) -> bytes:
    return need(
        imf_fixtures / "openbb_imts_data_USA.XG_FOB_USD.G001+G998.A_2023-2024.xml"
    ).read_bytes()


@pytest.fixture(scope="session")
def recorded_204(imf_fixtures: Path) -> dict:
    name = "imfp_7f5e249231e5f83f419e04a79d3ede949cef65fa08bfb2aaf33a6ffe275d4cab.json"
    return json.loads(need(imf_fixtures / name).read_text())


@pytest.fixture(scope="session")
def dots_parsed(dots_dir: Path):
    from analysis.sources.imf_dots_xlsx import read_folder

    return read_folder(dots_dir)


@pytest.fixture(scope="session")
def world_observations(dots_parsed):
    from analysis.sources import imf_dots_xlsx
    from analysis.sources.spec import raw_files

    src = imf_dots_xlsx.SOURCE
    return src.to_observations(dots_parsed, raw_files(src, SHARED / "imf_dots_2022"), None)


@pytest.fixture(scope="session")
def focus_build(dots_dir: Path):
    """The snapshot build from ../shared/data, in memory (nothing written)."""
    from analysis.pipeline import build_tables, find_inputs

    inputs = find_inputs()
    dots = next(r for r in inputs if r.source == "imf_dots_xlsx")
    assert dots.folder == dots_dir, "build must read ../shared/data when data/raw is empty"
    return build_tables(inputs, scope="focus")


@pytest.fixture()
def server():
    srv = ReplayServer()
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture()
def isolated_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private data/ folder so tests never touch the project's raw or processed files."""
    monkeypatch.setenv("ASEAN_JAPAN_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("ASEAN_JAPAN_REPORTS", str(tmp_path / "reports"))
    return tmp_path / "data"


def pytest_terminal_summary(terminalreporter) -> None:
    """Report the fault-injection suite's count (tests/test_faults.py)."""
    import sys

    mod = sys.modules.get("tests.test_faults")
    results = getattr(mod, "RESULTS", None) if mod else None
    if results:
        intact = sum(1 for *_, ok in results if ok)
        live = {s for s, *_ in results} & set(getattr(mod, "BASE_ENV", {}))
        terminalreporter.write_line(
            f"fault injection: {len(results)} faults tried across {len(live)} live sources, "
            "settings, recorded files, claim files, folders and arguments; "
            f"{intact} left data intact"
        )
