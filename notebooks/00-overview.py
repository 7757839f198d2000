# %% [markdown]
# # ASEAN and Japan: trade, ODA and FDI side by side
#
# A partner's rank (Japan's by default) among each ASEAN member's partners in the three dimensions, from the committed snapshot (`data/processed/`). Each panel is one question's **headline series**: for each member and year, the dataset the headline rule picks (all partners before a restricted partner set; the member's own statistics, then international tables, then tables compiled from the partners' side; then the newest data; the panel title lists the datasets, `asean-japan rank ISO3 --year Y` says which one answers and why). A square marks a rank among a restricted partner set (13 major partners, bilateral donors ...); white means no recorded data (see the README's coverage table), not zero.

# %% tags=["parameters"]
# Parameters: change them and run all cells. Every cell below reads them.
PARTNER = "JPN"  # whose rank among each member's partners (ISO3 or name: JPN, CHN, USA ...)
RIVAL = "CHN"  # the partner dated as overtaking PARTNER in each member
DIMENSION = "trade"  # the table and the overtaking: trade, oda or fdi
YEARS = (1990, None)  # first and last year (None: where the data start or end)

# %%
# %matplotlib inline
from analysis import notebook as nb
from analysis import plots
from analysis.countries import short_name

partner, rival = nb.partner(PARTNER), nb.partner(RIVAL)
dimension = nb.dimension(DIMENSION)
span = nb.years(YEARS, "trade")
print(f"{short_name(partner)} among each ASEAN member's partners, {nb.span_text(span)}")

# %%
plots.overview_heatmaps(partner=partner, span=span);

# %%
nb.heading(f"When did {short_name(rival)} overtake {short_name(partner)} in {nb.words(dimension)}?")

# %% [markdown]
# On the headline series: the first year from which the rival stays ahead in each member's ranking to the last year compared, and the dataset of that year; empty where the partner is ahead in the last year. `asean-japan overtake RIVAL PARTNER --dimension DIMENSION` gives the same table.

# %%
nb.overtaking(rival, partner, dimension)

# %%
nb.heading(f"{short_name(partner)}'s rank in {nb.words(dimension)}, decade by decade")

# %% [markdown]
# `*`: ranked among a restricted set of partners (CEPII BACI's 13 major partners, BPS's 37, bilateral donors ...); `m`: from partners' reports (trade); `-`: no data; `n.r.`: present without a rank (zero or negative). The same table as `asean-japan standing PARTNER --dimension DIMENSION`. The caption says which years the data reach.

# %%
nb.standing(partner, dimension, nb.years(YEARS, dimension))
