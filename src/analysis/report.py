"""The static HTML report: each executed notebook as a page and an index linking them, with
the figures and every source's licence and vintage. Readable offline."""

from __future__ import annotations

import os
from pathlib import Path


def execute_notebook(src: Path, dst: Path, timeout: int = 600) -> Path:
    """Run a notebook top to bottom with the current interpreter's kernel; save it with outputs."""
    import tempfile

    import nbformat
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    nb = nbformat.read(src, as_version=4)
    # local sockets (IPC) instead of TCP: nothing listens on the network, and the kernel has
    # no "running over TCP without encryption" warning to print
    with tempfile.TemporaryDirectory(prefix="asean-japan-kernel-") as sockets:
        km = KernelManager(kernel_name="python3", transport="ipc", ip=str(Path(sockets) / "k"))
        client = NotebookClient(
            nb,
            km=km,
            timeout=timeout,
            kernel_name="python3",
            resources={"metadata": {"path": str(src.parent)}},
        )
        try:
            client.execute()
        finally:
            if km.has_kernel:
                km.shutdown_kernel(now=True)
    dst.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, dst)
    return dst


def render_html(executed: list[Path], figures: list[Path], folder: Path) -> Path:
    """Static HTML: each executed notebook as a page (figures embedded), and an index page that
    links them, shows the figures and lists every source with its licence and vintage."""
    import html

    import nbformat
    from nbconvert import HTMLExporter

    from .snapshot import read_manifest
    from .sources import REGISTRY

    folder.mkdir(parents=True, exist_ok=True)
    exporter = HTMLExporter(template_name="classic")
    pages = []
    for nb_path in executed:
        body, _ = exporter.from_notebook_node(nbformat.read(nb_path, as_version=4))
        page = folder / (nb_path.stem + ".html")
        page.write_text(body, encoding="utf-8")
        pages.append(page)
    manifest = read_manifest()
    vintages: dict[str, set[str]] = {}
    for f in manifest.get("inputs", []):
        vintages.setdefault(f["source"], set()).add(f.get("vintage", ""))
    rows = "".join(
        f"<tr><td>{html.escape(s.name)}</td><td>{html.escape(s.title)}</td>"
        f"<td>{html.escape(s.coverage)}</td><td>{html.escape(s.licence)}</td>"
        f"<td>{html.escape('; '.join(sorted(vintages.get(s.name, {'not fetched'}))))}</td></tr>"
        for s in REGISTRY.values()
    )
    links = "".join(f'<li><a href="{p.name}">{html.escape(p.stem)}</a></li>' for p in pages)
    imgs = "".join(
        f'<figure><img src="{Path(os.path.relpath(f, folder)).as_posix()}" style="max-width:100%">'
        f"<figcaption>{html.escape(f.stem)}</figcaption></figure>"
        for f in figures
    )
    index = folder / "index.html"
    index.write_text(
        "<!doctype html><html><head><meta charset='utf-8'><title>asean-japan report</title>"
        "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto}"
        "td{border-top:1px solid #ddd;padding:4px;vertical-align:top;font-size:90%}</style></head>"
        "<body><h1>ASEAN and Japan: partners in trade, ODA and FDI</h1>"
        "<p>Rankings built from public data by the asean-japan package; every figure traces to a "
        "row of the rankings (<code>asean-japan export</code>) and from there to a raw file "
        "(see <code>data/processed/manifest.json</code>).</p>"
        f"<h2>Notebooks</h2><ul>{links}</ul><h2>Sources</h2><table><tr><th>source</th><th>what"
        "</th><th>coverage</th><th>licence</th><th>vintage</th></tr>"
        f"{rows}</table><h2>Figures</h2>{imgs}</body></html>",
        encoding="utf-8",
    )
    return index


if __name__ == "__main__":  # one notebook in its own process: python -m analysis.report SRC DST
    import sys

    execute_notebook(Path(sys.argv[1]), Path(sys.argv[2]))
