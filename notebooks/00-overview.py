# %% [markdown]
# # ASEAN and Japan: trade, ODA and FDI side by side
#
# Japan's rank among each ASEAN member's partners in the three dimensions, from the committed snapshot (`data/processed/`). Each panel is one question's **headline series**: for each member and year, the dataset the headline rule picks (all partners before a restricted partner set; the member's own statistics, then international tables, then tables compiled from the partners' side; then the newest data; the panel title lists the datasets, `asean-japan rank ISO3 --year Y` says which one answers and why). A square marks a rank among a restricted partner set (13 major partners, bilateral donors ...); white means no recorded data (see the README's coverage table), not zero.

# %%
# %matplotlib inline
from analysis import plots, query

# %%
plots.overview_heatmaps();

# %% [markdown]
# ## When did China overtake Japan as a trade partner?
#
# On the headline series: the first year from which China stays ahead of Japan in each member's trade (exports + imports) to the last year compared, and the dataset of that year; empty where Japan is ahead in the last year. `asean-japan overtake CHN JPN` gives the first year China was ahead too.

# %%
query.china_overtakes_japan()

# %% [markdown]
# ## Japan's rank in trade, 1990 to the latest year
#
# `*`: ranked among a restricted set of partners (after 2020 CEPII BACI's 13 major partners, or BPS's 37); `m`: from partners' reports. The same table as `asean-japan standing JPN`.

# %%
query.japan_rank_table()
