"""Pure logic (hand-made inputs, no real files) beside tests/integration/test_cli.py: The command line:
real processes, real exit codes, one-paragraph errors."""

from __future__ import annotations

import subprocess

import pytest

from ..clirun import run_cli


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """The command in a forked child of this (warm) process: its own exit code, stdout and
    stderr, without a fresh interpreter's imports (tests/clirun.py)."""
    return run_cli(*args, env=env)


@pytest.mark.parametrize("cmd", [[], ["sources"], ["fetch"], ["build"], ["rank"], ["run"]])
def test_help_everywhere(cmd: list[str]) -> None:
    p = run(*cmd, "--help")
    assert p.returncode == 0 and "usage: asean-japan" in p.stdout


def test_sources_lists_licence_and_citation() -> None:
    p = run("sources")
    assert p.returncode == 0
    for text in (
        "imf_dots_xlsx",
        "imf_imts",
        "licence",
        "citation",
        "IMF terms of use",
        "1960-2020",
    ):
        assert text in p.stdout


def test_every_measure_has_words_for_titles() -> None:
    """Pure logic, no data: a measure the schema allows never reaches a title as its id."""
    from analysis.catalog import TOP_WORDS
    from analysis.schema import MEASURES

    assert set(TOP_WORDS) == set(MEASURES)
    assert all("_" not in words for words in TOP_WORDS.values())
