"""The main job: (re)build when raw inputs exist, write figures, run the notebooks, print a table.

Works offline from a fresh clone: with no ``../shared/data`` and no ``data/raw`` it uses the
committed snapshot in ``data/processed/``.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from .countries import asean_members
from .paths import PROJECT_ROOT, reports_dir

NOTEBOOKS = (
    "00-overview.ipynb",
    "01-trade-partner-ranking.ipynb",
    "02-oda-donor-ranking.ipynb",
    "03-fdi-investor-ranking.ipynb",
    "04-claims.ipynb",
)


def write_figures(folder: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from . import plots

    folder.mkdir(parents=True, exist_ok=True)
    figures = {
        "japan-rank-grid-trade.png": lambda: plots.japan_rank_grid(),
        "asean-among-japan-partners.png": lambda: plots.asean_among_japan(),
        "asean-top-partners.png": lambda: plots.asean_partners(),
        "oda-japan-rank-grid.png": lambda: plots.oda_japan_rank_grid(),
        "oda-japan-recipients.png": lambda: plots.oda_japan_recipients(),
        "fdi-japan-rank-grid.png": lambda: plots.fdi_japan_rank_grid(),
        "fdi-japan-outward-position.png": lambda: plots.japan_outward_position(),
        "overview-heatmaps.png": lambda: plots.overview_heatmaps(),
    }
    for c in asean_members():
        figures[f"bump-{c}-trade.png"] = lambda c=c: plots.bump_chart(c)
    out = []
    for name, make in figures.items():
        fig = make()
        path = folder / name
        fig.savefig(path, dpi=110, bbox_inches="tight")
        plt.close(fig)
        out.append(path)
    return out


def write_claims(file: str | Path | None = None):
    """Check a claim file against the snapshot; write claims.csv and claims_evidence.csv."""
    from . import claims
    from .paths import processed_dir
    from .query import rankings
    from .rawstore import atomic_write
    from .snapshot import read_manifest

    path = Path(file) if file else claims.DEFAULT_FILE
    verdicts, evidence = claims.check_all(
        path, rankings(), claims.dataset_vintages(read_manifest())
    )
    out = processed_dir()
    for name, frame in (("claims.csv", verdicts), ("claims_evidence.csv", evidence)):
        text = frame.to_csv(index=False, float_format="%.12g", lineterminator="\n")
        atomic_write(out / name, text.encode("utf-8"))
    return verdicts, evidence


def execute_notebook(src: Path, dst: Path, timeout: int = 600) -> Path:
    """Run a notebook top to bottom with the current interpreter's kernel; save it with outputs."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(src, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(src.parent)}},
    )
    client.execute()
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
        "row of <code>data/processed/rankings.csv.gz</code> and from there to a raw file "
        "(see <code>data/processed/manifest.json</code>).</p>"
        f"<h2>Notebooks</h2><ul>{links}</ul><h2>Sources</h2><table><tr><th>source</th><th>what"
        "</th><th>coverage</th><th>licence</th><th>vintage</th></tr>"
        f"{rows}</table><h2>Figures</h2>{imgs}</body></html>",
        encoding="utf-8",
    )
    return index


def main_job(rebuild: bool = True, execute_notebooks: bool = True) -> int:
    from .pipeline import build, find_inputs
    from .query import japan_rank_table

    t0 = time.perf_counter()
    if rebuild:
        inputs = find_inputs()
        if inputs.empty:
            print("No raw inputs (../shared/data or data/raw): using the committed snapshot.")
        else:
            result = build(progress=sys.stderr.isatty())
            print(
                "Snapshot up to date with the raw inputs."
                if result is None
                else f"Rebuilt data/processed/ in {result.seconds['total']:.1f} s."
            )
    out = reports_dir()
    figs = write_figures(out / "figures")
    print(f"Wrote {len(figs)} figures to {out / 'figures'}.")
    verdicts, _ = write_claims()
    print(f"Checked {len(verdicts)} claims -> data/processed/claims.csv.")
    if execute_notebooks:
        os.environ.setdefault("MPLBACKEND", "Agg")
        executed = []
        for name in NOTEBOOKS:
            dst = execute_notebook(PROJECT_ROOT / "notebooks" / name, out / "notebooks" / name)
            executed.append(dst)
            print(f"Executed notebooks/{name} -> {dst}")
        index = render_html(executed, figs, out / "html")
        print(f"Report: {index} (open it in a browser; works offline)")
    print()
    print("Japan's rank among each ASEAN member's trade partners (exports + imports, IMF DOTS;")
    print("m = from partners' reports (mirror), e = mostly IMF estimates, - = no data):")
    print(japan_rank_table().to_string(index=False))
    print(f"\nDone in {time.perf_counter() - t0:.1f} s.")
    return 0
