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
from analysis.plots.style import band_bottom  # noqa: E402


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


# --- what each figure of the main job draws (real data) ----------------------------------------
@pytest.mark.parametrize("member", ["BRN", "KHM", "LAO", "MMR", "VNM"])
def test_a_bump_chart_draws_the_latest_top_and_japan(member: str) -> None:
    """At most seven lines (the six largest partners, Japan besides): the six largest in the
    last year drawn, and where that year ranks among a restricted set (BACI's 13 after 2020),
    the largest of the last year among all partners take their place by rank (Thailand for
    Myanmar, which BACI's 13 lack); never every partner ever in a top 5 (16-20 lines)."""
    fig = plots.bump_chart(member)
    d = fig.data
    drawn = set(d["partner"].astype(str))
    assert "JPN" in drawn and len(drawn) <= 7
    last = int(d["year"].max())
    r = plots.trade.query.select(None, measure="trade")
    r = r[(r["country"] == member).to_numpy() & r["rank"].notna().to_numpy()]
    latest = r[r["year"] == last].nsmallest(3, "rank")["partner"].astype(str)
    assert set(latest) <= drawn  # the three largest of the last year at least
    among, _ = plots.trade.restricted_years(r)
    if last in among:
        open_last = max(set(int(y) for y in r["year"]) - set(among))
        top = r[r["year"] == open_last].nsmallest(2, "rank")["partner"].astype(str)
        assert set(top) <= drawn, (open_last, list(top))
    plt.close(fig)


def test_myanmar_a_value_of_one_flow_is_a_gap_not_a_dive() -> None:
    """Myanmar did not report before 2000, so its trade with Thailand comes from Thailand's
    reports: in 1991 Thailand's exports to Myanmar only (US$3.8 million after US$173.7
    million of trade in 1990: rank 27 after 3), in 1994-1995 its imports only, in 1992-1993
    and 1996-1998 nothing. Those ranks are no ranks: the line breaks there, and says why."""
    fig = plots.bump_chart("MMR")
    tha = fig.data[fig.data["partner"] == "THA"]
    years = set(tha["year"].astype(int))
    assert 1990 in years and 1999 in years
    assert not years & {1991, 1994, 1995}
    r = plots.trade.query.select(None, measure="trade")
    row = r[(r["country"] == "MMR") & (r["partner"] == "THA") & (r["year"] == 1991)]
    assert int(row["rank"].iloc[0]) == 27  # in the rankings, not on the chart
    footer = " ".join(t.get_text() for t in fig.texts)
    assert "Thailand 1991, 1994-1995" in " ".join(footer.split())
    plt.close(fig)


@pytest.mark.parametrize(
    "make",
    [
        lambda: plots.bump_chart("VNM"),
        lambda: plots.bump_chart("SGP"),
        plots.japan_rank_grid,
        plots.oda_japan_rank_grid,
        plots.fdi_japan_rank_grid,
        plots.asean_partners,
        plots.overview_heatmaps,
        plots.oda_japan_recipients,
    ],
    ids=[
        "bump-VNM",
        "bump-SGP",
        "trade-grid",
        "oda-grid",
        "fdi-grid",
        "asean",
        "overview",
        "oda-recipients",
    ],
)
def test_years_every_five_or_ten_and_the_last_year_labelled(make) -> None:
    """The last year with data is a labelled tick (never 2002.5, never a tick past the data);
    the others fall on whole decades or half-decades."""
    fig = make()
    last = int(fig.data["year"].max())
    axes = [a for a in fig.axes if any(t.get_text() for t in a.get_xticklabels())]
    ax = axes[0]  # a panel of the bottom row (shared axes label those only)
    labels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert int(labels[-1]) == last
    assert all(int(y) % 5 == 0 for y in labels[:-1]) and labels[:-1]
    plt.close(fig)


def test_no_empty_years_after_the_data() -> None:
    """The overview ends with the last year any panel draws, and that column has a rank."""
    fig = plots.overview_heatmaps()
    last = int(fig.data["year"].max())
    assert int(fig.axes[-2].get_xticklabels()[-1].get_text()) == last
    assert fig.data.loc[fig.data["year"] == last, "rank"].notna().any()
    plt.close(fig)


@pytest.mark.parametrize("make", [plots.fdi_japan_rank_grid, plots.oda_japan_rank_grid])
def test_each_legend_entry_has_a_style_of_its_own(make) -> None:
    """Every line of Japan's rank grids is red: its dash and marker tell it apart, so no two
    legend entries may share both (the FDI grid had two dashed and two dotted entries)."""
    from matplotlib.lines import Line2D

    fig = make()
    lines = [h for h in fig.legends[0].legend_handles if isinstance(h, Line2D)]
    styles = [(h.get_linestyle(), h.get_marker()) for h in lines if h.get_linestyle() != "None"]
    assert len(styles) >= 4 and len(set(styles)) == len(styles), styles
    plt.close(fig)


def test_japans_recipients_pick_out_asean_to_the_last_year() -> None:
    """Japan's ODA recipients: the ASEAN members first and set apart, every year to the last
    one the headline series has (2022, not the all-donor table's 2019), the title's price
    words those of what is drawn, and no legend entry for Japan (not drawn: it gives)."""
    from analysis.countries import asean_members, short_name

    fig = plots.oda_japan_recipients()
    ax = fig.axes[0]
    d = fig.data
    assert int(d["year"].max()) == 2022 and d["dataset"].nunique() == 2
    rows = [t.get_text() for t in ax.get_yticklabels()]
    asean = {short_name(c) for c in asean_members()}
    k = sum(1 for name in rows if name in asean)
    assert k >= 6 and all(name in asean for name in rows[:k])
    assert not any(name in asean for name in rows[k:])
    assert {t.get_color() for t in ax.get_yticklabels()[:k]} != {
        t.get_color() for t in ax.get_yticklabels()[k:]
    }
    title = ax.get_title()
    assert "current US" in title and "constant" not in title
    assert set(d["measure"].astype(str)) == {"oda_given_net_current"}
    assert ax.get_legend() is None and not fig.legends
    plt.close(fig)
