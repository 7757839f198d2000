"""Wall time and peak memory of the build, against the floor of bare workbook decoding, and the
world ranking beside DuckDB doing the same work.

Each measurement runs in a fresh Python process (so peak memory is its own), one thread each
(numpy's thread pools and DuckDB's ``SET threads=1``):
- floor: read every cell of the 235 DOTS workbooks with python-calamine, nothing else;
- trade_focus / trade_world: the 235 workbooks alone: parse + clean + mirror + rank, for the
  committed scope (Japan, ASEAN members, ASEAN) or for every reporter;
- build_focus: the whole pipeline.build_tables (trade, ODA and FDI), in memory;
- write_focus: build_focus plus writing the snapshot files;
- build_world: the world build command's work (``pipeline.build(scope="world")``: every
  source parsed, every reporter's observations written; rankings on demand);
- rank_focus: the ranking step alone, on observations prepared beforehand;
- rank_world: every reporter of the 235 workbooks ranked, economy batch by economy batch
  (``rank_in_batches``, each batch dropped once ranked, as a writer would);
- duckdb_world: the same ranking as one DuckDB SQL query (benchmarks/duckdb_rank.py; needs
  the bench extra: ``pip install -r requirements-bench.lock``); ``--check`` also matches its
  rows against ours (row for row: ranks, partner counts, bases, values);
- rank_economy: one economy's complete ranking on demand, the slowest of the focus economies
  on the committed snapshot's observations and of five reporters on the world observations.
- world_floor: the world build's floor, like for like: the 235 DOTS workbooks decoded by
  python-calamine in as many worker processes as the build parses them in, every other raw
  file the build reads read as bytes (build_world divides by it);
- run_force: ``asean-japan run --force`` as a command (figures, claims, notebooks, report;
  the snapshot up to date), reports to a temporary folder;
- run_floor: run's floor, like for like: the same processes doing no drawing: the command's
  process imports the package, matplotlib and the notebook client and reads the rankings
  and observations, and as many kernels as run starts (as many at a time) each import the
  package and read the rankings (run_force divides by it);
- rank_cli / help_cli: ``asean-japan rank JPN`` and ``asean-japan --help`` as commands,
  warm (each run once before it is timed).
The command cases' "s" and "cpu s" are the command's wall and CPU seconds, its children's
(kernels, workers) included.

"s" is the measured step; "process s" the whole process from the script's start (imports,
reading, the step), the figure the "whole process" targets are about; "cpu s" the CPU time of
the case's own process (workers not counted): on a busy machine it shows what the wall time
would be on an idle one.

Usage: python benchmarks/bench_build.py [--repeat N] [--cases a,b] [--check]  (needs ../shared/data)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

START = time.perf_counter()
HERE = Path(__file__).resolve().parent
ONE_THREAD = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "NUMEXPR_NUM_THREADS": "1",
}
WORLD_ECONOMIES = ("USA", "DEU", "CHN", "JPN", "THA")


def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + kids) / 1024  # Linux reports KiB; worker processes counted on top


def _floor() -> None:
    from python_calamine import CalamineWorkbook

    from analysis.paths import shared_data_dir

    n = 0
    for p in sorted((shared_data_dir() / "imf_dots_2022").glob("*.xlsx")):
        wb = CalamineWorkbook.from_path(str(p))
        for s in wb.sheet_names:
            n += sum(len(r) for r in wb.get_sheet_by_name(s).to_python())
    assert n > 5_000_000


def _build(scope: str) -> None:
    from analysis.pipeline import build_tables, find_inputs

    build_tables(find_inputs(), scope=scope)


def _dots(countries):
    from analysis.pipeline import locate
    from analysis.sources import REGISTRY

    src = REGISTRY["imf_dots_xlsx"]
    raw = locate(src)
    return src.to_observations(src.parse(raw), raw, countries)


def _trade(scope: str) -> None:
    """The 235 workbooks alone: parse, clean (codes, validation), mirror, rank."""
    from analysis.countries import ASEAN, FOCUS
    from analysis.rank import rank_in_batches, rank_observations

    if scope == "focus":
        countries = frozenset(FOCUS)
        rank_observations(_dots(countries), countries | {ASEAN})  # as the focus build ranks
    else:
        for _ in rank_in_batches(_dots(None)):
            pass


def _write_focus() -> None:
    from analysis.pipeline import build_tables, find_inputs
    from analysis.snapshot import write

    r = build_tables(find_inputs(), scope="focus")
    with tempfile.TemporaryDirectory() as d:
        write(Path(d), r.observations, None, r.manifest, r.extras)  # as `build` writes it


def _build_world() -> None:
    from analysis.pipeline import build

    with tempfile.TemporaryDirectory() as d:
        build(scope="world", force=True, folder=Path(d))


def _rank_focus() -> tuple[float, float]:
    from analysis.countries import ASEAN, FOCUS
    from analysis.rank import rank_observations

    obs = _dots(None)
    t, cpu = time.perf_counter(), time.process_time()
    rank_observations(obs, frozenset((*FOCUS, ASEAN)))
    return time.perf_counter() - t, time.process_time() - cpu


def _rank_world() -> tuple[float, float]:
    from analysis.rank import rank_in_batches

    obs = _dots(None)
    t, cpu = time.perf_counter(), time.process_time()
    n = sum(len(batch) for batch in rank_in_batches(obs))
    seconds = time.perf_counter() - t, time.process_time() - cpu
    assert n > 10_000_000
    return seconds


def _duckdb_world(check: bool = False) -> tuple[float, float] | None:
    try:
        import duckdb  # noqa: F401
    except ImportError:
        return None
    sys.path.insert(0, str(HERE))
    import duckdb_rank

    obs = _dots(None)
    t, cpu = time.perf_counter(), time.process_time()
    con = duckdb_rank.rank_world(obs, threads=1)
    seconds = time.perf_counter() - t, time.process_time() - cpu
    if check:  # in a process of its own: its memory is not DuckDB's
        from analysis.rank import rank_observations

        print(json.dumps({"check": duckdb_rank.compare(con, rank_observations(obs))}))
    return seconds


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _command(args: list[str], env: dict | None = None, warm: bool = False) -> tuple[float, float]:
    """Wall and CPU seconds of ``asean-japan ARGS`` in a process of its own, its children
    (kernels, workers) included; ``warm``: run once untimed first."""
    cmd = [sys.executable, "-m", "analysis", *args]
    run_env = {**os.environ, **(env or {})}
    if warm:
        subprocess.run(cmd, check=True, capture_output=True, env=run_env)
    t, cpu = time.perf_counter(), _children_cpu()
    subprocess.run(cmd, check=True, capture_output=True, env=run_env)
    return time.perf_counter() - t, _children_cpu() - cpu


def _run_force() -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as d:
        return _command(["run", "--force"], env={"ASEAN_JAPAN_REPORTS": d})


_FLOOR_CELL = "from analysis import notebook, plots, query\nquery.rankings();"


def _run_floor() -> tuple[float, float]:
    """run's processes without their drawing (see the module's docstring)."""
    code = (
        "import asyncio, nbformat, sys\n"
        "from pathlib import Path\n"
        "import matplotlib\n"
        "matplotlib.use('Agg')\n"
        "import matplotlib.pyplot\n"
        "from analysis import jobs, plots, query\n"
        "query.rankings(); query.observations()\n"
        "out = Path(sys.argv[1])\n"
        "nb = nbformat.v4.new_notebook()\n"
        f"nb.cells = [nbformat.v4.new_code_cell({_FLOOR_CELL!r})]\n"
        "names = []\n"
        "for name in jobs.NOTEBOOKS:\n"
        "    nbformat.write(nb, out / (Path(name).stem + '.ipynb'))\n"
        "    names.append(name)\n"
        "jobs.notebook_source = lambda name: out / (Path(name).stem + '.ipynb')\n"
        "jobs.execute_all(tuple(names), out)\n"
    )
    with tempfile.TemporaryDirectory() as d:
        t, cpu = time.perf_counter(), _children_cpu()
        subprocess.run([sys.executable, "-c", code, d], check=True, capture_output=True)
        return time.perf_counter() - t, _children_cpu() - cpu


def _world_floor() -> tuple[float, float]:
    """The world build's floor (see the module's docstring): wall and CPU, workers included."""
    from concurrent.futures import ProcessPoolExecutor

    from analysis.pipeline import find_inputs

    t, cpu = time.perf_counter(), time.process_time() + _children_cpu()
    workbooks, other = [], []
    for raw in find_inputs():
        for p in raw.files:
            (workbooks if raw.source == "imf_dots_xlsx" else other).append(str(p))
    for p in other:
        Path(p).read_bytes()
    with ProcessPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:
        n = sum(pool.map(_decode, sorted(workbooks)))
    assert n > 5_000_000
    return time.perf_counter() - t, time.process_time() + _children_cpu() - cpu


def _decode(path: str) -> int:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(path)
    return sum(sum(len(r) for r in wb.get_sheet_by_name(s).to_python()) for s in wb.sheet_names)


def _rank_economy() -> tuple[float, float]:
    """The slowest economy, each ranked with an empty cache (the index of the observations,
    built once per table, is built beforehand: a reader builds it once). Also prints the three
    slowest economies (a note below the table)."""
    from analysis import rank, snapshot
    from analysis.countries import ASEAN, FOCUS

    settings = rank.RankSettings.from_manifest(snapshot.read_manifest()).keywords()
    worst = (0.0, 0.0)
    times: dict[str, float] = {}
    for label, obs, economies in (
        ("focus", snapshot.load_observations(), (*FOCUS, ASEAN)),
        ("world", _dots(None), WORLD_ECONOMIES),
    ):
        index = rank.economy_index(obs)
        rank.rank_economy(obs, economies[0], **settings)  # imports and first-call set-up
        for economy in economies:
            index.rankings.clear()
            t, cpu = time.perf_counter(), time.process_time()
            rank.rank_economy(obs, economy, **settings)
            step = (time.perf_counter() - t, time.process_time() - cpu)
            times[f"{economy} ({label})"] = step[0]
            worst = max(worst, step)
    slow = sorted(times.items(), key=lambda kv: -kv[1])[:3]
    note = "rank_economy, slowest: " + ", ".join(f"{e} {s:.3f} s" for e, s in slow)
    print(json.dumps({"note": note}))
    return worst


CASES = {
    "floor": _floor,
    "trade_focus": lambda: _trade("focus"),
    "trade_world": lambda: _trade("world"),
    "build_focus": lambda: _build("focus"),
    "write_focus": _write_focus,
    "build_world": _build_world,
    "rank_focus": _rank_focus,
    "rank_world": _rank_world,
    "duckdb_world": _duckdb_world,
    "rank_economy": _rank_economy,
    "duckdb_check": lambda: _duckdb_world(check=True),  # --check: not timed
    "world_floor": _world_floor,
    "run_force": _run_force,
    "run_floor": _run_floor,
    "rank_cli": lambda: _command(["rank", "JPN"], warm=True),
    "help_cli": lambda: _command(["--help"], warm=True),
}
# case -> the floor it is divided by in the "x floor" column (the others: floor)
FLOORS = {"build_world": "world_floor", "run_force": "run_floor"}
COMMANDS = ("run_force", "run_floor", "rank_cli", "help_cli")  # "x floor" on "s", not "process"
TARGETS = {  # case -> (what, test on the best result and the others)
    "trade_focus": ("process < 2x floor", lambda r, b: r["process"] < 2 * b["floor"]["process"]),
    "build_world": (
        "process < 5x world_floor, < 2048 MB",
        lambda r, b: (
            "world_floor" in b
            and r["process"] < 5 * b["world_floor"]["process"]
            and r["peak_mb"] < 2048
        ),
    ),
    "rank_world": (
        "<= duckdb_world",
        lambda r, b: "duckdb_world" in b and r["seconds"] <= b["duckdb_world"]["seconds"],
    ),
    "rank_economy": ("< 0.15 s", lambda r, b: r["seconds"] < 0.15),
    "run_force": (
        "< 6x run_floor",
        lambda r, b: "run_floor" in b and r["seconds"] < 6 * b["run_floor"]["seconds"],
    ),
    "rank_cli": ("< 0.5 s", lambda r, b: r["seconds"] < 0.5),
    "help_cli": ("< 0.3 s", lambda r, b: r["seconds"] < 0.3),
}


def _one(name: str) -> None:
    t, cpu = time.perf_counter(), time.process_time() + _children_cpu()
    inner = CASES[name]()
    cpu = time.process_time() + _children_cpu() - cpu  # worker processes included
    if name.startswith("duckdb") and inner is None:
        print(json.dumps({"case": name, "missing": "pip install -r requirements-bench.lock"}))
        return
    seconds = time.perf_counter() - t
    if isinstance(inner, tuple):  # the step alone: wall and CPU seconds
        seconds, cpu = inner
    process = time.perf_counter() - START
    row = {"case": name, "seconds": seconds, "process": process, "peak_mb": _peak_mb()}
    print(json.dumps({**row, "cpu": cpu}))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--one", choices=list(CASES))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--cases", default=",".join(CASES), help="comma-separated (floor always)")
    ap.add_argument("--check", action="store_true", help="match DuckDB's rows against ours")
    args = ap.parse_args()
    if args.one:
        _one(args.one)
        return
    asked = [c for c in args.cases.split(",") if c in CASES and c not in ("floor", "duckdb_check")]
    names = ["floor", *asked]
    env = {**os.environ, **ONE_THREAD}
    results: dict[str, list[dict]] = {}
    notes: dict[str, str] = {}
    runs = [name for _ in range(args.repeat) for name in names]
    for name in runs + (["duckdb_check"] if args.check else []):
        cmd = [sys.executable, __file__, "--one", name]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env).stdout
        for line in out.strip().splitlines():
            row = json.loads(line)
            if "check" in row:
                print(f"duckdb_world --check: {row['check']}")
            elif "note" in row:
                notes[name] = row["note"]  # the last run's
            elif "missing" in row:
                print(f"{name}: duckdb is not installed ({row['missing']})")
            elif name != "duckdb_check":
                results.setdefault(name, []).append(row)
    best = {k: min(v, key=lambda r: r["seconds"]) for k, v in results.items()}
    head = (
        f"{'case':<13} {'s':>7} {'process s':>9} {'x floor':>8} {'peak MB':>8} {'cpu s':>7}  target"
    )
    print(f"{head}   (best of {args.repeat}; one thread each)")
    for name, r in best.items():
        what, ok = TARGETS.get(name, ("", None))
        verdict = "" if ok is None else ("met" if ok(r, best) else "NOT met")
        by = "seconds" if name in COMMANDS else "process"
        x = r[by] / best.get(FLOORS.get(name, "floor"), best["floor"])[by]
        print(
            f"{name:<13} {r['seconds']:7.2f} {r['process']:9.2f} {x:8.2f} "
            f"{r['peak_mb']:8.0f} {r['cpu']:7.2f}  {what} {verdict}".rstrip()
        )
    for note in notes.values():
        print(note)


if __name__ == "__main__":
    main()
