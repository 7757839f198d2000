"""The findings the README and the HTML report open with: a few sentences with their numbers
(``key_findings``), Japan's rank among each ASEAN member's partners in trade, ODA and FDI side
by side, and the claim verdicts with their evidence.

Plain data for the report's template (no HTML here), so the same numbers can be printed or
tested; every cell comes from the snapshot's rankings or claims files.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from . import catalog, headline, query
from .countries import JAPAN, and_list, asean_members, names_text, short_name

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


@dataclass
class Finding:
    """One finding: a sentence with its numbers, the years and datasets it rests on, the
    figure that shows it and the command that reproduces it."""

    text: str
    datasets: list[str]
    figure: str
    command: str


def _the(name: str) -> str:
    """A partner's name as a sentence's subject ("the United States", "China")."""
    return f"The {name}" if name.startswith("United ") else name


def _by_year(pairs: list[tuple[str, int]]) -> str:
    """'Viet Nam and Singapore 2004, Malaysia 2009' from (member name, year) pairs in the
    members' order."""
    years: dict[int, list[str]] = {}
    for name, y in sorted(pairs, key=lambda p: p[1]):
        years.setdefault(y, []).append(name)
    return ", ".join(f"{and_list(ns)} {y}" for y, ns in years.items())


def _latest(measure: str) -> pd.DataFrame:
    """Japan's row in each member's headline ranking of ``measure`` in that member's latest
    year (members the headline has nothing for are left out)."""
    t = query.partner_rank(JAPAN, tuple(asean_members()), measure=measure, variant=None, basis=None)
    return t.sort_values(["country", "year"]).groupby("country", sort=False).tail(1)


def _spans(rows: pd.DataFrame) -> str:
    return headline.spans(sorted({int(y) for y in rows["year"]}))


def _datasets(rows: pd.DataFrame) -> list[str]:
    return sorted({str(d) for d in rows["dataset"]})


def _passed(rival: str) -> tuple[list[tuple[str, int]], pd.DataFrame]:
    """(member, year since when ``rival`` has been ahead of Japan) for each member where it
    is ahead in the latest year compared, from ``query.overtake`` on the headline series."""
    t = query.overtake(rival, JAPAN)
    ahead = t[t["ahead_since"].notna()]
    return [(m, int(y)) for m, y in zip(ahead["member"], ahead["ahead_since"], strict=True)], t


def key_findings() -> list[Finding]:
    """What the snapshot says, in 5-8 sentences, each computed here through the headline rule
    (``query``): the README and the report open with them, so no finding is typed."""
    out: list[Finding] = []
    members = asean_members()
    trade = _latest("trade")
    top = trade[trade["rank"] == 1]
    then = query.standing(JAPAN, (1990,), measure="trade", marks=False)
    first_1990 = int((then["1990"].astype(str) == "1").sum()) if "1990" in then else 0
    out.append(
        Finding(
            f"Japan is the largest trade partner of {len(top) or 'none'} of the {len(members)} ASEAN "
            f"members in their latest year ({_spans(trade)}), against {first_1990} in 1990; "
            f"it ranks {int(trade['rank'].min())}-{int(trade['rank'].max())} today "
            f"(2nd: {names_text(list(trade.loc[trade['rank'] == 2, 'country'])) or 'none'})"
            + (
                f"; for {int(trade['restricted'].sum())} of them the latest year is ranked "
                "among a restricted set of partners."
                if trade["restricted"].any()
                else "."
            ),
            _datasets(trade),
            "japan-rank-grid-trade.png",
            "asean-japan standing JPN",
        )
    )
    for rival, figure in (
        ("CHN", "japan-rank-grid-trade.png"),
        ("USA", "japan-rank-grid-trade.png"),
    ):
        passed, t = _passed(rival)
        if passed:
            out.append(
                Finding(
                    f"{_the(short_name(rival))} is ahead of Japan in the trade of {len(passed)} of "
                    f"{len(t)} members in their latest year, and has been since: "
                    f"{_by_year(passed)}.",
                    sorted({str(d) for d in t["dataset"]}),
                    figure,
                    f"asean-japan overtake {rival} JPN",
                )
            )
    gross, net = _latest("oda_received_gross_current"), _latest("oda_received_net_current")
    if len(gross) and len(net):
        unranked = list(net.loc[net["rank"].isna(), "country"])
        out.append(
            Finding(
                f"Japan is the largest bilateral donor by gross disbursements of "
                f"{int((gross['rank'] == 1).sum())} of {len(gross)} recipients in "
                f"{_spans(gross)} ({names_text(list(gross.loc[gross['rank'] == 1, 'country']))}); "
                f"net of loan repayments it is the largest DAC donor of "
                f"{int((net['rank'] == 1).sum())} in {_spans(net)}"
                + (
                    f", and has no positive net flow to {names_text(unranked)}."
                    if unranked
                    else "."
                ),
                sorted({*_datasets(gross), *_datasets(net)}),
                "oda-japan-rank-grid.png",
                "asean-japan standing JPN --dimension oda",
            )
        )
    stock = _latest("fdi_inward_stock")
    if len(stock):
        first = list(stock.loc[stock["rank"] == 1, "country"])
        out.append(
            Finding(
                f"By inward FDI position, as the hosts report it, Japan is the largest investor "
                f"in {names_text(first) if first else 'no member'} in the latest year "
                f"({_spans(stock)}) and ranks {int(stock['rank'].min())}-"
                f"{int(stock['rank'].max())} across the {len(stock)} members with data.",
                _datasets(stock),
                "fdi-japan-rank-grid.png",
                "asean-japan standing JPN --dimension fdi",
            )
        )
    asean = query.partner_series(JAPAN, "ASEAN")
    if len(asean):
        last = asean.iloc[-1]
        second = asean.loc[asean["rank"] == "2", "year"].astype(int).tolist()
        run = (
            [
                y
                for y in second
                if not any(z > y and z not in second for z in range(y, max(second) + 1))
            ]
            if second
            else []
        )
        out.append(
            Finding(
                f"ASEAN is Japan's no. {last['rank']} trade partner in {int(last['year'])} "
                f"({last['among']}, {last['dataset']}); it was last 2nd in "
                f"{headline.spans(run) if run else 'no year'}.",
                sorted(set(asean["dataset"])),
                "asean-among-japan-partners.png",
                "asean-japan rank JPN --partner ASEAN --years 2000-2025",
            )
        )
    return out
