"""The notebooks: their sources, the main job running them offline from the committed snapshot,
runs with other parameters, and a run saved the way JupyterLab saves it.

The main job (the session fixture ``job`` in conftest.py, shared with test_report.py) runs the
five notebooks once per test session, with their default parameters; the tests here that read
its outputs go to its worker (conftest.GROUPS). Each notebook is also run once more with other
parameters, and one is run and saved through jupytext's contents manager in a scratch checkout.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.jobs import NOTEBOOKS, notebook_source
from analysis.paths import PROJECT_ROOT, notebooks_dir
from analysis.report import WIDGET_MIME as WIDGET


def figures_expected(name: str, params: dict) -> int:
    """Figures a notebook draws with ``params``: fixed per notebook, plus one chart per
    dataset that ranks the host (03) or per claim shown (04)."""
    from analysis import explore
    from analysis import notebook as nb

    if name.startswith("00"):
        return 1  # heatmaps
    # the explorer's cell shows its first chart once, above its controls (explore.explorer)
    if name.startswith("01"):
        return 7  # grid, the member's bump chart, ASEAN x2, BACI majors, draw, explorer
    if name.startswith("02"):
        return 5  # grid, the member's donors, China, Japan's recipients, explorer
    if name.startswith("03"):  # grid, the host's headline, ASEAN, top investors, outward,
        # Japan vs the US as each reports it, explorer; one chart per dataset ranking the host
        return 7 + len(explore.datasets_for(nb.economy(params["HOST"]), "fdi"))
    verdicts, _ = nb.claims(
        params["CLAIM_FILE"],
        ids=params["CLAIMS"],
        dimension_name=params["DIMENSION"],
        read_years=params["THEN"],
    )
    return len(verdicts)  # one evidence chart per claim


def texts(nb) -> str:
    """Everything a reader sees of the outputs, as text: printed lines, Markdown, HTML
    tables (widgets and images aside)."""
    out = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            if o.output_type == "stream":
                out.append(o.text)
            for mime in ("text/markdown", "text/html"):
                if mime in o.get("data", {}):
                    out.append(o["data"][mime])
            data = o.get("data", {})
            richer = {"text/html", "text/markdown", "image/png", WIDGET} & set(data)
            if "text/plain" in data and not richer:
                out.append(data["text/plain"])
    return "\n".join(out)


def check_outputs(nb, figures: int) -> str:
    """A run's outputs: no error, the figures expected, readable tables (no raw <NA> or nan,
    no 0-9 row numbers: a rank or a key indexes every table); returns the text."""
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    errors = [o for o in outputs if o.output_type == "error"]
    assert not errors, errors[0].get("evalue")
    assert len([o for o in outputs if "image/png" in o.get("data", {})]) == figures
    text = texts(nb)
    assert "&lt;NA&gt;" not in text and "<NA>" not in text
    assert not re.search(r">\s*(nan|NaN|None)\s*<", text), "a missing value shown raw"
    assert not re.search(r'class="row_heading level0 row0"\s*>\s*0\s*<', text), "a 0-9 index"
    return text


# --- the sources: notebooks/*.py, the only tracked form ------------------------------------


def check_sources(folder: Path) -> None:
    """The repository's rules for a notebooks folder: each notebook's .py is in jupytext's
    own form under the folder's settings (so a save of unchanged cells writes it byte for
    byte), with no notebook metadata (no kernelspec JupyterLab would rewrite), no outputs,
    one parameters cell and no logic of its own; the settings pair no .ipynb with it."""
    import jupytext
    from jupytext.config import find_jupytext_configuration_file, load_jupytext_configuration_file

    from analysis import notebook
    from analysis.report import read_notebook

    config = load_jupytext_configuration_file(find_jupytext_configuration_file(str(folder)))
    assert "ipynb" not in str(config.formats), (
        "a .py paired with its .ipynb: a run copy's edits would reach git"
    )
    for name in NOTEBOOKS:
        py = folder / (Path(name).stem + ".py")
        text = py.read_text(encoding="utf-8")
        script = read_notebook(py)
        assert jupytext.writes(script, fmt="py:percent", config=config) == text, py
        assert not text.startswith("# ---") and "kernelspec" not in text
        notebook.parameters(script)  # exactly one cell tagged parameters, of literals
        code = [c for c in script.cells if c.cell_type == "code"]
        assert not any(
            line.lstrip().startswith(("def ", "class "))
            for c in code
            for line in c.source.splitlines()
        ), f"{py.name} defines a function or class: notebooks hold no logic"


def tracked(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, check=True
    ).stdout


def test_notebook_sources_are_the_only_tracked_form() -> None:
    """notebooks/*.py and the jupytext settings are tracked; every .ipynb there is ignored
    (a run copy written by `make notebooks`, outputs and kernelspec kept out of git)."""
    listed = set(tracked(PROJECT_ROOT, "ls-files", "notebooks").split())
    assert listed == {f"notebooks/{notebook_source(n).name}" for n in NOTEBOOKS} | {
        "notebooks/jupytext.toml"
    }
    for name in NOTEBOOKS:
        assert tracked(PROJECT_ROOT, "check-ignore", f"notebooks/{name}").strip()
    check_sources(notebooks_dir())


LAB_KERNELSPEC = {  # what JupyterLab 4 writes for the venv's kernel
    "display_name": "Python 3 (ipykernel)",
    "language": "python",
    "name": "python3",
}


def as_lab_saves(nb, outputs_from=None) -> None:
    """The metadata JupyterLab adds to a notebook it ran, before it saves: its kernelspec and
    language, the cells' timings, scrolled outputs, collapsed headings; ``outputs_from``: a
    run whose outputs the cells with the same source get (a notebook run in Lab holds them)."""
    nb.metadata["kernelspec"] = dict(LAB_KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python", "version": "3.11.7", "file_extension": ".py"}
    ran = {c.source: c for c in (outputs_from.cells if outputs_from is not None else [])}
    for i, cell in enumerate(nb.cells):
        cell.metadata["execution"] = {"iopub.status.idle": "2026-01-01T00:00:00.000Z"}
        if cell.cell_type == "code":
            cell.metadata["scrolled"] = True
            if cell.source in ran:
                cell.outputs = ran[cell.source].outputs
                cell.execution_count = i + 1
        else:
            cell.metadata["jp-MarkdownHeadingCollapsed"] = True


def test_notebooks_run_in_jupyterlab_change_no_tracked_file(tmp_path: Path) -> None:
    """A scratch checkout (the notebooks' tracked files and the Makefile, committed);
    `make notebooks` writes the run copies. Through jupytext's contents manager, the one
    JupyterLab's server uses: a reader opens notebooks/04-claims.ipynb, types other
    parameters, runs it and saves it (outputs, Lab's kernelspec and cell metadata, a
    checkpoint); a developer opens the .py itself as a notebook, runs it unchanged and saves
    it. After each, git sees no change to a tracked file (the copy keeps the reader's
    parameters and outputs, and `make notebooks` leaves it alone; the .py is byte for byte
    as committed), and the repository's checks of the sources pass."""
    import nbformat
    from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager
    from jupytext.async_contentsmanager import build_async_jupytext_contents_manager_class

    from analysis import notebook
    from analysis.report import run_notebook_async

    root = tmp_path / "checkout"
    (root / "notebooks").mkdir(parents=True)
    files = ("notebooks", ".gitignore", "Makefile", "pyproject.toml", "requirements.lock")
    for rel in tracked(PROJECT_ROOT, "ls-files", *files).split():
        shutil.copy2(PROJECT_ROOT / rel, root / rel)
    git = ["git", "-c", "user.name=test", "-c", "user.email=test@example.invalid"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "notebooks"]):
        subprocess.run([*git, *args], cwd=root, check=True)
    make = ["make", "--no-print-directory", "notebooks", f"VENV={Path(sys.executable).parents[1]}"]
    subprocess.run(make, cwd=root, check=True, capture_output=True)
    assert all((root / "notebooks" / name).is_file() for name in NOTEBOOKS)
    cm = build_async_jupytext_contents_manager_class(AsyncLargeFileManager)(root_dir=str(root))
    path, other = "notebooks/04-claims.ipynb", {"DIMENSION": "oda", "THEN": [2005]}

    async def reader():  # the run copy: other parameters typed in, run, saved
        model = await cm.get(path, content=True)
        copy = notebook.with_parameters(model["content"], **other)
        await run_notebook_async(copy, root / "notebooks")
        as_lab_saves(copy)
        await cm.save({"type": "notebook", "format": "json", "content": copy}, path)
        await cm.create_checkpoint(path)
        return copy

    async def developer(ran):  # the source opened as a notebook, run unchanged, saved
        py = "notebooks/04-claims.py"
        source = (await cm.get(py, content=True, type="notebook"))["content"]
        as_lab_saves(source, outputs_from=ran)
        await cm.save({"type": "notebook", "format": "json", "content": source}, py)

    name = Path(path).name
    ran = asyncio.run(reader())
    assert tracked(root, "status", "--porcelain") == ""
    saved = nbformat.read(root / path, as_version=4)
    assert saved.metadata["kernelspec"] == LAB_KERNELSPEC
    assert notebook.parameters(saved) == {**_defaults(name), **other}
    assert [(c.source, c.outputs) for c in saved.cells if c.cell_type == "code"] == [
        (c.source, c.outputs) for c in ran.cells if c.cell_type == "code"
    ]
    check_outputs(saved, figures_expected(name, {**_defaults(name), **other}))
    subprocess.run(make, cwd=root, check=True, capture_output=True)  # the copy is newer
    assert notebook.parameters(nbformat.read(root / path, as_version=4)) == {
        **_defaults(name),
        **other,
    }
    asyncio.run(developer(ran))
    assert tracked(root, "status", "--porcelain") == ""
    check_sources(root / "notebooks")


def _defaults(name: str) -> dict:
    from analysis import notebook
    from analysis.report import read_notebook

    return notebook.parameters(read_notebook(notebook_source(name)))


# --- the main job -----------------------------------------------------------------------


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
    check_outputs(nb, figures_expected(name, _defaults(name)))


# --- other parameters ----------------------------------------------------------------------

# per notebook: parameters unlike the defaults, what the outputs must then say (headings and
# table captions made from them and from the data) and what only the defaults would say
OTHER = {
    "00-overview.ipynb": (
        {"PARTNER": "CHN", "RIVAL": "USA", "DIMENSION": "fdi", "YEARS": (2000, 2015)},
        [
            "China among each ASEAN member's partners, 2000-2015",
            "When did United States overtake China in FDI?",
            "When United States passed China among each ASEAN member's investors",
            "China's rank among each ASEAN member's investors by inward direct investment position, 20",
        ],
        ["Japan's rank", "trade partners", "Japan among each"],
    ),
    "01-trade-partner-ranking.ipynb": (
        {"MEMBER": "THA", "YEARS": (2000, 2015), "YEAR": 2010, "TOP": 3},
        [
            "Thailand, 2000-2015",
            "Thailand's top 3 trade partners, 2000-2015",
            "Thailand's top trade partners (exports + imports), 2010,",
            "Japan's rank among each ASEAN member's trade partners (exports + imports), 2000-2015",
            "Japan's top trade partners (exports + imports), 2000,",
            "ASEAN's top trade partners (exports + imports), 2010,",
        ],
        ["Viet Nam's top", "Viet Nam, 1990", "1990-"],
    ),
    "02-oda-donor-ranking.ipynb": (
        {"MEMBER": "KHM", "YEARS": (2005, 2015), "YEAR": 2012},
        [
            "Cambodia, 2005-2015",
            "Cambodia's largest donors, 2005-2015",
            "Cambodia's top donors by gross ODA received (current US$), 2012,",
            "Cambodia's top donors by net ODA received (current US$), 2012,",
            "Japan's top recipients of its net ODA (current US$), 2012,",
        ],
        ["Viet Nam's top", "Viet Nam's largest", "Viet Nam, 2"],
    ),
    "03-fdi-investor-ranking.ipynb": (
        {"HOST": "VNM", "YEARS": (2005, 2020), "YEAR": 2015},
        [
            "Viet Nam, 2005-2020",
            "Viet Nam's largest investors, 2005-2020",
            "Viet Nam's top investors by registered direct investment capital, 2015,",
            "Japan's top destinations by outward direct investment position, 2015,",
        ],
        ["Thailand's top", "Thailand's largest", "Thailand, 2"],
    ),
    "04-claims.ipynb": (
        {"DIMENSION": "oda", "THEN": [2005]},
        ["oda-japan-top-many-net", "**Then** (2005, ", "Read here in 2005 instead of 2008."],
        ["trade-japan-top-many", "fdi-", "**Then** (2008, "],
    ),
}


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_follows_its_parameters(tmp_path: Path, name: str) -> None:
    """Each notebook run with its parameters cell replaced (the others keep their defaults):
    every heading, table caption and count follows them, nothing still says the defaults."""
    import nbformat

    from analysis.report import execute_notebook

    params, said, unsaid = OTHER[name]
    defaults = _defaults(name)
    out = execute_notebook(notebook_source(name), tmp_path / name, parameters=params)
    nb = nbformat.read(out, as_version=4)
    text = check_outputs(nb, figures_expected(name, {**defaults, **params}))
    if name[:2] in ("01", "02", "03"):  # each rank table indexed by its rank, shown as such
        said = [*said, 'class="index_name level0" >rank</th>']
    missing = [s for s in said if s not in text]
    assert not missing, f"{name} with {params} does not say {missing}"
    stale = [s for s in unsaid if s in text]
    assert not stale, f"{name} with {params} still says {stale}"


def test_notebook_figures_are_drawn_once() -> None:
    """In a kernel with the inline backend, importing the notebooks' module removes pyplot's
    after-cell redraw (``notebook.draw_once``): the backend's display after the cell draws
    each figure, once. Counted: Figure.draw calls for one figure shown by a cell."""
    import nbformat

    from analysis.report import run_notebook_async

    code = (
        "%matplotlib inline\n"
        "import matplotlib.figure, matplotlib.pyplot as plt\n"
        "draws = []\n"
        "_draw = matplotlib.figure.Figure.draw\n"
        "def counted(self, renderer):\n"
        "    draws.append(renderer.__class__.__name__)\n"
        "    return _draw(self, renderer)\n"
        "matplotlib.figure.Figure.draw = counted\n"
        "from analysis import notebook as nb\n"
        "plt.plot([1, 2])\n"
        "plt.title('one figure');"
    )
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(code), nbformat.v4.new_code_cell("print(draws)")]
    asyncio.run(run_notebook_async(nb, notebooks_dir()))
    shown = [o for o in nb.cells[0].outputs if "image/png" in o.get("data", {})]
    assert len(shown) == 1
    # the inline display's layout pass (bbox 'tight') and its PNG: no earlier full draw
    assert nb.cells[1].outputs[0]["text"].strip() == "['RendererAgg', 'RendererAgg']"


def test_parameters_cell_is_replaced_and_checked() -> None:
    from analysis import notebook
    from analysis.errors import ValidationError
    from analysis.report import read_notebook

    nb = read_notebook(notebook_source("01-trade-partner-ranking.ipynb"))
    notebook.with_parameters(nb, MEMBER="THA", YEARS=(2000, None))
    assert notebook.parameters(nb) == {
        **_defaults("01-trade-partner-ranking.ipynb"),
        "MEMBER": "THA",
        "YEARS": (2000, None),
    }
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    assert "MEMBER = 'THA'  # the economy looked at closely" in cell.source
    with pytest.raises(ValidationError, match="not a parameter"):
        notebook.with_parameters(nb, HOST="VNM")
    with pytest.raises(ValidationError, match="choose one of"):
        notebook.economy("XYZ")
    with pytest.raises(ValidationError, match="ranks no oda partner of Singapore"):
        notebook.economy("SGP", "oda")


# --- the report and the explorer -----------------------------------------------------------


def test_figures_claims_and_html_report(job) -> None:
    _, out, root = job
    figures = sorted((root / "reports" / "figures").glob("*.png"))
    from analysis.jobs import figures as job_figures  # the list the job draws from

    assert [f.name for f in figures] == sorted(job_figures())
    assert (root / "data" / "processed" / "claims.csv").is_file()
    index = (root / "reports" / "html" / "index.html").read_text()
    for name in NOTEBOOKS:
        page = root / "reports" / "html" / name.replace(".ipynb", ".html")
        assert f'href="{page.name}"' in index and "data:image/png" in page.read_text()
        assert f"notebooks/{notebook_source(name).name}" in index  # the source a reader opens
    assert 'src="../figures/japan-rank-grid-trade.png"' in index
    assert "imf_dots_xlsx" in index and "licence" in index


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
