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

from . import catalog, claims, query
from .catalog import datasets
from .countries import JAPAN, asean_members
from .errors import SourceError
from .loaders import load_json
from .paths import PACKAGE_DIR, notebooks_dir, processed_dir, reports_dir
from .query import japan_rank_table, material_gaps, rankings, select
from .rawstore import atomic_write, sha256_file
from .snapshot import FLOAT_FORMAT, add_files, built_by_build, read_manifest
from .tempdirs import write_output

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


def figures() -> dict[str, Callable[[], object]]:
    """The main job's figures: file name -> chart. Trade charts only when the snapshot holds a
    trade dataset; ODA and FDI grids draw whichever of their datasets the snapshot holds."""
    from . import plots  # deferred: matplotlib, only when the job draws figures

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
    bodies = [
        frame.to_csv(index=False, float_format="%.12g", lineterminator="\n").encode("utf-8")
        for frame in (verdicts, evidence)
    ]
    targets = claims_outputs(file)
    if targets[0].parent == processed_dir():  # the article's: listed in the snapshot's manifest
        add_files(processed_dir(), {t.name: b for t, b in zip(targets, bodies, strict=True)})
    else:
        for target, body in zip(targets, bodies, strict=True):
            target.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(target, body)
    return verdicts, evidence


def datasets_text() -> str:
    """What the snapshot holds, per dataset: years, origin and vintage (where the answers stop)."""
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
    # left-aligned columns, the vintage last and unpadded: one long vintage (a yearbook's
    # editions) must not widen every line of the table to its length
    names = list(rows[0])
    width = {n: max(len(n), *(len(str(r[n])) for r in rows)) for n in names[:-1]}
    lines = [
        "  ".join([*(str(r[n]).ljust(width[n]) for n in names[:-1]), str(r[names[-1]])])
        for r in [dict(zip(names, names, strict=True)), *rows]
    ]
    return "Datasets in the snapshot (newest data first):\n" + "\n".join(lines)


def rank_table_text(table: pd.DataFrame) -> str:
    """Japan's rank table with a title naming the datasets it rests on (from the manifest)."""
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

    h = hashlib.sha256()
    manifest = read_manifest()
    built = {k: v for k, v in manifest.get("files", {}).items() if built_by_build(k)}
    h.update(json.dumps(built, sort_keys=True).encode())  # not the claims' own outputs
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

    try:  # the stamp of a run is a hint: any doubt means making the outputs again
        stamp = load_json(out / STAMP, "run", "a run's stamp", "", _stamp_problem)
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
    except (SourceError, OSError, ValueError, KeyError, AttributeError, TypeError):
        return False


def _stamp_problem(stamp: object) -> str | None:
    if not isinstance(stamp, dict) or not isinstance(stamp.get("outputs"), dict):
        return "expected a table with a table of outputs"
    return None


def _write_stamp(out: Path, fingerprint: str, files: list[Path]) -> None:

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
    """Run the notebooks ``NOTEBOOK_WORKERS`` at a time, each in a kernel of its own (a process;
    reusing a kernel for the next notebook saved its start but hung once in about ten runs),
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

    from .report import execute_notebook_async  # deferred: nbclient, kernels (the job only)

    env = {**os.environ, "MPLBACKEND": "Agg"}
    done: dict[str, Path] = {}
    printed: list[str] = []
    running: list[tuple[asyncio.AbstractEventLoop, asyncio.Task]] = []  # to cancel from here
    errors: list[BaseException] = []  # what ended the event loop's thread

    async def worker(queue: list[str]) -> None:
        while queue:
            name = queue.pop(0)
            try:  # a kernel of its own per notebook (reusing one hung once in ~10 runs)
                done[name] = await execute_notebook_async(
                    notebook_source(name), out / "notebooks" / name, env=env
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
    # deferred: the build and every source module, the report's templates (the job only; the
    # claims command imports this module too)
    from .pipeline import build, find_inputs
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
