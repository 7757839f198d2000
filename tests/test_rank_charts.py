"""Rank charts: inverted axes with a band for ranks beyond the last one shown (no line leaves a
panel), and names at the line ends that never overlap. On the committed snapshot (real data),
plus the placement logic on small hand-built numbers (named as such: not data)."""

from __future__ import annotations

import itertools

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from analysis import plots  # noqa: E402
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


def _inside(fig) -> list[str]:
    """Every drawn point of every rank axis (inverted y) outside its y limits."""
    bad = []
    for ax in fig.axes:
        bottom, top = ax.get_ylim()
        if bottom <= top:
            continue  # not a rank axis
        for line in ax.get_lines():
            if line.get_transform() != ax.transData:
                continue  # drawn in axes coordinates (a dataset-switch line spans the panel)
            y = np.asarray(line.get_ydata(), dtype=float)
            y = y[np.isfinite(y)]
            if len(y) and (y.max() > bottom or y.min() < top):
                bad.append(f"{ax.get_title()}: {line.get_label()} {y.min()}..{y.max()}")
    return bad


def _overlaps(fig) -> list[tuple[str, str]]:
    """Pairs of end labels (texts of the axes) whose drawn boxes overlap."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    out = []
    for ax in fig.axes:
        boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in ax.texts if t.get_text()]
        for (a, ba), (b, bb) in itertools.combinations(boxes, 2):
            if ba.overlaps(bb):
                out.append((a, b))
    return out


def test_viet_nam_bump_chart_keeps_every_line_inside() -> None:
    """Viet Nam's trade partners 1990-2020 (IMF DOTS): France and others fall far below rank
    10; they are drawn in the band, and no name covers another."""
    fig = plots.bump_chart("VNM")
    ax = fig.axes[0]
    assert _inside(fig) == []
    deep = [y for line in ax.get_lines() for y in line.get_ydata() if np.isfinite(y) and y > 10.5]
    assert deep, "some partner ranked below 10 in some year should be drawn in the band"
    assert [t.get_text() for t in ax.get_yticklabels()][-1] == ">10"
    names = {t.get_text() for t in ax.texts}
    assert {"Japan", "China", "United States"} <= names
    assert _overlaps(fig) == []
    plt.close(fig)


@pytest.mark.parametrize(
    "make",
    [
        plots.japan_rank_grid,
        plots.oda_japan_rank_grid,
        plots.fdi_japan_rank_grid,
        plots.top_investors_grid,
        plots.asean_among_japan,
        plots.asean_partners,
    ],
    ids=lambda f: f.__name__,
)
def test_every_rank_chart_stays_in_its_panels(make) -> None:
    fig = make()
    assert _inside(fig) == []
    assert _overlaps(fig) == []
    rank_axes = [ax for ax in fig.axes if ax.get_ylim()[0] > ax.get_ylim()[1]]
    assert rank_axes
    # every rank axis ends in the band (shared axes show the tick labels on the first only)
    assert {ax.get_ylim()[0] for ax in rank_axes} <= {band_bottom(10), band_bottom(15)}
    assert [t.get_text() for t in rank_axes[0].get_yticklabels()][-1] in (">10", ">15")
    plt.close(fig)


def test_labels_crowded_in_the_band_are_nudged_apart() -> None:
    """Hand-built rankings (not data): five partners end at ranks 1, 11, 12, 13 and 14 in the
    last year, four of them inside the band where their lines end 0.1 apart."""
    rows = []
    for year in (2000, 2001, 2002):
        for partner, rank in (("JPN", 1), ("CHN", 11), ("USA", 12), ("KOR", 13), ("DEU", 14)):
            r = (
                rank
                if year == 2002
                else {"JPN": 1, "CHN": 2, "USA": 3, "KOR": 4, "DEU": 5}[partner]
            )
            rows.append(
                {
                    "dataset": "handmade",
                    "measure": "trade",
                    "variant": "countries",
                    "basis": "best",
                    "country": "VNM",
                    "year": year,
                    "partner": partner,
                    "rank": float(r),
                    "value_usd_m": 100.0 - r,
                    "share": 0.1,
                    "value_basis": "reported",
                }
            )
    fig = plots.bump_chart("VNM", df=pd.DataFrame(rows), dataset="handmade", note="handmade")
    assert _inside(fig) == []
    ax = fig.axes[0]
    ys = sorted(t.get_position()[1] for t in ax.texts if t.get_text() != "Japan")
    assert len(ys) == 4 and min(np.diff(ys)) > 0.3  # a text line apart, not 0.1
    assert max(ys) <= band_bottom(10)
    assert _overlaps(fig) == []
    plt.close(fig)
