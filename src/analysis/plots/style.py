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
) -> None:
    """Names at the end of lines, nudged apart vertically so none overlaps another.

    ``labels``: (x, y, text, colour, bold) with y already on the drawn scale (:func:`rank_y`).
    Lines that reach the last year are named just outside the right edge, others at their last
    point. Labels whose text would overlap sideways (estimated from their length) form a group;
    in each group they keep their order and are pushed apart to at least one text line, inside
    the axis limits. Set the x and y limits before calling."""
    if not labels:
        return
    from matplotlib.transforms import blended_transform_factory, offset_copy

    fig = ax.figure
    lo, hi = sorted(ax.get_ylim())
    box = ax.get_position()
    height_pt = fig.get_figheight() * box.height * 72
    # the panel's width as it will be after the layout makes room for the names outside it
    # (about a fifth narrower in the grids): judged on the wider panel, names that end up
    # side by side could overlap
    width_pt = 0.8 * fig.get_figwidth() * box.width * 72
    gap = size * 1.3 * (hi - lo) / max(height_pt, 1.0)  # one text line, in data units
    x0, x1 = ax.get_xlim()
    last = max(x0, x1) - 0.75

    def span(lab: tuple) -> tuple[float, float]:
        """Horizontal extent of a label in points from the axis' left edge."""
        start = width_pt if lab[0] >= last else width_pt * (lab[0] - x0) / (x1 - x0)
        return start + 4, start + 4 + 0.62 * size * len(lab[2])

    # groups: labels linked by sideways overlap (transitively)
    order = sorted(labels, key=lambda t: t[1])
    group = list(range(len(order)))

    def root(i: int) -> int:
        while group[i] != i:
            i = group[i]
        return i

    for a in range(len(order)):
        for b in range(a + 1, len(order)):
            (a0, a1), (b0, b1) = span(order[a]), span(order[b])
            if a0 < b1 + 4 and b0 < a1 + 4:
                group[root(b)] = root(a)
    placed: dict[int, float] = {}
    for g in {root(i) for i in range(len(order))}:
        members = [i for i in range(len(order)) if root(i) == g]  # already in y order
        ys = _spread([order[i][1] for i in members], gap, lo + gap / 2, hi - gap / 2)
        placed.update(zip(members, ys, strict=True))
    shift = offset_copy(ax.transData, fig=fig, x=4, y=0, units="points")
    right = offset_copy(
        blended_transform_factory(ax.transAxes, ax.transData), fig=fig, x=4, y=0, units="points"
    )
    for i, (x, _, text, color, bold) in enumerate(order):
        at_end = x >= last
        ax.text(
            1.0 if at_end else x,
            placed[i],
            text,
            transform=right if at_end else shift,
            va="center",
            color=color,
            fontsize=size,
            fontweight="bold" if bold else "normal",
            clip_on=False,
        )


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


def footer(fig: Figure, text: str) -> float:
    """The source note at the bottom left of a figure, wrapped; returns the height it takes
    (a fraction of the figure) so legends and axes are laid out above it, never over it."""
    lines = textwrap.fill(text, 200).count("\n") + 1
    # parse_math off: a note's "US$ ... US$" is money, not a formula
    fig.text(
        0.01,
        0.005,
        textwrap.fill(text.replace("\\$", "$"), 200),
        fontsize=7,
        color="0.4",
        va="bottom",
        parse_math=False,
    )
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


BREAK_COLOR = "0.3"  # a recorded break in a series' definition: a dotted line and a word


def mark_breaks(ax: Axes, d: pd.DataFrame, size: float = 7.5) -> list[str]:
    """A dotted vertical line, labelled, at each recorded break in the definition of a dataset
    drawn (``catalog.breaks``) that its drawn years (``d``: dataset, year) span; returns a
    sentence per break for the footer. The breaks come from the snapshot, never from code."""
    from ..breaks import spanned

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
            said.append(
                f"Dotted line 'new definition': {label}'s series breaks in {b['year']} "
                f"(to {b['previous_year']} {b['before']}; from {b['year']} {b['after']})."
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
    if estimated_share >= 0.5:
        return {"marker": "x"}
    return {"marker": "o"}


LINE_STYLES = ("-", "--", ":", "-.", (0, (5, 1, 1, 1)), (0, (3, 1)), (0, (1, 1)), (0, (6, 2)))
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
    from .. import headline
    from ..schema import dimension_of

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
                style = LINE_STYLES[len(out) % len(LINE_STYLES)]
                out.append((name, measure, None, basis, label, style))
    return tuple(out)


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

    ``series``: (dataset, measure, variant, basis, label, line style); each dataset is read as
    the headline reads it (its own variant where ``variant`` is None; a current-price ODA
    measure filled with constant prices in years with none). Years no series covers are
    shaded; a year where Japan's value was zero or negative (net repayments, disinvestment) has
    no rank and is marked with a cross at the bottom.
    """
    present = set(catalog.datasets())
    series = tuple(s for s in series if s[0] in present)  # follow the data in the snapshot
    fig, axes = plt.subplots(2, 5, figsize=(15, 6.2), sharex=True, sharey=True)
    drawn = []
    r = query.rankings() if df is None else df
    by_dataset = {name: r[(r["dataset"] == name).to_numpy()] for name in {s[0] for s in series}}
    breaks: list[str] = []  # the footer's sentence for each recorded break drawn
    for ax, c in zip(axes.flat, asean_members(), strict=True):
        covered: set[int] = set()
        panel = []
        for dataset, measure, variant, basis, label, style in series:
            d = query.select(by_dataset[dataset], measure=measure, variant=variant, basis=basis)
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
                color=JAPAN_COLOR,
                lw=1.6,
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
        # headroom above rank 1 for the caveat strip, so it never covers a line
        rank_axis(ax, max_rank, top=-0.3 if flagged is not None and len(flagged) else 0.5)
    for ax in axes[:, 0]:
        ax.set_ylabel("Japan's rank")
    handles = [Line2D([], [], color=JAPAN_COLOR, ls=st, label=lb) for *_, lb, st in series if lb]
    handles += [
        Line2D([], [], color=JAPAN_COLOR, marker="x", ls="", label=no_rank_text),
        Patch(color="0.9", label="no recorded data"),
        Patch(color=BAND_COLOR, label=f"ranked below {max_rank}"),
    ]
    if flagged is not None and len(flagged):
        handles.append(Patch(color=FLAG_COLOR, label=flagged_text))
    year_axis(axes.flat[0])
    fig.suptitle(title)
    bottom = footer(fig, " ".join([note or catalog.note(*(s[0] for s in series)), *breaks]))
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
    """Whole years on the x axis (never 2002.5), as many as fit the panel's width (about one
    per 0.7 inch, so the years of a small panel in a grid never run into each other)."""
    from matplotlib.ticker import MaxNLocator

    width = ax.figure.get_figwidth() * ax.get_position().width
    ax.xaxis.set_major_locator(MaxNLocator(nbins=max(2, min(6, int(width / 0.7))), integer=True))
