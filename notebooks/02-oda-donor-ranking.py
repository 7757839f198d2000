# %% [markdown]
# # Is Japan the top donor? ODA donor rankings from OECD DAC data
#
# Recorded sources (listed below with the years each covers): the OECD's QWIDS export of DAC Table 2a (net disbursements, current US$, every donor), an OECD.Stat extract of the same table for bilateral donors (gross and net, constant 2022 US$), and the World Bank's WDI table of net ODA from each DAC donor and EU institution. Years outside them come only from the live OECD API and are shaded on the charts. China does not report to the DAC, so it never appears among the donors.

# %% tags=["parameters"]
# Parameters: change them and run all cells. Every cell below reads them.
MEMBER = "VNM"  # the recipient looked at closely (ISO3 or name of an ASEAN member that receives ODA)
YEARS = (None, None)  # first and last year drawn (None: where the data start or end)
YEAR = None  # the year of the rank tables (None: each table's latest)
TOP = 5  # donors per chart and table

# %%
# %matplotlib inline
from IPython.display import display

from analysis import explore, plots
from analysis import notebook as nb
from analysis.countries import short_name

member = nb.economy(MEMBER, "oda")
span = nb.years(YEARS, "oda")
year, top = nb.year(YEAR), nb.top(TOP)  # every parameter checked here, in the first cell
R = nb.rankings(span)  # the rankings in those years: what the charts draw
print(f"{short_name(member)}, {nb.span_text(span)}")
nb.sources("oda")

# %%
nb.heading(f"Japan's rank among each member's donors, net and gross, {nb.span_text(span)}")

# %%
plots.oda_japan_rank_grid(df=R);

# %%
nb.standing("JPN", "oda", span)

# %% [markdown]
# ## Why net and gross rankings differ
#
# *Gross* disbursements count the money a donor paid out in a year. *Net* disbursements subtract what recipients repaid on earlier loans. Japan gives much of its ODA as concessional loans, so in countries it lent to for decades (Indonesia, Thailand, Malaysia, the Philippines) repayments now exceed new lending: Japan's *net* ODA there can be negative, leaving it with no net rank at all, while in gross terms it may still be the largest bilateral donor. Grant-giving donors have net close to gross. Both views are right; they answer different questions (resources transferred this year vs financing provided this year). The two tables: the recipient's donors in the same year, gross then net (headline series; `MEMBER = "IDN"` shows the case above).

# %%
both = nb.common_year(member, "oda_received_gross_current", "oda_received_net_current", year=YEAR)
nb.rank_table(member, measure="oda_received_gross_current", year=both, top=TOP)

# %%
nb.rank_table(member, measure="oda_received_net_current", year=both, top=TOP)

# %%
nb.heading(f"{short_name(member)}'s largest donors, {nb.span_text(span)}")

# %% [markdown]
# The headline series (each year from the dataset the headline rule picks), then one table per dataset that ranks the recipient, each in the year asked (or the nearest year it has).

# %%
explore.draw(member, "oda", years=span, n=TOP);

# %%
for t in nb.tables_by_dataset(member, "oda", year=YEAR, top=TOP):
    display(t)

# %% [markdown]
# ## China, for context only
#
# China does not report to the DAC, so it is absent from every ranking above. AidData tracks its development finance as *commitments* (in constant 2021 US$), which are not comparable with DAC *disbursements*: shown side by side, never ranked.

# %%
plots.china_context();

# %% [markdown]
# ## Japan's largest recipients per year

# %%
plots.oda_japan_recipients(df=R);

# %%
nb.rank_table("JPN", measure="oda_given_net_current", year=YEAR, top=2 * TOP)

# %% [markdown]
# ## Explore: any recipient and ODA dataset
#
# The explorer opens on the recipient above and on ODA; any economy, dimension and dataset can be chosen.

# %%
explore.explorer(member, "oda")
