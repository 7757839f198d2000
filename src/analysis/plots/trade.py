"""Trade charts: bump charts, Japan's rank per member, ASEAN among Japan's partners."""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .. import catalog, headline, query
from ..countries import ASEAN, JAPAN, asean_members, short_name
from .style import (
    BAND_COLOR,
    JAPAN_COLOR,
    RESTRICTED_SHADE,
    _full_years,
    _marker_style,
    _shade_gaps,
    attach,
    color_of,
    colours_for,
    end_labels,
    footer,
    legend_columns,
    mark_breaks,
    note_for,
    rank_axis,
    rank_y,
    year_axis,
)

MIRROR_SHADE = "#dde7f5"


def _dataset_switches(ax, d: pd.DataFrame) -> None:
    """A dotted line where the drawn data pass from one dataset to another (headline series:
    each year from the dataset the headline rule picks)."""
    if "dataset" not in d or d["dataset"].nunique() < 2:
        return
    by_year = d.groupby("year", observed=True)["dataset"].first().astype(str).sort_index()
    changes = by_year.index[1:][by_year.to_numpy()[1:] != by_year.to_numpy()[:-1]]
    for year in changes:
        ax.axvline(int(year) - 0.5, color="0.45", ls=":", lw=1, zorder=1)


def restricted_years(d: pd.DataFrame) -> tuple[list[int], list[str]]:
    """The years ``d`` ranks among a restricted partner set, and those sets in short words."""
    pairs = d[["dataset", "measure"]].drop_duplicates().astype(str).itertuples(index=False)
    names = sorted({n for n, m in pairs if headline.restricted(n, m)})
    years = sorted(int(y) for y in d.loc[d["dataset"].isin(names), "year"].unique())
    return years, [headline.among(n) for n in names]


def _split_by_set(line: pd.DataFrame, d: pd.DataFrame) -> list[pd.DataFrame]:
    """``line`` (one row per year) cut wherever the partner set its ranks are among changes
    (all partners, or a restricted dataset's own set, by the drawn rows ``d``): each piece is
    drawn on its own, never joined, as a rank among 13 is not a move from a rank among 37."""
    if line.empty or d.empty:
        return [line]
    pairs = d[["year", "dataset", "measure"]].drop_duplicates("year").astype(str)
    sets = {
        int(y): (ds if headline.restricted(ds, m) else "")
        for y, ds, m in pairs.itertuples(index=False)
    }
    key = [sets.get(int(y), "") for y in line.index]
    cuts = [0, *(i for i in range(1, len(line)) if key[i] != key[i - 1]), len(line)]
    return [line.iloc[a:b] for a, b in zip(cuts[:-1], cuts[1:], strict=True)]


def _shade_restricted(ax, years: list[int]) -> None:
    for y in years:
        ax.axvspan(y - 0.5, y + 0.5, color=RESTRICTED_SHADE, zorder=0, lw=0)


def chart_partners(d: pd.DataFrame, n: int, country: str = "") -> list[str]:
    """The partners a bump chart draws (rows ``d`` of one economy): the ``n`` ranked highest
    in the last year drawn, and where that year ranks among a restricted partner set, in the
    last year ranked among all partners too (a restricted set can lack a largest partner:
    Thailand is none of BACI's 13 for Myanmar), at most ``n`` besides Japan (best of those
    ranks first, then the latest rank, then the code); Japan always, so at most n + 1 lines."""
    ranked = d[d["rank"].notna()]
    if ranked.empty:
        return [] if country == JAPAN else [JAPAN]
    among_years, _ = restricted_years(ranked)
    last = int(ranked["year"].max())
    anchors = [last]
    open_years = sorted(set(int(y) for y in ranked["year"].unique()) - set(among_years))
    if last in among_years and open_years:
        anchors.append(open_years[-1])
    best: dict[str, tuple[float, float]] = {}
    for i, year in enumerate(anchors):
        rows = ranked[(ranked["year"] == year).to_numpy()]
        for p, r in zip(rows["partner"].astype(str), rows["rank"].astype(float), strict=True):
            old = best.get(p, (np.inf, np.inf))
            best[p] = (min(old[0], r), r if i == 0 else old[1])
    order = sorted(best, key=lambda p: (best[p][0], best[p][1], p))
    partners = [p for p in order if p != JAPAN][:n]
    if country != JAPAN:  # Japan always, in its place by rank
        at = order.index(JAPAN) if JAPAN in order else len(order)
        partners.insert(sum(1 for p in partners if order.index(p) < at), JAPAN)
    return partners


def one_flow_rows(d: pd.DataFrame, df: pd.DataFrame | None = None) -> pd.Series:
    """True for each trade row of ``d`` whose value holds only one of the two flows (exports or
    imports: the other not reported that year) of a pair that has both in other years of the
    same ranking: a partial value, whose rank is no rank (Thailand in Myanmar's trade from
    partners' reports in 1991 and 1994-1995, Thailand's report of one flow only). Other
    measures: all False."""
    out = pd.Series(False, index=d.index)
    trade = d[(d["measure"] == "trade").to_numpy()]
    if trade.empty:
        return out
    r = query.rankings() if df is None else df
    keys = ["dataset", "variant", "basis", "country", "partner"]
    flows = r[
        r["measure"].isin(["exports", "imports"]).to_numpy()
        & r["country"].isin(trade["country"].unique()).to_numpy()
        & r["dataset"].isin(trade["dataset"].unique()).to_numpy()
    ]
    flows = flows[flows["value_usd_m"].to_numpy() > 0]
    if flows.empty:
        return out
    count = (
        flows.astype({k: str for k in keys})
        .groupby([*keys, "year"], observed=True)["measure"]
        .nunique()
        .rename("flows")
        .reset_index()
    )
    both = count[count["flows"] == 2][keys].drop_duplicates().assign(pair_has_both=True)
    rows = trade[[*keys, "year"]].astype({k: str for k in keys}).reset_index()
    rows = rows.merge(count, on=[*keys, "year"], how="left").merge(both, on=keys, how="left")
    partial = (rows["flows"].fillna(0) < 2) & rows["pair_has_both"].fillna(False).astype(bool)
    out.loc[rows.loc[partial.to_numpy(), "index"]] = True
    return out


def bump_chart(
    country: str,
    *,
    n: int = 6,
    measure: str = "trade",
    basis: str = "best",
    variant: str = "countries",
    start: int = 1990,
    end: int | None = None,
    ax=None,
    df: pd.DataFrame | None = None,
    dataset: str | None = None,
    title: str | None = None,
    note: str | None = None,
) -> Figure:
    """Rank over time of ``country``'s largest partners (:func:`chart_partners`: the top ``n``
    in the last year drawn, and in the last year ranked among all partners where that one
    ranks among a restricted set; Japan added), ``start`` to ``end`` (default: the last year
    with data). Years ranked from partners' reports are shaded blue, years without data grey,
    years among a restricted partner set yellow (hollow squares). The axis shows ranks 1 to
    10 (or ``n`` if larger); deeper ranks are drawn in the band below it, so no line leaves
    the panel; the names stand in the margin right of the panel, nudged apart. A value that
    holds one of the two trade flows only is no rank: a gap (:func:`one_flow_rows`)."""
    d = query.select(df, dataset=dataset, measure=measure, variant=variant, basis=basis)
    d = d[(d["country"] == country).to_numpy() & (d["year"] >= start).to_numpy()]
    if end is not None:
        d = d[(d["year"] <= end).to_numpy()]
    partners = chart_partners(d, n, country)
    own_figure = ax is None  # a panel of a grid leaves the layout to the grid
    fig = ax.figure if ax is not None else plt.figure(figsize=(10, 5.5))
    ax = ax or fig.add_subplot()
    years = sorted(int(y) for y in d["year"].unique())
    if not years:
        ax.set_title(f"{short_name(country)}: no data")
        return attach(fig, d)
    max_rank = max(10, n)
    among_years, sets = restricted_years(d)
    mine = d[d["partner"].isin(partners).to_numpy()]
    partial = one_flow_rows(mine, df)
    gaps = mine[partial.to_numpy()]
    mine = mine[~partial.to_numpy()]
    colours = colours_for(partners)
    labels = []
    for p in partners:
        s = mine[mine["partner"] == p].sort_values("year")
        s = s[s["rank"].notna()]
        is_japan = p == JAPAN
        color = colours[p]
        # ranks among all partners and ranks among a restricted set are drawn apart, never
        # joined: a rank among 13 is not a move up from a rank among 180
        for part in _split_by_set(_full_years(s, years), d):
            restricted = bool(part.index.isin(among_years).any())
            ax.plot(
                part.index,
                rank_y(part["rank"], max_rank),
                color=color,
                lw=(2.4 if is_japan else 1.3) if restricted else (3.2 if is_japan else 1.6),
                zorder=3 if is_japan else 2,
                ms=4.5 if is_japan else 3.5,
                **(_marker_style("reported", 0.0, restricted=True) if restricted else {}),
            )
            if not restricted:  # a year between gaps draws no line: a dot, so it is seen
                y = rank_y(part["rank"], max_rank)
                ok = np.isfinite(y)
                alone = ok & ~np.r_[False, ok[:-1]] & ~np.r_[ok[1:], False]
                ax.plot(part.index[alone], y[alone], "o", color=color, ms=4 if is_japan else 3.5)
        if not s.empty:
            last = s.iloc[-1]
            y = float(rank_y([float(last["rank"])], max_rank)[0])
            labels.append((int(last["year"]), y, short_name(p), color, is_japan))
    # a year is shaded "mirror" only where every value drawn rests on partners' reports
    by_year = d.groupby("year", observed=True)["value_basis"].agg(lambda v: set(v.astype(str)))
    mirror_years = sorted(int(y) for y, b in by_year.items() if b == {"mirror"})
    if measure.startswith("oda_"):  # donors always report ODA: a shade on every year says nothing
        mirror_years = []
    for y in mirror_years:
        ax.axvspan(y - 0.5, y + 0.5, color=MIRROR_SHADE, zorder=0, lw=0)
    _shade_restricted(ax, among_years)
    _shade_gaps(ax, set(years), (min(years), max(years)))
    _dataset_switches(ax, d)
    breaks = mark_breaks(ax, d)  # a recorded change of definition inside the years drawn
    rank_axis(ax, max_rank, list(range(1, max_rank + 1)) if max_rank <= 10 else None)
    ax.set_xlim(years[0] - 0.5, years[-1] + 0.5)  # the names at the line ends go beyond it
    ax.set_ylabel("rank (1 = largest partner)")
    names = end_labels(ax, labels)
    answered = headline.answered_by(d, labels=True) if d["dataset"].nunique() > 1 else ""
    if own_figure:  # room on the right for the longest name, inside the figure
        fig.canvas.draw()  # the names' drawn widths
        widest = max((t.get_window_extent().width for t in names), default=0.0) / fig.dpi
        fig.subplots_adjust(left=0.08, right=1 - (widest + 0.2) / fig.get_figwidth())
    if answered:  # wrapped to the panel's width, so it never runs past the figure's edge
        width = fig.get_figwidth() * ax.get_position().width * 72 / (10 * 0.55)
        answered = textwrap.fill(answered, max(40, int(width)))
    heading = (title or f"{short_name(country)}: top {measure} partners by year") + (
        "\n" + answered if answered else ""
    )
    ax.set_title(heading, pad=18, fontsize=None if not answered else 10)
    if own_figure:  # the title's lines and the legend above the panel, inside the figure
        lines = heading.count("\n") + 1
        fig.subplots_adjust(top=1 - (lines * 15 + 30) / (fig.get_figheight() * 72))
    handles = []
    if JAPAN in partners:
        handles.append(Line2D([], [], color=JAPAN_COLOR, lw=3, label="Japan"))
    if mirror_years:
        handles.append(Patch(color=MIRROR_SHADE, label="ranked from partners' reports (mirror)"))
    if among_years:
        handles.append(Patch(color=RESTRICTED_SHADE, label="ranked " + "; ".join(sets)))
    handles.append(Patch(color=BAND_COLOR, label=f"ranked below {max_rank}"))
    ax.legend(
        handles=handles,
        loc="lower center",
        bbox_to_anchor=(0.5, 1.0),
        ncol=len(handles),
        fontsize=8,
        frameon=False,
        borderaxespad=0.1,
    )
    said = []
    if len(gaps):
        who = [
            f"{short_name(str(p))} {headline.spans([int(y) for y in g['year']])}"
            for p, g in gaps.groupby(gaps["partner"].astype(str), observed=True)
        ]
        said.append(
            "A line breaks where a partner's value holds only one of exports and imports (the "
            f"other unreported): {'; '.join(who)}."
        )
    bottom = footer(fig, " ".join([note or note_for(d), *breaks, *said]))
    if own_figure:  # the year labels above the footer, however many lines it wraps to
        fig.subplots_adjust(bottom=max(fig.subplotpars.bottom, bottom + 0.07))
    year_axis(ax, last=years[-1])
    return attach(fig, mine)


def japan_rank_grid(
    *,
    measure: str = "trade",
    basis: str = "best",
    max_rank: int = 15,
    df: pd.DataFrame | None = None,
) -> Figure:
    """Japan's rank among each ASEAN member's partners: small multiples for all ten, on the
    headline series (a member's own statistics, where they exist, answer its years)."""
    members = asean_members()
    fig, axes = plt.subplots(2, 5, figsize=(15, 6), sharex=True, sharey=True)
    d = query.select(df, measure=measure, basis=basis)
    all_years = sorted(int(y) for y in d["year"].unique())
    among_years, sets = restricted_years(d)
    for ax, c in zip(axes.flat, members, strict=True):
        s = d[(d["country"] == c) & (d["partner"] == JAPAN)].sort_values("year")
        for part in _split_by_set(_full_years(s, all_years), d[d["country"] == c]):
            ax.plot(part.index, rank_y(part["rank"], max_rank), color=JAPAN_COLOR, lw=1.5, zorder=2)
        for _, r in s.iterrows():
            st = _marker_style(
                str(r["value_basis"]),
                float(r["estimated_share"]),
                headline.restricted(str(r["dataset"]), str(r["measure"])),
            )
            y = rank_y([float(r["rank"])], max_rank)[0]
            ax.plot(r["year"], y, color=JAPAN_COLOR, ms=4, zorder=3, ls="", **st)
        _shade_gaps(ax, {int(y) for y in s["year"]}, (all_years[0], all_years[-1]), label=False)
        ax.set_title(short_name(c), fontsize=10)
        ax.axhline(1, color="0.7", lw=0.6, ls=":")
        _dataset_switches(ax, d[d["country"] == c])
        rank_axis(ax, max_rank)  # Japan below ``max_rank`` is drawn in the band, not cut off
    for ax in axes[:, 0]:
        ax.set_ylabel("Japan's rank")
    legend = [
        Line2D([], [], color=JAPAN_COLOR, marker="o", ls="", label="member's own report"),
        Line2D(
            [],
            [],
            color=JAPAN_COLOR,
            marker="o",
            mfc="white",
            ls="",
            label="partners' reports (mirror)",
        ),
        Line2D([], [], color=JAPAN_COLOR, marker="x", ls="", label="mostly IMF estimates"),
        *(
            [
                Line2D(
                    [],
                    [],
                    color=JAPAN_COLOR,
                    marker="s",
                    mfc="white",
                    ls="",
                    label="ranked " + "; ".join(sets),
                )
            ]
            if among_years
            else []
        ),
        Patch(color="0.9", label="no data"),
        Patch(color=BAND_COLOR, label=f"ranked below {max_rank}"),
    ]
    if d["dataset"].nunique() > 1:
        legend.append(Line2D([], [], color="0.45", ls=":", label="another dataset from here"))
    fig.suptitle(f"Japan's rank among each ASEAN member's {measure} partners")
    bottom = footer(fig, note_for(d))
    ncol = legend_columns(fig, [h.get_label() for h in legend], 9)
    fig.legend(
        handles=legend,
        loc="lower center",
        bbox_to_anchor=(0.5, bottom + 0.005),
        ncol=ncol,
        fontsize=9,
        frameon=False,
    )
    fig.tight_layout(rect=(0, bottom + 0.045 * -(-len(legend) // ncol) + 0.015, 1, 0.96))
    year_axis(axes.flat[0])  # after the layout: the ticks that fit the panels' final width
    return attach(fig, d[(d["partner"] == JAPAN) & d["country"].isin(members)])


BLOC_WORDS = {
    "blocs_fixed": "today's ASEAN-10 and EU-27 in every year",
    "blocs": "ASEAN and the EU with the members of each year",
}


def asean_among_japan(
    *,
    measure: str = "trade",
    basis: str = "best",
    variant: str = "blocs",
    df: pd.DataFrame | None = None,
) -> Figure:
    """ASEAN's rank (and share) among Japan's partners, the EU, China and the US alongside, on
    the headline series: ``blocs`` (default: the members of each year, as the ASEAN Secretariat
    and Eurostat count, and as Japan's own statistics count ASEAN and the EU after 2020, a
    restricted set of listed partners drawn apart) or ``blocs_fixed`` (today's members in
    every year, for comparisons over time)."""
    d = query.select(df, measure=measure, variant=variant, basis=basis)
    d = d[d["country"] == JAPAN]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(13, 4.8))
    colors = {p: color_of(p) for p in (ASEAN, "EU", "CHN", "USA")}
    years = sorted(int(y) for y in d["year"].unique())
    among_years, sets = restricted_years(d)
    max_rank = 10  # deeper ranks (China in the 1960s) are drawn in the band below 10
    for p, color in colors.items():
        line = _full_years(d[d["partner"] == p].sort_values("year"), years)
        for i, part in enumerate(_split_by_set(line, d)):
            restricted = bool(part.index.isin(among_years).any())
            style = _marker_style("reported", 0.0, restricted=True) if restricted else {}
            width = 2.5 if p == ASEAN else 1.3
            label = short_name(p) if i == 0 else None
            ax1.plot(part.index, rank_y(part["rank"], max_rank), color=color, lw=width, ms=4,
                     label=label, **style)  # fmt: skip
            ax2.plot(part.index, 100 * part["share"], color=color, lw=width, ms=4, **style)
    rank_axis(ax1, max_rank, list(range(1, max_rank + 1)))
    for ax in (ax1, ax2):
        year_axis(ax)
        _dataset_switches(ax, d)
        _shade_restricted(ax, among_years)
    ax1.set_ylabel("rank among Japan's partners")
    ax2.set_ylabel(f"share of Japan's {measure} (%)")
    handles, _ = ax1.get_legend_handles_labels()
    if among_years:
        handles.append(Patch(color=RESTRICTED_SHADE, label="ranked " + "; ".join(sets)))
    ax1.legend(handles=handles, fontsize=8)
    if years:
        _shade_gaps(ax1, set(years), (years[0], years[-1]), label=False)
    fig.suptitle(
        f"ASEAN and other partners of Japan, {measure} ({BLOC_WORDS[variant]})"
        + ("\n" + headline.answered_by(d, labels=True) if d["dataset"].nunique() > 1 else ""),
        fontsize=11,
    )
    footer(fig, note_for(d))
    fig.tight_layout(rect=(0, 0.04, 1, 0.95))
    return attach(fig, d[d["partner"].isin(list(colors))])


def asean_partners(
    *,
    n: int = 6,
    measure: str = "trade",
    basis: str = "best",
    variant: str = "blocs_fixed",
    df: pd.DataFrame | None = None,
) -> Figure:
    """ASEAN as one economy: its top outside partners over time (intra-ASEAN trade not ranked)."""
    return bump_chart(
        ASEAN,
        n=n,
        measure=measure,
        basis=basis,
        variant=variant,
        df=df,
        title=f"ASEAN as one economy: top outside {measure} partners ({BLOC_WORDS[variant]})",
    )


def major_partners_dataset() -> str | None:
    """The trade dataset of a restricted partner set with several reporters (a table of the
    members' trade with major partners), first in the headline order; None if none."""

    for name in headline.order("trade"):
        e = catalog.datasets()[name]
        if headline.restricted(name) and not str(e.get("reporters", "all")).endswith("only"):
            return name
    return None


def major_partners_grid(
    *,
    partners: tuple[str, ...] = (JAPAN, "CHN", "USA", "KOR"),
    measure: str = "trade",
    dataset: str | None = None,
    df: pd.DataFrame | None = None,
) -> Figure:
    """Japan against China, the US and Korea in each member's trade, from a dataset that covers
    only a set of major partners (``major_partners_dataset``): values, not ranks among all
    partners."""

    dataset = dataset or major_partners_dataset()
    r = query.rankings() if df is None else df
    d = r[(r["dataset"] == dataset) & (r["measure"] == measure) & r["partner"].isin(partners)]
    d = d[d["basis"] == "reported"]
    fig, axes = plt.subplots(2, 5, figsize=(16, 6.4), sharex=True)
    for ax, c in zip(axes.flat, asean_members(), strict=True):
        s = d[d["country"] == c]
        for i, p in enumerate(partners):
            sp = s[s["partner"] == p].sort_values("year")
            ax.plot(
                sp["year"],
                sp["value_usd_m"] / 1000,
                color=color_of(p, i),
                lw=2.4 if p == JAPAN else 1.3,
                label=short_name(p),
            )
        ax.set_title(short_name(c), fontsize=10)
        ax.tick_params(labelsize=8)
        if s.empty:
            ax.text(0.5, 0.5, "no data", transform=ax.transAxes, ha="center", color="0.4")
    for ax in axes[:, 0]:
        ax.set_ylabel(f"{measure}, US\\$ billion")
    year_axis(axes.flat[0])
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(
        handles,
        labels,
        loc="lower center",
        bbox_to_anchor=(0.5, 0.035),
        ncol=len(partners),
        frameon=False,
    )
    entry = catalog.datasets().get(str(dataset), {})
    partners_text = entry.get("partners", "a set of partners")
    fig.suptitle(
        f"Japan, China, the US and Korea in each ASEAN member's {measure}, US\\$ billion "
        f"({entry.get('label') or dataset}: only {partners_text.split(' (')[0]}, so values, "
        "not ranks)"
    )
    footer(fig, note_for(d))
    fig.tight_layout(rect=(0, 0.09, 1, 0.95))
    return attach(fig, d)
