"""FDI charts: Japan among each member's investors, Japan's outward position."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from .. import catalog, query
from ..countries import ASEAN, JAPAN, asean_members, short_name
from .style import _full_years, attach, color_of, footer, japan_rank_lines_grid, note_for, year_axis

FDI_CAVEAT = "Definitions differ between lines: never compare levels across them."
FDI_SERIES = (
    # dataset, measure, variant, basis, label, style; drawn where the dataset is in the snapshot
    (
        "aseanstats_fdi",
        "fdi_inward_stock",
        "countries",
        "reported",
        "inward stock, host-reported (ASEANstats)",
        "-",
    ),
    (
        "oecd_fdi_mirror",
        "fdi_inward_stock",
        "oecd_reporters",
        "mirror",
        "inward position, OECD investors' reports (among OECD reporters)",
        (0, (6, 2)),
    ),
    (
        "imf_dip",
        "fdi_inward_stock",
        "countries",
        "reported",
        "inward position, host-reported (IMF DIP)",
        (0, (3, 1)),
    ),
    (
        "imf_dip",
        "fdi_inward_stock",
        "countries",
        "mirror",
        "inward position, investors' reports (IMF DIP)",
        (0, (1, 1)),
    ),
    (
        "unctad_bilateral_fdi",
        "fdi_inflow",
        "countries",
        "reported",
        "inflows, host-reported (UNCTAD)",
        "-",
    ),
    (
        "unctad_bilateral_fdi",
        "fdi_inward_stock",
        "countries",
        "reported",
        "inward stock, host-reported (UNCTAD)",
        "--",
    ),
    (
        "unctad_bilateral_fdi",
        "fdi_inward_stock",
        "countries",
        "mirror",
        "inward stock, investors' reports (UNCTAD)",
        "-.",
    ),
    (
        "abn2018_fdi",
        "fdi_inflow",
        "countries",
        "mirror",
        "inflows among 39 source countries (ABN 2018)",
        ":",
    ),
    (
        "imf_dip_vnm",
        "fdi_inward_stock",
        "countries",
        "mirror",
        "inward position, investors' reports (IMF DIP)",
        (0, (5, 1, 1, 1)),
    ),
)


def fdi_japan_rank_grid(*, df: pd.DataFrame | None = None) -> Figure:
    """Japan's rank among each ASEAN member's direct investors, by source and definition."""
    return japan_rank_lines_grid(
        FDI_SERIES,
        title="Japan's rank among each ASEAN member's sources of FDI",
        note=catalog.note(*(s[0] for s in FDI_SERIES if s[0] in catalog.datasets()))
        + " "
        + FDI_CAVEAT,
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
    dataset = "jetro_outward_fdi" if "jetro_outward_fdi" in have else order[0]
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
    if dataset == "jetro_outward_fdi":
        ax.axvline(2013.5, color="0.5", ls=":", lw=1)
        ax.text(2013.6, ax.get_ylim()[1] * 0.95, "BPM5 | BPM6", fontsize=8, color="0.4", va="top")
    ax.set_ylabel("US\\$ billion, year-end position")
    year_axis(ax)
    ax.set_title(title)
    ax.legend(fontsize=9)
    extra = (
        "JETRO's own ASEAN and EU rows (membership as JETRO defines it each year)."
        if dataset == "jetro_outward_fdi"
        else ""
    )
    footer(fig, note_for(d, extra))
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return attach(fig, d[d["partner"].isin(partners)])


def top_investors_grid(*, n: int = 5, start: int = 2005, df: pd.DataFrame | None = None) -> Figure:
    """Each member's largest direct investors over time, from the FDI dataset with the latest
    inward positions for that member (a bump chart per member; Japan in red)."""
    from .trade import bump_chart

    r = query.rankings() if df is None else df
    inward = r[
        (r["measure"] == "fdi_inward_stock") & r["variant"].isin(["countries", "oecd_reporters"])
    ]
    fig, axes = plt.subplots(2, 5, figsize=(17, 7.5))
    drawn = []
    for ax, c in zip(axes.flat, asean_members(), strict=True):
        mine = inward[inward["country"] == c]
        if mine.empty:
            ax.set_title(f"{short_name(c)}: no inward positions recorded", fontsize=9)
            ax.set_axis_off()
            continue
        last = mine.groupby(mine["dataset"].astype(str), observed=True)["year"].max()
        dataset = str(last.sort_values(kind="stable").index[-1])
        basis = str(mine.loc[mine["dataset"] == dataset, "basis"].iloc[0])
        variant = str(mine.loc[mine["dataset"] == dataset, "variant"].iloc[0])
        bump_chart(
            c,
            n=n,
            measure="fdi_inward_stock",
            basis=basis,
            variant=variant,
            start=start,
            ax=ax,
            df=r,
            dataset=dataset,
            note=" ",
        )
        partners = catalog.datasets().get(dataset, {}).get("partners", "all")
        among = "" if partners == "all" else f", among {partners}"
        ax.set_title(f"{short_name(c)}: {dataset}{among}", fontsize=8.5)
        ax.set_ylabel("")
        if ax.get_legend() is not None:
            ax.get_legend().remove()
        sub = mine[
            (mine["dataset"] == dataset)
            & (mine["basis"] == basis)
            & (mine["variant"] == variant)
            & (mine["year"] >= start)
        ]
        drawn.append(sub[sub["rank"] <= n])
    data = pd.concat(drawn) if drawn else pd.DataFrame(columns=["dataset"])
    fig.suptitle("Each ASEAN member's largest direct investors (inward position), newest dataset")
    fig.texts.clear()
    footer(fig, note_for(data, "Each panel names its dataset; partner sets differ by dataset."))
    fig.tight_layout(rect=(0, 0.05, 1, 0.95))
    return attach(fig, data)
