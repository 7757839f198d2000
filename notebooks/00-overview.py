# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # ASEAN and Japan: trade, ODA and FDI side by side
#
# Japan's rank among each ASEAN member's partners in the three dimensions, from the committed snapshot (`data/processed/`). Each panel is one source and definition; white means no recorded data (see the README's coverage table), not zero. Trade: IMF DOTS, best basis (own reports, or partners' where a member does not report). ODA: OECD DAC Table 2a. FDI: UNCTAD's host-reported inflows.

# %%
# %matplotlib inline
from analysis import plots, query

# %%
plots.overview_heatmaps();

# %% [markdown]
# ## When did China overtake Japan as a trade partner?
#
# The first year from which China stays ahead of Japan in each member's trade (exports + imports) to the end of the data; empty where Japan is still ahead.

# %%
query.china_overtakes_japan()

# %% [markdown]
# ## Japan's rank in trade, 1990-2020

# %%
query.japan_rank_table()
