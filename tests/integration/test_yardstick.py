"""The benchmark's DuckDB yardstick (benchmarks/duckdb_rank.py) ranks as the package does.

It re-encodes the trade ranking rules in SQL, so a rule changed in ``rank_trade`` and not
there (or the reverse) would make the benchmark time different work. Checked here on a real
sample, the committed snapshot's IMF DOTS observations (Japan, the ASEAN members, ASEAN, with
every partner's mirror report of them), every economy in it ranked by both, row for row.
polars (benchmarks/polars_rank.py) is checked the same way by ``make bench --check`` only: it
is not in the test suite's lock, and one independent engine is what this check needs.
"""

from __future__ import annotations

import importlib
import sys

import numpy as np
import pandas as pd
import pytest

from analysis import snapshot
from analysis.paths import PROJECT_ROOT
from analysis.rank import rank_observations

DATASET = "imf_dots_xlsx"


def _benchmark_module(name: str):
    sys.path.insert(0, str(PROJECT_ROOT / "benchmarks"))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(PROJECT_ROOT / "benchmarks"))


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    obs = snapshot.load_observations()
    d = obs[(obs["dataset"] == DATASET).to_numpy()]
    assert len(d) > 100_000, "the committed snapshot lost its DOTS observations"
    return d.assign(dataset=d["dataset"].cat.remove_unused_categories())


@pytest.fixture(scope="module")
def both(sample: pd.DataFrame) -> tuple[dict, dict]:
    yardstick = _benchmark_module("yardstick")
    duckdb_rank = _benchmark_module("duckdb_rank")
    theirs = yardstick.gather(duckdb_rank.rank_world(sample, threads=2))
    ours = yardstick.package_rows(rank_observations(sample), yardstick.encode(sample))
    return theirs, ours


def test_the_duckdb_yardstick_gives_the_packages_rows(both: tuple[dict, dict]) -> None:
    theirs, ours = both
    result = _benchmark_module("yardstick").compare(theirs, ours)
    assert result["rows"] > 1_000_000
    assert result == {**result, "rows_one_side": 0, "rows_differ": 0, "duplicate_keys": 0}


def test_the_comparison_sees_one_rank_and_one_row_changed(both: tuple[dict, dict]) -> None:
    """The check can fail: one rank moved and one row dropped on our side are counted."""
    theirs, ours = both
    moved = {k: v.copy() for k, v in ours.items()}
    ranked = np.flatnonzero(moved["rank"] > 0)
    moved["rank"][ranked[0]] += 1
    dropped = {k: np.delete(v, ranked[1]) for k, v in moved.items()}
    result = _benchmark_module("yardstick").compare(theirs, dropped)
    assert (result["rows_one_side"], result["rows_differ"]) == (1, 1)
