"""Pure logic (hand-made inputs, no real files) beside tests/integration/test_rank_charts.py: Rank
charts: inverted axes with a band for ranks beyond the last one shown (no line leaves a panel), and
names at the line ends that never overlap."""

from __future__ import annotations

import numpy as np  # noqa: E402

from analysis.plots.style import _spread, band_bottom, rank_y  # noqa: E402


def test_ranks_beyond_the_axis_go_into_the_band_in_order() -> None:
    y = rank_y([1, 10, 11, 14, 40, np.nan], 10)  # hand-built ranks
    assert y[:2].tolist() == [1.0, 10.0]
    assert 10.5 < y[2] < y[3] < y[4] <= band_bottom(10)  # deeper is lower, all inside
    assert np.isnan(y[5])  # no rank: a gap, not a point


def test_spread_keeps_order_and_limits() -> None:
    assert _spread([4.0, 4.0, 4.1], 0.5, 0.0, 12.0) == [4.0, 4.5, 5.0]
    assert _spread([11.9, 11.95], 0.5, 0.0, 12.0) == [11.5, 12.0]  # pushed back up
    assert _spread([1.0, 6.0], 0.5, 0.0, 12.0) == [1.0, 6.0]  # apart already: untouched
