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
def focus_build(dots_dir: Path, dots_parsed):
    """The snapshot build from ../shared/data, in memory (nothing written). The 235 DOTS
    workbooks are parsed once per session: the build's own call to read them
    (``imf_dots_xlsx.parse`` -> ``read_folder`` of that folder) is handed a copy of
    ``dots_parsed``, which that same function made from the same folder (~6 s of CPU spent
    once); every other step of the build runs as it is."""
    from analysis.pipeline import build_tables, find_inputs
    from analysis.sources import imf_dots_xlsx

    inputs = find_inputs()
    dots = next(r for r in inputs if r.source == "imf_dots_xlsx")
    assert dots.folder == dots_dir, "build must read ../shared/data when data/raw is empty"
    read_folder = imf_dots_xlsx.read_folder
    served = []

    def parsed_once(folder, *args, **kwargs):
        if Path(folder) != dots_dir:
            return read_folder(folder, *args, **kwargs)
        served.append(folder)
        return dots_parsed.copy()

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(imf_dots_xlsx, "read_folder", parsed_once)
        result = build_tables(inputs, scope="focus")
    assert served == [dots_dir], "the build read the DOTS workbooks through read_folder once"
    return result


@pytest.fixture(scope="session")
def job(tmp_path_factory: pytest.TempPathFactory):
    """The main job run once per session, as on a fresh clone: no ../shared, no data/raw, only
    the committed snapshot. Returns (exit code, what it printed, the folder holding its data/
    and reports/); the environment pointing there is undone when the job ends. Shared by test_notebooks.py and test_report.py, so the five notebooks are
    executed once."""
    import contextlib
    import io
    import shutil

    from analysis.jobs import main_job
    from analysis.paths import PROJECT_ROOT

    root = tmp_path_factory.mktemp("job")
    mp = pytest.MonkeyPatch()
    shutil.copytree(PROJECT_ROOT / "data" / "processed", root / "data" / "processed")
    mp.setenv("ASEAN_JAPAN_DATA", str(root / "data"))
    mp.setenv("ASEAN_JAPAN_REPORTS", str(root / "reports"))
    mp.setenv("ASEAN_JAPAN_SHARED", str(root / "no-shared-here"))
    out = io.StringIO()
    try:  # restored as soon as the job ends (or fails): the tests after it see the real paths
        with contextlib.redirect_stdout(out):
            rc = main_job(rebuild=True, execute_notebooks=True)
    finally:
        mp.undo()
    return rc, out.getvalue(), root


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


def _fault_results() -> list:
    import sys

    mod = sys.modules.get("tests.integration.test_faults")
    return list(getattr(mod, "RESULTS", None) or []) if mod else []


# session fixture -> the worker group of every test using it (directly or through another
# fixture): each is made once per worker that asks for it, so all its tests go to one worker
GROUPS = {
    "job": "job",  # the main job: 20 figures and five notebooks (~35 s CPU)
    "focus_build": "build",  # the in-memory build from ../shared/data (~10 s)
    "dots_parsed": "build",  # the 235 DOTS workbooks parsed (~6 s; world_observations too)
}


def _uses_module_fixture(item) -> bool:
    """Whether the test uses a module-scoped fixture (a parsed source, a ranking), which is
    made again on every worker that runs one of the module's tests."""
    info = getattr(item, "_fixtureinfo", None)
    defs = info.name2fixturedefs if info is not None else {}
    return any(d and d[-1].scope == "module" for d in defs.values())


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook reads the marks
def pytest_collection_modifyitems(config, items) -> None:
    """Under pytest-xdist (`-n 2 --dist loadgroup`, pyproject.toml): tests sharing an expensive
    fixture run on one worker, so it is made once. A session fixture of GROUPS puts its tests
    in that group (the main job's on one worker, the build's and the parsed workbooks' on
    another: xdist hands out the largest groups first, one to each worker); the tests of a
    module that use one of its module-scoped fixtures form a group of their own, or join the
    session group some of them are in (test_oda_prices' DAC2a observations go with the build).
    The rule follows each test's fixtures, not a list of files."""
    session_group: dict[object, str] = {}
    module_group: dict[str, str] = {}
    for item in items:
        names = getattr(item, "fixturenames", ())
        group = next((GROUPS[n] for n in GROUPS if n in names), None)
        if group:
            session_group[item] = group
            if _uses_module_fixture(item):
                module_group.setdefault(item.module.__name__, group)
    for item in items:
        group = session_group.get(item)
        if group is None and _uses_module_fixture(item):
            module = item.module.__name__
            group = module_group.get(module, module.rsplit(".", 1)[-1])
        if group:
            item.add_marker(pytest.mark.xdist_group(group))


def pytest_sessionfinish(session) -> None:
    """On an xdist worker: hand the fault suite's results to the controller."""
    if hasattr(session.config, "workeroutput"):
        session.config.workeroutput["fault_results"] = [list(r) for r in _fault_results()]


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    """On the xdist controller: collect each worker's fault results."""
    collected = node.config.__dict__.setdefault("_fault_results", [])
    collected.extend(tuple(r) for r in getattr(node, "workeroutput", {}).get("fault_results", []))


def pytest_terminal_summary(terminalreporter) -> None:
    """Report the fault-injection suite's count (tests/integration/test_faults.py), from this process or,
    under xdist, from every worker."""
    results = _fault_results() + terminalreporter.config.__dict__.get("_fault_results", [])
    if results:
        intact = sum(1 for *_, ok in results if ok)
        from .integration import (
            test_faults,  # the live sources' names (on the xdist controller too)
        )

        live = {s for s, *_ in results} & set(test_faults.BASE_ENV)
        terminalreporter.write_line(
            f"fault injection: {len(results)} faults tried across {len(live)} live sources, "
            "settings, recorded files, claim files, folders, arguments, snapshot and cache files, "
            "vintage manifests and raw files; "
            f"{intact} left data intact"
        )
