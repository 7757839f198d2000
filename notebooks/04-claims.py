# %% [markdown]
# # Checking the claims of a 2009 article
#
# Each claim is a record in `claims/article_2009.toml` with an explicit reading of its words ("top" = rank 1, "many" = at least half of the members with data, the article's data year 2008). Verdicts: supported, partly supported, not supported, insufficient data. Net vs gross ODA, flows vs stocks and reported vs mirror data are part of each claim, so the same sentence can get two verdicts. Edit the file, or pass your own with `asean-japan claims --file`.

# %%
# %matplotlib inline
from analysis import claims, plots
from analysis.query import rankings
from analysis.snapshot import read_manifest

verdicts, evidence = claims.check_all(claims.DEFAULT_FILE, rankings(),
                                      claims.dataset_vintages(read_manifest()))
verdicts[['claim_id', 'years', 'verdict', 'n_supported', 'n_cases', 'dataset',
          'latest_year', 'latest_verdict', 'latest_supported', 'latest_cases', 'latest_datasets']]

# %% [markdown]
# ## Then and now
#
# Each claim is read twice: in the article's year with the dataset named in the claim file ("then"), and in each member's latest year through the headline rule ("now": the newest complete, trustworthy dataset for that member; the `dataset` column says which, and a restricted partner set is named in `partner_set`).

# %%
now = evidence[evidence['reading'] == 'latest']
now[['claim_id', 'country', 'year', 'status', 'rank', 'dataset', 'partner_set']].style.hide(axis='index')

# %% [markdown]
# ## The evidence, claim by claim

# %%
for row in verdicts.itertuples():
    print(f'{row.claim_id}: {row.verdict}\n  said: {row.sentence}\n'
          f'  read as: {row.interpretation}')
    plots.claim_evidence(evidence, row.claim_id)

# %%
evidence[['claim_id', 'reading', 'country', 'year', 'status', 'rank', 'share', 'value_usd_m', 'value_basis', 'dataset', 'vintage']]
