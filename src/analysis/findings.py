"""The findings the HTML report opens with: Japan's rank among each ASEAN member's partners in
trade, ODA and FDI side by side, and the claim verdicts with their evidence.

Plain data for the report's template (no HTML here), so the same numbers can be printed or
tested; every cell comes from the snapshot's rankings or claims files.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from . import catalog, headline, query
from .countries import JAPAN, asean_members, short_name

# One column group per question: (dimension, what is ranked, measure, variant (None: the
# measure's default), years, mark mirror/estimate cells). Each is the headline series of its
# measure (``headline.py``), so the datasets that answer follow the snapshot; a group no
# dataset answers is left out. ODA is always reported by donors and FDI as the source says,
# so only trade cells carry the m/e marks ('*', a restricted partner set, on every kind).
RANK_COLUMNS: tuple[tuple, ...] = (
    ("trade", "exports + imports", "trade", "countries", (1990, 2000, 2010, 2020, "latest"), True),
    ("ODA", "received, net, all donors", "oda_received_net_current", None, (2005, "latest"), False),
    ("ODA", "received, gross", "oda_received_gross_current", None, ("latest",), False),
    ("FDI", "inflows", "fdi_inflow", None, (2005, "latest"), False),
    ("FDI", "inward position", "fdi_inward_stock", None, (2014, "latest"), False),
)  # fmt: skip


@dataclass
class RankGroup:
    """One ranking's columns in the findings table."""

    dimension: str
    what: str
    source: str
    years: list[str]
    cells: dict[str, list[str]] = field(default_factory=dict)  # member -> one cell per year
    answered: str = ""  # which dataset answers which years (the headline rule's picks)


def japan_rank_groups() -> list[RankGroup]:
    """Japan's rank per member for each ranking of RANK_COLUMNS that the snapshot holds."""
    groups = []
    rankings = query.rankings()
    for dim, what, measure, variant, years, marks in RANK_COLUMNS:
        drawn = query.select(rankings, measure=measure, variant=variant, basis=None)
        drawn = drawn[drawn["country"].isin(asean_members()).to_numpy()]
        if drawn.empty:
            continue
        names = sorted(str(n) for n in drawn["dataset"].unique())
        source = "; ".join(catalog.describe(n) for n in names)
        t = query.standing(JAPAN, years, measure=measure, basis=None, variant=variant, marks=marks)
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
                answered_by(drawn),
            )
        )
    return groups


def answered_by(rows: pd.DataFrame) -> str:
    """Which dataset answers which members and years (``headline.answered_by``), naming the
    members a dataset answers for where it is not all ten."""
    return headline.answered_by(rows, set(asean_members()))


def members() -> list[str]:
    """The rows of the findings table, in the order of the README's table."""
    return [short_name(c) for c in asean_members()]


def rank_class(cell: str) -> str:
    """A CSS class for a rank cell ("3", "2m", "4*", "1 (2022)"): 1st, 2nd-3rd, 4th-10th,
    lower, or no data."""
    import re

    digits = re.match(r"\d+", cell)
    if not digits:
        return "nodata"
    rank = int(digits.group())
    return "r1" if rank == 1 else "r3" if rank <= 3 else "r10" if rank <= 10 else "rlow"


def claim_rows(verdicts: pd.DataFrame, evidence: pd.DataFrame) -> list[dict]:
    """Each claim with its verdict and its evidence rows in words (member names, shares in %)."""
    out = []
    for v in verdicts.to_dict("records"):
        ev = evidence[evidence["claim_id"] == v["claim_id"]]
        rows = [
            {
                "reading": e.get("reading", "article"),
                "dataset": e["dataset"] if isinstance(e.get("dataset"), str) else "-",
                "country": short_name(str(e["country"])),
                "year": "-" if pd.isna(e["year"]) else int(e["year"]),
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
                "latest_class": str(v.get("latest_verdict", "")).replace(" ", "-"),
                "evidence": [r for r in rows if r["reading"] == "article"],
                "latest_evidence": [r for r in rows if r["reading"] == "latest"],
            }
        )
    return out
