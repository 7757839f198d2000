"""Gaps recorded as data: years in which a donor is missing from a whole ODA source, and the
cells a source publishes without a number (``Source.gaps``: BEA's ``(D)`` and ``(*)``).

A donor missing from a source shrinks the recipients' totals (the source's own total leaves it
out too) and lifts every other donor's rank and share. Such gaps are found by rule
(``donor_gaps``), written to ``data/processed/gaps.csv`` and never filled in.

The rule, per dataset (ODA received, every measure of the dataset pooled, so a net value <= 0
omitted by a source is not read as absence):

1. **Absent from the whole source.** A donor has a gap in a run of consecutive years of the
   dataset in which it has no value for *any* recipient, while it has values in a later year.
   A donor that stops or starts giving to one recipient, while it reports to others, has no
   gap: absence from one recipient is data (no aid), absence from the source is missing data.
2. **Before its first year, only a donor that enters at full reach.** For a run before the
   donor's first year in the dataset, the donor must serve, in that first year, at least half
   as many recipients as in its median year in the dataset: a donor that appears at once with
   its whole programme was there before and was not recorded (the Asian Development Bank from
   2012 in the QWIDS export), while one that builds up over several years (a new fund, a
   donor that began reporting with a few recipients) is starting, not missing. A run between
   two years of presence is always a gap.
3. **Recipients it serves.** A gap is recorded for each recipient the donor has a value for in
   the year after the run (and, for a run between two years of presence, in the year before).

Family totals (e.g. ``ASDB_GROUP``) are donors like any other, so the ``grouped`` rankings have
their gaps too. Output: dataset, country (recipient), partner (donor), first_year, last_year,
reason; one row per run and recipient, sorted. A source's declared cells use the same columns
(``country`` the economy, ``partner`` the counterpart, ``reason`` starting with the source's
marker): ``with_declared`` adds them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .countries import WORLD
from .observations import text_mask

COLUMNS = ["dataset", "country", "partner", "first_year", "last_year", "reason"]
FULL_REACH = 0.5  # share of the donor's median number of recipients served in its first year


def _runs(years: list[int]) -> list[tuple[int, int]]:
    """Maximal runs of consecutive positions in a sorted list of the dataset's years."""
    runs: list[list[int]] = []
    for y in years:
        if runs and y == runs[-1][1] + 1:
            runs[-1][1] = y
        else:
            runs.append([y, y])
    return [(a, b) for a, b in runs]


def donor_gaps(obs: pd.DataFrame, countries: frozenset[str] | None = None) -> pd.DataFrame:
    """Every donor gap in ``obs`` (see the module's rule); ``countries`` limits the recipients
    listed (the rule itself always looks at every recipient of the source)."""
    rec = obs[text_mask(obs["measure"], lambda m: m.startswith("oda_received"))]
    rec = pd.DataFrame(
        {
            "dataset": rec["dataset"].astype(str).to_numpy(),
            "country": rec["country"].astype(str).to_numpy(),
            "partner": rec["partner"].astype(str).to_numpy(),
            "year": rec["year"].astype(int).to_numpy(),
        }
    )
    rec = rec[rec["partner"] != WORLD].drop_duplicates()
    rows = []
    for dataset, d in rec.groupby("dataset", sort=True):
        all_years = sorted(d["year"].unique().tolist())
        served = d.groupby(["partner", "year"], sort=True)["country"].agg(lambda s: sorted(set(s)))
        for donor, by_year in served.groupby(level="partner", sort=True):
            present = {int(y): set(c) for (_, y), c in by_year.items()}
            first, last = min(present), max(present)
            absent = [y for y in all_years if y not in present and y < last]
            median_n = float(np.median([len(c) for c in present.values()]))
            for a, b in _runs(absent):
                after = min(y for y in present if y > b)
                if a < first:  # before the donor's first year in the dataset
                    n_first = len(present[first])
                    if n_first < FULL_REACH * median_n:
                        continue
                    recipients = present[after]
                    reason = (
                        f"donor absent from the whole source {a}-{b}; from {first} it serves "
                        f"{n_first} recipients at once (median year: {median_n:g})"
                    )
                else:
                    before = max(y for y in present if y < a)
                    recipients = present[before] | present[after]
                    reason = (
                        f"donor absent from the whole source {a}-{b}, present in {before} "
                        f"and {after}"
                    )
                for c in sorted(recipients):
                    if countries is None or c in countries:
                        rows.append((dataset, c, donor, a, b, reason))
    out = pd.DataFrame(rows, columns=COLUMNS)
    out["first_year"] = out["first_year"].astype("int32")
    out["last_year"] = out["last_year"].astype("int32")
    out = out.sort_values(["dataset", "country", "partner", "first_year"], kind="mergesort")
    return out.reset_index(drop=True)


def with_declared(donors: pd.DataFrame, declared: list[pd.DataFrame]) -> pd.DataFrame:
    """The donor gaps and the cells sources declare without a number (``Source.gaps``: BEA's
    suppressed ``(D)`` and ``(*)`` cells), one table in ``COLUMNS`` sorted on every column:
    what ``gaps.csv`` holds."""
    parts = [donors, *(d[COLUMNS] for d in declared if len(d))]
    if len(parts) == 1:
        return donors
    out = pd.concat(parts, ignore_index=True)
    out["first_year"] = out["first_year"].astype("int32")
    out["last_year"] = out["last_year"].astype("int32")
    out = out.sort_values(COLUMNS, kind="mergesort")  # a total order: the file is byte-stable
    return out.reset_index(drop=True)
