"""A non-editable install works: the wheel built from this tree, installed into a fresh venv
(its dependencies taken from the test venv's site-packages, never this tree's src/), answers
`asean-japan rank JPN` and checks the article's claims from a folder holding only the
committed snapshot. Resources come from the package (mapping data, templates, the article's
claim file) or from the folder it runs in, never from the source tree."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from analysis.paths import PROJECT_ROOT


def _run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=600, **kw)
    assert p.returncode == 0, f"{' '.join(cmd)} exited {p.returncode}:\n{p.stdout}\n{p.stderr}"
    return p


def test_the_installed_wheel_answers_from_the_folder_it_runs_in(tmp_path: Path) -> None:
    wheels, tree = tmp_path / "wheels", tmp_path / "tree"
    # built from a copy of what the wheel is made of (setuptools writes build/ and egg-info
    # beside its input); the build backend is fetched the way `make` installs the package in
    # editable mode: an isolated build environment from the package index
    shutil.copytree(
        PROJECT_ROOT / "src",
        tree / "src",
        ignore=shutil.ignore_patterns("*.egg-info", "__pycache__"),
    )
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(PROJECT_ROOT / name, tree / name)
    _run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(wheels), str(tree)]
    )
    (wheel,) = wheels.glob("asean_japan-*.whl")

    fresh = tmp_path / "fresh"
    _run([sys.executable, "-m", "venv", "--without-pip", str(fresh)])
    fresh_py = fresh / "bin" / "python"
    site = Path(
        _run(
            [str(fresh_py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]
        ).stdout.strip()
    )
    # the dependencies: a path line adds the test venv's site-packages without running its
    # .pth files, so the editable install of this tree (a .pth there) is not seen
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(fresh_py),
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            str(wheel),
        ]
    )

    work = tmp_path / "work"  # a folder holding the committed snapshot and nothing else
    shutil.copytree(PROJECT_ROOT / "data" / "processed", work / "data" / "processed")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ASEAN_JAPAN_", "PYTHON"))}
    env["ASEAN_JAPAN_SHARED"] = str(tmp_path / "no-shared-here")

    where = _run(
        [str(fresh_py), "-c", "import analysis; print(analysis.__file__)"], env=env, cwd=work
    ).stdout.strip()
    assert where.startswith(str(site)), f"analysis imported from {where}, not the wheel"

    tool = fresh / "bin" / "asean-japan"
    rank = _run([str(tool), "rank", "JPN", "--top", "3"], env=env, cwd=work).stdout
    assert "Japan" in rank and "China" in rank, rank

    claims = _run([str(tool), "claims"], env=env, cwd=work).stdout
    assert "article_2009.toml" in claims.splitlines()[0], claims
    assert (work / "data" / "processed" / "claims.csv").read_bytes() == (
        PROJECT_ROOT / "data" / "processed" / "claims.csv"
    ).read_bytes(), "the wheel's verdicts on the committed snapshot are the committed ones"
