"""The findings the HTML report opens with: Japan's rank among each ASEAN member's partners in
trade, ODA and FDI side by side, and the claim verdicts with their evidence.

Plain data for the report's template (no HTML here), so the same numbers can be printed or
tested; every cell comes from the snapshot's rankings or claims files.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from . import catalog, query
from .countries import asean_members, short_name

# One column group per ranking: (dimension, what is ranked, dataset or None for the trade
# datasets spliced, measure, variant, basis, years, mark mirror/estimate cells). A group whose
# dataset is not in the snapshot is left out. ODA is always reported by donors and FDI as
# the source says, so only trade cells carry the m/e marks.
RANK_COLUMNS: tuple[tuple, ...] = (
    ("trade", "exports + imports", None, "trade", "countries", "best", (1990, 2000, 2010, "latest"), True),
    ("ODA", "received, net, all donors", "oecd_dac2a_qwids", "oda_received_net_current", "all", "mirror", (2005, "latest"), False),
    ("ODA", "received, gross, bilateral donors (2022 US$)", "oecd_dac2a_bilateral", "oda_received_gross_const2022", "bilateral", "mirror", ("latest",), False),
    ("FDI", "inflows, host-reported", "unctad_bilateral_fdi", "fdi_inflow", "countries", "reported", (2005, "latest"), False),
    ("FDI", "inward stock, host-reported", "aseanstats_fdi", "fdi_inward_stock", "countries", "reported", (2014, "latest"), False),
)  # fmt: skip


@dataclass
class RankGroup:
    """One ranking's columns in the findings table."""

    dimension: str
    what: str
    source: str
    years: list[str]
    cells: dict[str, list[str]] = field(default_factory=dict)  # member -> one cell per year


def japan_rank_groups() -> list[RankGroup]:
    """Japan's rank per member for each ranking of RANK_COLUMNS that the snapshot holds."""
    have = set(catalog.datasets())
    groups = []
    for dim, what, dataset, measure, variant, basis, years, marks in RANK_COLUMNS:
        if dataset is None:
            names = catalog.trade_datasets()
            if not names:
                continue
            source = "; ".join(catalog.describe(n) for n in names)
        elif dataset in have:
            source = catalog.describe(dataset)
        else:
            continue
        t = query.japan_rank_table(
            years,
            measure=measure,
            basis=basis,
            dataset=dataset,
            variant=variant,
            marks=marks,
        )
        if len(t.columns) <= 1:  # no row of this ranking names Japan
            continue
        cols = [c for c in t.columns if c != "member"]
        groups.append(
            RankGroup(
                dim,
                what,
                source,
                cols,
                {row["member"]: [str(row[c]) for c in cols] for _, row in t.iterrows()},
            )
        )
    return groups


def members() -> list[str]:
    """The rows of the findings table, in the order of the README's table."""
    return [short_name(c) for c in asean_members()]


def rank_class(cell: str) -> str:
    """A CSS class for a rank cell: 1st, 2nd-3rd, 4th-10th, lower, or no data."""
    digits = "".join(ch for ch in cell if ch.isdigit())
    if not digits:
        return "nodata"
    rank = int(digits)
    return "r1" if rank == 1 else "r3" if rank <= 3 else "r10" if rank <= 10 else "rlow"


def claim_rows(verdicts: pd.DataFrame, evidence: pd.DataFrame) -> list[dict]:
    """Each claim with its verdict and its evidence rows in words (member names, shares in %)."""
    out = []
    for v in verdicts.to_dict("records"):
        ev = evidence[evidence["claim_id"] == v["claim_id"]]
        rows = [
            {
                "country": short_name(str(e["country"])),
                "year": int(e["year"]),
                "status": e["status"],
                "rank": "-" if pd.isna(e["rank"]) else str(int(e["rank"])),
                "share": "-" if pd.isna(e["share"]) else f"{100 * float(e['share']):.1f}",
                "value": "-" if pd.isna(e["value_usd_m"]) else f"{float(e['value_usd_m']):,.0f}",
                "n_partners": "-" if pd.isna(e["n_partners"]) else str(int(e["n_partners"])),
                "basis": e["value_basis"] if isinstance(e["value_basis"], str) else "-",
                "caveat": e.get("caveat") if isinstance(e.get("caveat"), str) else "",
            }
            for e in ev.to_dict("records")
        ]
        caveats = int(v.get("n_caveats") or 0)
        out.append(
            {
                **v,
                "verdict_class": str(v["verdict"]).replace(" ", "-"),
                "caveats": caveats,
                "source": catalog.describe(str(v["dataset"])),
                "evidence": rows,
            }
        )
    return out
