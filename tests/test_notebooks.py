"""Notebooks run top to bottom on the committed snapshot, and are kept without outputs in git."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

from analysis.paths import PROJECT_ROOT
from analysis.report import NOTEBOOKS, execute_notebook, main_job

NB_DIR = PROJECT_ROOT / "notebooks"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_is_stored_without_outputs(name: str) -> None:
    nb = nbformat.read(NB_DIR / name, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code)
    # notebooks hold no logic: no function or class definitions of their own
    assert not any(
        line.lstrip().startswith(("def ", "class ")) for c in code for line in c.source.splitlines()
    )


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs(name: str, tmp_path: Path) -> None:
    out = execute_notebook(NB_DIR / name, tmp_path / name)
    nb = nbformat.read(out, as_version=4)
    errors = [
        o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"
    ]
    assert not errors
    images = [
        o
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
        if "image/png" in o.get("data", {})
    ]
    expected = {  # figures each notebook draws
        "01-trade-partner-ranking.ipynb": 13,  # grid, ten bump charts, ASEAN x2
        "02-oda-donor-ranking.ipynb": 3,  # rank grid, Viet Nam's donors, Japan's recipients
        "03-fdi-investor-ranking.ipynb": 3,  # rank grid, Viet Nam registered, outward position
    }
    assert len(images) == expected[name]


def test_main_job_offline_writes_figures_and_table(
    isolated_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    """A fresh clone with no ../shared and no data/raw: the job uses the committed snapshot."""
    shutil.copytree(PROJECT_ROOT / "data" / "processed", isolated_data / "processed")
    monkeypatch.setenv("ASEAN_JAPAN_SHARED", str(tmp_path / "no-shared-here"))
    assert main_job(rebuild=True, execute_notebooks=False) == 0
    out = capsys.readouterr().out
    assert "using the committed snapshot" in out
    figures = sorted((isolated_data.parent / "reports" / "figures").glob("*.png"))
    assert len(figures) == 17
    assert {"oda-japan-rank-grid.png", "japan-rank-grid-trade.png"} <= {f.name for f in figures}
    assert "Japan's rank among each ASEAN member's trade partners" in out
    for member in ("Viet Nam", "Thailand", "Laos"):
        assert member in out
    assert "1990" in out and "2020 (latest)" in out
