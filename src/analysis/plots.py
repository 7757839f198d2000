"""Charts shared by the notebooks and the report. Each returns a matplotlib Figure.

Every chart shows where its numbers come from: ranks resting on partners' reports (mirror data)
or mostly on IMF estimates are drawn differently, and years without data are shaded, not bridged.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from . import query
from .countries import ASEAN, JAPAN, asean_members, short_name

JAPAN_COLOR = "#bc002d"
SOURCE_NOTE = "Source: IMF Direction of Trade Statistics (vintage 2022-02), asean-japan rankings."


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


def bump_chart(
    country: str,
    *,
    n: int = 5,
    measure: str = "trade",
    basis: str = "best",
    variant: str = "countries",
    start: int = 1990,
    ax=None,
    df: pd.DataFrame | None = None,
    dataset: str = query.DEFAULT_DATASET,
    title: str | None = None,
    note: str = SOURCE_NOTE,
) -> Figure:
    """Rank over time of every partner that was ever in ``country``'s top ``n`` since ``start``;
    Japan highlighted. Years ranked from partners' reports are shaded blue, years without data grey.
    """
    d = query.select(df, dataset=dataset, measure=measure, variant=variant, basis=basis)
    d = d[(d["country"] == country) & (d["year"] >= start)]
    partners = sorted(d.loc[d["rank"] <= n, "partner"].astype(str).unique())
    if JAPAN not in partners and country != JAPAN:
        partners.append(JAPAN)
    fig = ax.figure if ax is not None else plt.figure(figsize=(10, 5.5))
    ax = ax or fig.add_subplot()
    years = sorted(int(y) for y in d["year"].unique())
    if not years:
        ax.set_title(f"{short_name(country)}: no data")
        return fig
    cmap = plt.get_cmap("tab20")
    for i, p in enumerate(partners):
        s = d[d["partner"] == p].sort_values("year")
        s = s[s["rank"].notna()]
        is_japan = p == JAPAN
        color = JAPAN_COLOR if is_japan else cmap(i % 20)
        line = _full_years(s, years)
        ys = line["rank"].astype(float).where(line["rank"] <= n + 2)
        ax.plot(
            line.index,
            ys,
            color=color,
            lw=3.2 if is_japan else 1.4,
            alpha=1 if is_japan else 0.85,
            zorder=3 if is_japan else 2,
        )
        last = s[s["rank"] <= n + 2].tail(1)
        if not last.empty:
            ax.annotate(
                short_name(p),
                (last["year"].iat[0], float(last["rank"].iat[0])),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                color=color,
                fontsize=8,
                fontweight="bold" if is_japan else "normal",
            )
    mirror_years = (
        sorted(int(y) for y in d.loc[d["value_basis"] != "reported", "year"].unique())
        if dataset == query.DEFAULT_DATASET
        else []
    )
    for y in mirror_years:
        ax.axvspan(y - 0.5, y + 0.5, color="#dde7f5", zorder=0, lw=0)
    _shade_gaps(ax, set(years), (min(years), max(years)))
    ax.set_ylim(n + 2.5, 0.5)
    ax.set_yticks(range(1, n + 3))
    ax.set_ylabel("rank (1 = largest partner)")
    ax.set_title(
        f"{short_name(country)}: top {measure} partners by year ({variant}, basis {basis})"
    )
    handles = [Line2D([], [], color=JAPAN_COLOR, lw=3, label="Japan")]
    if mirror_years:
        handles.append(Patch(color="#dde7f5", label="ranked from partners' reports (mirror)"))
    ax.legend(handles=handles, loc="lower left", fontsize=8)
    ax.figure.text(0.01, 0.005, note, fontsize=7, color="0.4")
    return fig


def japan_rank_grid(
    *,
    measure: str = "trade",
    basis: str = "best",
    max_rank: int = 15,
    df: pd.DataFrame | None = None,
) -> Figure:
    """Japan's rank among each ASEAN member's partners: small multiples for all ten."""
    members = asean_members()
    fig, axes = plt.subplots(2, 5, figsize=(15, 6), sharex=True, sharey=True)
    d = query.select(df, measure=measure, basis=basis)
    all_years = sorted(int(y) for y in d["year"].unique())
    for ax, c in zip(axes.flat, members, strict=True):
        s = d[(d["country"] == c) & (d["partner"] == JAPAN)].sort_values("year")
        line = _full_years(s, all_years)
        ax.plot(line.index, line["rank"].astype(float), color=JAPAN_COLOR, lw=1.5, zorder=2)
        for _, r in s.iterrows():
            st = _marker_style(str(r["value_basis"]), float(r["estimated_share"]))
            ax.plot(r["year"], float(r["rank"]), color=JAPAN_COLOR, ms=4, zorder=3, ls="", **st)
        _shade_gaps(ax, {int(y) for y in s["year"]}, (all_years[0], all_years[-1]), label=False)
        ax.set_title(short_name(c), fontsize=10)
        ax.axhline(1, color="0.7", lw=0.6, ls=":")
    axes.flat[0].set_ylim(max_rank + 0.5, 0.5)
    axes.flat[0].set_yticks([1, 5, 10, 15])
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
        Patch(color="0.9", label="no data"),
    ]
    fig.legend(handles=legend, loc="lower center", ncol=4, fontsize=9, frameon=False)
    fig.suptitle(f"Japan's rank among each ASEAN member's {measure} partners (basis {basis})")
    fig.text(0.01, 0.005, SOURCE_NOTE, fontsize=7, color="0.4")
    fig.tight_layout(rect=(0, 0.06, 1, 0.96))
    return fig


def asean_among_japan(
    *, measure: str = "trade", basis: str = "best", df: pd.DataFrame | None = None
) -> Figure:
    """ASEAN's rank (and share) among Japan's partners, the EU and China alongside (blocs variant)."""
    d = query.select(df, measure=measure, variant="blocs", basis=basis)
    d = d[d["country"] == JAPAN]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(13, 4.8))
    colors = {ASEAN: "#1f77b4", "EU": "#2ca02c", "CHN": "#d62728", "USA": "#7f7f7f"}
    years = sorted(int(y) for y in d["year"].unique())
    for p, color in colors.items():
        s = _full_years(d[d["partner"] == p].sort_values("year"), years)
        ax1.plot(
            s.index,
            s["rank"].astype(float),
            color=color,
            lw=2.5 if p == ASEAN else 1.3,
            label=short_name(p),
        )
        ax2.plot(
            s.index,
            100 * s["share"],
            color=color,
            lw=2.5 if p == ASEAN else 1.3,
            label=short_name(p),
        )
    ax1.set_ylim(6.5, 0.5)
    ax1.set_yticks(range(1, 7))
    ax1.set_ylabel("rank among Japan's partners")
    ax2.set_ylabel(f"share of Japan's {measure} (%)")
    ax1.legend(fontsize=8)
    if years:
        _shade_gaps(ax1, set(years), (years[0], years[-1]), label=False)
    fig.suptitle(
        f"ASEAN-10 and other partners of Japan, {measure} (blocs: ASEAN-10 and EU-27 summed)"
    )
    fig.text(0.01, 0.005, SOURCE_NOTE, fontsize=7, color="0.4")
    fig.tight_layout(rect=(0, 0.03, 1, 0.95))
    return fig


def asean_partners(
    *, n: int = 6, measure: str = "trade", basis: str = "best", df: pd.DataFrame | None = None
) -> Figure:
    """ASEAN as one economy: its top outside partners over time (intra-ASEAN trade not ranked)."""
    fig = bump_chart(ASEAN, n=n, measure=measure, basis=basis, variant="blocs", df=df)
    fig.axes[0].set_title(f"ASEAN-10 as one economy: top outside {measure} partners (EU-27 as one)")
    return fig


ODA_NOTE = (
    "Source: OECD DAC Table 2a (QWIDS export, net, current US\\$, 2002-2019; OECD.Stat extract, "
    "bilateral donors only, gross and net, constant 2022 US\\$, 2009-2022), asean-japan rankings."
)
ODA_SERIES = (
    # dataset, measure, variant, label, style
    ("oecd_dac2a_qwids", "oda_received_net_current", "all", "net, all donors (current US\\$)", "-"),
    (
        "oecd_dac2a_bilateral",
        "oda_received_net_const2022",
        "bilateral",
        "net, bilateral donors (2022 US\\$)",
        "--",
    ),
    (
        "oecd_dac2a_bilateral",
        "oda_received_gross_const2022",
        "bilateral",
        "gross, bilateral donors (2022 US\\$)",
        ":",
    ),
)


def japan_rank_lines_grid(
    series: tuple[tuple[str, str, str, str, str, str], ...],
    *,
    title: str,
    note: str,
    empty_text: str,
    no_rank_text: str,
    df: pd.DataFrame | None = None,
    span: tuple[int, int] = (1990, 2022),
    max_rank: int = 10,
) -> Figure:
    """Japan's rank as partner of each ASEAN member, one line per (dataset, measure) series.

    ``series``: (dataset, measure, variant, basis, label, line style). Years no series covers are
    shaded; a year where Japan's value was zero or negative (net repayments, disinvestment) has
    no rank and is marked with a cross at the bottom.
    """
    fig, axes = plt.subplots(2, 5, figsize=(15, 6.2), sharex=True, sharey=True)
    for ax, c in zip(axes.flat, asean_members(), strict=True):
        covered: set[int] = set()
        for dataset, measure, variant, basis, label, style in series:
            d = query.select(df, dataset=dataset, measure=measure, variant=variant, basis=basis)
            s = d[(d["country"] == c) & (d["partner"] == JAPAN)].sort_values("year")
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
    axes.flat[0].set_ylim(max_rank + 0.5, 0.5)
    axes.flat[0].set_yticks([1, 3, 5, 10])
    for ax in axes[:, 0]:
        ax.set_ylabel("Japan's rank")
    handles = [Line2D([], [], color=JAPAN_COLOR, ls=st, label=lb) for *_, lb, st in series]
    handles += [
        Line2D([], [], color=JAPAN_COLOR, marker="x", ls="", label=no_rank_text),
        Patch(color="0.9", label="no recorded data"),
    ]
    fig.legend(
        handles=handles, loc="lower center", ncol=min(len(handles), 4), fontsize=8.5, frameon=False
    )
    fig.suptitle(title)
    fig.text(0.01, 0.005, note, fontsize=7, color="0.4")
    fig.tight_layout(rect=(0, 0.1, 1, 0.96))
    return fig


def oda_japan_rank_grid(*, df: pd.DataFrame | None = None) -> Figure:
    """Japan's rank among each ASEAN member's ODA donors, net and gross side by side."""
    series = tuple((d, m, v, "mirror", lb, st) for d, m, v, lb, st in ODA_SERIES)
    return japan_rank_lines_grid(
        series,
        title="Japan's rank among each ASEAN member's ODA donors",
        note=ODA_NOTE,
        empty_text="not an ODA recipient\nin these years",
        no_rank_text="net ODA <= 0: no rank",
        df=df,
    )


FDI_NOTE = (
    "Sources: UNCTAD bilateral FDI 2001-2012; Aisbett et al. (2018), 39 source countries;\n"
    "Bank Indonesia SEKI V.33; IMF DIP (investors' reports of positions in Viet Nam). "
    "Definitions differ: never compare "
    "levels across lines."
)
FDI_SERIES = (
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
        note=FDI_NOTE,
        empty_text="no recorded data",
        no_rank_text="zero or net disinvestment: no rank",
        df=df,
        span=(1980, 2024),
    )


def japan_outward_position(*, df: pd.DataFrame | None = None) -> Figure:
    """Japan's outward FDI position in ASEAN against China, the US and the EU (JETRO)."""
    d = query.select(
        df,
        dataset="jetro_outward_fdi",
        measure="fdi_outward_stock",
        variant="blocs",
        basis="reported",
    )
    d = d[d["country"] == JAPAN]
    fig, ax = plt.subplots(figsize=(10, 5))
    colors = {ASEAN: "#1f77b4", "CHN": "#d62728", "USA": "#7f7f7f", "EU": "#2ca02c"}
    years = sorted(int(y) for y in d["year"].unique())
    for p, color in colors.items():
        s = _full_years(d[d["partner"] == p].sort_values("year"), years)
        ax.plot(
            s.index,
            s["value_usd_m"] / 1000,
            color=color,
            lw=2.4 if p == ASEAN else 1.4,
            label=short_name(p),
        )
    ax.axvline(2013.5, color="0.5", ls=":", lw=1)
    ax.text(2013.6, ax.get_ylim()[1] * 0.95, "BPM5 | BPM6", fontsize=8, color="0.4", va="top")
    ax.set_ylabel("US\\$ billion, year-end position")
    ax.set_title("Japan's outward FDI position: ASEAN against China, the US and the EU")
    ax.legend(fontsize=9)
    fig.text(
        0.01,
        0.005,
        "Source: JETRO, Japan's Outward FDI by Country/Region (IIP basis); "
        "JETRO's own ASEAN and EU rows (membership as JETRO defines it each year).",
        fontsize=7,
        color="0.4",
    )
    return fig


def oda_japan_recipients(*, n: int = 8, df: pd.DataFrame | None = None) -> Figure:
    """Japan's largest ODA recipients per year (net, current US$): a bump chart."""
    fig = bump_chart(
        JAPAN,
        n=n,
        measure="oda_given_net_current",
        basis="reported",
        variant="countries",
        start=2002,
        df=df,
        dataset="oecd_dac2a_qwids",
        title="Japan's largest ODA recipients (net disbursements, current US\\$)",
        note=ODA_NOTE,
    )
    return fig


OVERVIEW = (
    # title, dataset, measure, variant, basis
    ("Trade (IMF DOTS, exports + imports)", "imf_dots_xlsx", "trade", "countries", "best"),
    (
        "ODA (OECD DAC2a, net, all donors)",
        "oecd_dac2a_qwids",
        "oda_received_net_current",
        "all",
        "mirror",
    ),
    (
        "ODA (OECD DAC2a, gross, bilateral donors)",
        "oecd_dac2a_bilateral",
        "oda_received_gross_const2022",
        "bilateral",
        "mirror",
    ),
    (
        "FDI inflows (UNCTAD, host-reported)",
        "unctad_bilateral_fdi",
        "fdi_inflow",
        "countries",
        "reported",
    ),
)


def overview_heatmaps(
    *, df: pd.DataFrame | None = None, span: tuple[int, int] = (1990, 2022), max_rank: int = 10
) -> Figure:
    """Members x years heatmaps of Japan's rank, one per dimension (trade, ODA, FDI).

    White: no recorded data; dark: Japan first; a dot marks a year where Japan is present
    without a rank (net repayments or disinvestment).
    """
    from matplotlib.colors import ListedColormap

    members = asean_members()
    years = list(range(span[0], span[1] + 1))
    fig, axes = plt.subplots(len(OVERVIEW), 1, figsize=(13, 2.3 * len(OVERVIEW) + 0.8), sharex=True)
    cmap = ListedColormap(plt.get_cmap("Reds_r")(np.linspace(0.05, 0.85, max_rank))).with_extremes(
        bad="white"
    )
    for ax, (title, dataset, measure, variant, basis) in zip(axes, OVERVIEW, strict=True):
        d = query.select(df, dataset=dataset, measure=measure, variant=variant, basis=basis)
        d = d[d["partner"] == JAPAN]
        grid = np.full((len(members), len(years)), np.nan)
        for i, c in enumerate(members):
            s = d[d["country"] == c]
            for y, r in zip(s["year"].astype(int), s["rank"], strict=True):
                if span[0] <= y <= span[1]:
                    if pd.isna(r):
                        ax.plot(y - span[0], i, ".", color="0.3", ms=3)
                    else:
                        grid[i, y - span[0]] = min(int(r), max_rank)
        im = ax.imshow(
            np.ma.masked_invalid(grid),
            aspect="auto",
            cmap=cmap,
            vmin=0.5,
            vmax=max_rank + 0.5,
            interpolation="nearest",
        )
        ax.set_yticks(range(len(members)), [short_name(c) for c in members], fontsize=8)
        ax.set_title(title, fontsize=10, loc="left")
    axes[-1].set_xticks(range(0, len(years), 5), [str(y) for y in years[::5]])
    cbar = fig.colorbar(im, ax=axes, shrink=0.6, ticks=[1, 2, 3, 5, max_rank])
    cbar.set_label(f"Japan's rank ({max_rank} = {max_rank} or lower)")
    fig.suptitle("Japan's rank among each ASEAN member's partners: trade, ODA and FDI")
    fig.text(
        0.01,
        0.005,
        "White: no recorded data. Dot: Japan present without a rank (net "
        "repayments or disinvestment). Sources: IMF DOTS, OECD DAC2a, UNCTAD.",
        fontsize=7,
        color="0.4",
    )
    return fig


def claim_evidence(evidence: pd.DataFrame, claim_id: str) -> Figure:
    """One claim's cases: the partner's rank per country and year, coloured by the verdict."""
    e = evidence[evidence["claim_id"] == claim_id].copy()
    e["label"] = [f"{short_name(c)} {y}" for c, y in zip(e["country"], e["year"], strict=True)]
    colors = {
        "supported": "#2ca02c",
        "not supported": "#d62728",
        "not ranked": "#ff7f0e",
        "no data": "0.8",
    }
    fig, ax = plt.subplots(figsize=(max(4, 0.55 * len(e) + 2), 3.2))
    rank = pd.to_numeric(e["rank"], errors="coerce")
    heights = rank.fillna(0).to_numpy()
    ax.bar(range(len(e)), heights, color=[colors[s] for s in e["status"]])
    for i, (s, r) in enumerate(zip(e["status"], rank, strict=True)):
        if pd.isna(r):
            ax.text(i, 0.2, s, rotation=90, ha="center", va="bottom", fontsize=7)
    ax.set_xticks(range(len(e)), e["label"], rotation=45, ha="right", fontsize=8)
    ax.set_ylabel(f"rank of {short_name(str(e['partner'].iat[0]))}")
    ax.set_title(claim_id, fontsize=10)
    ax.legend(
        handles=[Patch(color=c, label=s) for s, c in colors.items()],
        fontsize=7,
        ncol=4,
        loc="upper left",
    )
    fig.tight_layout()
    return fig


def china_context(*, df: pd.DataFrame | None = None) -> Figure:
    """China's ODA-like commitments (AidData) beside Japan's gross ODA disbursements (DAC),
    per member: context only, never ranked (commitments vs disbursements, different prices)."""
    from .snapshot import load_context_china

    china = load_context_china()
    d = query.select(
        df,
        dataset="oecd_dac2a_bilateral",
        measure="oda_received_gross_const2022",
        variant="bilateral",
        basis="mirror",
    )
    japan = d[d["partner"] == JAPAN]
    fig, axes = plt.subplots(2, 5, figsize=(15, 6), sharex=True)
    for ax, c in zip(axes.flat, asean_members(), strict=True):
        cn = china[(china["country"] == c) & (china["flow"] == "oda_like")]
        ax.bar(
            cn["year"],
            cn["value_usd_m"],
            color="#d62728",
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
    handles, labels = axes.flat[1].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=2, fontsize=9, frameon=False)
    fig.suptitle(
        "Context, not a ranking: China's development finance commitments and Japan's "
        "ODA disbursements are not comparable measures"
    )
    fig.text(
        0.01,
        0.005,
        "Sources: AidData Global Chinese Development Finance 3.0 (commitments); "
        "OECD DAC Table 2a, bilateral donors (disbursements).",
        fontsize=7,
        color="0.4",
    )
    fig.tight_layout(rect=(0, 0.07, 1, 0.95))
    return fig
