"""The main job offline from the committed snapshot: notebooks run, figures, claims, HTML report.

One run of the job (the session fixture ``job`` in conftest.py, shared with test_report.py)
serves every test here: the notebooks are executed once per test session."""

from __future__ import annotations

import pytest

from analysis.jobs import NOTEBOOKS
from analysis.paths import PROJECT_ROOT

# nbformat takes 1.3 s to import (jsonschema builds its IRI grammars): imported by the tests
# that read notebooks, all of them on the main job's worker, which loads it for the report
pytestmark = pytest.mark.xdist_group("job")
NB_DIR = PROJECT_ROOT / "notebooks"
FIGURES = {  # figures each notebook draws
    "00-overview.ipynb": 1,  # heatmaps
    "01-trade-partner-ranking.ipynb": 15,  # grid, 10+1 bump charts, ASEAN x2, BACI majors
    "02-oda-donor-ranking.ipynb": 5,  # grid, Viet Nam's donors, China, recipients, explore
    "03-fdi-investor-ranking.ipynb": 7,  # grid, Viet Nam, ASEAN, top investors, outward,
    # Japan vs the US as each reports it, explore
    "04-claims.ipynb": 9,  # one evidence chart per shipped claim
}


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_is_stored_without_outputs(name: str) -> None:
    import nbformat

    nb = nbformat.read(NB_DIR / name, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code)
    # notebooks hold no logic: no function or class definitions of their own
    assert not any(
        line.lstrip().startswith(("def ", "class ")) for c in code for line in c.source.splitlines()
    )


def test_main_job_prints_japans_ranks(job) -> None:
    rc, out, _ = job
    assert rc == 0 and "using the committed snapshot" in out
    assert "Japan's rank among each ASEAN member's trade partners" in out
    assert all(m in out for m in ("Viet Nam", "Thailand", "Laos", "1990", "2020", "(latest)"))
    # the headline series: the latest column is the last year any trade dataset ranks Japan in
    from analysis.countries import members_in
    from analysis.query import partner_rank

    members = tuple(sorted(members_in("ASEAN", 2020)))
    latest = int(partner_rank("JPN", members)["year"].max())
    assert f"{latest} (latest)" in out and latest > 2020


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_top_to_bottom(job, name: str) -> None:
    import nbformat

    _, _, root = job
    nb = nbformat.read(root / "reports" / "notebooks" / name, as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert len([o for o in outputs if "image/png" in o.get("data", {})]) == FIGURES[name]


def test_figures_claims_and_html_report(job) -> None:
    _, out, root = job
    figures = sorted((root / "reports" / "figures").glob("*.png"))
    assert len(figures) == 21
    assert (root / "data" / "processed" / "claims.csv").is_file()
    index = (root / "reports" / "html" / "index.html").read_text()
    for name in NOTEBOOKS:
        page = root / "reports" / "html" / name.replace(".ipynb", ".html")
        assert f'href="{page.name}"' in index and "data:image/png" in page.read_text()
    assert 'src="../figures/japan-rank-grid-trade.png"' in index
    assert "imf_dots_xlsx" in index and "licence" in index


@pytest.mark.parametrize("name", list(FIGURES))
def test_py_source_and_ipynb_are_paired(name: str) -> None:
    """The jupytext percent script is the source; its .ipynb twin holds the same cells
    (`make notebooks` syncs them; an edit made in Jupyter updates both)."""
    import jupytext
    import nbformat

    ipynb = nbformat.read(NB_DIR / name, as_version=4)
    script = jupytext.read(NB_DIR / name.replace(".ipynb", ".py"))
    assert [(c.cell_type, c.source) for c in script.cells] == [
        (c.cell_type, c.source) for c in ipynb.cells
    ], f"{name} and its .py differ: run `make notebooks`"
    assert ipynb.metadata["jupytext"]["formats"] == "ipynb,py:percent"


def test_explorer_draws_headless() -> None:
    """The function behind the widgets, for each dimension; and the widget panel builds."""
    import matplotlib

    matplotlib.use("Agg")
    from analysis import explore

    for country, dimension in (
        ("VNM", "trade"),
        ("KHM", "oda"),
        ("THA", "fdi"),
        ("ASEAN", "trade"),
    ):
        fig = explore.draw(country, dimension, years=(2005, 2024))
        assert len(fig.data) and set(fig.data["country"].astype(str)) == {country}
    panel = explore.explorer()
    assert len(panel.children) == 3


def test_a_second_run_with_nothing_changed_redraws_nothing(job, monkeypatch) -> None:
    """`make run` warm: the outputs' stamp matches, so figures, claims, notebooks and report
    are left as they are; a missing or edited output makes them stale again."""
    import contextlib
    import io

    from analysis.jobs import STAMP, main_job, outputs_fingerprint, outputs_up_to_date

    _, _, root = job
    monkeypatch.setenv("ASEAN_JAPAN_DATA", str(root / "data"))
    monkeypatch.setenv("ASEAN_JAPAN_REPORTS", str(root / "reports"))
    monkeypatch.setenv("ASEAN_JAPAN_SHARED", str(root / "no-shared-here"))
    reports = root / "reports"
    before = {p: p.stat().st_mtime_ns for p in reports.rglob("*") if p.is_file()}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main_job(rebuild=True, execute_notebooks=True) == 0
    assert "are up to date" in out.getvalue()
    assert "Japan's rank among each ASEAN member's trade partners" in out.getvalue()
    assert {p: p.stat().st_mtime_ns for p in reports.rglob("*") if p.is_file()} == before
    fp = outputs_fingerprint(True)
    assert outputs_up_to_date(reports, fp)
    assert not outputs_up_to_date(reports, outputs_fingerprint(False))  # made with notebooks
    figure = reports / "figures" / "japan-rank-grid-trade.png"
    data = figure.read_bytes()
    try:
        figure.write_bytes(data[:100])
        assert not outputs_up_to_date(reports, fp)
    finally:
        figure.write_bytes(data)
    assert (reports / STAMP).is_file()
