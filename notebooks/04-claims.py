# %% [markdown]
# # Checking the claims of a 2009 article
#
# Each claim is a record in a claim file (`src/analysis/claim_files/article_2009.toml` by default) with an explicit reading of its words ("top" = rank 1, "many" = at least half of the members with data, the article's data year). Verdicts: supported, partly supported, not supported, insufficient data. Net vs gross ODA, flows vs stocks and reported vs mirror data are part of each claim, so the same sentence can get two verdicts. Edit the file, or pass your own with `asean-japan claims --file` or the parameters below.
#
# Each claim is read twice: in the years the file names with the dataset named in the claim ("then"), and in each member's latest year through the headline rule ("now": the newest complete, trustworthy dataset for that member; a restricted partner set is named in `partner_set`).

# %% tags=["parameters"]
# Parameters: change them and run all cells. Every cell below reads them.
CLAIM_FILE = None  # a claim file (TOML); None: src/analysis/claim_files/article_2009.toml
CLAIMS = None  # the ids of the claims to show, e.g. ["trade-japan-top-many"]; None: all
DIMENSION = None  # only the claims of one dimension: trade, oda or fdi; None: all
THEN = None  # read "then" in these years instead of the file's, e.g. [2000]; None: the file's

# %%
# %matplotlib inline
from IPython.display import display

from analysis import notebook as nb
from analysis import plots

verdicts, evidence = nb.claims(CLAIM_FILE, ids=CLAIMS, dimension_name=DIMENSION, read_years=THEN)
print(f"{len(verdicts)} claims, {len(evidence)} cases")
nb.table(verdicts[['claim_id', 'years', 'verdict', 'n_supported', 'n_cases', 'dataset',
                   'latest_year', 'latest_verdict', 'latest_supported', 'latest_cases',
                   'latest_datasets']], caption="Verdicts, then and now", index="claim_id")

# %% [markdown]
# ## The claims one by one
#
# Each claim's words, its reading, both verdicts, then its evidence: the partner's rank per member and year as a dot (rank 1 at the top), then (left) and now (right), coloured by the case's status; a case with no rank sits on the bottom line with its status written. The table under each chart lists the cases.

# %%
for claim in verdicts.itertuples():
    display(nb.claim_text(claim))
    nb.show(plots.claim_evidence(evidence, claim.claim_id))
    display(nb.evidence_table(evidence, claim.claim_id))
