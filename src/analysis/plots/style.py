"""One style for every chart: Japan's colour, a fixed colour per partner, gaps, markers, the
footer (source notes from the snapshot manifest) and the one member-grid function."""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .. import catalog, query
from ..countries import JAPAN, asean_members, short_name

JAPAN_COLOR = "#bc002d"
# One colour per partner on every chart (none close to Japan's red); others from OTHERS in turn.
PARTNER_COLORS = {
    "CHN": "#e6a100",
    "USA": "#1f4e9c",
    "KOR": "#6a3d9a",
    "EU": "#2ca02c",
    "ASEAN": "#17becf",
    "SGP": "#8c564b",
    "THA": "#7f7f7f",
    "MYS": "#bcbd22",
    "IDN": "#a6cee3",
    "VNM": "#fb9a99",
    "TWN": "#b15928",
    "HKG": "#cab2d6",
    "DEU": "#333333",
    "AUS": "#b2df8a",
    "GBR": "#fdbf6f",
    "IND": "#ff7f00",
    "FRA": "#1f78b4",
}
FLAG_COLOR = "#f2a541"  # a caveat on a year (e.g. a donor missing from the source)
OTHERS = ("#9edae5", "#c49c94", "#dbdb8d", "#c7c7c7", "#aec7e8", "#98df8a", "#f7b6d2")


def color_of(partner: str, i: int = 0) -> str:
    """The partner's colour: Japan's red, a fixed colour for frequent partners, else a grey-ish
    one chosen by position (never a red close to Japan's)."""
    if partner == JAPAN:
        return JAPAN_COLOR
    return PARTNER_COLORS.get(partner, OTHERS[i % len(OTHERS)])


def footer(fig: Figure, text: str) -> float:
    """The source note at the bottom left of a figure, wrapped; returns the height it takes
    (a fraction of the figure) so legends and axes are laid out above it, never over it."""
    lines = textwrap.fill(text, 200).count("\n") + 1
    fig.text(0.01, 0.005, textwrap.fill(text, 200), fontsize=7, color="0.4", va="bottom")
    return (lines * 9 + 4) / (fig.get_figheight() * 72)


def attach(fig: Figure, data: pd.DataFrame) -> Figure:
    """Keep the rankings rows a chart draws on the figure (``fig.data``): written beside the
    PNG as CSV, so every number on a chart can be traced to its row, dataset and raw file."""
    fig.data = data.reset_index(drop=True)  # type: ignore[attr-defined]
    return fig


def note_for(df: pd.DataFrame, extra: str = "") -> str:
    """Source note for the datasets in ``df`` (what is drawn), from the snapshot manifest."""
    names = sorted(str(d) for d in df["dataset"].unique()) if "dataset" in df else []
    return catalog.note(*names) + (" " + extra if extra else "")


def _shade_gaps(ax, years_with_data: set[int], span: tuple[int, int], label: bool = True) -> None:
    first = True
    for y in range(span[0], span[1] + 1):
        if y not in years_with_data:
            ax.axvspan(
                y - 0.5,
                y + 0.5,
                color="0.9",
                zorder=0,
                lw=0,
                label="no data" if (first and label) else None,
            )
            first = False


def _full_years(s: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """One row per year of the span, NaN where there is no data, so lines break at gaps."""
    if not years:
        return s.set_index("year")
    span = range(min(years), max(years) + 1)
    return s.drop_duplicates("year").set_index("year").reindex(span)


def _marker_style(value_basis: str, estimated_share: float) -> dict:
    if value_basis != "reported":
        return {"marker": "o", "mfc": "white"}  # open: partners' (mirror) reports
    if estimated_share >= 0.5:
        return {"marker": "x"}
    return {"marker": "o"}


def japan_rank_lines_grid(
    series: tuple[tuple[str, str, str, str, str, str], ...],
    *,
    title: str,
    note: str = "",
    empty_text: str,
    no_rank_text: str,
    df: pd.DataFrame | None = None,
    span: tuple[int, int] = (1990, 2022),
    max_rank: int = 10,
    flagged: pd.DataFrame | None = None,
    flagged_text: str = "",
) -> Figure:
    """Japan's rank as partner of each ASEAN member, one line per (dataset, measure) series.

    ``series``: (dataset, measure, variant, basis, label, line style). Years no series covers are
    shaded; a year where Japan's value was zero or negative (net repayments, disinvestment) has
    no rank and is marked with a cross at the bottom.
    """
    present = set(catalog.datasets())
    series = tuple(s for s in series if s[0] in present)  # follow the data in the snapshot
    fig, axes = plt.subplots(2, 5, figsize=(15, 6.2), sharex=True, sharey=True)
    drawn = []
    for ax, c in zip(axes.flat, asean_members(), strict=True):
        covered: set[int] = set()
        for dataset, measure, variant, basis, label, style in series:
            d = query.select(df, dataset=dataset, measure=measure, variant=variant, basis=basis)
            s = d[(d["country"] == c) & (d["partner"] == JAPAN)].sort_values("year")
            drawn.append(s)
            years = sorted(int(y) for y in d.loc[d["country"] == c, "year"].unique())
            covered |= set(years)
            line = _full_years(s, years)
            ax.plot(
                line.index,
                line["rank"].astype(float),
                ls=style,
                color=JAPAN_COLOR,
                lw=1.6,
                label=label,
            )
            neg = s[s["rank"].isna()]
            ax.plot(neg["year"], [max_rank + 0.2] * len(neg), "x", color=JAPAN_COLOR, ms=4)
        _shade_gaps(ax, covered, span, label=False)
        if flagged is not None and len(flagged):
            for y in sorted(set(flagged.loc[flagged["country"] == c, "year"].astype(int))):
                ax.axvspan(y - 0.5, y + 0.5, ymin=0.96, ymax=1.0, color=FLAG_COLOR, lw=0)
        if not covered:
            ax.text(
                0.5,
                0.5,
                empty_text,
                transform=ax.transAxes,
                ha="center",
                va="center",
                fontsize=9,
                color="0.4",
            )
        ax.set_title(short_name(c), fontsize=10)
    # headroom above rank 1 for the caveat strip, so it never covers a line
    top = -0.3 if flagged is not None and len(flagged) else 0.5
    axes.flat[0].set_ylim(max_rank + 0.5, top)
    axes.flat[0].set_yticks([1, 3, 5, 10])
    for ax in axes[:, 0]:
        ax.set_ylabel("Japan's rank")
    handles = [Line2D([], [], color=JAPAN_COLOR, ls=st, label=lb) for *_, lb, st in series if lb]
    handles += [
        Line2D([], [], color=JAPAN_COLOR, marker="x", ls="", label=no_rank_text),
        Patch(color="0.9", label="no recorded data"),
    ]
    if flagged is not None and len(flagged):
        handles.append(Patch(color=FLAG_COLOR, label=flagged_text))
    year_axis(axes.flat[0])
    fig.suptitle(title)
    bottom = footer(fig, note or catalog.note(*(s[0] for s in series)))
    fig.legend(
        handles=handles,
        loc="lower center",
        bbox_to_anchor=(0.5, bottom + 0.005),
        ncol=min(len(handles), 4),
        fontsize=8.5,
        frameon=False,
    )
    rows = -(-len(handles) // 4)
    fig.tight_layout(rect=(0, bottom + 0.035 * rows + 0.02, 1, 0.96))
    return attach(fig, pd.concat(drawn) if drawn else pd.DataFrame())


def year_axis(ax) -> None:
    """Whole years on the x axis (never 2002.5)."""
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
