"""The command line: real subprocesses, real exit codes, one-paragraph errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .replay import ReplayServer, Reply


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "analysis", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=300,
    )


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


def test_rank_reads_the_snapshot() -> None:
    p = run("rank", "VNM", "--year", "2019", "--top", "4")
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert "CHN" in lines[1] and "JPN" in lines[4]  # China 1st, Japan 4th in Viet Nam's 2019 trade


def test_build_without_inputs_fails_in_one_paragraph(tmp_path: Path) -> None:
    env = {"ASEAN_JAPAN_SHARED": str(tmp_path / "nothing"), "ASEAN_JAPAN_DATA": str(tmp_path / "d")}
    p = run("build", env=env)
    assert p.returncode == 2
    assert "no raw inputs found" in p.stderr and "Traceback" not in p.stderr
    assert "\n\n" not in p.stderr.strip()


def test_fetch_failure_names_source_and_url(tmp_path: Path) -> None:
    srv = ReplayServer()
    srv.start()
    try:
        from analysis.sources import imf_imts

        for path, _ in imf_imts.queries().values():
            srv.routes[path] = [
                Reply(200, b"<html><body>maintenance</body></html>", {"Content-Type": "text/html"})
            ]
        env = {"ASEAN_JAPAN_IMF_BASE_URL": srv.url, "ASEAN_JAPAN_DATA": str(tmp_path / "d")}
        p = run("fetch", "imf_imts", env=env)
    finally:
        srv.stop()
    assert p.returncode == 2
    assert "[imf_imts]" in p.stderr and srv.url in p.stderr and "HTML page" in p.stderr
    assert not (tmp_path / "d" / "raw" / "imf_imts").exists()
