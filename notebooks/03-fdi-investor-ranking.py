# %% [markdown]
# # Is Japan the top investor? FDI investor rankings
#
# FDI statistics come in incompatible definitions, so every source is ranked on its own and every chart says which: *flows* (a year's new investment, net of disinvestment) vs *positions/stocks* (what is invested at year-end); *host-reported* (the ASEAN member's own statistics) vs *partner-reported* (investors' outward reports, basis mirror); the *directional* basis throughout. Viet Nam's *registered* capital (licences granted) is not a balance-of-payments flow and is ranked apart. Recorded coverage is thin (the datasets and their years are listed below): UNCTAD's bilateral tables, a research dataset of flows from 39 source countries, the ASEAN Secretariat's inward stocks, and longer series only for some hosts and Japan's outward side. Grey marks years with no recorded data.

# %% tags=["parameters"]
# Parameters: change them and run all cells. Every cell below reads them.
HOST = "THA"  # the host economy looked at closely (ISO3 or name: an ASEAN member, JPN or ASEAN)
YEARS = (None, None)  # first and last year drawn (None: where the data start or end)
YEAR = None  # the year of the rank tables (None: each table's latest)
TOP = 5  # investors per chart and table

# %%
# %matplotlib inline
from IPython.display import display

from analysis import explore, plots
from analysis import notebook as nb
from analysis.countries import short_name

host = nb.economy(HOST, "fdi")
span = nb.years(YEARS, "fdi")
year, top = nb.year(YEAR), nb.top(TOP)  # every parameter checked here, in the first cell
R = nb.rankings(span)  # the rankings in those years: what the charts draw
print(f"{short_name(host)}, {nb.span_text(span)}")
nb.sources("fdi")

# %%
nb.heading(f"Japan's rank among each member's investors, by source and definition, {nb.span_text(span)}")

# %%
plots.fdi_japan_rank_grid(df=R);

# %%
nb.standing("JPN", "fdi", span)

# %%
nb.heading(f"{short_name(host)}'s largest investors, {nb.span_text(span)}")

# %% [markdown]
# The headline series of inward positions (each year from the dataset the headline rule picks), then the host's investors in each dataset that ranks them, chart and table, each table in the year asked (or the nearest year it has). Definitions differ between datasets: never compare levels across them. Viet Nam's GSO registered capital: each year is the figure first printed in that year's Statistical Yearbook edition (often preliminary; later editions do not re-issue it), and each value names its edition (`source_ref`); GSO widened the definition once (capital contributions and share purchases added to new and supplementary capital): the editions file records it, the chart marks it with a dotted line, and answers whose years span it say so.

# %%
explore.draw(host, "fdi", years=span, n=TOP);

# %%
for name in explore.datasets_for(host, "fdi"):
    nb.show(explore.draw(host, "fdi", dataset=name, years=span, n=TOP))

# %%
for t in nb.tables_by_dataset(host, "fdi", year=YEAR, top=TOP):
    display(t)

# %% [markdown]
# ## Japan among ASEAN's investors (ASEANstats)
#
# Flows into ASEAN as a whole by source, as the ASEAN Secretariat compiles them from the members' reports.

# %%
plots.bump_chart("ASEAN", n=TOP, measure="fdi_inflow", basis="reported",
                 variant="countries", start=span[0], dataset="aseanstats_fdi", df=R,
                 title="Largest sources of FDI flows into ASEAN (ASEANstats)");

# %% [markdown]
# ## Each member's largest investors, headline series
#
# For each member and year, the dataset the headline rule picks for inward positions (host-reported ASEANstats and UNCTAD first; investors' reports to the IMF, a restricted set, where nothing else covers a year, shaded). Each panel names its datasets.

# %%
plots.top_investors_grid(n=TOP, start=span[0], df=R);

# %% [markdown]
# ## Japan's outward position: ASEAN against China, the US and the EU
#
# JETRO's workbook of Japan's international investment position by destination. The change from BPM5 to BPM6 is a break in the series, marked.

# %%
plots.japan_outward_position(df=R);

# %% [markdown]
# ## The Bank of Japan's figures, beside JETRO's
#
# The BoJ publishes Japan's outward and inward FDI by country in 100 million yen (converted here at ECB rates: annual means for flows, year-end for positions). Its positions agree with JETRO's US$ tables within about 8% (tested). Both tables in the year asked (or the latest).

# %%
nb.rank_table("JPN", measure="fdi_outward_stock", variant="blocs", basis="reported",
              dataset="boj_japan_fdi", year=YEAR, top=TOP + 1)

# %%
nb.rank_table("JPN", measure="fdi_outward_stock", variant="blocs", basis="reported",
              dataset="jetro_outward_fdi", year=YEAR, top=TOP + 1)

# %% [markdown]
# ## Japan vs the US as investors in each member, as each reports it
#
# Each investor's own statistics of its position in each member: Japan's from the Bank of Japan, the United States' from the U.S. Bureau of Economic Analysis (BEA), both on the directional principle. These are source-reported figures, not the members' own, so they are never ranked, and never with host-reported FDI (end-2022, Indonesia reports 28,254 million from the US, BEA 13,311). Shaded years are cells BEA publishes without a figure ((D) suppressed, (*) under US$0.5 million; `gaps.csv`), never zeros; the dotted line marks the change of BEA workbook between two releases, a possible revision break.

# %%
plots.investors_as_each_reports();

# %% [markdown]
# ## Explore: any host and FDI dataset
#
# The explorer opens on the host above and on FDI; any economy, dimension and dataset can be chosen.

# %%
explore.explorer(host, "fdi")
