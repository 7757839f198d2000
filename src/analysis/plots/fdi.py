"""FDI charts: Japan among each member's investors, Japan's outward position, Japan vs the
other investors that report their own FDI in each member."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .. import catalog, headline, query
from ..countries import ASEAN, JAPAN, asean_members, short_name
from .style import (
    _full_years,
    attach,
    catalog_series,
    color_of,
    footer,
    japan_rank_lines_grid,
    note_for,
    source_line,
    year_axis,
)
from .trade import bump_chart

FDI_CAVEAT = "Definitions differ between lines: never compare levels across them."
# one line per dataset, family and basis; registered capital (licences, not a balance-of-
# payments measure) is a line of its own where a member's statistics office publishes it
FDI_FAMILIES = ("fdi_inward_stock", "fdi_inflow", "fdi_registered")


def fdi_japan_rank_grid(*, df: pd.DataFrame | None = None) -> Figure:
    """Japan's rank among each ASEAN member's direct investors, by source and definition."""
    series = catalog_series("fdi", FDI_FAMILIES, df)
    return japan_rank_lines_grid(
        series,
        title="Japan's rank among each ASEAN member's sources of FDI",
        note=source_line(*(s[0] for s in series), extra=FDI_CAVEAT),
        empty_text="no recorded data",
        no_rank_text="zero or net disinvestment: no rank",
        df=df,
    )


def japan_outward_position(*, df: pd.DataFrame | None = None) -> Figure:
    """Japan's outward FDI position by host: ASEAN against China, the US and the EU where the
    dataset has its own bloc rows (JETRO), else Japan's largest hosts in the newest dataset."""
    r = query.rankings() if df is None else df
    japan = r[(r["country"] == JAPAN) & (r["measure"] == "fdi_outward_stock")]
    have = set(japan["dataset"].astype(str))
    order = [n for n in catalog.datasets("fdi") if n in have]
    fig, ax = plt.subplots(figsize=(10, 5))
    if not order:
        ax.set_title("Japan's outward FDI position: no dataset in the snapshot")
        return fig
    # the first dataset (headline order) with its own ASEAN and EU rows, else the first
    with_blocs = set(japan.loc[japan["partner"].isin([ASEAN, "EU"]), "dataset"].astype(str))
    order = [n for n in headline.order("fdi") if n in have]
    dataset = next((n for n in order if n in with_blocs), order[0])
    d = japan[japan["dataset"] == dataset]
    blocs = d[(d["variant"] == "blocs") & d["partner"].isin([ASEAN, "EU"])]
    if len(blocs):
        d = d[d["variant"] == "blocs"]
        partners = [ASEAN, "CHN", "USA", "EU"]
        title = "Japan's outward FDI position: ASEAN against China, the US and the EU"
    else:
        d = d[d["variant"] == "countries"]
        last = d[d["year"] == d["year"].max()].nsmallest(6, "rank")  # the ranking's order
        partners = list(last["partner"].astype(str))
        title = "Japan's outward FDI position: its largest hosts in this dataset"
    d = d[d["basis"] == d["basis"].iloc[0]] if len(d) else d
    years = sorted(int(y) for y in d["year"].unique())
    for i, p in enumerate(partners):
        s = _full_years(d[d["partner"] == p].sort_values("year"), years)
        ax.plot(
            s.index,
            s["value_usd_m"] / 1000,
            color=color_of(p, i),
            lw=2.4 if p == ASEAN else 1.4,
            label=short_name(p),
        )
    switch = _manual_switch(dataset)
    if switch is not None:  # the source's own flags say where the manual changes
        ax.axvline(switch - 0.5, color="0.5", ls=":", lw=1)
        ax.text(
            switch - 0.4, ax.get_ylim()[1] * 0.95, "BPM5 | BPM6", fontsize=8, color="0.4", va="top"
        )
    ax.set_ylabel("US\\$ billion, year-end position")
    year_axis(ax)
    ax.set_title(title)
    ax.legend(fontsize=9)
    label = catalog.datasets().get(dataset, {}).get("label", dataset)
    extra = (
        f"{label}'s own ASEAN and EU rows (membership as {label} defines it each year)."
        if len(blocs)
        else ""
    )
    footer(fig, note_for(d, extra))
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return attach(fig, d[d["partner"].isin(partners)])


def _manual_switch(dataset: str) -> int | None:
    """The first year a dataset's outward positions are flagged BPM6 after years flagged BPM5
    (the balance-of-payments manual changed), from the observations' flags; None if none."""
    obs = query.observations()
    d = obs[
        (obs["dataset"] == dataset).to_numpy()
        & (obs["measure"] == "fdi_outward_stock").to_numpy()
        & obs["flag"].isin(["BPM5", "BPM6"]).to_numpy()
    ]
    if d.empty or set(d["flag"].astype(str)) != {"BPM5", "BPM6"}:
        return None
    return int(d.loc[d["flag"] == "BPM6", "year"].min())


def top_investors_grid(*, n: int = 5, start: int = 2005, df: pd.DataFrame | None = None) -> Figure:
    """Each member's largest direct investors over time (inward position), on the headline
    series: each year from the dataset the headline rule picks (a bump chart per member;
    Japan in red; years among a restricted set of investors shaded)."""

    r = query.rankings() if df is None else df
    inward = query.select(r, measure="fdi_inward_stock", variant=None, basis=None)
    fig, axes = plt.subplots(2, 5, figsize=(17, 7.5))
    drawn = []
    for ax, c in zip(axes.flat, asean_members(), strict=True):
        mine = inward[(inward["country"] == c).to_numpy() & (inward["year"] >= start).to_numpy()]
        if mine.empty:
            ax.set_title(f"{short_name(c)}: no inward positions recorded", fontsize=9)
            ax.set_axis_off()
            continue
        bump_chart(
            c,
            n=n,
            measure="fdi_inward_stock",
            basis=None,
            variant=None,
            start=start,
            ax=ax,
            df=r,
            note=" ",
        )
        labels = []
        first = mine.groupby(mine["dataset"].astype(str), observed=True)["year"].min()
        for name in first.sort_values(kind="stable").index:  # in the order they answer
            label = catalog.datasets().get(name, {}).get("label") or name
            labels.append(
                label
                + (" (restricted set)" if headline.restricted(name, "fdi_inward_stock") else "")
            )
        ax.set_title(f"{short_name(c)}: {'; '.join(labels)}", fontsize=8.5)
        ax.set_ylabel("")
        if ax.get_legend() is not None:
            ax.get_legend().remove()
        drawn.append(mine[mine["rank"] <= n])
    data = pd.concat(drawn) if drawn else pd.DataFrame(columns=["dataset", "year"])
    fig.suptitle("Each ASEAN member's largest direct investors (inward position), headline series")
    fig.texts.clear()
    bottom = footer(
        fig,
        note_for(
            data,
            "Each panel names its datasets; partner sets differ by dataset (shaded: ranked "
            "among a restricted set of investors).",
        ),
    )
    fig.tight_layout(rect=(0, bottom + 0.01, 1, 0.95))
    return attach(fig, data)


def investor_reports() -> tuple[str | None, list[str]]:
    """Which datasets the chart of investors as each reports it draws, from the declarations:
    every FDI dataset declared never ranked (one investor's own report of its investment in
    each host: BEA's), and Japan's own outward positions by host from the first national
    dataset in headline order on the same FDI principle as those (the Bank of Japan's,
    directional, before JETRO's, which declares none), else the first national one."""
    entries = catalog.datasets("fdi")
    others = [n for n, e in entries.items() if not e.get("ranked", True)]
    principles = {entries[n].get("principle", "") for n in others} - {""}
    obs = query.observations()
    japan = obs[
        (obs["country"] == JAPAN).to_numpy()
        & (obs["measure"] == "fdi_outward_stock").to_numpy()
        & obs["partner"].isin(asean_members()).to_numpy()
    ]
    have = set(japan["dataset"].astype(str))
    national = [
        n
        for n in headline.order("fdi")
        if n in have
        and entries[n].get("authority") == "national"
        and entries[n].get("ranked", True)
    ]
    national.sort(key=lambda n: entries[n].get("principle", "") not in principles)  # stable
    return (national[0] if national else None), others


def investors_as_each_reports() -> Figure:
    """Japan vs the other investors that report their own direct investment in each member
    (BEA's United States), positions at year end as each investor reports them, one panel per
    member. Source-reported figures, never host-reported ones, and never ranked: each line is
    the investor's own statistics. Years in an investor's span without a figure (suppressed or
    too small to publish: ``gaps.csv`` says which) are shaded gaps, never zeros; a dotted line
    marks where the source's flag says its release (workbook vintage) changes."""
    japan_ds, others = investor_reports()
    obs = query.observations()
    members = asean_members()
    entries = catalog.datasets("fdi")
    mine = obs[
        obs["dataset"].isin(others).to_numpy()
        & (obs["measure"] == "fdi_inward_stock").to_numpy()
        & obs["country"].isin(members).to_numpy()
    ]
    rows = [mine.assign(host=mine["country"].astype(str), investor=mine["partner"].astype(str))]
    if japan_ds is not None:
        jp = obs[
            (obs["dataset"] == japan_ds).to_numpy()
            & (obs["country"] == JAPAN).to_numpy()
            & (obs["measure"] == "fdi_outward_stock").to_numpy()
            & obs["partner"].isin(members).to_numpy()
        ]
        rows.insert(0, jp.assign(host=jp["partner"].astype(str), investor=JAPAN))
    data = pd.concat(rows, ignore_index=True)
    series = data[["dataset", "investor"]].drop_duplicates().astype(str)
    series = list(series.itertuples(index=False, name=None))
    first = min(int(entries[d]["first_year"]) for d, _ in series) if series else 2010
    last = max(int(entries[d]["last_year"]) for d, _ in series) if series else 2024
    fig, axes = plt.subplots(2, 5, figsize=(17, 7.6), sharex=True)
    breaks: set[str] = set()
    for ax, c in zip(axes.flat, members, strict=True):
        ax.axhline(0, color="0.6", lw=0.6)
        missing_japan = True
        for i, (ds, investor) in enumerate(series):
            color = color_of(investor, i)
            label = entries[ds].get("label") or ds
            s = data[(data["dataset"] == ds).to_numpy() & (data["host"] == c).to_numpy()]
            s = s[s["investor"] == investor].sort_values("year")
            if investor == JAPAN:
                missing_japan = s.empty
            span = list(range(int(entries[ds]["first_year"]), int(entries[ds]["last_year"]) + 1))
            line = _full_years(s, span)
            ax.plot(line.index, line["value_usd_m"] / 1000, color=color, lw=1.8, marker="o", ms=2.5)
            if investor != JAPAN:  # an investor's years without a published figure
                for y in sorted(set(span) - {int(v) for v in s["year"]}):
                    ax.axvspan(y - 0.5, y + 0.5, color=color, alpha=0.13, lw=0)
            flags = s[["year", "flag"]].astype({"flag": str}).to_numpy()
            for (_, before), (y, after) in zip(flags[:-1], flags[1:], strict=True):
                if before != after and before and after:
                    ax.axvline(int(y) - 0.5, color="0.35", ls=":", lw=1.2)
                    breaks.add(f"{label} {before} | {after}")
        title = short_name(c)
        if missing_japan and japan_ds is not None:  # said under the name, never over a line
            label = entries[japan_ds].get("label") or japan_ds
            title += f"\n({short_name(JAPAN)}: no position by country in {label})"
        ax.set_title(title, fontsize=10 if "\n" not in title else 9)
        ax.set_xlim(first - 0.6, last + 0.6)
        ax.set_xticks(sorted({*range(first, last + 1, 5), last}))  # the last year labelled
        ax.tick_params(labelsize=8)
    for ax in axes[:, 0]:
        ax.set_ylabel("US\\$ billion, year end")
    names = [short_name(inv) for inv in dict.fromkeys(inv for _, inv in series)]
    fig.suptitle(
        f"{' vs '.join(names)} as investors in each ASEAN member, as each reports it "
        "(direct investment position)"
    )
    handles = [
        Line2D(
            [],
            [],
            color=color_of(inv, i),
            marker="o",
            ms=3,
            label=f"{short_name(inv)}: {entries[ds].get('label') or ds}, its own report",
        )
        for i, (ds, inv) in enumerate(series)
    ]
    handles += [
        Patch(color=color_of(inv, i), alpha=0.25, label=f"{short_name(inv)}: no figure published")
        for i, (ds, inv) in enumerate(series)
        if inv != JAPAN
    ]
    if breaks:
        handles.append(
            Line2D([], [], color="0.35", ls=":", label="source's release changes (possible break)")
        )
    principles = sorted({entries[d].get("principle", "") for d, _ in series} - {""})
    extra = (
        "Each line: the investor's own statistics, never ranked with host-reported FDI"
        + (f" ({' and '.join(principles)} principle)" if principles else "")
        + ". Shaded: no figure published (gaps.csv), never a zero."
        + (
            f" Dotted: {'; '.join(sorted(breaks))} (the workbook a value comes from)."
            if breaks
            else ""
        )
    )
    bottom = footer(fig, note_for(data, extra))
    fig.legend(
        handles=handles,
        loc="lower center",
        bbox_to_anchor=(0.5, bottom + 0.005),
        ncol=len(handles),
        fontsize=8.5,
        frameon=False,
    )
    fig.tight_layout(rect=(0, bottom + 0.05, 1, 0.96))
    return attach(fig, data.drop(columns=["host", "investor"]))
