"""Write the notebooks from their cell sources, outputs stripped (reviewable in git).

Run ``python tools/make_notebooks.py`` after editing a notebook's cells here; the notebooks hold
no logic of their own, only calls into the ``analysis`` package.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parent.parent

NOTEBOOKS = {
    "00-overview.ipynb": [
        new_markdown_cell(
            "# ASEAN and Japan: trade, ODA and FDI side by side\n\n"
            "Japan's rank among each ASEAN member's partners in the three dimensions, from the "
            "committed snapshot (`data/processed/`). Each panel is one source and definition; "
            "white means no recorded data (see the README's coverage table), not zero. "
            "Trade: IMF DOTS, best basis (own reports, or partners' where a member does not "
            "report). ODA: OECD DAC Table 2a. FDI: UNCTAD's host-reported inflows."
        ),
        new_code_cell("%matplotlib inline\nfrom analysis import plots, query"),
        new_code_cell("plots.overview_heatmaps();"),
        new_markdown_cell(
            "## When did China overtake Japan as a trade partner?\n\n"
            "The first year from which China stays ahead of Japan in each member's trade "
            "(exports + imports) to the end of the data; empty where Japan is still ahead."
        ),
        new_code_cell("query.china_overtakes_japan()"),
        new_markdown_cell("## Japan's rank in trade, 1990-2020"),
        new_code_cell("query.japan_rank_table()"),
    ],
    "01-trade-partner-ranking.ipynb": [
        new_markdown_cell(
            "# Who trades with ASEAN and Japan? Partner rankings from IMF trade data\n\n"
            "Source: IMF Direction of Trade Statistics (DOTS, vintage 2022-02, years to 2020; "
            "IMTS years after it once `fetch imf_imts` has run: the charts draw the newest), read "
            "by `analysis.sources.imf_dots_xlsx`, ranked by `analysis.rank`. Trade = exports + imports of goods, US$ million, current prices.\n\n"
            "**Basis `best`**: a member's own report where it reports; its partners' reports "
            "(mirror data) where it does not, or where IMF estimates make up half or more of its "
            "own figures (Laos in most years). Charts mark those years. Grey: no data."
        ),
        new_code_cell(
            "%matplotlib inline\n"
            "from analysis import plots, query\n"
            "from analysis.countries import asean_members, short_name\n"
            "from analysis.snapshot import read_manifest\n"
            "m = read_manifest()\n"
            "print(f\"snapshot: {m['rows']['rankings']:,} ranking rows from {len(m['inputs'])} raw files\")"
        ),
        new_markdown_cell("## Japan's rank among each member's trade partners, 1990-2020"),
        new_code_cell("query.japan_rank_table()"),
        new_code_cell("plots.japan_rank_grid();"),
        new_markdown_cell(
            "## Each member's top partners over time (bump charts, Japan in red)\n\n"
            "Partners that were ever among the top five since 1990; lower is larger."
        ),
        new_code_cell("for c in asean_members():\n    plots.bump_chart(c, n=5)"),
        new_markdown_cell(
            "## ASEAN among Japan's partners\n\n"
            "Blocs variant: ASEAN-10 and EU-27 each summed into one partner (fixed membership "
            "for every year, as ASEAN's own statistics do)."
        ),
        new_code_cell("plots.asean_among_japan();"),
        new_code_cell("query.rank_table('JPN', variant='blocs', top=5)"),
        new_markdown_cell(
            "## ASEAN as one economy\n\n"
            "The members' reports summed partner by partner; intra-ASEAN trade is kept as its "
            "own row and not ranked; outside partners ranked with the EU as one."
        ),
        new_code_cell("plots.asean_partners();"),
        new_code_cell("query.rank_table('ASEAN', top=6)"),
        new_markdown_cell(
            "## When did China overtake Japan?\n\nThe first year from which China "
            "stays ahead of Japan in the member's trade to the end of the data."
        ),
        new_code_cell("query.china_overtakes_japan()"),
        new_markdown_cell(
            "## Japan vs China vs the US, 2010-2024\n\n"
            "CEPII's BACI (reconciled from both sides' customs declarations) summed by a third "
            "party for the ASEAN members and 13 major partners only. It cannot rank Japan among "
            "all partners, so it shows values: Japan, China, the US and Korea in each member's "
            "trade, to 2024. Ranks from it are ranks among these 13 (variant `major_partners`)."
        ),
        new_code_cell("plots.major_partners_grid();"),
        new_code_cell("query.rank_table('VNM', dataset='baci_major_partners', year=2024, top=5)"),
        new_markdown_cell(
            "## National statistics: Singapore and Indonesia\n\n"
            "Singapore's own trade statistics by market (SingStat, converted at ECB annual "
            "rates; ranks do not depend on the rate) run to 2024; Indonesia's BPS table covers "
            "37 partners (no Taiwan) 2018-2022."
        ),
        new_code_cell("query.rank_table('SGP', dataset='singstat_trade', year=2024, top=8)"),
        new_code_cell("query.rank_table('IDN', dataset='bps_indonesia_trade', year=2022, top=5)"),
    ],
    "02-oda-donor-ranking.ipynb": [
        new_markdown_cell(
            "# Is Japan the top donor? ODA donor rankings from OECD DAC Table 2a\n\n"
            "Recorded sources: the OECD's QWIDS export of DAC Table 2a (net disbursements, current "
            "US$, every donor, 2002-2019) and an OECD.Stat extract of the same table for bilateral "
            "donors (gross and net, constant 2022 US$, 2009-2022). Before 2002 and after 2019 "
            "(all donors) or 2022 (bilateral) nothing is recorded here: those years come only from "
            "the live OECD API and are shaded on the charts. China does not report to the DAC, so "
            "it never appears among the donors."
        ),
        new_code_cell(
            "%matplotlib inline\n"
            "from analysis import plots, query\n"
            "from analysis.countries import asean_members"
        ),
        new_markdown_cell("## Japan's rank among each member's donors, net and gross side by side"),
        new_code_cell("plots.oda_japan_rank_grid();"),
        new_markdown_cell(
            "## Why net and gross rankings differ\n\n"
            "*Gross* disbursements count the money a donor paid out in a year. *Net* disbursements "
            "subtract what recipients repaid on earlier loans. Japan gives much of its ODA as "
            "concessional loans, so in countries it lent to for decades (Indonesia, Thailand, "
            "Malaysia, the Philippines) repayments now exceed new lending: Japan's *net* ODA there "
            "is negative and it has no net rank at all, while in gross terms it is still the "
            "largest bilateral donor. Grant-giving donors have net close to gross. Both views are "
            "right; they answer different questions (resources transferred this year vs "
            "financing provided this year)."
        ),
        new_code_cell(
            "query.rank_table('IDN', measure='oda_received_gross_const2022', variant='bilateral',\n"
            "                 basis='mirror', dataset='oecd_dac2a_bilateral', year=2015, top=5)"
        ),
        new_code_cell(
            "query.rank_table('IDN', measure='oda_received_net_current', variant='all',\n"
            "                 basis='mirror', dataset='oecd_dac2a_qwids', year=2015, top=5)"
        ),
        new_markdown_cell("## Viet Nam's donors (all donors, net, current US$)"),
        new_code_cell(
            "plots.bump_chart('VNM', n=5, measure='oda_received_net_current', variant='all',\n"
            "                 basis='mirror', start=2002, dataset='oecd_dac2a_qwids',\n"
            '                 title="Viet Nam\'s largest ODA donors (net, current US\\\\$)",\n'
            "                 );"
        ),
        new_markdown_cell(
            "## China, for context only\n\n"
            "China does not report to the DAC, so it is absent from every ranking above. "
            "AidData tracks its development finance as *commitments* (in constant 2021 US$), "
            "which are not comparable with DAC *disbursements*: shown side by side, never ranked."
        ),
        new_code_cell("plots.china_context();"),
        new_markdown_cell("## Japan's largest recipients per year"),
        new_code_cell("plots.oda_japan_recipients();"),
        new_code_cell(
            "query.rank_table('JPN', measure='oda_given_net_current', variant='countries',\n"
            "                 basis='reported', dataset='oecd_dac2a_qwids', year=2019, top=10)"
        ),
    ],
    "03-fdi-investor-ranking.ipynb": [
        new_markdown_cell(
            "# Is Japan the top investor? FDI investor rankings\n\n"
            "FDI statistics come in incompatible definitions, so every source is ranked on its "
            "own and every chart says which: *flows* (a year's new investment, net of "
            "disinvestment) vs *positions/stocks* (what is invested at year-end); *host-reported* "
            "(the ASEAN member's own statistics) vs *partner-reported* (investors' outward "
            "reports, basis mirror); the *directional* basis throughout. Viet Nam's *registered* "
            "capital (licences granted) is not a balance-of-payments flow and is ranked apart. "
            "Recorded coverage is thin: UNCTAD's tables 2001-2012, a research dataset of flows "
            "from 39 source countries 1980-2012, and longer series only for Viet Nam and Japan's "
            "outward side. Grey marks years with no recorded data."
        ),
        new_code_cell("%matplotlib inline\nfrom analysis import plots, query"),
        new_markdown_cell(
            "## Japan's rank among each member's investors, by source and definition"
        ),
        new_code_cell("plots.fdi_japan_rank_grid();"),
        new_markdown_cell(
            "## Japan among each host's investors, 2014-2022 (ASEANstats)\n\n"
            "The ASEAN Secretariat's inward FDI stocks by host and source country, as the hosts "
            "report them. The Philippines reports no breakdown by source (a gap, not zeros); "
            "Viet Nam and Laos are not in the recorded export."
        ),
        new_code_cell(
            "for c in ('THA', 'IDN', 'MYS', 'SGP'):\n"
            "    display(query.rank_table(c, dataset='aseanstats_fdi', measure='fdi_inward_stock',\n"
            "                             year=2022, top=5))"
        ),
        new_markdown_cell(
            "## Japan among ASEAN's investors, 2010-2022\n\n"
            "Flows into ASEAN as a whole by source (ASEANstats)."
        ),
        new_code_cell(
            "plots.bump_chart('ASEAN', n=6, measure='fdi_inflow', basis='reported',\n"
            "                 variant='countries', start=2010, dataset='aseanstats_fdi',\n"
            "                 title='Largest sources of FDI flows into ASEAN (ASEANstats)');"
        ),
        new_markdown_cell(
            "## Each member's largest investors, newest dataset\n\n"
            "For each member, the FDI dataset with the latest inward positions (ASEANstats to "
            "2022; OECD investors' reports to 2024 once `fetch oecd_fdi` has run)."
        ),
        new_code_cell("plots.top_investors_grid();"),
        new_markdown_cell(
            "## Viet Nam: registered capital (GSO) and investors' positions (IMF DIP)"
        ),
        new_code_cell(
            "plots.bump_chart('VNM', n=5, measure='fdi_registered', basis='reported',\n"
            "                 start=2006, dataset='vietnam_gso',\n"
            '                 title="Viet Nam\'s largest sources of registered FDI capital (GSO)",\n'
            "                 note='Source: GSO Statistical Yearbooks of Viet Nam, registered capital.');"
        ),
        new_code_cell(
            "query.rank_table('VNM', measure='fdi_inward_stock', basis='mirror',\n"
            "                 dataset='imf_dip_vnm', year=2024, top=5)"
        ),
        new_markdown_cell(
            "## Japan's outward position: ASEAN against China, the US and the EU\n\n"
            "JETRO's workbook of Japan's international investment position by destination. The "
            "BPM5 to BPM6 change between 2013 and 2014 is a break in the series, marked."
        ),
        new_code_cell("plots.japan_outward_position();"),
        new_markdown_cell(
            "## The Bank of Japan's figures, beside JETRO's\n\n"
            "The BoJ publishes Japan's outward and inward FDI by country in 100 million yen "
            "(converted here at ECB rates: annual means for flows, year-end for positions). "
            "Its positions agree with JETRO's US$ tables within about 8% (tested)."
        ),
        new_code_cell(
            "query.rank_table('JPN', measure='fdi_outward_stock', variant='blocs', basis='reported',\n"
            "                 dataset='boj_japan_fdi', year=2024, top=6)"
        ),
        new_code_cell(
            "query.rank_table('JPN', measure='fdi_outward_stock', variant='blocs', basis='reported',\n"
            "                 dataset='jetro_outward_fdi', year=2024, top=6)"
        ),
    ],
    "04-claims.ipynb": [
        new_markdown_cell(
            "# Checking the claims of a 2009 article\n\n"
            "Each claim is a record in `claims/article_2009.toml` with an explicit reading of "
            'its words ("top" = rank 1, "many" = at least half of the members with data, '
            "the article's data year 2008). Verdicts: supported, partly supported, not "
            "supported, insufficient data. Net vs gross ODA, flows vs stocks and reported vs "
            "mirror data are part of each claim, so the same sentence can get two verdicts. "
            "Edit the file, or pass your own with `asean-japan claims --file`."
        ),
        new_code_cell(
            "%matplotlib inline\n"
            "from analysis import claims, plots\n"
            "from analysis.query import rankings\n"
            "from analysis.snapshot import read_manifest\n"
            "verdicts, evidence = claims.check_all(claims.DEFAULT_FILE, rankings(),\n"
            "                                      claims.dataset_vintages(read_manifest()))\n"
            "verdicts[['claim_id', 'verdict', 'n_cases', 'n_supported', 'years', 'dataset', "
            "'basis', 'supported_in']]"
        ),
        new_markdown_cell("## The evidence, claim by claim"),
        new_code_cell(
            "for row in verdicts.itertuples():\n"
            "    print(f'{row.claim_id}: {row.verdict}\\n  said: {row.sentence}\\n'\n"
            "          f'  read as: {row.interpretation}')\n"
            "    plots.claim_evidence(evidence, row.claim_id)"
        ),
        new_code_cell(
            "evidence[['claim_id', 'country', 'year', 'status', 'rank', 'share', 'value_usd_m', "
            "'value_basis', 'dataset', 'vintage']]"
        ),
    ],
}


def main() -> None:
    for name, cells in NOTEBOOKS.items():
        nb = new_notebook(cells=cells)
        nb.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3",
            "language": "python",
        }
        nb.metadata["language_info"] = {"name": "python"}
        for i, cell in enumerate(nb.cells):
            cell["id"] = f"cell-{i:02d}"
        nbformat.write(nb, ROOT / "notebooks" / name)


if __name__ == "__main__":
    main()
