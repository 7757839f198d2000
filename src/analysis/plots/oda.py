"""ODA charts: Japan among each member's donors, Japan's recipients, China as context."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from .. import catalog, headline, query
from ..countries import JAPAN, asean_members, short_name
from .style import (
    JAPAN_COLOR,
    catalog_series,
    color_of,
    footer,
    japan_rank_lines_grid,
    year_axis,
)
from .trade import bump_chart

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


def oda_japan_recipients(*, n: int = 8, df: pd.DataFrame | None = None) -> Figure:
    """Japan's largest ODA recipients per year (net, current US$): a bump chart, from the newest
    dataset that has Japan's net ODA by recipient."""
    fig = bump_chart(
        JAPAN,
        n=n,
        measure="oda_given_net_current",
        basis=None,
        variant="countries",
        start=2002,
        df=df,
        title="Japan's largest ODA recipients (net disbursements; current US\\$, constant 2022 "
        "US\\$ where no current prices)",
    )
    return fig


def china_context(*, df: pd.DataFrame | None = None) -> Figure:
    """China's ODA-like commitments (AidData) beside Japan's gross ODA disbursements (DAC),
    per member: context only, never ranked (commitments vs disbursements, different prices)."""
    from ..snapshot import load_context

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
