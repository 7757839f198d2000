"""The main job (``asean-japan run``, ``make run``): rebuild when raw inputs changed, write the
figures, check the claims, run the notebooks into the HTML report, print Japan's ranks.

Works offline from a fresh clone: with no ``../shared/data`` and no ``data/raw`` it uses the
committed snapshot in ``data/processed/``. Everything it draws or prints follows the snapshot:
the newest trade dataset, each dataset's vintage from the manifest.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from .countries import asean_members
from .paths import notebooks_dir, reports_dir

NOTEBOOKS = (  # each executed into reports/notebooks/<name> from its source, notebooks/<stem>.py
    "00-overview.ipynb",
    "01-trade-partner-ranking.ipynb",
    "02-oda-donor-ranking.ipynb",
    "03-fdi-investor-ranking.ipynb",
    "04-claims.ipynb",
)


def notebook_source(name: str) -> Path:
    """A notebook's source, the one tracked form: ``notebooks/<stem>.py`` (jupytext percent).

    ``notebooks/<stem>.ipynb`` beside it is a run copy written from it by `make notebooks`
    (which `make lab` runs), git-ignored and deliberately not paired with it
    (notebooks/jupytext.toml): a reader runs the copy in JupyterLab with any parameters and
    saves it, outputs and kernelspec included, and no tracked file changes; the .py itself,
    opened and run in JupyterLab, is saved byte for byte as it was (no notebook metadata in
    it). Why not pairing: a parameter typed into a paired copy is an edit of the source, which
    JupyterLab's autosave writes to the .py within minutes. The job never reads the copies:
    it executes each notebook from its .py into reports/notebooks/."""
    return notebooks_dir() / (Path(name).stem + ".py")


# Each figure's title and what it shows, in words, for the report (basis and gaps included; the
# source line is added from the datasets in the figure's CSV, so it follows the snapshot). One
# entry per name figures() can return ("{member}" filled in for the bump charts); a test in
# tests/test_report.py keeps the two paired.
CAPTIONS: dict[str, tuple[str, str]] = {
    "japan-rank-grid-trade.png": (
        "Japan's rank among each member's trade partners",
        "Japan's rank among each ASEAN member's trade partners (exports + imports of goods), "
        "every year on record. Basis: filled dots rest on the member's own report, open dots on "
        "its partners' reports (mirror data, where the member did not report or its figures "
        "were mostly IMF estimates), a cross on mostly IMF estimates. Gaps: grey bands are "
        "years without data, never bridged; a dashed line continues from national statistics "
        "where they run later than the IMF's.",
    ),
    "asean-among-japan-partners.png": (
        "ASEAN among Japan's trade partners",
        "ASEAN taken as one partner: its rank among Japan's trade partners (left) and its share "
        "of Japan's trade (right), beside China, the United States and the EU. Basis: the "
        "members of each year summed (the IMF's table, to 2020; Japan's own reports, "
        "partners' where Japan's are missing); from 2021 Japan's Ministry of Finance with "
        "ASEAN and the EU as it defines them, ranked among its listed partners only (hollow "
        "squares on a shaded band) with shares of Japan's trade with the world. Gaps: a year "
        "without data is left blank, not bridged.",
    ),
    "asean-top-partners.png": (
        "ASEAN's largest outside trade partners",
        "ASEAN as one economy (the ten members' trade summed, trade among them left out): its "
        "largest outside partners by rank each year, Japan in bold. Basis: today's ASEAN-10 "
        "and EU-27 in every year; years ranked from partners' reports only are shaded. Gaps: "
        "grey bands are years without data.",
    ),
    "trade-japan-china-us-korea.png": (
        "Japan, China, the US and Korea in each member's trade",
        "Each member's trade with Japan, China, the United States and Korea, in US$ billion "
        "(values, not ranks: the dataset covers only 13 major partners). Basis: the member's "
        "and partners' customs records reconciled by CEPII (BACI). Gaps: a panel without lines "
        "has no data.",
    ),
    "bump-{member}-trade.png": (
        "{member}: largest trade partners",
        "{member}'s largest trade partners by rank each year since 1990, Japan in bold: the six "
        "largest in the last year drawn and, where that year ranks among a restricted partner "
        "set, in the last year ranked among all partners too (so a large partner the set "
        "lacks is not left out); a name followed by a year is a line that ends that year. "
        "Basis: the member's own report, partners' reports (mirror) in blue-shaded years, a "
        "restricted partner set (hollow squares) in yellow-shaded years, drawn apart from "
        "ranks among all partners. Gaps: grey bands are years without data, never bridged; "
        "a line also breaks in a year where the partner's value holds only one of exports "
        "and imports (the other unreported), which gives no rank.",
    ),
    "oda-japan-rank-grid.png": (
        "Japan's rank among each member's ODA donors",
        "Japan's rank among each ASEAN member's ODA donors, one line per definition: net or "
        "gross disbursements, all donors or bilateral donors only. Basis: the donors' reports "
        "to the OECD DAC (a recipient does not report). Gaps: an orange strip marks years in "
        "which a donor that ranks in the top 10 is missing from the source, so ranks there "
        "may be too high; grey is no recorded data; a cross marks net ODA zero or negative "
        "(repayments), which has no rank.",
    ),
    "oda-japan-recipients.png": (
        "Japan's largest ODA recipients, and where the ASEAN members stand",
        "Japan's ODA recipients ranked by net disbursements each year (current US$; rank 1 = "
        "the largest recipient worldwide), one row per recipient with the rank written in "
        "each cell: the ASEAN members first (blue), then every other recipient in Japan's "
        "top 5 in some year (grey), each block by its latest rank. Basis: Japan's reports to "
        "the OECD DAC, each year from the dataset the headline rule picks (to the last year "
        "recorded); a year's ranks do not depend on the price base. Gaps: '<=0' is net ODA "
        "zero or negative (repayments exceed new disbursements), which has no rank; a blank "
        "cell has no figure in the source.",
    ),
    "fdi-japan-rank-grid.png": (
        "Japan's rank among each member's direct investors",
        "Japan's rank among each ASEAN member's sources of direct investment, one line per "
        "source and definition (flows, positions or registered capital, host- or "
        "investor-reported), each with its own dash and marker. Basis: each line as its source "
        "reports it; definitions differ, so compare ranks, never levels, across lines; a "
        "dotted line marked 'new definition' "
        "is a break the source records in its own definition (values on its two sides are "
        "not like for like). Gaps: no rank where Japan's investment is zero or a net "
        "disinvestment; a panel without lines has no recorded data.",
    ),
    "fdi-top-investors.png": (
        "Each member's largest direct investors",
        "Each member's largest direct investors by rank over time (inward position), from the "
        "dataset with that member's latest figures; Japan in bold. Basis: as the dataset "
        "reports it (each panel names its dataset; partner sets differ by dataset). Gaps: "
        "grey bands are years without data.",
    ),
    "fdi-japan-outward-position.png": (
        "Japan's outward FDI position: ASEAN, China, the US, the EU",
        "Japan's outward direct investment position (year-end, US$ billion) in ASEAN against "
        "China, the United States and the EU. Basis: Japan's own statistics as JETRO publishes "
        "them, its own ASEAN and EU rows; the dotted line marks the change of balance-of-"
        "payments manual (BPM5 to BPM6).",
    ),
    "fdi-investors-as-each-reports.png": (
        "Japan vs the US as investors in each member, as each reports it",
        "Each investor's own figures of its direct investment position in each ASEAN member "
        "(year end, US$ billion): Japan's from the Bank of Japan, the United States' from the "
        "U.S. Bureau of Economic Analysis (BEA), both on the directional principle. Basis: "
        "source-reported (the investor's statistics, not the member's), so these values are "
        "never ranked, and never with host-reported FDI. Gaps: a shaded year is one BEA "
        "published without a figure ((D) suppressed to avoid disclosing individual companies, "
        "(*) under US$0.5 million; gaps.csv), never a zero; the dotted line marks the change "
        "from BEA's 2009-2019 workbook to its 2020-2024 one (a possible revision break); the "
        "Bank of Japan gives no position by country for Brunei, Cambodia, Laos and Myanmar.",
    ),
    "overview-heatmaps.png": (
        "Japan's rank in trade, ODA and FDI at a glance",
        "Japan's rank among each member's partners, member by year, one panel per source: "
        "trade, ODA (net and gross) and FDI (stocks and flows); darker is higher. Basis: as "
        "each panel's title says. Gaps: white is no recorded data (not zero); a dot marks "
        "Japan present without a rank (net repayments or disinvestment).",
    ),
}


def caption(name: str) -> tuple[str, str]:
    """A figure's title and the words under it in the report (CAPTIONS; bump charts per
    member); empty strings for a name CAPTIONS does not know."""
    from .countries import short_name

    if name in CAPTIONS:
        return CAPTIONS[name]
    parts = name.split("-")
    if len(parts) == 3 and parts[0] == "bump":
        title, text = CAPTIONS["bump-{member}-trade.png"]
        member = short_name(parts[1])
        return title.format(member=member), text.format(member=member)
    return "", ""


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
        if plots.major_partners_dataset() is not None:
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
        if any(not e.get("ranked", True) for e in datasets("fdi").values()):
            out["fdi-investors-as-each-reports.png"] = lambda: plots.investors_as_each_reports()
    if have:
        out["overview-heatmaps.png"] = lambda: plots.overview_heatmaps()
    return out


PNG_DPI = 110


def tight_box(fig, dpi: float, pad: float = 0.1):
    """The figure's tight bounding box (inches, padded as savefig pads it), measured in one
    layout pass without rendering: given to both savefig calls, it replaces the layout pass
    each of them makes for ``bbox_inches="tight"``."""
    with matplotlib_dpi(fig, dpi):
        fig.draw_without_rendering()
        return fig.get_tightbbox(fig.canvas.get_renderer()).padded(pad)


@contextlib.contextmanager
def matplotlib_dpi(fig, dpi: float):
    """``fig`` at ``dpi`` for the block (text is measured at the resolution it is drawn at)."""
    old = fig.dpi
    fig.dpi = dpi
    try:
        yield
    finally:
        fig.dpi = old


def write_figures(folder: Path) -> list[Path]:
    """Each figure as PNG and SVG, with the rankings rows it draws beside it as CSV (same
    name); returns the PNGs."""
    import matplotlib

    matplotlib.use("Agg")
    from functools import partial

    import matplotlib.pyplot as plt

    from .snapshot import FLOAT_FORMAT
    from .tempdirs import write_output

    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, make in figures().items():
        fig = make()
        path = folder / name
        box = tight_box(fig, dpi=PNG_DPI)  # measured once for both files
        # each file through a temporary one and a rename (a symlink there is replaced, never
        # followed); metadata: no date, so an SVG drawn from the same data is the same file
        write_output(path, partial(fig.savefig, dpi=PNG_DPI, bbox_inches=box))
        svg = partial(fig.savefig, bbox_inches=box, metadata={"Date": None})
        write_output(path.with_suffix(".svg"), svg)
        data = getattr(fig, "data", None)
        if data is not None:
            csv = partial(data.to_csv, index=False, float_format=FLOAT_FORMAT)
            write_output(path.with_suffix(".csv"), csv)
        plt.close(fig)
        out.append(path)
    return out


def claims_outputs(file: str | Path | None = None) -> tuple[Path, Path]:
    """Where a claim file's verdicts and evidence go. The article's (the default file) are part
    of the snapshot: data/processed/claims.csv and claims_evidence.csv, committed and read by
    the README, the report and notebook 04. Any other file's go to reports/claims/<stem>.csv and
    <stem>_evidence.csv, so checking one's own claims never overwrites the article's verdicts."""
    from . import claims
    from .paths import processed_dir

    default = Path(claims.DEFAULT_FILE).resolve()
    if file is None or Path(file).expanduser().resolve() == default:
        out = processed_dir()
        return out / "claims.csv", out / "claims_evidence.csv"
    stem = Path(file).stem
    out = reports_dir() / "claims"
    return out / f"{stem}.csv", out / f"{stem}_evidence.csv"


def write_claims(file: str | Path | None = None):
    """Check a claim file against the snapshot; write its verdicts and evidence where
    ``claims_outputs`` says."""
    from . import claims
    from .query import material_gaps, rankings
    from .rawstore import atomic_write
    from .snapshot import read_manifest

    if file is not None and not str(file).strip():
        raise claims.ValidationError(
            "claim file '': an empty path; name a TOML file or omit --file"
        )
    path = Path(file) if file else claims.DEFAULT_FILE
    table = rankings()
    checked = claims.load(path, table)  # a wrong claim file fails here, before the gaps' work
    verdicts, evidence = claims.check(
        checked, table, claims.dataset_vintages(read_manifest()), material_gaps(table)
    )
    for target, frame in zip(claims_outputs(file), (verdicts, evidence), strict=True):
        text = frame.to_csv(index=False, float_format="%.12g", lineterminator="\n")
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(target, text.encode("utf-8"))
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
    from .query import rankings, select

    if len(table.columns) <= 1:
        return "Japan's rank among each ASEAN member's trade partners: no trade dataset in the snapshot."
    names = sorted(str(n) for n in select(rankings())["dataset"].unique())
    sources = "; ".join(catalog.describe(n) for n in names)
    return (
        "Japan's rank among each ASEAN member's trade partners (exports + imports; the headline "
        "series, each year from the dataset the headline rule picks: " + sources + ";\n"
        "m = from partners' reports (mirror), e = mostly IMF estimates, * = among a restricted "
        "partner set, - = no data; `asean-japan rank ISO3 --year Y` says which dataset "
        "answers):\n" + table.to_string(index=False)
    )


STAMP = ".made-from.json"  # in reports/: what the outputs were made from, and the outputs
NOTEBOOK_WORKERS = 2  # kernels at once: the machines this runs on have two cores or more


def outputs_fingerprint(execute_notebooks: bool) -> str:
    """sha256 of everything the figures, claims, notebooks and report are made from: the
    snapshot's files (by the manifest's checksums), all package code and mapping files, the
    notebooks, the claim file and the plotting and notebook libraries' versions."""
    from importlib import metadata

    from .paths import PACKAGE_DIR
    from .snapshot import read_manifest

    h = hashlib.sha256()
    manifest = read_manifest()
    h.update(json.dumps(manifest.get("files", {}), sort_keys=True).encode())
    h.update(json.dumps(manifest.get("datasets", {}), sort_keys=True).encode())
    # the package's code, mapping data, templates and the article's claims, then the notebooks'
    # sources (not the .ipynb: Lab's scratch), each named relative to its folder
    files = [
        (str(p.relative_to(PACKAGE_DIR)), p)
        for p in sorted(PACKAGE_DIR.rglob("*"))
        if p.suffix in (".py", ".csv", ".toml", ".j2")
    ]
    files += [(f"notebooks/{notebook_source(n).name}", notebook_source(n)) for n in NOTEBOOKS]
    for name, p in files:
        if p.is_file() and "__pycache__" not in p.parts:
            h.update(name.encode())
            h.update(p.read_bytes())
    for lib in ("matplotlib", "pandas", "numpy", "nbconvert", "nbclient", "ipykernel"):
        try:
            h.update(f"{lib}={metadata.version(lib)}".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{lib}=none".encode())
    h.update(f"notebooks={execute_notebooks}".encode())
    return h.hexdigest()


def outputs_up_to_date(out: Path, fingerprint: str) -> bool:
    """True when ``out`` holds outputs made from ``fingerprint``, each file unchanged."""
    from .paths import processed_dir
    from .rawstore import sha256_file

    try:
        stamp = json.loads((out / STAMP).read_text(encoding="utf-8"))
        if stamp.get("fingerprint") != fingerprint:
            return False
        for rel, sha in stamp["outputs"].items():
            path = (
                processed_dir() / rel[len("processed:") :]
                if rel.startswith("processed:")
                else out / rel
            )
            if not path.is_file() or sha256_file(path) != sha:
                return False
        return True
    except (OSError, ValueError, KeyError, AttributeError, TypeError):
        return False


def _write_stamp(out: Path, fingerprint: str, files: list[Path]) -> None:
    from .paths import processed_dir
    from .rawstore import atomic_write, sha256_file

    outputs = {}
    for p in files:
        p = Path(p)
        if p.is_relative_to(out):
            rel = p.relative_to(out).as_posix()
        else:
            rel = "processed:" + p.relative_to(processed_dir()).as_posix()
        outputs[rel] = sha256_file(p)
    body = json.dumps({"fingerprint": fingerprint, "outputs": outputs}, indent=1, sort_keys=True)
    atomic_write(out / STAMP, body.encode())


def execute_all(
    names: tuple[str, ...], out: Path, alongside: Callable[[], object] | None = None
) -> list[Path]:
    """Run the notebooks in ``NOTEBOOK_WORKERS`` kernels, each kernel a process of its own that
    runs notebook after notebook (cleared between them: ``report.reset_kernel``; a kernel per
    notebook spent a second or more each starting, importing and reading the rankings again),
    all driven by nbclient's asyncio client from one thread of this process (an interpreter
    started per notebook only to drive its kernel spent 1.3 s importing nbclient and
    nbformat). Progress is printed in the notebooks' order. A failure names the notebook
    and stops the others' kernels; so does Ctrl-C, which reaches this (main) thread as
    KeyboardInterrupt, as the event loop runs in a thread of its own (where nbclient installs
    no signal handlers, and which works under an event loop already running, as in Jupyter).

    ``alongside``: work that needs no notebook (the job's figures and claims), done in this
    thread while the kernels run, so the cores the kernels leave idle are used; an error in it
    stops the kernels as Ctrl-C does, and is raised."""
    import asyncio
    import threading

    from .errors import SourceError
    from .report import execute_notebook_async, kernel, reset_kernel

    env = {**os.environ, "MPLBACKEND": "Agg"}
    done: dict[str, Path] = {}
    printed: list[str] = []
    running: list[tuple[asyncio.AbstractEventLoop, asyncio.Task]] = []  # to cancel from here
    errors: list[BaseException] = []  # what ended the event loop's thread

    cwd = notebook_source(names[0]).parent if names else Path.cwd()  # the notebooks' folder

    async def worker(queue: list[str]) -> None:
        async with kernel(cwd, env) as km:
            first = True
            while queue:
                name = queue.pop(0)
                try:
                    if not first:
                        await reset_kernel(km, cwd)
                    first = False
                    done[name] = await execute_notebook_async(
                        notebook_source(name), out / "notebooks" / name, km=km
                    )
                except Exception as exc:
                    raise _NotebookFailed(name, exc) from exc
                while len(printed) < len(names) and names[len(printed)] in done:
                    shown = names[len(printed)]
                    print(f"Executed notebooks/{notebook_source(shown).name} -> {done[shown]}")
                    printed.append(shown)

    async def run_all() -> None:
        task = asyncio.current_task()
        assert task is not None
        running.append((asyncio.get_running_loop(), task))
        queue = list(names)  # each kernel takes the next notebook when it is free
        tasks = [
            asyncio.create_task(worker(queue)) for _ in range(min(NOTEBOOK_WORKERS, len(names)))
        ]
        try:
            await asyncio.gather(*tasks)
        finally:  # a failure or an interrupt: the other kernels are shut down, not left
            for pending in tasks:
                pending.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    def drive() -> None:
        try:
            asyncio.run(run_all())
        except BaseException as exc:  # handed to the main thread
            errors.append(exc)
        finally:
            ended.set()

    # waited for through an Event: a Thread.join that Ctrl-C interrupts marks the thread
    # ended while it runs (CPython 3.11), and the kernels' shutdown would be cut short
    ended = threading.Event()
    threading.Thread(target=drive, name="asean-japan-notebooks", daemon=True).start()
    try:
        if alongside is not None:
            alongside()
        while not ended.wait(0.2):
            pass
    except BaseException:  # Ctrl-C, or an error of the work alongside
        while not running and not ended.wait(0.01):
            pass
        for loop, task in running:
            loop.call_soon_threadsafe(task.cancel)
        ended.wait()
        raise
    error = errors[0] if errors else None
    if isinstance(error, _NotebookFailed):
        import traceback

        exc = error.error
        if isinstance(exc, SourceError):  # execute_notebook_async said what failed, and where
            raise exc
        text = "".join(traceback.format_exception_only(exc)).strip()
        raise SourceError(
            "notebooks",
            f"notebooks/{notebook_source(error.name).name}",
            "the notebook stopped with an error: " + " ".join(text.splitlines()[-3:]),
            "Open it with `make lab`, run it top to bottom and fix the failing cell.",
        ) from exc
    if error is not None:
        raise error
    return [done[name] for name in names]


class _NotebookFailed(Exception):
    """A notebook of ``execute_all`` stopped: which one, and the error."""

    def __init__(self, name: str, error: Exception) -> None:
        super().__init__(name)
        self.name = name
        self.error = error


def main_job(rebuild: bool = True, execute_notebooks: bool = True, force: bool = False) -> int:
    from .pipeline import build, find_inputs
    from .query import japan_rank_table
    from .report import render_html
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
    fingerprint = outputs_fingerprint(execute_notebooks)
    if not force and outputs_up_to_date(out, fingerprint):
        print(
            f"Figures, claims{', notebooks' if execute_notebooks else ''} and report in {out} "
            "are up to date (snapshot, code, notebooks and claims unchanged); --force redraws."
        )
    else:
        done: dict[str, object] = {}

        def figures_and_claims() -> None:  # needs no notebook: drawn while they run
            done["figures"] = write_figures(out / "figures")
            print(f"Wrote {len(done['figures'])} figures to {out / 'figures'}.")
            done["claims"] = write_claims()
            print(f"Checked {len(done['claims'][0])} claims -> data/processed/claims.csv.")

        executed = []
        if execute_notebooks:
            executed = execute_all(NOTEBOOKS, out, alongside=figures_and_claims)
        else:
            figures_and_claims()
        figs: list[Path] = done["figures"]  # type: ignore[assignment]
        verdicts, evidence = done["claims"]  # type: ignore[misc]
        made = [
            *figs,
            *(
                f.with_suffix(x)
                for f in figs
                for x in (".svg", ".csv")
                if f.with_suffix(x).is_file()
            ),
        ]
        from .paths import processed_dir

        made += [processed_dir() / "claims.csv", processed_dir() / "claims_evidence.csv"]
        if execute_notebooks:
            index = render_html(executed, figs, out / "html", verdicts, evidence)
            made += [*executed, *sorted((out / "html").glob("*.html"))]
            print(f"Report: {index} (open it in a browser; works offline)")
        _write_stamp(out, fingerprint, made)
    print()
    print(datasets_text())
    print()
    print(rank_table_text(japan_rank_table()))
    print(f"\nDone in {time.perf_counter() - t0:.1f} s.")
    return 0
