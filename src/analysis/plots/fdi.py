"""FDI charts: Japan among each member's investors, Japan's outward position."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

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
    year_axis,
)

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
        note=catalog.note(*dict.fromkeys(s[0] for s in series)) + " " + FDI_CAVEAT,
        empty_text="no recorded data",
        no_rank_text="zero or net disinvestment: no rank",
        df=df,
        span=(1980, 2024),
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
        last = d[d["year"] == d["year"].max()].nlargest(6, "value_usd_m")
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
    from .trade import bump_chart

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
    data = pd.concat(drawn) if drawn else pd.DataFrame(columns=["dataset"])
    fig.suptitle("Each ASEAN member's largest direct investors (inward position), headline series")
    fig.texts.clear()
    footer(
        fig,
        note_for(
            data,
            "Each panel names its datasets; partner sets differ by dataset (shaded: ranked "
            "among a restricted set of investors).",
        ),
    )
    fig.tight_layout(rect=(0, 0.05, 1, 0.95))
    return attach(fig, data)
