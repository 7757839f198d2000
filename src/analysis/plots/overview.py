"""Overview charts: Japan's rank across trade, ODA and FDI; claim evidence."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from .. import catalog, headline, query
from ..countries import JAPAN, asean_members, short_name
from .style import attach, footer, source_line

OVERVIEW = (
    # title, measure, variant (None: the measure's default): each row is the headline series
    # of its measure (``headline.py``), whichever datasets the snapshot holds
    ("Trade (exports + imports)", "trade", "countries"),
    ("ODA received, net, all donors", "oda_received_net_current", None),
    ("ODA received, gross", "oda_received_gross_current", None),
    ("FDI inward position", "fdi_inward_stock", None),
    ("FDI inflows", "fdi_inflow", None),
)


def overview_heatmaps(
    *,
    df: pd.DataFrame | None = None,
    span: tuple[int, int] | None = None,
    max_rank: int = 10,
    partner: str = JAPAN,
) -> Figure:
    """Members x years heatmaps of ``partner``'s rank (Japan's by default), one per dimension
    (trade, ODA, FDI).

    White: no recorded data; dark: the partner first; a dot marks a year where it is present
    without a rank (net repayments or disinvestment).
    """
    from matplotlib.colors import ListedColormap

    members = asean_members()
    read = []
    for title, measure, variant in OVERVIEW:
        d = query.select(df, measure=measure, variant=variant, basis=None)
        d = d[(d["partner"] == partner).to_numpy() & d["country"].isin(members).to_numpy()]
        read.append((title, measure, d))
    if span is None:  # 1990 to the last year a panel draws: no empty years at the end
        last = max((int(d["year"].max()) for *_, d in read if len(d)), default=2022)
        span = (1990, last)
    years = list(range(span[0], span[1] + 1))
    drawn: list[str] = []
    rows = []
    fig, axes = plt.subplots(len(OVERVIEW), 1, figsize=(13, 2.3 * len(OVERVIEW) + 0.8), sharex=True)
    cmap = ListedColormap(plt.get_cmap("Reds_r")(np.linspace(0.05, 0.85, max_rank))).with_extremes(
        bad="white"
    )
    any_restricted = False
    entries = catalog.datasets()
    for ax, (title, measure, d) in zip(axes, read, strict=True):
        first = d.groupby(d["dataset"].astype(str), observed=True)["year"].min()
        names = list(first.sort_values(kind="stable").index)  # in the order they answer
        drawn += names
        rows.append(d)
        grid = np.full((len(members), len(years)), np.nan)
        for i, c in enumerate(members):
            s = d[d["country"] == c]
            for y, r, ds in zip(s["year"].astype(int), s["rank"], s["dataset"], strict=True):
                if span[0] <= y <= span[1]:
                    if pd.isna(r):
                        ax.plot(y - span[0], i, ".", color="0.3", ms=3)
                    else:
                        grid[i, y - span[0]] = min(int(r), max_rank)
                    if headline.restricted(str(ds), measure):  # a rank among a restricted set
                        any_restricted = True
                        ax.plot(y - span[0], i, "s", mfc="none", mec="0.15", ms=5, mew=0.8)
        im = ax.imshow(
            np.ma.masked_invalid(grid),
            aspect="auto",
            cmap=cmap,
            vmin=0.5,
            vmax=max_rank + 0.5,
            interpolation="nearest",
        )
        ax.set_yticks(range(len(members)), [short_name(c) for c in members], fontsize=8)
        shown = (
            ", ".join(entries.get(n, {}).get("label") or n for n in names)
            if names
            else "no dataset in the snapshot"
        )
        ax.set_title(f"{title} ({shown})", fontsize=10, loc="left")
    ticks = sorted({*range(0, len(years), 5), len(years) - 1})  # the last year always has one
    axes[-1].set_xticks(ticks, [str(years[t]) for t in ticks])
    name = short_name(partner)
    fig.suptitle(f"{name}'s rank among each ASEAN member's partners: trade, ODA and FDI")
    bottom = footer(
        fig,
        source_line(*drawn)
        + " White: no data. Dot: no rank (net repayments or disinvestment)."
        + (" Square: ranked among a restricted partner set." if any_restricted else ""),
    )
    fig.subplots_adjust(bottom=bottom + 0.04, top=0.93)  # the year ticks above the footer
    cbar = fig.colorbar(im, ax=axes, shrink=0.6, ticks=[1, 2, 3, 5, max_rank])
    cbar.set_label(f"{name}'s rank ({max_rank} = {max_rank} or lower)")
    return attach(fig, pd.concat(rows))


def claim_evidence(evidence: pd.DataFrame, claim_id: str) -> Figure:
    """One claim's cases, then (the article's year) and now (each member's latest year): the
    partner's rank per country and year as a dot (rank 1 at the top), coloured by the
    verdict; a case with no rank sits on the bottom line with its status written."""
    e = evidence[evidence["claim_id"] == claim_id].copy()
    if "reading" not in e:
        e["reading"] = "article"
    e = pd.concat([e[e["reading"] == "article"], e[e["reading"] == "latest"]])
    years = ["" if pd.isna(y) else f" {int(y)}" for y in e["year"]]
    e["label"] = [f"{short_name(c)}{y}" for c, y in zip(e["country"], years, strict=True)]
    colors = {
        "supported": "#2ca02c",
        "not supported": "#d62728",
        "not ranked": "#ff7f0e",
        "no data": "0.6",
    }
    then = int((e["reading"] == "article").sum())
    x = [i if i < then else i + 1 for i in range(len(e))]  # a blank slot between the two
    rank = pd.to_numeric(e["rank"], errors="coerce")
    floor = int(max(rank.max(skipna=True) if rank.notna().any() else 1, 3)) + 1
    fig, ax = plt.subplots(figsize=(max(5, 0.5 * len(x) + 2.5), 3.4))
    for xi, s, r in zip(x, e["status"], rank, strict=True):
        if pd.isna(r):
            ax.plot(xi, floor, "o", mfc="white", mec=colors[s], ms=7)
            ax.text(xi, floor - 0.35, s, rotation=90, ha="center", va="bottom", fontsize=7)
        else:
            ax.plot(xi, r, "o", color=colors[s], ms=8)
    if then < len(e):
        ax.axvline(then, color="0.7", lw=0.8, ls=":")
    ax.set_xticks(x, e["label"], rotation=45, ha="right", fontsize=8)
    ax.set_ylim(floor + 0.6, 0.4)
    ax.set_yticks(range(1, floor), [str(k) for k in range(1, floor)], fontsize=8)
    ax.set_ylabel(f"rank of {short_name(str(e['partner'].iat[0]))}")
    ax.set_title(f"{claim_id}: then (left), now (right)", fontsize=10, loc="left")
    ax.legend(
        handles=[Patch(color=c, label=s) for s, c in colors.items()],
        fontsize=7,
        ncol=2,
        loc="lower right",
        bbox_to_anchor=(1, 1.0),
        frameon=False,
    )
    fig.tight_layout()
    return fig
