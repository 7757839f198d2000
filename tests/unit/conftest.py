"""The rule of tests/unit/: pure logic on hand-made inputs. A unit test reads no real data
(../shared/data, data/, the README, notebooks, claim files), starts no process and opens no
socket. An audit hook watches each test (setup, call and teardown) and fails the test that
does, naming what it touched: move such a test to tests/integration/. `make test-fast` runs
this folder alone, so a test that would read the snapshot through a cache filled by another
test fails there too."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from analysis.paths import PROJECT_ROOT, data_dir, reports_dir, shared_data_dir

FORBIDDEN = tuple(
    str(p)
    for p in (
        data_dir(),
        reports_dir(),
        shared_data_dir(),
        PROJECT_ROOT / "data",
        PROJECT_ROOT / "README.md",
        PROJECT_ROOT / "notebooks",
        PROJECT_ROOT / "claims",
    )
)
PROCESS_OR_NETWORK = {
    "subprocess.Popen",
    "os.posix_spawn",
    "os.exec",
    "os.system",
    "socket.connect",
}
_touched: list[str] | None = None  # the current unit test's violations; None outside one


def _watch(event: str, args: tuple) -> None:
    if _touched is None:
        return
    if event == "open" and isinstance(args[0], (str, bytes, Path)):
        path = os.path.abspath(os.fsdecode(args[0]))
        if path.startswith(FORBIDDEN):
            _touched.append(f"read {path}")
    elif event in PROCESS_OR_NETWORK:
        _touched.append(f"{event} {str(args[0])[:80]}")


sys.addaudithook(_watch)  # cannot be removed: it does nothing outside a unit test


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    global _touched
    _touched = []
    try:
        yield
    finally:
        _touched = None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A phase (setup, call, teardown) that touched real data or a process fails, whatever
    the test asserted: a test expecting an error must not pass on the guard's account."""
    outcome = yield
    if _touched:
        report = outcome.get_result()
        listed = "; ".join(dict.fromkeys(_touched))
        report.outcome = "failed"
        report.longrepr = (
            f"{item.nodeid} is in tests/unit/ but is not pure logic: in {call.when} it "
            f"{listed[:600]}. Move it to tests/integration/ (or give it hand-made inputs)."
        )
        _touched.clear()
