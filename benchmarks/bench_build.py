"""Wall time and peak memory of the build, against the floor of bare workbook decoding.

Each measurement runs in a fresh Python process (so peak memory is its own):
- floor: read every cell of the 235 DOTS workbooks with python-calamine, one core, nothing else;
- trade_focus / trade_world: the 235 workbooks alone: parse + clean + mirror + rank, for the
  committed scope (Japan, ASEAN members, ASEAN) or for every reporter;
- build_focus / build_world: the whole pipeline.build_tables (trade, ODA and FDI), in memory;
- write_focus: build_focus plus writing the snapshot files;
- rank_focus / rank_world: the ranking step alone, on observations prepared beforehand.

Usage: python benchmarks/bench_build.py [--repeat N]   (needs ../shared/data)
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


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


def _trade(scope: str) -> None:
    """The 235 workbooks alone: parse, clean (codes, validation), mirror, rank."""
    from analysis.countries import FOCUS
    from analysis.pipeline import locate
    from analysis.rank import rank_observations
    from analysis.sources import REGISTRY

    countries = frozenset(FOCUS) if scope == "focus" else None
    src = REGISTRY["imf_dots_xlsx"]
    raw = locate(src)
    obs = src.to_observations(src.parse(raw), raw, countries)
    rank_observations(obs, countries)


def _write_focus() -> None:
    from analysis.pipeline import build_tables, find_inputs
    from analysis.snapshot import write

    r = build_tables(find_inputs(), scope="focus")
    with tempfile.TemporaryDirectory() as d:
        write(Path(d), r.observations, r.rankings, r.manifest)


def _rank(scope: str) -> float:
    from analysis.countries import FOCUS
    from analysis.pipeline import locate
    from analysis.rank import rank_observations
    from analysis.sources import REGISTRY

    src = REGISTRY["imf_dots_xlsx"]
    raw = locate(src)
    obs = src.to_observations(src.parse(raw), raw, None)
    t = time.perf_counter()
    rank_observations(obs, frozenset(FOCUS) if scope == "focus" else None)
    return time.perf_counter() - t


CASES = {
    "floor": _floor,
    "trade_focus": lambda: _trade("focus"),
    "trade_world": lambda: _trade("world"),
    "build_focus": lambda: _build("focus"),
    "build_world": lambda: _build("world"),
    "write_focus": _write_focus,
    "rank_focus": lambda: _rank("focus"),
    "rank_world": lambda: _rank("world"),
}


def _one(name: str) -> None:
    t = time.perf_counter()
    inner = CASES[name]()
    seconds = inner if isinstance(inner, float) else time.perf_counter() - t
    print(json.dumps({"case": name, "seconds": seconds, "peak_mb": _peak_mb()}))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--one", choices=list(CASES))
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    if args.one:
        _one(args.one)
        return
    results: dict[str, list[dict]] = {}
    for _ in range(args.repeat):
        for name in CASES:
            out = subprocess.run(
                [sys.executable, __file__, "--one", name],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            results.setdefault(name, []).append(json.loads(out.strip().splitlines()[-1]))
    best = {k: min(v, key=lambda r: r["seconds"]) for k, v in results.items()}
    floor = best["floor"]["seconds"]
    print(f"{'case':<12} {'best s':>8} {'x floor':>8} {'peak MB':>8}   (best of {args.repeat})")
    for name, r in best.items():
        print(f"{name:<12} {r['seconds']:8.2f} {r['seconds'] / floor:8.2f} {r['peak_mb']:8.0f}")
    print("targets: full trade build <= 2x floor and < 10 s, < 1024 MB; rank_world < 1 s")


if __name__ == "__main__":
    main()
