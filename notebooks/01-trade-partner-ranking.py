# %% [markdown]
# # Who trades with ASEAN and Japan? Partner rankings from trade data
#
# Sources: every trade dataset of the snapshot (listed below with the years each covers), spliced year by year into one **headline series** per economy by the headline rule (`analysis.headline`): all partners before a restricted partner set; the economy's own statistics (SingStat, BPS, Viet Nam Customs, Japan's Ministry of Finance), then the IMF's Direction of Trade Statistics, then CEPII BACI's 13 major partners (ranks among the 13, marked). Ranked by `analysis.rank`. Trade = exports + imports of goods, US$ million, current prices.
#
# **Basis `best`**: a member's own report where it reports; its partners' reports (mirror data) where it does not, or where IMF estimates make up half or more of its own figures (Laos in most years). Charts mark those years. Grey: no data.

# %% tags=["parameters"]
# Parameters: change them and run all cells. Every cell below reads them.
MEMBER = "VNM"  # the economy looked at closely (ISO3 or name: an ASEAN member, JPN or ASEAN)
YEARS = (1990, None)  # first and last year drawn (None: where the data start or end)
YEAR = None  # the year of the rank tables (None: each table's latest)
TOP = 5  # partners per chart and table

# %%
# %matplotlib inline
from IPython.display import display

from analysis import explore, plots
from analysis import notebook as nb
from analysis.countries import short_name
from analysis.snapshot import read_manifest

member = nb.economy(MEMBER)
span = nb.years(YEARS, "trade")
year, top = nb.year(YEAR), nb.top(TOP)  # every parameter checked here, in the first cell
R = nb.rankings(span)  # the rankings in those years: what the charts draw
m = read_manifest()
print(f"snapshot: {m['rows']['rankings']:,} ranking rows from {len(m['inputs'])} raw files; "
      f"{short_name(member)}, {nb.span_text(span)}")
nb.sources("trade")

# %%
nb.heading(f"Japan's rank among each member's trade partners, {nb.span_text(span)}")

# %% [markdown]
# `*`: ranked among a restricted set of partners; `m`: from partners' reports. Hollow squares on the chart: ranks among 13 major partners; dotted lines: another dataset answers from there.

# %%
nb.standing("JPN", "trade", span)

# %%
plots.japan_rank_grid(df=R);

# %%
nb.heading(f"{short_name(member)}'s top {TOP} trade partners, {nb.span_text(span)}")

# %% [markdown]
# A bump chart (Japan in red): every partner that was ever among the top ones in these years; lower is larger. Then one table per dataset that ranks the economy, each in the year asked (or the nearest year it has), so the sources can be read side by side.

# %%
plots.bump_chart(member, n=TOP, start=span[0], df=R);

# %%
for t in nb.tables_by_dataset(member, "trade", year=YEAR, top=TOP):
    display(t)

# %% [markdown]
# ## ASEAN among Japan's partners
#
# Two ways to count a bloc: `blocs` sums the members of each year, as the ASEAN Secretariat and Eurostat count at the time (the chart and the tables: the EU without the UK from 2020, ASEAN without Viet Nam before 1996; where Japan's Ministry of Finance answers, ASEAN and the EU as it defines them, ranked among its listed partners); `blocs_fixed` sums today's ASEAN-10 and EU-27 in every year, for comparisons over time (`plots.asean_among_japan(variant='blocs_fixed')`, the IMF's table only). The tables: the first year drawn, then the year asked (or the latest).

# %%
plots.asean_among_japan(df=R);

# %%
nb.rank_table("JPN", variant="blocs", year=span[0], top=TOP)

# %%
nb.rank_table("JPN", variant="blocs", year=YEAR, top=TOP)

# %% [markdown]
# ## ASEAN as one economy
#
# The members' reports summed partner by partner; intra-ASEAN trade is kept as its own row and not ranked; outside partners ranked with the EU as one.

# %%
plots.asean_partners(n=TOP, df=R);

# %%
nb.rank_table("ASEAN", variant="blocs", year=YEAR, top=TOP)

# %% [markdown]
# ## Japan vs China vs the US, from a table of major partners
#
# CEPII's BACI (reconciled from both sides' customs declarations) summed by a third party for the ASEAN members and 13 major partners only. It cannot rank Japan among all partners, so it shows values: Japan, China, the US and Korea in each member's trade. Ranks from it are ranks among these 13 (variant `major_partners`).

# %%
plots.major_partners_grid(df=R);

# %% [markdown]
# ## Explore: any economy, dimension and dataset
#
# The chart for the economy and years above; then dropdowns and a year range that redraw it (in Jupyter; `make lab`). The same function, `analysis.explore.draw`, runs headless in the tests and from the command line.

# %%
explore.draw(member, "trade", years=span, n=TOP);

# %%
explore.explorer(member, "trade")
