# %% [markdown]
# # Is Japan the top donor? ODA donor rankings from OECD DAC Table 2a
#
# Recorded sources: the OECD's QWIDS export of DAC Table 2a (net disbursements, current US$, every donor, 2002-2019) and an OECD.Stat extract of the same table for bilateral donors (gross and net, constant 2022 US$, 2009-2022). Before 2002 and after 2019 (all donors) or 2022 (bilateral) nothing is recorded here: those years come only from the live OECD API and are shaded on the charts. China does not report to the DAC, so it never appears among the donors.

# %% tags=["parameters"]
# Parameters: change them and run all cells (or use the explorer at the end).
MEMBER = "VNM"  # ISO3 of the recipient to look at

# %%
# %matplotlib inline
from analysis import plots, query

# %% [markdown]
# ## Japan's rank among each member's donors, net and gross side by side

# %%
plots.oda_japan_rank_grid();

# %% [markdown]
# ## Why net and gross rankings differ
#
# *Gross* disbursements count the money a donor paid out in a year. *Net* disbursements subtract what recipients repaid on earlier loans. Japan gives much of its ODA as concessional loans, so in countries it lent to for decades (Indonesia, Thailand, Malaysia, the Philippines) repayments now exceed new lending: Japan's *net* ODA there is negative and it has no net rank at all, while in gross terms it is still the largest bilateral donor. Grant-giving donors have net close to gross. Both views are right; they answer different questions (resources transferred this year vs financing provided this year).

# %%
query.rank_table('IDN', measure='oda_received_gross_current', variant='bilateral',
                 basis='mirror', dataset='oecd_dac2a_bilateral', year=2015, top=5)

# %%
query.rank_table('IDN', measure='oda_received_net_current', variant='all',
                 basis='mirror', dataset='oecd_dac2a_qwids', year=2015, top=5)

# %% [markdown]
# ## Viet Nam's donors (all donors, net, current US$)

# %%
plots.bump_chart('VNM', n=5, measure='oda_received_net_current', variant='all',
                 basis='mirror', start=2002, dataset='oecd_dac2a_qwids',
                 title="Viet Nam's largest ODA donors (net, current US\\$)",
                 );

# %% [markdown]
# ## China, for context only
#
# China does not report to the DAC, so it is absent from every ranking above. AidData tracks its development finance as *commitments* (in constant 2021 US$), which are not comparable with DAC *disbursements*: shown side by side, never ranked.

# %%
plots.china_context();

# %% [markdown]
# ## Japan's largest recipients per year

# %%
plots.oda_japan_recipients();

# %%
query.rank_table('JPN', measure='oda_given_net_current', variant='countries',
                 basis='reported', dataset='oecd_dac2a_qwids', year=2019, top=10)

# %% [markdown]
# ## Explore: any recipient and ODA dataset
#
# The explorer opens on the recipient above and on ODA; any economy, dimension and dataset can be chosen.

# %%
from analysis import explore

explore.draw(MEMBER, "oda", years=(2002, 2022))
explore.explorer(MEMBER, "oda")
