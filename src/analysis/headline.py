"""Which dataset answers: the headline rule, written once and used by every view.

For an economy, a measure and a year, the snapshot may hold several datasets that rank the
economy's partners (the IMF's table, the reporter's own statistics office, a table of 13 major
partners ...). Every default view (``rank`` without ``--dataset``, ``standing``, ``overtake``,
the README and report tables, the charts, the explorer) shows one series per economy, spliced
year by year from the dataset this rule picks:

1. Datasets of **all partners** first; a dataset of a **restricted partner set** (13 major
   partners, 37 listed partners, bilateral donors, investors that report to the IMF) only for
   years no all-partner dataset covers, and labelled as such ("among 13 major partners").
2. Within each of the two: the reporter's **own national statistics** first, then an
   **international** body's table of the reporters' own reports (the IMF, UNCTAD, the OECD
   DAC, the ASEAN Secretariat), then tables **compiled** from the partners' side
   (``schema.AUTHORITIES``, each dataset declares its own).
3. Then the dataset whose data run latest (the newest vintage), then the name.

Within a dataset, an economy-year is read on the first basis of ``BASES`` the dataset has for
it: trade's ``best``, else the reporter's own figures, else the partners' reports. The IMF's
table is read on its ``best`` basis, where an own report that cannot be trusted
(a partial year, nearly empty, mostly IMF estimates, or a flow lacking partners that partners'
reports put in its top five: ``rank_trade.distrusted_own_reports``)
is already replaced by the partners' reports; a complete national series of the same reporter
ranks ahead of both (rule 2), so a distrusted own report gives way to it first.

A measure in current prices that no dataset has for a year is answered in constant 2022
prices where a dataset has those (bilateral ODA after 2019), and says so.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import catalog
from .countries import short_name
from .schema import AUTHORITIES, dimension_of, ranks_recipients

RULE_SHORT = "all partners first; own statistics, then international tables, then compiled; newest"
BASES = ("best", "reported", "mirror")  # the basis a dataset is read on, in this order
_CACHE: dict[tuple, tuple[pd.DataFrame, pd.DataFrame]] = {}
HEADLINE_MEASURES = (  # the measure a dataset is read in when the user names none, in order
    "trade",
    "oda_received_net_current",
    "oda_received_gross_current",
    "fdi_inward_stock",
    "fdi_inflow",
    "fdi_registered",
    "fdi_outward_stock",
    "fdi_outflow",
)


def restricted(name: str, measure: str = "") -> bool:
    """True if the dataset ranks a restricted set of partners (its declaration says which).

    A dataset's ``partners`` are the partners of the economies it reports on as recipients,
    hosts or reporters; where ODA donors rank their recipients (``oda_given_*``), the donor
    set is not the partner set, and every recipient the dataset has is ranked."""
    if ranks_recipients(measure):
        return False
    return catalog.datasets().get(name, {}).get("partners", "all") != "all"


def order(dimension: str) -> list[str]:
    """The snapshot's datasets of ``dimension`` in the order the headline rule prefers them."""
    entries = catalog.datasets(dimension)

    def key(item: tuple[str, dict]) -> tuple:
        name, e = item
        authority = e.get("authority", "international")
        tier = AUTHORITIES.index(authority) if authority in AUTHORITIES else len(AUTHORITIES)
        return (e.get("partners", "all") != "all", tier, -int(e["last_year"]), name)

    return [name for name, _ in sorted(entries.items(), key=key)]


def default_variant(measure: str) -> str:
    """The aggregation a headline reads when none is asked for: partners as economies (ODA
    received: every donor the dataset has)."""
    return "all" if measure.startswith("oda_received") else "countries"


def fallback_measures(measure: str) -> list[str]:
    """``measure``, then what answers where no dataset has it: constant 2022 prices for a
    current-price ODA measure (same donors, another price base, said in the caveats)."""
    out = [measure]
    if measure.startswith("oda_") and measure.endswith("_current"):
        out.append(measure.removesuffix("_current") + "_const2022")
    return out


def readings(
    df: pd.DataFrame, measure: str, variant: str | None = None, basis: str | None = None
) -> list[tuple[str, str, str, str]]:
    """(dataset, measure, variant, basis) of every ranking the headline of ``measure`` may
    splice, in the rule's order: each dataset in its own reading (a restricted dataset in its
    own variant where partners as economies are asked for), each of its bases in ``BASES``
    order (so within a dataset an economy-year is read from the reporter's own figures where
    the dataset has them, from the partners' reports otherwise: UNCTAD's FDI in Viet Nam),
    at ``measure`` first, then at the fallback measures."""
    wanted = variant or default_variant(measure)
    declared = catalog.datasets()
    present = (
        df[["dataset", "measure", "variant", "basis"]]
        .drop_duplicates()
        .astype(str)
        .itertuples(index=False, name=None)
    )
    have: dict[tuple[str, str], set[tuple[str, str]]] = {}
    for ds, m, v, b in present:
        have.setdefault((ds, m), set()).add((v, b))
    out = []
    for m in fallback_measures(measure):
        for name in order(dimension_of(m)):
            pairs = have.get((name, m), set())
            own = declared.get(name, {}).get("variant", "")
            variants = [wanted]
            if own and wanted == default_variant(measure):
                variants = [own]
            elif own and wanted == declared[name].get("aggregation"):
                variants = [own]  # a restricted set of blocs as its source defines them
            for v in variants:
                bases = [b for b in BASES if (v, b) in pairs] if basis is None else [basis]
                out += [(name, m, v, b) for b in bases if (v, b) in pairs]
    return out


def headline(
    df: pd.DataFrame,
    *,
    measure: str = "trade",
    variant: str | None = None,
    basis: str | None = None,
) -> pd.DataFrame:
    """The headline series of ``measure``: for every economy and year, the ranking rows of the
    one dataset the rule picks (the ``dataset``, ``measure``, ``variant`` and ``basis``
    columns say which). Rows keep the rankings' columns and order within each dataset."""
    key = (id(df), measure, variant, basis)
    if key in _CACHE and _CACHE[key][0] is df:  # the frame is held: its id is not reused
        return _CACHE[key][1]
    parts = []
    taken = np.zeros(0, dtype=np.int64)
    # each (country, year) as one integer from the columns' codes: no text per row
    years = _codes(df["year"])
    pair_key = _codes(df["country"]) * (int(years.max(initial=0)) + 2) + years
    for ds, m, v, b in readings(df, measure, variant, basis):
        pick = np.flatnonzero(
            (df["dataset"] == ds).to_numpy()
            & (df["measure"] == m).to_numpy()
            & (df["variant"] == v).to_numpy()
            & (df["basis"] == b).to_numpy()
        )
        k = pair_key[pick]
        fresh = ~np.isin(k, taken)
        pick, k = pick[fresh], k[fresh]
        if not len(pick):
            continue
        parts.append(pick)
        taken = np.union1d(taken, k)
    out = df.iloc[np.concatenate(parts)] if parts else df.iloc[0:0]
    if len(_CACHE) > 32:
        _CACHE.clear()
    _CACHE[key] = (df, out)
    return out


def answering(
    df: pd.DataFrame,
    country: str,
    year: int,
    measure: str = "trade",
    variant: str | None = None,
    basis: str | None = None,
) -> tuple | None:
    """(dataset, measure, variant, basis) that answers ``country`` in ``year``, or None."""
    h = headline(df, measure=measure, variant=variant, basis=basis)
    hit = h[(h["country"] == country).to_numpy() & (h["year"] == year).to_numpy()]
    if hit.empty:
        return None
    first = hit.iloc[0]
    return (
        str(first["dataset"]),
        str(first["measure"]),
        str(first["variant"]),
        str(first["basis"]),
    )


def why(
    df: pd.DataFrame, dataset: str, country: str, year: int, measure: str, basis: str = ""
) -> str:
    """One line: which dataset answered and why (the rule applied to what the snapshot has)."""
    e = catalog.datasets().get(dataset, {})
    authority = e.get("authority", "international")
    whose = {
        "national": f"{short_name(country)}'s own statistics",
        "international": "an international table of the reporters' own reports",
        "compiled": "a compiled table (reconciled pairs or the partners' reports)",
    }.get(authority, authority)
    text = f"Answered by {dataset}: {whose}, {among(dataset, measure) or 'all partners'}"
    if basis == "mirror" and authority != "compiled" and dimension_of(measure) != "oda":
        text += " (here its partners' reports)"
    if restricted(dataset, measure):
        text += f"; no dataset of all partners covers {short_name(country)} in {year}"
    others = [d for d in datasets_with(df, country, year, measure) if d != dataset]
    if others:
        text += f"; also here: {', '.join(others)}"
    return text + f" (headline rule: {RULE_SHORT})."


def partner_set(dataset: str, measure: str = "") -> str:
    """The dataset's partner set in words: "all partners" or its declared restricted set."""
    if not restricted(dataset, measure):
        return "all partners"
    return catalog.datasets()[dataset]["partners"]


def among(dataset: str, measure: str = "") -> str:
    """Short words for a rank of a restricted set, e.g. "among 13 major partners"."""
    words = partner_set(dataset, measure)
    return "" if words == "all partners" else "among " + words.split(" (")[0]


def datasets_with(df: pd.DataFrame, country: str, year: int, measure: str) -> list[str]:
    """The datasets ranking ``country`` in ``year`` in ``measure``'s dimension, in rule order."""
    dimension = dimension_of(measure)
    names = order(dimension)
    d = df[(df["country"] == country).to_numpy() & (df["year"] == year).to_numpy()]
    have = set(d["dataset"].drop_duplicates().astype(str))
    return [n for n in names if n in have]


def years_of(df: pd.DataFrame, country: str, measure: str) -> dict[str, list[int]]:
    """Per dataset of ``measure``'s dimension (rule order), the years it ranks ``country``."""
    d = df[(df["country"] == country).to_numpy() & df["rank"].notna().to_numpy()]
    d = d[d["dataset"].isin(order(dimension_of(measure))).to_numpy()]
    pairs = d[["dataset", "year"]].drop_duplicates()
    out: dict[str, list[int]] = {}
    for name in order(dimension_of(measure)):
        years = sorted(int(y) for y in pairs.loc[pairs["dataset"] == name, "year"])
        if years:
            out[name] = years
    return out


def _codes(col: pd.Series) -> np.ndarray:
    """A column's values as integer codes (a categorical's own; else factorized), -1 missing."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        return col.cat.codes.to_numpy().astype("int64")
    return pd.factorize(col)[0].astype("int64")


def spans(years: list[int]) -> str:
    """1990-1995, 1998 style text for a set of years."""
    if not years:
        return "-"
    years = sorted(set(years))
    out, start, prev = [], years[0], years[0]
    for y in years[1:] + [None]:
        if y is not None and y == prev + 1:
            prev = y
            continue
        out.append(str(start) if start == prev else f"{start}-{prev}")
        if y is not None:
            start = prev = y
    return ", ".join(out)


def answered_by(rows: pd.DataFrame, members: set[str] | None = None, labels: bool = False) -> str:
    """Which dataset answers which years of a headline series, in words, in the order they
    answer: "imf_dots_xlsx 1960-2020; baci_major_partners 2021-2024, among 13 major
    partners". ``members``: the economies the series is about; a dataset that answers for
    only some of them names those. ``labels``: the datasets' short labels ("IMF DOTS")."""
    parts = []
    first = rows.groupby(rows["dataset"].astype(str), observed=True)["year"].min()
    for name in first.sort_values(kind="stable").index:
        d = rows[(rows["dataset"] == name).to_numpy()]
        years = spans([int(y) for y in d["year"].unique()])
        where = sorted(short_name(str(c)) for c in d["country"].unique())
        who = f" ({', '.join(where)})" if members and len(where) < len(members) else ""
        restricted = among(name, str(d["measure"].iloc[0]))
        shown = (catalog.datasets().get(name, {}).get("label") or name) if labels else name
        parts.append(f"{shown} {years}{who}" + (f", {restricted}" if restricted else ""))
    return "; ".join(parts)
