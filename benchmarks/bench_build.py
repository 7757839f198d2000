"""Wall time, CPU time and peak memory of the build, against the floor of bare workbook decoding,
and the world ranking beside two yardsticks doing the same work, DuckDB and polars.

Each measurement runs in a fresh Python process (so peak memory is its own); numpy's thread
pools have one thread; a case named ``..._2t`` uses two threads (the package's batches, DuckDB's
``SET threads``, ``POLARS_MAX_THREADS``), the others one:
- floor: read every cell of the 235 DOTS workbooks with python-calamine, nothing else, in one
  process; floor_2p: the same in two processes (as the package parses them), the floor of the
  cases that parse in two ("x floor" divides each case by the floor of as many processes);
- trade_focus / trade_world: the 235 workbooks alone: parse + clean + mirror + rank, for the
  committed scope (Japan, ASEAN members, ASEAN) or for every reporter;
- build_focus: the whole pipeline.build_tables (trade, ODA and FDI), in memory;
- write_focus: build_focus plus writing the snapshot files;
- build_world: the world build command's work (``pipeline.build(scope="world")``: every
  source parsed, every reporter's observations written; rankings on demand);
- rank_focus: the ranking step alone, on observations prepared beforehand;
- rank_world, rank_world_2t: every reporter of the 235 workbooks ranked, economy batch by
  economy batch (``rank_in_batches``, each batch dropped once ranked, as a writer would), one
  batch at a time or two at once;
- duckdb_world(_2t), polars_world(_2t): the same ranking in DuckDB SQL and in lazy polars,
  written for speed on integer codes, results streamed (benchmarks/duckdb_rank.py,
  benchmarks/polars_rank.py; the ``bench`` extra: ``pip install -r requirements-bench.lock``);
  ``--check`` matches each one's rows against ours (row for row: keys, ranks, partner counts,
  value bases, values and totals);
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
reading, the step), the figure the "whole process" targets are about; "cpu s" the CPU seconds
of the step (all its threads), or for a whole-process case of the process and its worker
processes: on a busy machine it shows what the wall time would be on an idle one.
Cases run interleaved (every case once, then again), and the table gives each case's best.

Usage: python benchmarks/bench_build.py [--repeat N] [--cases a,b] [--check] [--readme]
(needs ../shared/data; ``--readme`` writes the table into README.md's Benchmarks block)
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


def _decode(path: Path) -> int:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    return sum(sum(len(r) for r in wb.get_sheet_by_name(s).to_python()) for s in wb.sheet_names)


def _floor(processes: int = 1) -> None:
    """Every cell of the 235 workbooks decoded, in one process or in a pool of ``processes``
    (as ``imf_dots_xlsx.read_folder`` parses them: the same pool, the same chunks)."""
    from concurrent.futures import ProcessPoolExecutor

    from analysis.paths import shared_data_dir

    files = sorted((shared_data_dir() / "imf_dots_2022").glob("*.xlsx"))
    if processes == 1:
        n = sum(map(_decode, files))
    else:
        with ProcessPoolExecutor(max_workers=processes) as pool:
            n = sum(pool.map(_decode, files, chunksize=8))
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


def _rank_world(workers: int = 1) -> tuple[float, float]:
    from analysis.rank import rank_in_batches

    obs = _dots(None)
    t, cpu = time.perf_counter(), time.process_time()
    n = sum(len(batch) for batch in rank_in_batches(obs, workers=workers))
    seconds = time.perf_counter() - t, time.process_time() - cpu
    assert n > 10_000_000
    return seconds


def _yardstick(engine: str, threads: int, check: bool = False) -> tuple[float, float] | None:
    """The world ranking by a yardstick (``duckdb`` or ``polars``), its rows streamed and
    dropped; with ``check``, kept and matched against ours (not timed: in a process of its
    own, its memory is not the engine's)."""
    if engine == "polars":  # read once, when polars is first imported
        os.environ["POLARS_MAX_THREADS"] = str(threads)
    try:
        __import__(engine)
    except ImportError:
        return None
    sys.path.insert(0, str(HERE))
    import yardstick

    module = __import__(f"{engine}_rank")
    kwargs = {"threads": threads} if engine == "duckdb" else {}
    obs = _dots(None)
    t, cpu = time.perf_counter(), time.process_time()
    if check:
        theirs = yardstick.gather(module.rank_world(obs, **kwargs))
    else:
        n = sum(len(batch["value"]) for batch in module.rank_world(obs, **kwargs))
        assert n > 10_000_000
    seconds = time.perf_counter() - t, time.process_time() - cpu
    if check:
        from analysis.rank import rank_observations

        ours = yardstick.package_rows(rank_observations(obs), yardstick.encode(obs))
        print(json.dumps({"check": {engine: yardstick.compare(theirs, ours)}}))
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
    "floor_2p": lambda: _floor(2),
    "trade_focus": lambda: _trade("focus"),
    "trade_world": lambda: _trade("world"),
    "build_focus": lambda: _build("focus"),
    "write_focus": _write_focus,
    "build_world": _build_world,
    "rank_focus": _rank_focus,
    "rank_world": _rank_world,
    "rank_world_2t": lambda: _rank_world(2),
    "duckdb_world": lambda: _yardstick("duckdb", 1),
    "duckdb_world_2t": lambda: _yardstick("duckdb", 2),
    "polars_world": lambda: _yardstick("polars", 1),
    "polars_world_2t": lambda: _yardstick("polars", 2),
    "rank_economy": _rank_economy,
    "world_floor": _world_floor,
    "run_force": _run_force,
    "run_floor": _run_floor,
    "rank_cli": lambda: _command(["rank", "JPN"], warm=True),
    "help_cli": lambda: _command(["--help"], warm=True),
    "duckdb_check": lambda: _yardstick("duckdb", 2, check=True),  # --check: not timed
    "polars_check": lambda: _yardstick("polars", 2, check=True),
}
CHECKS = ("duckdb_check", "polars_check")
YARDSTICKS = ("duckdb_world", "duckdb_world_2t", "polars_world", "polars_world_2t")
ONE_PROCESS = ("floor", *YARDSTICKS)  # the rest parse the workbooks in two processes
# case -> the floor it is divided by in the "x floor" column, like for like (the others: the
# DOTS decoding floor of as many processes, ``_floor_of``)
FLOORS = {"build_world": "world_floor", "run_force": "run_floor"}
COMMANDS = ("run_force", "run_floor", "rank_cli", "help_cli")  # "x floor" on "s", not "process"


def _floor_of(name: str) -> str:
    """The floor a case is divided by: its own (``FLOORS``), else the one of as many
    processes."""
    if name in FLOORS:
        return FLOORS[name]
    return "floor" if name in ONE_PROCESS else "floor_2p"


def _ahead(name: str, peer: str):
    """Target: at most 0.9x the peer's step time, at most 1 GB."""

    def ok(r: dict, b: dict) -> bool:
        return peer in b and r["seconds"] <= 0.9 * b[peer]["seconds"] and r["peak_mb"] <= 1024

    return (f"<= 0.9x {peer}, <= 1024 MB", ok)


TARGETS = {  # case -> (what, test on the best result and the others)
    "trade_focus": (
        "process < 2x floor_2p",
        lambda r, b: r["process"] < 2 * b["floor_2p"]["process"],
    ),
    "build_world": (
        "process < 5x world_floor, < 2048 MB",
        lambda r, b: (
            "world_floor" in b
            and r["process"] < 5 * b["world_floor"]["process"]
            and r["peak_mb"] < 2048
        ),
    ),
    "rank_world": _ahead("rank_world", "polars_world"),
    "rank_world_2t": _ahead("rank_world_2t", "polars_world_2t"),
    "rank_economy": ("< 0.15 s", lambda r, b: r["seconds"] < 0.15),
    "run_force": (
        "< 6x run_floor",
        lambda r, b: "run_floor" in b and r["seconds"] < 6 * b["run_floor"]["seconds"],
    ),
    "rank_cli": ("< 0.5 s", lambda r, b: r["seconds"] < 0.5),
    "help_cli": ("< 0.3 s", lambda r, b: r["seconds"] < 0.3),
}


def _one(name: str) -> None:
    t, cpu, kids = time.perf_counter(), time.process_time(), _children_cpu()
    inner = CASES[name]()
    cpu = time.process_time() - cpu + _children_cpu() - kids  # worker processes included
    if (name in YARDSTICKS or name in CHECKS) and inner is None:
        print(json.dumps({"case": name, "missing": "pip install -r requirements-bench.lock"}))
        return
    seconds = time.perf_counter() - t
    if isinstance(inner, tuple):  # the step alone: wall and CPU seconds
        seconds, cpu = inner
    process = time.perf_counter() - START
    row = {"case": name, "seconds": seconds, "process": process, "peak_mb": _peak_mb()}
    print(json.dumps({**row, "cpu": cpu}))


def _machine() -> str:
    """The CPU model and core count (from /proc/cpuinfo, Linux)."""
    try:
        info = Path("/proc/cpuinfo").read_text()
    except OSError:
        return f"{os.cpu_count()} cores"
    model = next(
        (ln.split(":", 1)[1].strip() for ln in info.splitlines() if "model name" in ln), ""
    )
    return f"{model}, {os.cpu_count()} cores".lstrip(", ")


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def table(best: dict[str, dict], repeat: int) -> list[str]:
    """The table's lines: each case's best run beside its target."""
    head = (
        f"{'case':<15} {'s':>7} {'process s':>9} {'x floor':>8} {'peak MB':>8} {'cpu s':>7}  target"
    )
    lines = [f"{head}   (best of {repeat})"]
    for name, r in best.items():
        what, ok = TARGETS.get(name, ("", None))
        verdict = "" if ok is None else ("met" if ok(r, best) else "NOT met")
        by = "seconds" if name in COMMANDS else "process"
        floor = best[_floor_of(name)][by] if _floor_of(name) in best else float("nan")
        lines.append(
            f"{name:<15} {r['seconds']:7.2f} {r['process']:9.2f} {r[by] / floor:8.2f} "
            f"{r['peak_mb']:8.0f} {r['cpu']:7.2f}  {what} {verdict}".rstrip()
        )
    return lines


README = HERE.parent / "README.md"
BLOCK = (
    "<!-- benchmark: written by benchmarks/bench_build.py --readme -->",
    "<!-- end benchmark -->",
)


def write_readme(text: str) -> None:
    """Replace the README's benchmark block (between the two ``BLOCK`` markers) with ``text``."""
    readme = README.read_text(encoding="utf-8")
    start, end = readme.index(BLOCK[0]) + len(BLOCK[0]), readme.index(BLOCK[1])
    README.write_text(readme[:start] + "\n" + text + "\n" + readme[end:], encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--one", choices=list(CASES))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--cases", default=",".join(CASES), help="comma-separated (floors always)")
    ap.add_argument("--check", action="store_true", help="match the yardsticks' rows against ours")
    ap.add_argument("--readme", action="store_true", help="write the table into README.md")
    args = ap.parse_args()
    if args.one:
        _one(args.one)
        return
    asked = [
        c for c in args.cases.split(",") if c in CASES and c not in (*CHECKS, "floor", "floor_2p")
    ]
    names = ["floor", "floor_2p", *asked]
    env = {**os.environ, **ONE_THREAD}
    results: dict[str, list[dict]] = {}
    notes: dict[str, str] = {}
    checks: list[str] = []
    started, load_before = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), _load()
    runs = [name for _ in range(args.repeat) for name in names]  # interleaved
    for name in runs + (list(CHECKS) if args.check else []):
        cmd = [sys.executable, __file__, "--one", name]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env).stdout
        for line in out.strip().splitlines():
            row = json.loads(line)
            if "check" in row:
                for engine, c in row["check"].items():
                    checks.append(
                        f"--check {engine}: {c['rows']:,} rows of ours, {c['rows_one_side']} on "
                        f"one side only, {c['rows_differ']} differ"
                    )
                    print(checks[-1])
            elif "note" in row:
                notes[name] = row["note"]  # the last run's
            elif "missing" in row:
                print(f"{name}: not installed ({row['missing']})")
            elif name not in CHECKS:
                results.setdefault(name, []).append(row)
    best = {k: min(v, key=lambda r: r["seconds"]) for k, v in results.items()}
    lines = table(best, args.repeat)
    print("\n".join(lines))
    for note in notes.values():
        print(note)
    missed = [
        f"{name} ({TARGETS[name][0]})"
        for name, r in best.items()
        if name in TARGETS and not TARGETS[name][1](r, best)
    ]
    print("targets not met: " + (", ".join(missed) if missed else "none"))
    if args.readme:
        flags = f"--repeat {args.repeat}" + (" --check" if args.check else "")
        if args.cases != ",".join(CASES):
            flags += f" --cases {args.cases}"
        block = [
            f"Measured with `python benchmarks/bench_build.py {flags}` on {started} "
            f"({_machine()}; load average {load_before} at the start, {_load()} at the end):",
            "",
            "```",
            *lines,
            "```",
            "",
            *(f"- {c}" for c in checks),
            *(f"- {n}" for n in notes.values()),
            "- targets not met: " + (", ".join(missed) if missed else "none"),
        ]
        write_readme("\n".join(block))


if __name__ == "__main__":
    main()
