"""Breaks in a series' definition, found by one rule in what the raw files record.

A source whose files say, year by year, which definition its values follow (GSO's registered
FDI: new and supplementary capital to 2015, capital contributions and share purchases added
from 2016) declares ``Source.definitions``; the build applies :func:`find` and writes each
dataset's breaks into the snapshot manifest (``datasets.<name>.breaks``), where charts draw
them and answers that span one say so (``caveats.break_lines``). No break year is typed in
code: a break is wherever the recorded definition changes between consecutive years.
"""

from __future__ import annotations

import pandas as pd

# what ``Source.definitions`` returns: one row per dataset and year with a recorded definition
# (``definition``: the value as the file records it; ``words``: it for a reader; ``ref``: the
# file and column it was read from)
COLUMNS = ["dataset", "year", "definition", "words", "ref"]


def find(definitions: pd.DataFrame) -> dict[str, list[dict]]:
    """Per dataset, every break: a year whose definition differs from that of the year before
    it among the years with a recorded definition (a year without one is skipped, never
    guessed, so ``previous_year`` says which year the break is measured from).

    Each break: ``year`` (the first year of the new definition), ``previous_year``,
    ``before`` and ``after`` (the definitions in words), ``ref``. A dataset or year listed
    twice with different definitions is a contradiction, not a break: ValueError."""
    missing = [c for c in COLUMNS if c not in definitions.columns]
    if missing:
        raise ValueError(f"definitions without column(s) {missing}")
    out: dict[str, list[dict]] = {}
    d = definitions[COLUMNS].drop_duplicates()
    for dataset, rows in d.groupby(d["dataset"].astype(str), sort=True):
        twice = rows["year"][rows["year"].duplicated()]
        if len(twice):
            raise ValueError(
                f"{dataset}: more than one definition for year(s) {sorted(set(twice.tolist()))}"
            )
        rows = rows.sort_values("year")
        found = []
        prev = None
        for year, definition, words, ref in zip(
            rows["year"], rows["definition"], rows["words"], rows["ref"], strict=True
        ):
            if prev is not None and definition != prev[1]:
                found.append(
                    {
                        "year": int(year),
                        "previous_year": int(prev[0]),
                        "before": str(prev[2]),
                        "after": str(words),
                        "ref": str(ref),
                    }
                )
            prev = (year, definition, words)
        out[dataset] = found
    return out


def spanned(breaks: list[dict], years) -> list[dict]:
    """The breaks that ``years`` (an answer's shown or compared years) span: some year before
    the break and some year from it on."""
    ys = [int(y) for y in years]
    if not ys:
        return []
    return [b for b in breaks if min(ys) < b["year"] <= max(ys)]
