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
    "01-trade-partner-ranking.ipynb": [
        new_markdown_cell(
            "# Who trades with ASEAN and Japan? Partner rankings from IMF trade data\n\n"
            "Source: IMF Direction of Trade Statistics (DOTS, vintage 2022-02, years to 2020), read "
            "from the IMF's Excel reports by `analysis.sources.imf_dots_xlsx`, ranked by "
            "`analysis.rank`. Trade = exports + imports of goods, US$ million, current prices.\n\n"
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
