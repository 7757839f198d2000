"""The main job (``asean-japan run``, ``make run``): rebuild when raw inputs changed, write the
figures, check the claims, run the notebooks into the HTML report, print Japan's ranks.

Works offline from a fresh clone: with no ``../shared/data`` and no ``data/raw`` it uses the
committed snapshot in ``data/processed/``. Everything it draws or prints follows the snapshot:
the newest trade dataset, each dataset's vintage from the manifest.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from .countries import asean_members
from .paths import PROJECT_ROOT, reports_dir

NOTEBOOKS = (
    "00-overview.ipynb",
    "01-trade-partner-ranking.ipynb",
    "02-oda-donor-ranking.ipynb",
    "03-fdi-investor-ranking.ipynb",
    "04-claims.ipynb",
)


def figures() -> dict[str, Callable[[], object]]:
    """The main job's figures: file name -> chart. Trade charts only when the snapshot holds a
    trade dataset; ODA and FDI grids draw whichever of their datasets the snapshot holds."""
    from . import plots, query
    from .catalog import datasets
    from .countries import JAPAN

    have = {e["dimension"] for e in datasets().values()}
    out: dict[str, Callable[[], object]] = {}
    if "trade" in have:
        out["japan-rank-grid-trade.png"] = lambda: plots.japan_rank_grid()
        out["asean-among-japan-partners.png"] = lambda: plots.asean_among_japan()
        out["asean-top-partners.png"] = lambda: plots.asean_partners()
        if "baci_major_partners" in datasets():
            out["trade-japan-china-us-korea.png"] = lambda: plots.major_partners_grid()
        for c in asean_members():
            out[f"bump-{c}-trade.png"] = lambda c=c: plots.bump_chart(c)
    if "oda" in have:
        out["oda-japan-rank-grid.png"] = lambda: plots.oda_japan_rank_grid()
        out["oda-japan-recipients.png"] = lambda: plots.oda_japan_recipients()
    if "fdi" in have:
        out["fdi-japan-rank-grid.png"] = lambda: plots.fdi_japan_rank_grid()
        out["fdi-top-investors.png"] = lambda: plots.top_investors_grid()
        r = query.rankings()
        if ((r["country"] == JAPAN) & (r["measure"] == "fdi_outward_stock")).any():
            out["fdi-japan-outward-position.png"] = lambda: plots.japan_outward_position()
    if have:
        out["overview-heatmaps.png"] = lambda: plots.overview_heatmaps()
    return out


def write_figures(folder: Path) -> list[Path]:
    """Each figure as PNG, with the rankings rows it draws beside it as CSV (same name)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from .snapshot import FLOAT_FORMAT

    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, make in figures().items():
        fig = make()
        path = folder / name
        fig.savefig(path, dpi=110, bbox_inches="tight")
        data = getattr(fig, "data", None)
        if data is not None:
            data.to_csv(path.with_suffix(".csv"), index=False, float_format=FLOAT_FORMAT)
        plt.close(fig)
        out.append(path)
    return out


def write_claims(file: str | Path | None = None):
    """Check a claim file against the snapshot; write claims.csv and claims_evidence.csv."""
    from . import claims
    from .paths import processed_dir
    from .query import material_gaps, rankings
    from .rawstore import atomic_write
    from .snapshot import read_manifest

    if file is not None and not str(file).strip():
        raise claims.ValidationError(
            "claim file '': an empty path; name a TOML file or omit --file"
        )
    path = Path(file) if file else claims.DEFAULT_FILE
    verdicts, evidence = claims.check_all(
        path, rankings(), claims.dataset_vintages(read_manifest()), material_gaps()
    )
    out = processed_dir()
    for name, frame in (("claims.csv", verdicts), ("claims_evidence.csv", evidence)):
        text = frame.to_csv(index=False, float_format="%.12g", lineterminator="\n")
        atomic_write(out / name, text.encode("utf-8"))
    return verdicts, evidence


def datasets_text() -> str:
    """What the snapshot holds, per dataset: years, origin and vintage (where the answers stop)."""
    from . import catalog

    rows = [
        {
            "dataset": name,
            "dimension": e["dimension"],
            "years": f"{e['first_year']}-{e['last_year']}",
            "from": e["origin"],
            "vintage": e["vintage"],
        }
        for name, e in catalog.datasets().items()
    ]
    if not rows:
        return "The snapshot holds no dataset."
    return "Datasets in the snapshot (newest data first):\n" + pd.DataFrame(rows).to_string(
        index=False
    )


def rank_table_text(table: pd.DataFrame) -> str:
    """Japan's rank table with a title naming the datasets it rests on (from the manifest)."""
    from . import catalog

    names = catalog.trade_datasets()
    if len(table.columns) <= 1:
        return "Japan's rank among each ASEAN member's trade partners: no trade dataset in the snapshot."
    sources = "; ".join(catalog.describe(n) for n in names)
    return (
        "Japan's rank among each ASEAN member's trade partners (exports + imports; "
        + sources
        + ";\n"
        "m = from partners' reports (mirror), e = mostly IMF estimates, - = no data):\n"
        + table.to_string(index=False)
    )


def main_job(rebuild: bool = True, execute_notebooks: bool = True) -> int:
    from .pipeline import build, find_inputs
    from .query import japan_rank_table
    from .report import execute_notebook, render_html
    from .sources import REGISTRY

    t0 = time.perf_counter()
    if rebuild:
        inputs = find_inputs()
        if not any(REGISTRY[r.source].role == "observations" for r in inputs):
            print("No raw inputs (../shared/data or data/raw): using the committed snapshot.")
        else:
            result = build()
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
    print(datasets_text())
    print()
    print(rank_table_text(japan_rank_table()))
    print(f"\nDone in {time.perf_counter() - t0:.1f} s.")
    return 0
