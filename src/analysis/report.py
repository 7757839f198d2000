"""The static HTML report: an index that opens with the findings (Japan's rank in trade, ODA
and FDI; the claims checked, with their evidence), then the figures with captions in words, the
notebook pages and every source's licence and vintage. Each executed notebook becomes a page
titled with its own first heading and linked back to the index.

Readable offline: nothing is fetched from a CDN (the notebook template drops nbconvert's
require.js, MathJax, mermaid and widget-manager scripts; figures in notebook pages are embedded,
the index's are the PNGs beside it). tests/integration/test_report.py loads every page in headless
Chromium and fails on any request that leaves the machine or any link that does not resolve.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from . import __version__, catalog, findings
from .captions import caption
from .errors import SourceError
from .loaders import load_csv
from .notebook import parameters, with_parameters
from .paths import processed_dir
from .snapshot import load_table, read_manifest
from .tempdirs import clean, owned, write_output

TEMPLATES = Path(__file__).parent / "templates"
KERNEL_DIRS = "asean-japan-kernel-"  # the prefix of a running kernel's temporary folder
UNIX_SOCKET_PATH_MAX = 107  # bytes in sockaddr_un.sun_path, less the final NUL (Linux)
# bidirectional controls: they reorder what a reader sees (a claim's sentence, a label) without
# changing the bytes checked, so report text never carries them
BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
WIDGET_NOTE = (
    '<p class="widget-note">Here the notebook shows its explorer (dropdowns for the economy, '
    "dimension and dataset, a year range). A static page cannot run it: open the notebook "
    "with <code>make lab</code> to use it.</p>"
)


def _quotes(text: str, value: str) -> bool:
    """Whether ``text`` holds ``value`` as a whole token (``5`` is not quoted by ``2025``)."""
    return re.search(rf"(?<![\w.]){re.escape(value)}(?![\w.])", text) is not None


def strip_bidi(text: str) -> str:
    """``text`` without bidirectional control characters (``BIDI``)."""
    return BIDI.sub("", text)


def read_notebook(src: Path):
    """A notebook from its source: ``notebooks/X.py`` (jupytext percent, the tracked form) or
    an ``.ipynb``."""
    import jupytext

    src = Path(src)
    return jupytext.read(src, fmt="py:percent" if src.suffix == ".py" else None)


def execute_notebook(
    src: Path, dst: Path, timeout: int = 600, parameters: dict | None = None
) -> Path:
    """Run a notebook top to bottom with the current interpreter's kernel; save it with outputs
    (an .ipynb at ``dst``). ``parameters``: values for its parameters cell."""
    import asyncio

    return asyncio.run(execute_notebook_async(src, dst, timeout, parameters=parameters))


async def execute_notebook_async(
    src: Path,
    dst: Path,
    timeout: int = 600,
    env: dict[str, str] | None = None,
    parameters: dict | None = None,
) -> Path:
    """``execute_notebook`` as a coroutine, so one process can drive several kernels at once
    (``jobs.execute_all``): each kernel is a process of its own, driven through nbclient's
    asyncio client. ``env``: the kernel's environment (default: this process's);
    ``parameters``: names of the parameters cell and their values (``notebook.with_parameters``)."""
    import nbformat

    nb = read_notebook(src)
    if parameters:
        with_parameters(nb, **parameters)
    try:
        await run_notebook_async(nb, Path(src).parent, timeout, env)
    except Exception as exc:
        if exc.__class__.__name__ != "CellExecutionError":
            raise
        raise SourceError(
            "notebooks",
            f"notebooks/{Path(src).name}",
            "the notebook stopped with an error: " + failure_text(exc, nb),
            "Open it with `make lab`, run it top to bottom and fix the failing cell (or the "
            "parameter named).",
        ) from exc
    write_output(dst, lambda p: nbformat.write(nb, str(p)))
    return dst


def _kernel_manager(manager_class, sockets: Path):
    """A kernel manager whose sockets and connection file live in ``sockets``. A unix socket's
    path holds at most 107 bytes: under a deep TMPDIR the channels ("<folder>/k-<port>") would
    not fit, so such a kernel listens on 127.0.0.1 instead."""
    ipc = len(os.fsencode(sockets / "k")) + len("-65535") <= UNIX_SOCKET_PATH_MAX
    return manager_class(
        kernel_name="python3",
        transport="ipc" if ipc else "tcp",
        ip=str(sockets / "k") if ipc else "127.0.0.1",
        connection_file=str(sockets / "kernel.json"),
    )


ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")  # terminal colour and cursor codes


def failure_text(exc: BaseException, nb) -> str:
    """What a failed cell says, for a message: the error's name and text without a traceback
    or terminal colour codes; where the error quotes the value of a parameter of the
    notebook's parameters cell (the first code cell checks them all), that parameter named."""

    name = getattr(exc, "ename", "") or type(exc).__name__
    value = getattr(exc, "evalue", None)
    text = ANSI.sub("", str(exc if value is None else value)).strip()
    if value is None:  # no structured error: the traceback's last line says what failed
        text = text.splitlines()[-1] if text else ""
    try:
        params = parameters(nb)
    except Exception:  # a notebook without a parameters cell names none
        params = {}
    quoted = [k for k, v in params.items() if v is not None and _quotes(text, repr(v))]
    said = f"{name}: {text}" if text else name
    if quoted:
        named = " and ".join(f"{k} = {params[k]!r}" for k in quoted)
        return f"its parameters cell sets {named}, which the notebook refuses: {said}"
    return said


async def run_notebook_async(nb, cwd: Path, timeout: int = 600, env: dict[str, str] | None = None):
    """Execute ``nb`` in place (outputs into its cells) with a ``python3`` kernel of its own
    working in ``cwd``; returns it.

    The kernel's sockets and its connection file (which holds the key that signs its messages)
    live in a temporary folder of this process (``tempdirs.owned``), removed when it ends; the
    folders a killed run left behind are removed by the next run, once their owner is gone."""
    import tempfile

    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient

    clean(Path(tempfile.gettempdir()), KERNEL_DIRS + "*")
    # local sockets (IPC) instead of TCP: nothing listens on the network, and the kernel has
    # no "running over TCP without encryption" warning to print
    with owned(Path(tempfile.gettempdir()), KERNEL_DIRS) as sockets:
        km = _kernel_manager(AsyncKernelManager, sockets)
        client = NotebookClient(
            nb,
            km=km,
            timeout=timeout,
            kernel_name="python3",
            resources={"metadata": {"path": str(cwd)}},
        )
        try:
            await client.async_execute(**({"env": env} if env is not None else {}))
        finally:  # the kernel, and its channels (a thread and sockets in this process)
            if client.kc is not None:
                client.kc.stop_channels()
            if km.has_kernel:
                await km.shutdown_kernel(now=True)
    return nb


def notebook_title(nb) -> str:
    """A notebook's own title: its first markdown heading (the file name if it has none)."""
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            if line.startswith("#"):
                return line.lstrip("#").strip()
    return nb.metadata.get("title", "")


def static_notebook(nb):
    """The notebook as a static page shows it: widget outputs (which need a live kernel and a
    widget manager from a CDN) replaced by a note saying how to use them, widget state dropped."""
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if WIDGET_MIME in out.get("data", {}):
                out["data"] = {"text/html": WIDGET_NOTE}
    return nb


def render_notebook_pages(executed: list[Path], folder: Path) -> list[tuple[Path, str]]:
    """Each executed notebook as ``folder/<stem>.html``; returns (page, title) per notebook."""
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="lab",
        extra_template_paths=[str(TEMPLATES)],
        template_file="notebook.html.j2",
    )
    pages = []
    for nb_path in executed:
        nb = static_notebook(nbformat.read(nb_path, as_version=4))
        title = notebook_title(nb) or nb_path.stem
        nb.metadata["title"] = title
        body, _ = exporter.from_notebook_node(nb, resources={"report_page_title": title})
        page = folder / (nb_path.stem + ".html")
        write_output(page, strip_bidi(body))
        pages.append((page, title))
    return pages


def figure_entries(figures: list[Path], folder: Path) -> list[dict]:
    """The index's figures: overview first, each with its title and caption (captions.CAPTIONS),
    the source line of the datasets it draws (from its CSV) and links to its CSV and SVG."""

    def rel(p: Path) -> str:
        return Path(os.path.relpath(p, folder)).as_posix()

    out = []
    for f in sorted(figures, key=lambda f: not f.stem.startswith("overview")):
        title, text = caption(f.name)
        csv, svg = f.with_suffix(".csv"), f.with_suffix(".svg")
        names: list[str] = []
        if csv.is_file():
            drawn = load_csv(
                csv,
                "report",
                "a figure's data (CSV with a dataset column)",
                "Run `asean-japan run --force` to draw the figures again.",
                ("dataset",),
                usecols=["dataset"],
            )
            names = sorted(drawn["dataset"].astype(str).unique())
        out.append(
            {
                "id": f.stem,
                "src": rel(f),
                "title": title or f.stem,
                "caption": text,
                "source": catalog.note(*names) if names else "",
                "csv": rel(csv) if csv.is_file() else None,
                "svg": rel(svg) if svg.is_file() else None,
            }
        )
    return out


def sources_rows() -> list[dict]:
    """Every registered source with what it is, its coverage, licence and the vintages used."""
    from .sources import REGISTRY  # deferred: every source module, for the sources table only

    vintages: dict[str, set[str]] = {}
    for f in read_manifest().get("inputs", []):
        vintages.setdefault(f["source"], set()).add(f.get("vintage", ""))
    return [
        {
            "name": s.name,
            "title": s.title,
            "coverage": s.coverage,
            "licence": s.licence,
            "vintage": "; ".join(sorted(vintages.get(s.name, {"not fetched"}))),
        }
        for s in REGISTRY.values()
    ]


def render_html(
    executed: list[Path],
    figures: list[Path],
    folder: Path,
    verdicts=None,
    evidence=None,
) -> Path:
    """The notebook pages and ``folder/index.html``. ``verdicts``/``evidence``: the claims as
    checked by this run (default: the snapshot's claims.csv and claims_evidence.csv)."""
    import jinja2

    folder.mkdir(parents=True, exist_ok=True)
    pages = render_notebook_pages(executed, folder)
    if verdicts is None or evidence is None:
        verdicts = load_table("claims.csv", processed_dir(), ("claim_id",), keep_default_na=False)
        if verdicts is not None:
            evidence = load_table("claims_evidence.csv", processed_dir(), ("claim_id",))
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    html = env.get_template("index.html.j2").render(
        version=__version__,
        members=findings.members(),
        key_findings=findings.key_findings(),
        groups=findings.japan_rank_groups(),
        rank_class=findings.rank_class,
        claims=[] if verdicts is None else findings.claim_rows(verdicts, evidence),
        figures=figure_entries(figures, folder),
        notebooks=[{"href": p.name, "title": t, "file": p.stem + ".py"} for p, t in pages],
        sources=sources_rows(),
    )
    index = folder / "index.html"
    write_output(index, strip_bidi(html))
    return index


if __name__ == "__main__":  # one notebook: python -m analysis.report SRC DST (the main job
    # drives its notebooks' kernels from its own process: jobs.execute_all)
    import sys

    execute_notebook(Path(sys.argv[1]), Path(sys.argv[2]))
