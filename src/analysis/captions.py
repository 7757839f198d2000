"""Each figure's title and caption for the report: written once, read by the job and the report."""

from __future__ import annotations

from .countries import short_name

# Each figure's title and what it shows, in words, for the report (basis and gaps included; the
# source line is added from the datasets in the figure's CSV, so it follows the snapshot). One
# entry per name ``jobs.figures()`` can return ("{member}" filled in for the bump charts); a test in
# tests/integration/test_report.py keeps the two paired.
CAPTIONS: dict[str, tuple[str, str]] = {
    "japan-rank-grid-trade.png": (
        "Japan's rank among each member's trade partners",
        "Japan's rank among each ASEAN member's trade partners (exports + imports of goods), "
        "every year on record. Basis: filled dots rest on the member's own report, open dots on "
        "its partners' reports (mirror data, where the member did not report or its figures "
        "were mostly IMF estimates), a cross on mostly IMF estimates. Gaps: grey bands are "
        "years without data, never bridged; a dashed line continues from national statistics "
        "where they run later than the IMF's.",
    ),
    "asean-among-japan-partners.png": (
        "ASEAN among Japan's trade partners",
        "ASEAN taken as one partner: its rank among Japan's trade partners (left) and its share "
        "of Japan's trade (right), beside China, the United States and the EU. Basis: the "
        "members of each year summed (the IMF's table, to 2020; Japan's own reports, "
        "partners' where Japan's are missing); from 2021 Japan's Ministry of Finance with "
        "ASEAN and the EU as it defines them, ranked among its listed partners only (hollow "
        "squares on a shaded band) with shares of Japan's trade with the world. Gaps: a year "
        "without data is left blank, not bridged.",
    ),
    "asean-top-partners.png": (
        "ASEAN's largest outside trade partners",
        "ASEAN as one economy (the ten members' trade summed, trade among them left out): its "
        "largest outside partners by rank each year, Japan in bold. Basis: today's ASEAN-10 "
        "and EU-27 in every year; years ranked from partners' reports only are shaded. Gaps: "
        "grey bands are years without data.",
    ),
    "trade-japan-china-us-korea.png": (
        "Japan, China, the US and Korea in each member's trade",
        "Each member's trade with Japan, China, the United States and Korea, in US$ billion "
        "(values, not ranks: the dataset covers only 13 major partners). Basis: the member's "
        "and partners' customs records reconciled by CEPII (BACI). Gaps: a panel without lines "
        "has no data.",
    ),
    "bump-{member}-trade.png": (
        "{member}: largest trade partners",
        "{member}'s largest trade partners by rank each year since 1990, Japan in bold: the six "
        "largest in the last year drawn and, where that year ranks among a restricted partner "
        "set, in the last year ranked among all partners too (so a large partner the set "
        "lacks is not left out); a name followed by a year is a line that ends that year. "
        "Basis: the member's own report, partners' reports (mirror) in blue-shaded years, a "
        "restricted partner set (hollow squares) in yellow-shaded years, drawn apart from "
        "ranks among all partners. Gaps: grey bands are years without data, never bridged; "
        "a line also breaks in a year where the partner's value holds only one of exports "
        "and imports (the other unreported), which gives no rank.",
    ),
    "oda-japan-rank-grid.png": (
        "Japan's rank among each member's ODA donors",
        "Japan's rank among each ASEAN member's ODA donors, one line per definition: net or "
        "gross disbursements, all donors or bilateral donors only. Basis: the donors' reports "
        "to the OECD DAC (a recipient does not report). Gaps: an orange strip marks years in "
        "which a donor that ranks in the top 10 is missing from the source, so ranks there "
        "may be too high; grey is no recorded data; a cross marks net ODA zero or negative "
        "(repayments), which has no rank.",
    ),
    "oda-japan-recipients.png": (
        "Japan's largest ODA recipients, and where the ASEAN members stand",
        "Japan's ODA recipients ranked by net disbursements each year (current US$; rank 1 = "
        "the largest recipient worldwide), one row per recipient with the rank written in "
        "each cell: the ASEAN members first (blue), then every other recipient in Japan's "
        "top 5 in some year (grey), each block by its latest rank. Basis: Japan's reports to "
        "the OECD DAC, each year from the dataset the headline rule picks (to the last year "
        "recorded); a year's ranks do not depend on the price base. Gaps: '<=0' is net ODA "
        "zero or negative (repayments exceed new disbursements), which has no rank; a blank "
        "cell has no figure in the source.",
    ),
    "fdi-japan-rank-grid.png": (
        "Japan's rank among each member's direct investors",
        "Japan's rank among each ASEAN member's sources of direct investment, one line per "
        "source and definition (flows, positions or registered capital, host- or "
        "investor-reported), each with its own dash and marker. Basis: each line as its source "
        "reports it; definitions differ, so compare ranks, never levels, across lines; a "
        "dotted line marked 'new definition' "
        "is a break the source records in its own definition (values on its two sides are "
        "not like for like). Gaps: no rank where Japan's investment is zero or a net "
        "disinvestment; a panel without lines has no recorded data.",
    ),
    "fdi-top-investors.png": (
        "Each member's largest direct investors",
        "Each member's largest direct investors by rank over time (inward position), from the "
        "dataset with that member's latest figures; Japan in bold. Basis: as the dataset "
        "reports it (each panel names its dataset; partner sets differ by dataset). Gaps: "
        "grey bands are years without data.",
    ),
    "fdi-japan-outward-position.png": (
        "Japan's outward FDI position: ASEAN, China, the US, the EU",
        "Japan's outward direct investment position (year-end, US$ billion) in ASEAN against "
        "China, the United States and the EU. Basis: Japan's own statistics as JETRO publishes "
        "them, its own ASEAN and EU rows; the dotted line marks the change of balance-of-"
        "payments manual (BPM5 to BPM6).",
    ),
    "fdi-investors-as-each-reports.png": (
        "Japan vs the US as investors in each member, as each reports it",
        "Each investor's own figures of its direct investment position in each ASEAN member "
        "(year end, US$ billion): Japan's from the Bank of Japan, the United States' from the "
        "U.S. Bureau of Economic Analysis (BEA), both on the directional principle. Basis: "
        "source-reported (the investor's statistics, not the member's), so these values are "
        "never ranked, and never with host-reported FDI. Gaps: a shaded year is one BEA "
        "published without a figure ((D) suppressed to avoid disclosing individual companies, "
        "(*) under US$0.5 million; gaps.csv), never a zero; the dotted line marks the change "
        "from BEA's 2009-2019 workbook to its 2020-2024 one (a possible revision break); the "
        "Bank of Japan gives no position by country for Brunei, Cambodia, Laos and Myanmar.",
    ),
    "overview-heatmaps.png": (
        "Japan's rank in trade, ODA and FDI at a glance",
        "Japan's rank among each member's partners, member by year, one panel per source: "
        "trade, ODA (net and gross) and FDI (stocks and flows); darker is higher. Basis: as "
        "each panel's title says. Gaps: white is no recorded data (not zero); a dot marks "
        "Japan present without a rank (net repayments or disinvestment).",
    ),
}


def caption(name: str) -> tuple[str, str]:
    """A figure's title and the words under it in the report (CAPTIONS; bump charts per
    member); empty strings for a name CAPTIONS does not know."""
    if name in CAPTIONS:
        return CAPTIONS[name]
    parts = name.split("-")
    if len(parts) == 3 and parts[0] == "bump":
        title, text = CAPTIONS["bump-{member}-trade.png"]
        member = short_name(parts[1])
        return title.format(member=member), text.format(member=member)
    return "", ""
