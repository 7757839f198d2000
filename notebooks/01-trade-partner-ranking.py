# %% [markdown]
# # Who trades with ASEAN and Japan? Partner rankings from IMF trade data
#
# Sources: every trade dataset of the snapshot, spliced year by year into one **headline series** per member by the headline rule (`analysis.headline`): all partners before a restricted partner set; the member's own statistics (SingStat, BPS), then the IMF's Direction of Trade Statistics (vintage 2022-02, to 2020; IMTS once `fetch imf_imts` has run), then CEPII BACI's 13 major partners (2021-2024, ranks among the 13, marked). Ranked by `analysis.rank`. Trade = exports + imports of goods, US$ million, current prices.
#
# **Basis `best`**: a member's own report where it reports; its partners' reports (mirror data) where it does not, or where IMF estimates make up half or more of its own figures (Laos in most years). Charts mark those years. Grey: no data.

# %% tags=["parameters"]
# Parameters: change them and run all cells (or use the explorer at the end).
MEMBER = "VNM"  # ISO3 of the economy to look at (ASEAN members, JPN, ASEAN)
START = 1990  # first year on the charts

# %%
# %matplotlib inline
from analysis import plots, query
from analysis.countries import asean_members
from analysis.snapshot import read_manifest

m = read_manifest()
print(f"snapshot: {m['rows']['rankings']:,} ranking rows from {len(m['inputs'])} raw files")

# %% [markdown]
# ## Japan's rank among each member's trade partners, 1990 to the latest year
#
# `*`: ranked among a restricted set of partners; `m`: from partners' reports. Hollow squares on the chart: ranks among 13 major partners; dotted lines: another dataset answers from there.

# %%
query.japan_rank_table()

# %%
plots.japan_rank_grid();

# %% [markdown]
# ## Each member's top partners over time (bump charts, Japan in red)
#
# Partners that were ever among the top five since 1990; lower is larger.

# %%
for c in asean_members():
    plots.bump_chart(c, n=5)

# %% [markdown]
# ## ASEAN among Japan's partners
#
# Two ways to count a bloc: `blocs` sums the members of each year, as the ASEAN Secretariat and Eurostat count at the time (the chart and the table: the EU without the UK from 2020, ASEAN without Viet Nam before 1996; from 2021 Japan's Ministry of Finance, ASEAN and the EU as it defines them, ranked among its listed partners); `blocs_fixed` sums today's ASEAN-10 and EU-27 in every year, for comparisons over time (`plots.asean_among_japan(variant='blocs_fixed')`, the IMF's table only).

# %%
plots.asean_among_japan();

# %%
query.rank_table('JPN', variant='blocs', top=5)

# %%
query.rank_table('JPN', variant='blocs', year=2013, top=5)

# %% [markdown]
# ## ASEAN as one economy
#
# The members' reports summed partner by partner; intra-ASEAN trade is kept as its own row and not ranked; outside partners ranked with the EU as one.

# %%
plots.asean_partners();

# %%
query.rank_table('ASEAN', variant='blocs', top=6)

# %% [markdown]
# ## When did China overtake Japan?
#
# On the headline series: the first year from which China stays ahead of Japan in the member's trade to the last year compared, and that year's dataset.

# %%
query.china_overtakes_japan()

# %% [markdown]
# ## Japan vs China vs the US, 2010-2024
#
# CEPII's BACI (reconciled from both sides' customs declarations) summed by a third party for the ASEAN members and 13 major partners only. It cannot rank Japan among all partners, so it shows values: Japan, China, the US and Korea in each member's trade, to 2024. Ranks from it are ranks among these 13 (variant `major_partners`).

# %%
plots.major_partners_grid();

# %%
query.rank_table('VNM', dataset='baci_major_partners', year=2024, top=5)

# %% [markdown]
# ## National statistics: Singapore and Indonesia
#
# Singapore's own trade statistics by market (SingStat, converted at ECB annual rates; ranks do not depend on the rate) run to 2024; Indonesia's BPS table covers 37 partners (no Taiwan) 2018-2022.

# %%
query.rank_table('SGP', dataset='singstat_trade', year=2024, top=8)

# %%
query.rank_table('IDN', dataset='bps_indonesia_trade', year=2022, top=5)

# %% [markdown]
# ## Explore: any economy, dimension and dataset
#
# Dropdowns and a year range redraw the chart (in Jupyter; `make lab`). The same function,
# `analysis.explore.draw`, runs headless in the tests and from the command line.

# %%
from analysis import explore

plots.bump_chart(MEMBER, n=5, start=START)
explore.explorer(MEMBER, "trade")
