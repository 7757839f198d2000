"""ODA charts: Japan among each member's donors, Japan's recipients, China as context."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .. import catalog, headline, query
from ..countries import JAPAN, asean_members, short_name
from ..snapshot import load_context
from .style import (
    JAPAN_COLOR,
    attach,
    catalog_series,
    color_of,
    footer,
    japan_rank_lines_grid,
    note_for,
    year_axis,
)

ODA_FAMILIES = ("oda_received_net", "oda_received_gross")  # one line per dataset and family


def _gap_years() -> pd.DataFrame:
    """Recipient-years in which a donor that matters is missing from a drawn ODA dataset."""
    g = query.material_gaps()
    drawn = {s[0] for s in catalog_series("oda", ODA_FAMILIES)}
    return g[g["dataset"].isin(drawn)]


def oda_japan_rank_grid(*, df: pd.DataFrame | None = None) -> Figure:
    """Japan's rank among each ASEAN member's ODA donors, net and gross side by side."""
    return japan_rank_lines_grid(
        catalog_series("oda", ODA_FAMILIES, df),
        title="Japan's rank among each ASEAN member's ODA donors",
        flagged=_gap_years(),
        flagged_text="a top-10 donor missing from the source (gaps.csv)",
        empty_text="not an ODA recipient\nin these years",
        no_rank_text="net ODA <= 0: no rank",
        df=df,
    )


ASEAN_SHADES = "Blues"  # ASEAN recipients' cells: picked out from the others' greys
OTHER_SHADES = "Greys"


def oda_japan_recipients(
    *, n: int = 5, start: int = 2002, df: pd.DataFrame | None = None
) -> Figure:
    """Japan's largest ODA recipients each year, where the ASEAN members stand among them: a
    table of ranks (recipients x years, the rank written in each cell, darker = larger) on the
    headline series of Japan's net ODA by recipient (each year from the dataset the headline
    rule picks, to the last year any has). Rows: every ASEAN member Japan gives to, in blue,
    first; then every other recipient in Japan's top ``n`` in some year, in grey; each block
    by its rank in the last year. "<=0": net ODA zero or negative (repayments), no rank;
    blank: no figure."""
    from matplotlib.colors import ListedColormap

    d = query.select(df, measure="oda_given_net_current", variant="countries", basis=None)
    d = d[(d["country"] == JAPAN).to_numpy() & (d["year"] >= start).to_numpy()]
    years = list(range(int(d["year"].min()), int(d["year"].max()) + 1)) if len(d) else []
    members = set(asean_members())
    last = d[d["year"] == (years[-1] if years else 0)].set_index("partner")["rank"]

    def by_latest(codes) -> list[str]:
        best = d[d["partner"].isin(list(codes))].groupby("partner", observed=True)["rank"].min()

        def rank_or(value, default: int) -> int:  # a nullable rank (pd.NA) sorts as default
            return default if value is None or pd.isna(value) else int(value)

        return sorted(
            codes,
            key=lambda p: (
                rank_or(last.get(p), -1) < 0,
                rank_or(last.get(p), 0),
                rank_or(best.get(p), 99),
                p,
            ),
        )

    asean = by_latest({str(p) for p in d["partner"].unique() if str(p) in members})
    others = by_latest(
        {str(p) for p in d.loc[d["rank"] <= n, "partner"].unique() if str(p) not in members}
    )
    rows = [*asean, *others]
    fig, ax = plt.subplots(figsize=(12, 0.3 * len(rows) + 2.2))
    max_rank = 10
    for block, shades in ((asean, ASEAN_SHADES), (others, OTHER_SHADES)):
        colours = plt.get_cmap(shades)(np.linspace(0.9, 0.25, max_rank))
        cmap = ListedColormap(colours).with_extremes(bad=(0, 0, 0, 0))
        grid = np.full((len(rows), len(years)), np.nan)
        for i, p in enumerate(rows):
            if p not in block:
                continue
            for y, r in d.loc[d["partner"] == p, ["year", "rank"]].itertuples(index=False):
                if pd.notna(r):
                    grid[i, int(y) - years[0]] = min(int(r), max_rank)
        ax.imshow(np.ma.masked_invalid(grid), aspect="auto", cmap=cmap, vmin=0.5,
                  vmax=max_rank + 0.5, interpolation="nearest")  # fmt: skip
    for i, p in enumerate(rows):
        for y, r in d.loc[d["partner"] == p, ["year", "rank"]].itertuples(index=False):
            x = int(y) - years[0]
            if pd.isna(r):
                ax.text(x, i, "<=0", ha="center", va="center", fontsize=6, color="0.35")
            else:
                dark = int(r) <= 4
                ax.text(x, i, str(int(r)), ha="center", va="center", fontsize=7,
                        color="white" if dark else "0.1", fontweight="bold" if dark else None)  # fmt: skip
    ax.set_yticks(range(len(rows)), [short_name(p) for p in rows], fontsize=8)
    for label, p in zip(ax.get_yticklabels(), rows, strict=True):
        if p in members:
            label.set_color("#08519c")
            label.set_fontweight("bold")
    if asean and others:
        ax.axhline(len(asean) - 0.5, color="0.2", lw=1.2)
    ax.set_xlim(-0.5, len(years) - 0.5)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ticks = [i for i, y in enumerate(years) if y % 5 == 0 and years[-1] - y >= 2]
    ticks.append(len(years) - 1)  # the last year always labelled
    ax.set_xticks(ticks, [str(years[i]) for i in ticks])
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    const = sorted(int(y) for y in d.loc[~d["measure"].str.endswith("_current"), "year"].unique())
    words = "current US\\$" + (
        f" (constant 2022 US\\$ in {headline.spans(const)})" if const else ""
    )
    span = f"{years[0]}-{years[-1]}" if years else ""
    ax.set_title(
        f"Japan's largest ODA recipients {span}: rank by net disbursements, {words}; "
        "ASEAN members first, in blue\n" + headline.answered_by(d, labels=True),
        fontsize=10,
        pad=10,
    )
    note = (
        f"Rows: the ASEAN members, then every recipient in Japan's top {n} in some year. "
        "<=0: net ODA zero or negative (repayments), no rank; blank: no figure."
    )
    bottom = footer(fig, note_for(d, note))
    fig.tight_layout(rect=(0, bottom + 0.01, 1, 1))
    return attach(fig, d[d["partner"].isin(rows)])


def china_context(*, df: pd.DataFrame | None = None) -> Figure:
    """China's ODA-like commitments (AidData) beside Japan's gross ODA disbursements (DAC),
    per member: context only, never ranked (commitments vs disbursements, different prices)."""

    china = load_context("aiddata_china")
    if china is None:
        china = pd.DataFrame(columns=["country", "year", "flow", "value_usd_m"])
    # a trend over time: constant 2022 prices, from the observations (rankings within a year
    # use current prices where they can be derived)
    obs = query.observations()
    measure = "oda_received_gross_const2022"
    gross = obs[(obs["measure"] == measure).to_numpy() & (obs["partner"] == JAPAN).to_numpy()]
    have = set(gross["dataset"].astype(str))
    source = next((n for n in headline.order("oda") if n in have), None)
    japan = gross[(gross["dataset"] == source).to_numpy()]
    fig, axes = plt.subplots(2, 5, figsize=(15, 6), sharex=True)
    for ax, c in zip(axes.flat, asean_members(), strict=True):
        cn = china[(china["country"] == c) & (china["flow"] == "oda_like")]
        ax.bar(
            cn["year"],
            cn["value_usd_m"],
            color=color_of("CHN"),
            alpha=0.6,
            label="China, ODA-like commitments (AidData, 2021 US\\$)",
        )
        jp = japan[japan["country"] == c].sort_values("year")
        ax.plot(
            jp["year"],
            jp["value_usd_m"],
            color=JAPAN_COLOR,
            lw=2,
            label="Japan, gross ODA disbursements (DAC, 2022 US\\$)",
        )
        ax.set_title(short_name(c), fontsize=10)
        ax.tick_params(labelsize=8)
        if cn["value_usd_m"].sum() == 0 and jp.empty:
            ax.set_yticks([])
            ax.text(
                0.5,
                0.5,
                "no ODA recorded",
                transform=ax.transAxes,
                ha="center",
                va="center",
                fontsize=9,
                color="0.4",
            )
    axes.flat[0].set_ylabel("US\\$ million")
    year_axis(axes.flat[0])
    handles, labels = axes.flat[1].get_legend_handles_labels()
    fig.legend(
        handles,
        labels,
        loc="lower center",
        bbox_to_anchor=(0.5, 0.035),
        ncol=2,
        fontsize=9,
        frameon=False,
    )
    fig.suptitle(
        "Context, not a ranking: China's development finance commitments and Japan's "
        "ODA disbursements are not comparable measures"
    )
    footer(
        fig,
        "Sources: AidData Global Chinese Development Finance 3.0 (commitments, context file "
        "context_aiddata_china.csv); "
        + catalog.note(*([source] if source else [])).removeprefix("Source: "),
    )
    fig.tight_layout(rect=(0, 0.1, 1, 0.95))
    return fig
