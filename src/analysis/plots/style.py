"""One style for every chart: Japan's colour, a fixed colour per partner, gaps, markers, the
footer (source notes from the snapshot manifest), the rank axis with its band for ranks beyond
the last one shown, end labels that do not collide, and the one member-grid function."""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .. import catalog, headline, query
from ..breaks import spanned
from ..countries import JAPAN, asean_members, short_name
from ..rank_trade import ESTIMATE_LIMIT
from ..schema import dimension_of

JAPAN_COLOR = "#bc002d"
# One colour per frequent partner on every chart (none close to Japan's red, none pastel: a thin
# line must read on white); a partner without one, or whose colour another line of the same
# chart already has, takes the first colour of PALETTE that chart has not used (colours_for).
PARTNER_COLORS = {
    "CHN": "#e6a100",
    "USA": "#1f4e9c",
    "KOR": "#6a3d9a",
    "EU": "#2ca02c",
    "ASEAN": "#17becf",
    "SGP": "#8c564b",
    "THA": "#7f7f7f",
    "MYS": "#9a9a00",
    "IDN": "#3a9bd9",
    "VNM": "#1b9e77",
    "TWN": "#d95f02",
    "HKG": "#e7298a",
    "DEU": "#333333",
}
PALETTE = (
    "#1b9e77",
    "#d95f02",
    "#e7298a",
    "#8c564b",
    "#3a9bd9",
    "#7f7f7f",
    "#9a9a00",
    "#333333",
    "#6a3d9a",
    "#2ca02c",
    "#1f4e9c",
    "#e6a100",
    "#17becf",
)
FLAG_COLOR = "#f2a541"  # a caveat on a year (e.g. a donor missing from the source)


def color_of(partner: str, i: int = 0) -> str:
    """The partner's colour: Japan's red, a fixed colour for frequent partners, else one of
    PALETTE chosen by position (never a red close to Japan's)."""
    if partner == JAPAN:
        return JAPAN_COLOR
    return PARTNER_COLORS.get(partner, PALETTE[i % len(PALETTE)])


def colours_for(partners: list[str]) -> dict[str, str]:
    """A colour for each partner of one chart, no two alike: Japan's red, each partner's own
    colour where no earlier partner of the list took it, else the first unused colour of
    PALETTE (in the list's order, so the partners that matter most keep their own)."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for p in partners:
        own = color_of(p) if (p == JAPAN or p in PARTNER_COLORS) else None
        if own is None or own in used:
            own = next((c for c in PALETTE if c not in used), PALETTE[len(out) % len(PALETTE)])
        out[p] = own
        used.add(own)
    return out


BAND_COLOR = "#f1ece1"  # the band below the last rank shown (deeper ranks): not the gaps' grey
BAND_DEPTH = 1.5  # rank units the band takes below ``max_rank + 0.5``


def rank_y(rank, max_rank: int) -> np.ndarray:
    """Where a rank is drawn on a rank axis showing 1..``max_rank``: as is up to ``max_rank``;
    beyond it inside the band below (rank ``max_rank + 1`` near its top, ``max_rank + 10`` and
    deeper near its bottom), so a line that drops out of the top stays in the panel, in order,
    and is never mistaken for a rank shown on the axis. NaN (no rank) stays NaN: a gap."""
    r = np.asarray(rank, dtype=float)
    deeper = np.minimum(r - max_rank, 10.0)
    return np.where(r > max_rank, max_rank + 0.75 + deeper * 0.1, r)


def band_bottom(max_rank: int) -> float:
    """The lowest y of a rank axis (the band's bottom edge): nothing is drawn below it."""
    return max_rank + 0.5 + BAND_DEPTH


def rank_axis(
    ax: Axes, max_rank: int, ticks: list[int] | None = None, top: float = 0.5, band: bool = True
) -> None:
    """An inverted rank axis (1 at the top) down to ``max_rank``, then a shaded band labelled
    ``>max_rank`` holding every deeper rank (see :func:`rank_y`). On shared axes, call it for
    each panel: the band is drawn per panel, the limits and ticks are shared."""
    ticks = ticks or ([1, 3, 5, 10] if max_rank == 10 else sorted({1, *range(5, max_rank + 1, 5)}))
    ticks = [t for t in ticks if t <= max_rank]
    if band and len(ticks) > 1:  # the last rank's label would run into the band's: left out
        unit_pt = ax.figure.get_figheight() * ax.get_position().height * 72
        unit_pt /= band_bottom(max_rank) - top
        if (BAND_DEPTH / 2 + 0.5) * unit_pt < 13 and ticks[-1] == max_rank:
            ticks = ticks[:-1]
    if band:
        ax.axhspan(max_rank + 0.5, band_bottom(max_rank), color=BAND_COLOR, zorder=0.2, lw=0)
        ax.axhline(max_rank + 0.5, color="0.65", lw=0.6, ls="--", zorder=0.3)
        ax.set_ylim(band_bottom(max_rank), top)
        ax.set_yticks(
            [*ticks, max_rank + 0.5 + BAND_DEPTH / 2], [str(t) for t in ticks] + [f">{max_rank}"]
        )
    else:
        ax.set_ylim(max_rank + 0.5, top)
        ax.set_yticks(ticks)


def end_labels(
    ax: Axes, labels: list[tuple[float, float, str, str, bool]], size: float = 8
) -> list:
    """Names of the lines in the margin right of the panel, never over a line: each at the
    height where its line ends, nudged apart vertically so that none overlaps another.

    ``labels``: (x, y, text, colour, bold) with y already on the drawn scale (:func:`rank_y`)
    and x the line's last year; a line that ends before the panel's last year is named with
    that year ("Thailand (2020)"), as its name stands beside a later year. Set the x and y
    limits before calling; returns the texts drawn (to make room for them)."""
    if not labels:
        return []
    from matplotlib.transforms import blended_transform_factory, offset_copy

    fig = ax.figure
    lo, hi = sorted(ax.get_ylim())
    height_pt = fig.get_figheight() * ax.get_position().height * 72
    # one text line and a little more, in data units: a grid's layout may still shrink the panel
    gap = size * 1.45 * (hi - lo) / max(height_pt, 1.0)
    last = max(ax.get_xlim()) - 0.75  # the panel's last year (its limit is that year + 0.5)
    order = sorted(labels, key=lambda t: t[1])
    placed = _spread([t[1] for t in order], gap, lo + gap / 2, hi - gap / 2)
    right = offset_copy(
        blended_transform_factory(ax.transAxes, ax.transData), fig=fig, x=4, y=0, units="points"
    )
    out = []
    for (x, _, text, color, bold), y in zip(order, placed, strict=True):
        out.append(
            ax.text(
                1.0,
                y,
                text if x >= last else f"{text} ({int(round(x))})",
                transform=right,
                va="center",
                color=color,
                fontsize=size,
                fontweight="bold" if bold else "normal",
                clip_on=False,
            )
        )
    return out


def _spread(ys: list[float], gap: float, lo: float, hi: float) -> list[float]:
    """Sorted positions moved apart to at least ``gap`` and kept within [lo, hi] (as far as
    they fit), each as near its own position as that allows."""
    out = list(ys)
    for i in range(len(out)):  # push down past the previous one
        out[i] = max(out[i], lo, out[i - 1] + gap if i else lo)
    for i in range(len(out) - 1, -1, -1):  # then back up where the bottom was overrun
        limit = hi if i == len(out) - 1 else out[i + 1] - gap
        out[i] = min(out[i], limit)
    return out


def footer(fig: Figure, text: str, size: float = 7) -> float:
    """The source note at the bottom left of a figure, wrapped to the figure's width; returns
    the height it takes (a fraction of the figure) so legends and axes are laid out above it,
    never over it. Keep it short (:func:`note_for`): the details are in the report's caption
    and the CSV beside the chart."""
    width = max(40, int(fig.get_figwidth() * 72 * 0.97 / (size * 0.56)))  # characters a line
    wrapped = textwrap.fill(text.replace("\\$", "$"), width)
    # parse_math off: a note's "US$ ... US$" is money, not a formula
    fig.text(0.01, 0.005, wrapped, fontsize=size, color="0.4", va="bottom", parse_math=False)
    lines = wrapped.count("\n") + 1
    return (lines * size * 1.3 + 4) / (fig.get_figheight() * 72)


def attach(fig: Figure, data: pd.DataFrame) -> Figure:
    """Keep the rankings rows a chart draws on the figure (``fig.data``): written beside the
    PNG as CSV, so every number on a chart can be traced to its row, dataset and raw file."""
    fig.data = data.reset_index(drop=True)  # type: ignore[attr-defined]
    return fig


def source_line(*names: str, extra: str = "") -> str:
    """A chart's short source note: the declared labels of the datasets drawn (the producers,
    titles and vintages are in the report's caption; every value drawn, with its dataset, in
    the CSV beside the chart), then ``extra``."""
    entries = catalog.datasets()
    labels = [entries.get(n, {}).get("label") or n for n in dict.fromkeys(n for n in names if n)]
    text = (
        f"Source: {', '.join(labels)} (asean-japan rankings; full sources and vintages in the "
        "report, the values drawn in the CSV beside this chart)."
        if labels
        else "Source: no dataset in the snapshot."
    )
    return text + (" " + extra if extra else "")


def note_for(df: pd.DataFrame, extra: str = "") -> str:
    """Short source note for the datasets in ``df`` (what is drawn), in the order they first
    answer (:func:`source_line`)."""
    if "dataset" not in df or df.empty:
        return source_line(extra=extra)
    first = df.groupby(df["dataset"].astype(str), observed=True)["year"].min()
    return source_line(*first.sort_values(kind="stable").index, extra=extra)


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


BREAK_COLOR = "0.3"  # a recorded break in a series' definition: a dotted line and a word


def mark_breaks(ax: Axes, d: pd.DataFrame, size: float = 7.5) -> list[str]:
    """A dotted vertical line, labelled, at each recorded break in the definition of a dataset
    drawn (``catalog.breaks``) that its drawn years (``d``: dataset, year) span; returns a
    sentence per break for the footer. The breaks come from the snapshot, never from code."""

    if d.empty or "dataset" not in d:
        return []
    said = []
    for name, years in d.groupby(d["dataset"].astype(str), observed=True)["year"]:
        for b in spanned(catalog.breaks(name), years):
            x = b["year"] - 0.5
            ax.axvline(x, color=BREAK_COLOR, ls=(0, (1, 2)), lw=1.1, zorder=1.5)
            lo, hi = ax.get_xlim()
            right = x > (lo + hi) / 2  # the word on the side with room, inside the panel
            ax.text(
                x - 0.3 if right else x + 0.3,
                0.99,
                "new definition",
                transform=ax.get_xaxis_transform(),
                fontsize=size,
                color=BREAK_COLOR,
                va="top",
                ha="right" if right else "left",
                bbox={"facecolor": "white", "alpha": 0.8, "lw": 0, "pad": 0.6},
                zorder=4,
            )
            label = catalog.datasets().get(name, {}).get("label") or name
            said.append(  # what changed is in the report's caption and the explorer's notes
                f"Dotted line 'new definition': {label}'s series breaks in {b['year']}."
            )
    return said


def _full_years(s: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """One row per year of the span, NaN where there is no data, so lines break at gaps."""
    if not years:
        return s.set_index("year")
    span = range(min(years), max(years) + 1)
    return s.drop_duplicates("year").set_index("year").reindex(span)


RESTRICTED_SHADE = "#fbf3d5"  # years ranked among a restricted partner set (13 major partners)


def _marker_style(value_basis: str, estimated_share: float, restricted: bool = False) -> dict:
    if restricted:  # hollow square: a rank among a restricted partner set, not all partners
        return {"marker": "s", "mfc": "white"}
    if value_basis != "reported":
        return {"marker": "o", "mfc": "white"}  # open: partners' (mirror) reports
    if estimated_share >= ESTIMATE_LIMIT:  # mostly IMF estimates, as the ranking counts them
        return {"marker": "x"}
    return {"marker": "o"}


# (line style, marker) of each line of a Japan rank grid, in turn: no two alike, so each legend
# entry names one line (dash patterns alone run out after four that a reader tells apart)
SERIES_STYLES = (
    ("-", None),
    ("--", None),
    (":", None),
    ("-.", None),
    ("-", "o"),
    ("--", "s"),
    (":", "^"),
    ("-.", "D"),
    ("-", "v"),
    ("--", "P"),
)
MARK_EVERY = 4  # a line's marker on every fourth year: the line stays readable
BASIS_WORDS = {"reported": "host-reported", "mirror": "investors' reports", "best": ""}
SERIES_WORDS = {  # what a line of Japan's rank grids shows, by measure family
    "oda_received_net": "net",
    "oda_received_gross": "gross",
    "fdi_inward_stock": "inward position",
    "fdi_inflow": "inflows",
    "fdi_registered": "registered capital",
}


def catalog_series(
    dimension: str, families: tuple[str, ...], df: pd.DataFrame | None = None
) -> tuple[tuple, ...]:
    """The lines of a Japan rank grid, from the datasets the snapshot holds (headline order):
    for each dataset, each measure family it has for the ASEAN members (``oda_received_net``:
    current prices, constant where no current exist; ``fdi_inward_stock`` ...), and each basis
    it has: (dataset, measure, None, basis, label, style). Labels and styles come from the
    datasets' declarations (``label``, partner set), so no dataset is named here."""

    r = query.rankings() if df is None else df
    members = r[r["country"].isin(asean_members()).to_numpy()]
    have = members[["dataset", "measure", "basis"]].drop_duplicates().astype(str)
    out = []
    for name in headline.order(dimension):
        entry = catalog.datasets()[name]
        mine = have[have["dataset"] == name]
        for family in families:
            measures = [m for m in sorted(set(mine["measure"])) if m.startswith(family)]
            if not measures or dimension_of(measures[0]) != dimension:
                continue
            measure = next((m for m in measures if m.endswith("_current")), measures[0])
            for basis in sorted(set(mine.loc[mine["measure"] == measure, "basis"])):
                among = headline.among(name, measure)
                # ODA is always the donors' report: a basis word would say nothing
                said = "" if dimension == "oda" else BASIS_WORDS.get(basis)
                words = ", ".join(w for w in (SERIES_WORDS.get(family, family), among, said) if w)
                prices = ""
                if measure.endswith("_current") and any(m.endswith("_const2022") for m in measures):
                    prices = "; 2022 US\\$ where no current prices"
                label = f"{words} ({entry.get('label') or name}{prices})"
                style = SERIES_STYLES[len(out) % len(SERIES_STYLES)]
                out.append((name, measure, None, basis, label, style))
    return tuple(out)


def japan_rank_lines_grid(
    series: tuple[tuple, ...],
    *,
    title: str,
    note: str = "",
    empty_text: str,
    no_rank_text: str,
    df: pd.DataFrame | None = None,
    span: tuple[int, int] | None = None,
    max_rank: int = 10,
    flagged: pd.DataFrame | None = None,
    flagged_text: str = "",
) -> Figure:
    """Japan's rank as partner of each ASEAN member, one line per (dataset, measure) series.

    ``series``: (dataset, measure, variant, basis, label, (line style, marker)); each dataset
    is read as the headline reads it (its own variant where ``variant`` is None; a
    current-price ODA measure filled with constant prices in years with none). ``span``: the
    years shown, by default the first to the last year any series has for any member. Years
    no series covers are shaded; a year where Japan's value was zero or negative (net
    repayments, disinvestment) has no rank and is marked with a cross at the bottom.
    """
    present = set(catalog.datasets())
    series = tuple(s for s in series if s[0] in present)  # follow the data in the snapshot
    fig, axes = plt.subplots(2, 5, figsize=(15, 6.2), sharex=True, sharey=True)
    drawn = []
    r = query.rankings() if df is None else df
    by_dataset = {name: r[(r["dataset"] == name).to_numpy()] for name in {s[0] for s in series}}
    breaks: list[str] = []  # the footer's sentence for each recorded break drawn
    read = {
        s: query.select(by_dataset[s[0]], measure=s[1], variant=s[2], basis=s[3]) for s in series
    }
    read = {s: d[d["country"].isin(asean_members()).to_numpy()] for s, d in read.items()}
    if span is None:  # the years the series have, no empty years before or after
        years_drawn = [int(y) for d in read.values() for y in d["year"].unique()]
        span = (min(years_drawn), max(years_drawn)) if years_drawn else (1990, 2022)
    for ax, c in zip(axes.flat, asean_members(), strict=True):
        covered: set[int] = set()
        panel = []
        for key in series:
            *_, label, (style, marker) = key
            d = read[key]
            s = d[(d["country"] == c) & (d["partner"] == JAPAN)].sort_values("year")
            drawn.append(s)
            panel.append(d.loc[d["country"] == c, ["dataset", "year"]])
            years = sorted(int(y) for y in d.loc[d["country"] == c, "year"].unique())
            covered |= set(years)
            line = _full_years(s, years)
            ax.plot(
                line.index,
                rank_y(line["rank"], max_rank),
                ls=style,
                marker=marker,
                markevery=MARK_EVERY,
                ms=3.5,
                mfc="white",
                color=JAPAN_COLOR,
                lw=1.4,
                label=label,
            )
            neg = s[s["rank"].isna()]  # at the foot of the band: below every rank
            no_rank = band_bottom(max_rank) - 0.3
            ax.plot(neg["year"], [no_rank] * len(neg), "x", color=JAPAN_COLOR, ms=4)
        _shade_gaps(ax, covered, span, label=False)
        if panel:
            breaks += [b for b in mark_breaks(ax, pd.concat(panel), size=6.5) if b not in breaks]
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
        ax.set_xlim(span[0] - 0.5, span[1] + 0.5)
        # headroom above rank 1 for the caveat strip, so it never covers a line
        rank_axis(ax, max_rank, top=-0.3 if flagged is not None and len(flagged) else 0.5)
    for ax in axes[:, 0]:
        ax.set_ylabel("Japan's rank")
    handles = [
        Line2D([], [], color=JAPAN_COLOR, ls=ls, marker=mk, ms=4, mfc="white", label=lb)
        for *_, lb, (ls, mk) in series
        if lb
    ]
    handles += [
        Line2D([], [], color=JAPAN_COLOR, marker="x", ls="", label=no_rank_text),
        Patch(color="0.9", label="no recorded data"),
        Patch(color=BAND_COLOR, label=f"ranked below {max_rank}"),
    ]
    if flagged is not None and len(flagged):
        handles.append(Patch(color=FLAG_COLOR, label=flagged_text))
    fig.suptitle(title)
    bottom = footer(fig, " ".join([note or source_line(*(s[0] for s in series)), *breaks]))
    ncol = legend_columns(fig, [h.get_label() for h in handles], 8.5, most=4)
    fig.legend(
        handles=handles,
        loc="lower center",
        bbox_to_anchor=(0.5, bottom + 0.005),
        ncol=ncol,
        fontsize=8.5,
        frameon=False,
    )
    rows = -(-len(handles) // ncol)
    fig.tight_layout(rect=(0, bottom + 0.034 * rows + 0.02, 1, 0.96))
    year_axis(axes.flat[0])  # after the layout: the ticks that fit the panels' final width
    return attach(fig, pd.concat(drawn) if drawn else pd.DataFrame())


def legend_columns(fig: Figure, labels: list[str], size: float, most: int = 8) -> int:
    """How many columns a legend of these labels across the figure's width takes, so that no
    entry runs past the figure's edge (each column as wide as its longest entry)."""
    room = fig.get_figwidth() * 72 * 0.96
    for ncol in range(min(most, len(labels)), 1, -1):
        nrows = -(-len(labels) // ncol)  # matplotlib fills a legend column by column
        columns = [labels[i * nrows : (i + 1) * nrows] for i in range(ncol)]
        widest = [max(len(t) for t in col) for col in columns if col]
        if sum(w * size * 0.55 + 3.2 * size for w in widest) <= room:
            return ncol
    return 1


def year_axis(ax: Axes, last: int | None = None, first: int | None = None) -> None:
    """Years on the x axis every ten years (every five on spans of 25 years or less; labelled
    every other one where the panel is too narrow for all), and the last year with data
    always labelled; a regular label too close to it, or to the panel's left edge, is left
    out. ``first``/``last`` default to the data of the panel and the panels
    sharing its x axis (their lines), else to the axis limits. Set the x limits first."""
    import math

    siblings = ax.get_shared_x_axes().get_siblings(ax)
    xs = [
        np.asarray(line.get_xdata(), dtype=float)
        for a in siblings
        for line in a.get_lines()
        if line.get_transform() == a.transData and len(line.get_xdata())
    ]
    xs = [x[np.isfinite(x)] for x in xs]
    xs = [x for x in xs if len(x)]
    lo, hi = sorted(ax.get_xlim())
    if last is None:
        last = int(max(x.max() for x in xs)) if xs else int(math.floor(hi))
    if first is None:
        first = int(min(x.min() for x in xs)) if xs else int(math.ceil(lo))
    last = min(last, int(math.floor(hi)))
    first = max(first, int(math.ceil(lo)))
    span = max(last - first, 1)
    width_in = ax.figure.get_figwidth() * ax.get_position().width * 0.9  # after the layout
    fontsize = ax.xaxis.get_ticklabels()[0].get_fontsize() if ax.xaxis.get_ticklabels() else 10
    label_in = 4 * 0.62 * fontsize / 72 + 0.12  # a four-digit year and room beside it
    years_per_in = (hi - lo) / max(width_in, 0.1)
    base = step = 10 if span > 25 else 5
    while step < 50 and step / years_per_in < label_in:
        step *= 2  # labels every 20 years in a narrow panel, a tick every 10 still
    ticks = [y for y in range(first, last + 1) if y % step == 0]

    # clear of the last year's label, and in a grid whole inside the panel (the panel on the
    # left's last year would otherwise touch this one's first)
    def left_neighbour(a: Axes) -> bool:
        box = a.get_position()
        return any(
            o is not a
            and o.get_visible()
            and o.get_position().y0 < box.y1
            and o.get_position().y1 > box.y0
            and 0 <= (box.x0 - o.get_position().x1) * a.figure.get_figwidth() < 0.6
            for o in a.figure.axes
        )

    tight = any(left_neighbour(a) for a in siblings)
    margin = label_in / 2 if tight else 0.0
    ticks = [
        y
        for y in ticks
        if (last - y) / years_per_in >= label_in and (y - lo) / years_per_in >= margin
    ]
    ax.set_xticks([*ticks, last], [str(y) for y in (*ticks, last)])
    ax.set_xticks([y for y in range(first, last + 1) if y % base == 0], minor=True)
