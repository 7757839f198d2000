"""The rule of tests/unit/ holds: its guard (tests/unit/conftest.py) fails a test there that
reads the committed snapshot or starts a process, even one that expects an error, and passes
a pure one. Run as its own pytest in a scratch folder holding the guard and three tests."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from analysis.paths import PROJECT_ROOT

TESTS = """
import subprocess, sys
import pytest
from analysis.paths import processed_dir

def test_pure():
    assert sorted([3, 1, 2]) == [1, 2, 3]

def test_reads_the_snapshot():
    assert (processed_dir() / "manifest.json").read_bytes()

def test_expects_an_error_and_starts_a_process():
    with pytest.raises(Exception):
        subprocess.run([sys.executable, "-c", "raise SystemExit(3)"], check=True)
"""


def test_the_unit_guard_fails_impure_tests(tmp_path: Path) -> None:
    folder = tmp_path / "unit"
    folder.mkdir()
    shutil.copy(Path(__file__).parents[1] / "unit" / "conftest.py", folder / "conftest.py")
    (folder / "test_probe.py").write_text(TESTS)
    p = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:xdist",
            "-p",
            "no:cacheprovider",
            "-o",
            "addopts=",
            str(folder),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    out = p.stdout
    assert p.returncode == 1, out
    assert "2 failed, 1 passed" in out, out
    assert f"read {PROJECT_ROOT / 'data' / 'processed' / 'manifest.json'}" in out, out
    assert "subprocess.Popen" in out and "Move it to tests/integration/" in out, out
