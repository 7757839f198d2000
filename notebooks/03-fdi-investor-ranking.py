# %% [markdown]
# # Is Japan the top investor? FDI investor rankings
#
# FDI statistics come in incompatible definitions, so every source is ranked on its own and every chart says which: *flows* (a year's new investment, net of disinvestment) vs *positions/stocks* (what is invested at year-end); *host-reported* (the ASEAN member's own statistics) vs *partner-reported* (investors' outward reports, basis mirror); the *directional* basis throughout. Viet Nam's *registered* capital (licences granted) is not a balance-of-payments flow and is ranked apart. Recorded coverage is thin: UNCTAD's tables 2001-2012, a research dataset of flows from 39 source countries 1980-2012, and longer series only for Viet Nam and Japan's outward side. Grey marks years with no recorded data.

# %% tags=["parameters"]
# Parameters: change them and run all cells (or use the explorer at the end).
HOST = "THA"  # ISO3 of the host economy to look at

# %%
# %matplotlib inline
from IPython.display import display

from analysis import plots, query

# %% [markdown]
# ## Japan's rank among each member's investors, by source and definition

# %%
plots.fdi_japan_rank_grid();

# %% [markdown]
# ## Japan among each host's investors, 2014-2022 (ASEANstats)
#
# The ASEAN Secretariat's inward FDI stocks by host and source country, as the hosts report them. The Philippines reports no breakdown by source (a gap, not zeros); Viet Nam and Laos are not in the recorded export.

# %%
for c in ('THA', 'IDN', 'MYS', 'SGP'):
    display(query.rank_table(c, dataset='aseanstats_fdi', measure='fdi_inward_stock',
                             year=2022, top=5))

# %% [markdown]
# ## Japan among ASEAN's investors, 2010-2022
#
# Flows into ASEAN as a whole by source (ASEANstats).

# %%
plots.bump_chart('ASEAN', n=6, measure='fdi_inflow', basis='reported',
                 variant='countries', start=2010, dataset='aseanstats_fdi',
                 title='Largest sources of FDI flows into ASEAN (ASEANstats)');

# %% [markdown]
# ## Each member's largest investors, headline series
#
# For each member and year, the dataset the headline rule picks for inward positions (host-reported ASEANstats and UNCTAD first; investors' reports to the IMF, a restricted set, where nothing else covers a year, shaded). Each panel names its datasets.

# %%
plots.top_investors_grid();

# %% [markdown]
# ## Viet Nam: registered capital (GSO) and investors' positions (IMF DIP)
#
# Each year of GSO's registered capital is the figure first printed in that year's Statistical Yearbook edition (often preliminary; later editions do not re-issue it), and each value names its edition (`source_ref`). GSO widened the definition once (capital contributions and share purchases added to new and supplementary capital): the editions file records it, the chart marks it with a dotted line, and answers whose years span it say so.

# %%
plots.bump_chart('VNM', n=5, measure='fdi_registered', basis='reported',
                 start=2006, dataset='vietnam_gso',
                 title="Viet Nam's largest sources of registered FDI capital (GSO)",
                 note='Source: GSO Statistical Yearbooks of Viet Nam, registered capital.');

# %%
query.rank_table('VNM', measure='fdi_inward_stock', basis='mirror',
                 dataset='imf_dip_vnm', year=2024, top=5)

# %% [markdown]
# ## Japan's outward position: ASEAN against China, the US and the EU
#
# JETRO's workbook of Japan's international investment position by destination. The BPM5 to BPM6 change between 2013 and 2014 is a break in the series, marked.

# %%
plots.japan_outward_position();

# %% [markdown]
# ## The Bank of Japan's figures, beside JETRO's
#
# The BoJ publishes Japan's outward and inward FDI by country in 100 million yen (converted here at ECB rates: annual means for flows, year-end for positions). Its positions agree with JETRO's US$ tables within about 8% (tested).

# %%
query.rank_table('JPN', measure='fdi_outward_stock', variant='blocs', basis='reported',
                 dataset='boj_japan_fdi', year=2024, top=6)

# %%
query.rank_table('JPN', measure='fdi_outward_stock', variant='blocs', basis='reported',
                 dataset='jetro_outward_fdi', year=2024, top=6)

# %% [markdown]
# ## Japan vs the US as investors in each member, as each reports it
#
# Each investor's own statistics of its position in each member: Japan's from the Bank of Japan, the United States' from the U.S. Bureau of Economic Analysis (BEA), both on the directional principle. These are source-reported figures, not the members' own, so they are never ranked, and never with host-reported FDI (end-2022, Indonesia reports 28,254 million from the US, BEA 13,311). Shaded years are cells BEA publishes without a figure ((D) suppressed, (*) under US$0.5 million; `gaps.csv`), never zeros; the dotted line marks the change of BEA workbook between 2019 and 2020, a possible revision break.

# %%
plots.investors_as_each_reports();

# %% [markdown]
# ## Explore: any host and FDI dataset
#
# The explorer opens on the host above and on FDI; any economy, dimension and dataset can be chosen.

# %%
from analysis import explore

explore.draw(HOST, "fdi", years=(2001, 2024))
explore.explorer(HOST, "fdi")
