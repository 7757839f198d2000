"""What an answer must say beside its rows: which dataset answered and why, what the other
datasets of the snapshot say, and every caveat that applies to the rows shown.

A ranking alone reads as a fact about all of an economy's partners. It may not be: the
dataset may hold a restricted set of partners (no share of the total, some large partners
absent), a donor may be missing from the source in that year (gaps.csv), the values may rest
on partners' reports or IMF estimates, carry a source's flag (preliminary, revised, approval
basis), or be in constant prices. ``rank``, the explorer and the report print these lines.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from . import catalog, headline, rank_trade
from .breaks import spanned
from .countries import (
    ASEAN,
    EU,
    WORLD,
    bloc_row_codes,
    bloc_row_members_apart,
    entity_notes,
    ever_members,
    names_text,
    short_name,
)
from .schema import FLAG_WORDS, PRINCIPLES, dimension_of

TOP_OTHER = 10  # a partner absent from a dataset matters where another dataset ranks it this high


def answered(
    r: pd.DataFrame,
    used: tuple[str, str, str, str],
    country: str,
    year: int,
    measure: str,
    *,
    chosen: bool,
) -> str:
    """One line: which dataset answered and why; with ``--dataset``, which one the headline
    rule would have picked."""
    name = used[0]
    if not chosen:
        return headline.why(r, name, country, year, used[1], used[3])
    pick = headline.answering(r, country, year, measure)
    what = catalog.top_words(measure)
    if pick is None or pick[0] == name:
        return f"Dataset {name}, as chosen (also the headline answer for {what}, {year})."
    flag = "" if measure == "trade" else f" --measure {measure}"
    return (
        f"Dataset {name}, as chosen; the headline answer for {short_name(country)}'s {what} "
        f"in {year} is {pick[0]} (`asean-japan rank {country}{flag} --year {year}`)."
    )


def caveats(
    r: pd.DataFrame,
    used: tuple[str, str, str, str],
    country: str,
    year: int,
    measure: str,
    shown: pd.DataFrame,
    *,
    gaps: pd.DataFrame | None = None,
    observations: Callable[[], pd.DataFrame] | None = None,
) -> list[str]:
    """Every caveat that applies to ``shown`` (ranking rows of one dataset-year): a restricted
    partner set and the large partners it lacks, missing donors, mirror values and estimates,
    the source's flags, the price base."""
    name, m = used[0], used[1]
    out: list[str] = [
        f"{short_name(country)} in {year}: {n}." for n in entity_notes(country, year, year)
    ]
    if headline.restricted(name, m):
        out.append(
            f"Ranks among {headline.partner_set(name, m)} only: a partner outside that set is "
            f"not ranked"
            + (
                f", and there is no share of {short_name(country)}'s total (the dataset "
                "publishes none)."
                if shown["share"].isna().all()
                else "."
            )
        )
    absent = absent_partners(r, name, country, year, m)
    if absent:
        out.append(_end(f"Not in {name} at all for {short_name(country)}: " + "; ".join(absent)))
    if gaps is not None and len(gaps):
        g = gaps[(gaps["dataset"] == name) & (gaps["country"] == country) & (gaps["year"] == year)]
        if len(g):
            listed = ", ".join(
                f"{short_name(str(p))} (rank {int(k)} when it is back)"
                for p, k in zip(g["partner"], g["rank_after"], strict=True)
            )
            out.append(
                f"Missing from {name} in {year}: {listed} (data/processed/gaps.csv); the "
                "total is understated and the other partners' shares and ranks may be too high."
            )
    basis = set(shown["value_basis"].astype(str))
    if "mirror" in basis and dimension_of(m) == "trade":
        why = (
            distrust_words(observations(), name, m, country, year)
            if observations is not None
            else ""
        )
        out.append(
            f"Values from partners' reports (mirror data): {short_name(country)}'s own report "
            + (
                f"for {year} {why} (data/processed/README.md)."
                if why
                else f"for {year} is missing or distrusted (a partial year, nearly empty, "
                "mostly IMF estimates, or lacking partners that its partners' reports rank in "
                "its top five: data/processed/README.md)."
            )
        )
    if "mixed" in basis:
        out.append("Some values sum members on different bases (own and partners' reports).")
    if (shown["estimated_share"] >= rank_trade.ESTIMATE_LIMIT).any():
        out.append("Half or more of some values rest on cells the IMF flags as estimates.")
    if observations is not None:
        out += flag_lines(observations(), name, m, country, year, shown["partner"])
        out += bloc_row_lines(observations(), name, m, country, year, shown["partner"])
    out += principle_lines(r, name, m, country, year)
    if m.endswith("_const2022"):
        text = "Constant 2022 US$ (the donors' own deflators); in 2022 these equal current US$."
        if m != measure:
            text = (
                f"No {measure} for {short_name(country)} in {year} here: ranked on "
                f"{m} instead. " + text
            )
        out.append(text)
        if observations is not None:
            out += unpriced_lines(observations(), name, m, country, year)
    return out


def principle_lines(
    r: pd.DataFrame, dataset: str, measure: str, country: str, year: int
) -> list[str]:
    """The FDI principle ``dataset`` declares (``Dataset.principle``), and the datasets of the
    same economy, measure and year on another principle with each one's total: positions on
    the directional and the asset/liability principle differ in level and are never one
    series."""
    entries = catalog.datasets()
    principle = entries.get(dataset, {}).get("principle", "")
    if not principle:
        return []
    same = r[
        (r["country"] == country).to_numpy()
        & (r["measure"] == measure).to_numpy()
        & (r["year"] == year).to_numpy()
    ]
    totals = same.groupby(same["dataset"].astype(str), observed=True)["total_usd_m"].first()
    text = f"{dataset} is on {PRINCIPLES[principle]}"
    others = [
        (n, entries[n]["principle"])
        for n in totals.index
        if n != dataset and entries.get(n, {}).get("principle", principle) != principle
    ]
    if others:

        def total(n: str) -> str:
            v = totals.get(n)
            return "" if v is None or pd.isna(v) else f", total US${v:,.0f} million"

        text += (
            f"; for {short_name(country)} in {year} "
            + "; ".join(
                f"{n} is on the {p.replace('_', '/')} principle{total(n)}" for n, p in others
            )
            + f" (against {dataset}{total(dataset)}): never compare the two as one series"
        )
    return [_end(text)]


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th ... 11th, 12th, 13th, 21st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def own_row_lines(rows: pd.DataFrame, country: str, year: int) -> list[str]:
    """The row a bloc economy keeps for itself (ASEAN's intra-ASEAN trade or FDI: partner
    ``ASEAN`` of economy ``ASEAN``), kept with no rank, in words beside its ranking: its value,
    its share and the rank it would have among the partners ranked, so that "Japan is ASEAN's
    2nd source" is never read without the intra-ASEAN figure beside it. ``rows``: one
    dataset's ranking rows of ``country`` in ``year`` (ranked and unranked)."""
    own = rows[(rows["partner"].astype(str) == country).to_numpy()]
    if own.empty:
        return []
    value = float(own["value_usd_m"].iat[0])
    name = short_name(country)
    text = f"Not ranked: intra-{name} ({name}'s members with one another), US$ "
    text += f"{value:,.1f} million"
    if pd.notna(own["share"].iat[0]):
        text += f" ({100 * float(own['share'].iat[0]):.1f}% of the total)"
    ranked = rows[rows["rank"].notna().to_numpy()]
    if value > 0 and len(ranked):
        k = 1 + int((ranked["value_usd_m"] > value).sum())
        text += f"; beside the partners ranked it would be {ordinal(k)}"
        at = ranked[(ranked["rank"] == k).to_numpy()]
        if len(at):
            text += ", ahead of " + ", ".join(
                f"{short_name(str(p))} ({v:,.1f})"
                for p, v in zip(at["partner"], at["value_usd_m"], strict=True)
            )
    return [f"{text}. The ranks are among partners outside {name} (a bloc is not its own partner)."]


def distrust_words(obs: pd.DataFrame, dataset: str, measure: str, country: str, year: int) -> str:
    """Why the ``best`` basis reads an own report's flows of ``measure`` in ``year`` from
    partners' reports, in words: no own figures, mostly IMF estimates, or a rule of
    ``rank_trade.distrusted_own_reports`` (naming the missing partners: "lacks Japan, France
    ... in its exports"); empty where none of them applies."""
    flows = ("exports", "imports") if measure == "trade" else (measure,)
    rows = obs[(obs["dataset"] == dataset).to_numpy() & (obs["country"] == country).to_numpy()]
    rows = rows[rows["measure"].isin(flows).to_numpy()]
    if rows.empty:
        return ""
    d = rank_trade.distrusted_own_reports(rows)
    d = d[(d["year"] == year).to_numpy()]
    whole = d[d["measure"] == rank_trade.ALL_FLOWS]
    if len(whole):
        if whole["rule"].iat[0] == rank_trade.NEARLY_EMPTY:
            return (
                f"is nearly empty: it lists {whole['coverage'].iat[0]:.0%} of the trade its "
                "partners report"
            )
        return "covers a partial year: its total fell far more than its partners' reports"
    lacking = d[(d["rule"] == rank_trade.MISSING_PARTNER) & d["measure"].isin(flows)]
    if len(lacking):
        lacks = " and ".join(
            f"{names_text(p.split(', '))} in its {flow}"
            for flow, p in zip(lacking["measure"], lacking["partners"], strict=True)
        )
        return (
            f"lacks {lacks}, partners that its partners' reports rank in its top five, and "
            "falls short of those reports by at least their trade"
        )
    own = rows[
        (rows["year"] == year).to_numpy()
        & (rows["basis"] != "mirror").to_numpy()
        & (rows["partner"] != WORLD).to_numpy()
        & (rows["value_usd_m"] > 0).to_numpy()
    ]
    if own.empty:
        return "is missing: the source has no own figures that year"
    estimated = own.loc[(own["flag"] == "e").to_numpy(), "value_usd_m"].sum()
    if estimated >= rank_trade.ESTIMATE_LIMIT * own["value_usd_m"].sum():
        return "is mostly IMF estimates: they make up half or more of its value"
    return ""


def unpriced_lines(
    obs: pd.DataFrame, dataset: str, measure: str, country: str, year: int
) -> list[str]:
    """Why a constant-price ranking was not replaced by current prices (``rank.py`` ranks a
    year on current prices only when every partner has one): the partners with no deflator
    (``oda_prices``) that year, in words."""
    current = measure.removesuffix("_const2022") + "_current"
    rows = obs[
        (obs["dataset"] == dataset).to_numpy()
        & (obs["country"] == country).to_numpy()
        & (obs["year"] == year).to_numpy()
        & obs["measure"].isin([measure, current]).to_numpy()
    ]
    priced = set(rows.loc[rows["measure"] == current, "partner"].astype(str))
    if not priced:
        return []
    missing = sorted(set(rows.loc[rows["measure"] == measure, "partner"].astype(str)) - priced)
    if not missing:
        return []
    who = ", ".join(short_name(p) for p in missing)
    return [
        f"Not on current prices because no deflator can be derived for {who} in {year} (no "
        "current-price source of this DAC table covers them); ranking the others on current "
        "prices would drop them."
    ]


def break_lines(rows: pd.DataFrame) -> list[str]:
    """A line for each recorded break in a dataset's definition (``catalog.breaks``) that the
    years of ``rows`` span (columns dataset, country, year: the years an answer shows or
    compares), per economy: a change across it may be the definition's, not the partners'."""

    out = []
    if rows.empty:
        return out
    keys = pd.DataFrame(
        {
            "dataset": rows["dataset"].astype(str).to_numpy(),
            "country": rows["country"].astype(str).to_numpy(),
            "year": rows["year"].astype(int).to_numpy(),
        }
    )
    for (name, country), years in keys.groupby(["dataset", "country"], sort=True)["year"]:
        for b in spanned(catalog.breaks(name), years):
            out.append(
                f"{short_name(country)}, {name}: these years span a break in its definition "
                f"in {b['year']}: to {b['previous_year']} {b['before']}; from {b['year']} "
                f"{b['after']}. Values and ranks on the two sides are not like for like "
                f"(recorded in {b['ref']})."
            )
    return out


def flag_lines(
    obs: pd.DataFrame, dataset: str, measure: str, country: str, year: int, partners: pd.Series
) -> list[str]:
    """The source's flags on the observations behind the rows shown, in words."""
    flows = ("exports", "imports") if measure == "trade" else (measure,)
    rows = obs[
        (obs["dataset"] == dataset).to_numpy()
        & (obs["country"] == country).to_numpy()
        & (obs["year"] == year).to_numpy()
        & obs["measure"].isin(flows).to_numpy()
        & obs["partner"].isin(list(partners.astype(str))).to_numpy()
    ]
    flags = sorted(set(rows["flag"].astype(str)) - {"", "nan"})
    out = []
    for flag in flags:
        words = FLAG_WORDS.get(flag)
        if words:
            flagged = rows.loc[rows["flag"] == flag, "partner"].unique()
            who = (
                "every value shown"
                if set(map(str, flagged)) >= set(map(str, partners))
                else ", ".join(sorted(short_name(str(p)) for p in flagged))
            )
            out.append(_end(f"Flagged `{flag}` by the source ({words}): {who}"))
    return out


def bloc_row_lines(
    obs: pd.DataFrame, dataset: str, measure: str, country: str, year: int, partners: pd.Series
) -> list[str]:
    """A bloc row the source publishes (FDI) whose members are not the bloc's of that year
    (``countries.bloc_row_members_apart``; the row is the value's flag where the source has
    several): who is inside it that was not a member, or outside it that was. ASEANstats' EU-28
    row of 2010-2012 holds Croatia (a member from 1 July 2013)."""
    shown = {str(p) for p in partners} & {ASEAN, EU}
    if not shown:
        return []
    rows = obs[
        (obs["dataset"] == dataset).to_numpy()
        & (obs["measure"] == measure).to_numpy()
        & (obs["country"] == country).to_numpy()
        & (obs["year"] == year).to_numpy()
        & obs["partner"].isin(sorted(shown)).to_numpy()
    ]
    out = []
    for bloc, flag in zip(rows["partner"].astype(str), rows["flag"].astype(str), strict=True):
        inside, outside = bloc_row_members_apart(dataset, bloc, year, flag)
        if not (inside or outside):
            continue
        what = f"{bloc} here is {dataset}'s own {bloc} row" + (
            f" ({flag})" if flag in bloc_row_codes(dataset, bloc) else ""
        )
        parts = []
        if inside:
            names = ", ".join(short_name(c) for c in inside)
            parts.append(f"it also holds {names}, not a member in {year}")
        if outside:
            names = ", ".join(short_name(c) for c in outside)
            parts.append(f"it leaves out {names}, a member in {year}")
        out.append(f"{what}: " + "; ".join(parts) + " (src/analysis/data/bloc_rows.csv).")
    return out


def absent_partners(
    r: pd.DataFrame, dataset: str, country: str, year: int, measure: str = ""
) -> list[str]:
    """Partners that another dataset of the same dimension ranks in its top ``TOP_OTHER`` for
    ``country`` (in ``year``, or in that dataset's latest year before it) but that ``dataset``
    never has for ``country`` (in any year): the partners a restricted set leaves out, found
    in the data, not listed by hand. Another dataset is read at ``measure`` where it has it
    (trade, not its export or import rankings), else at what it has (GSO's registered
    capital beside positions)."""
    entry = catalog.datasets().get(dataset)
    if entry is None or entry.get("partners", "all") == "all":
        return []
    mine = r[(r["dataset"] == dataset).to_numpy() & (r["country"] == country).to_numpy()]
    have = set(mine["partner"].drop_duplicates().astype(str))
    for bloc in {ASEAN, EU} & have:  # a member is inside the bloc's row, not absent
        have |= ever_members(bloc)
    others = r[
        (r["country"] == country).to_numpy()
        & (r["year"] <= year).to_numpy()
        & r["dataset"]
        .isin([n for n in headline.order(entry["dimension"]) if n != dataset])
        .to_numpy()
        & (r["rank"] <= TOP_OTHER).fillna(False).to_numpy()
        # partners as economies, every partner of the set: not a family total (grouped)
        # beside its parts, not a bloc sum
        & (r["aggregation"] == "countries").to_numpy()
        & (r["partner_set"] != "bilateral").to_numpy()
    ]
    if others.empty:
        return []
    with_measure = set(others.loc[others["measure"] == measure, "dataset"].astype(str))
    others = others[
        (others["measure"] == measure).to_numpy() | ~others["dataset"].isin(with_measure).to_numpy()
    ]
    # each other dataset in its own latest year up to ``year``
    latest = others.groupby(others["dataset"].astype(str), observed=True)["year"].transform("max")
    others = others[(others["year"] == latest).to_numpy()]
    best: dict[str, tuple[int, str, str, int]] = {}
    for p, k, ds, m, y in zip(
        others["partner"],
        others["rank"],
        others["dataset"],
        others["measure"],
        others["year"],
        strict=True,
    ):
        p = str(p)
        if p in have or p in (ASEAN, EU):
            continue
        if p not in best or int(k) < best[p][0]:
            best[p] = (int(k), str(ds), str(m), int(y))
    ordered = sorted(best.items(), key=lambda kv: (kv[1][0], kv[0]))
    listed = [
        f"{short_name(p)} (rank {k} in {ds}{'' if y == year else f' {y}'}"
        + ("" if m == measure else f", {catalog.top_words(m).split(' by ')[-1]}")
        + ")"
        for p, (k, ds, m, y) in ordered
    ]
    if len(listed) > 5:
        listed = [*listed[:5], f"{len(listed) - 5} more"]
    return listed


def also(
    r: pd.DataFrame, used: tuple[str, str, str, str], country: str, year: int, shown: pd.DataFrame
) -> list[str]:
    """ "Also:" lines: each other dataset of the snapshot that ranks the shown partners of this
    economy-year differently (each in its own reading of the same measure, else its own
    headline measure), with the partner set it ranks among."""
    name, measure = used[0], used[1]
    out = []
    partners = [str(p) for p in shown["partner"]]
    mine = {str(p): int(k) for p, k in zip(shown["partner"], shown["rank"], strict=True)}
    for other in headline.datasets_with(r, country, year, measure):
        if other == name:
            continue
        reading = _reading_of(r, other, country, year, measure)
        if reading is None:
            continue
        ds, m, v, b = reading
        d = r[
            (r["dataset"] == ds).to_numpy()
            & (r["measure"] == m).to_numpy()
            & (r["variant"] == v).to_numpy()
            & (r["basis"] == b).to_numpy()
            & (r["country"] == country).to_numpy()
            & (r["year"] == year).to_numpy()
        ]
        ranks = {
            str(p): int(k) for p, k in zip(d["partner"], d["rank"], strict=True) if pd.notna(k)
        }
        common = [p for p in partners if p in ranks]
        if not common:
            continue
        # a restricted set ranks its own members: it differs where their order differs
        order_differs = sorted(common, key=lambda p: ranks[p]) != sorted(common, key=mine.get)
        both_all = not headline.restricted(ds, m) and not headline.restricted(name, measure)
        if not order_differs and not (both_all and any(ranks[p] != mine[p] for p in common)):
            continue
        cells = [f"{short_name(p)} {ranks[p]}" for p in common[:6]]
        outside = [short_name(p) for p in partners if p not in ranks]
        among = headline.among(ds, m) or "among all partners"
        what = "" if m == measure else f" ({catalog.top_words(m)})"
        line = f"Also: {ds}{what} ranks {among}: " + ", ".join(cells)
        if outside and headline.restricted(ds, m):
            line += (
                f" ({', '.join(outside[:4])}{' ...' if len(outside) > 4 else ''} not in its set)"
            )
        elif outside:
            line += f"; not ranked there: {', '.join(outside[:4])}"
        out.append(line + ".")
    return out


def _reading_of(
    r: pd.DataFrame, dataset: str, country: str, year: int, measure: str
) -> tuple[str, str, str, str] | None:
    """How ``dataset`` is read for ``country`` and ``year``: at ``measure`` where it has it
    (its own variant and basis, as the headline reads it), else at its first measure of the
    headline order that it has."""
    d = r[
        (r["dataset"] == dataset).to_numpy()
        & (r["country"] == country).to_numpy()
        & (r["year"] == year).to_numpy()
    ]
    have = set(d["measure"].drop_duplicates().astype(str))
    for m in (measure, *headline.HEADLINE_MEASURES):
        if m not in have:
            continue
        for reading in headline.readings(d, m):
            if reading[0] == dataset:
                return reading
    return None


def elsewhere(r: pd.DataFrame, country: str, year: int | None, measure: str) -> str:
    """Where to look when the answer asked for is not there: the datasets of the same
    dimension that rank ``country`` (in ``year``, if given), with their years."""
    years = headline.years_of(r, country, measure)
    if year is not None:
        years = {ds: ys for ds, ys in years.items() if year in ys}
    dim = {"trade": "trade", "oda": "ODA", "fdi": "FDI"}[dimension_of(measure)]
    if not years:
        what = f"in {year}" if year is not None else "in any year"
        return f"no {dim} dataset of the snapshot ranks {short_name(country)}'s partners {what}."
    listed = "; ".join(
        f"{ds} ({headline.spans(ys)}"
        f"{', ' + headline.among(ds, measure) if headline.among(ds, measure) else ''})"
        for ds, ys in years.items()
    )
    head = f"{dim} datasets that rank {short_name(country)}" + (f" in {year}" if year else "")
    example = next(iter(years))
    return f"{head}: {listed}. E.g. `asean-japan rank {country} --dataset {example}" + (
        f" --year {year}`." if year else "`."
    )


def _end(text: str) -> str:
    """A sentence with one full stop (a name such as "Korea, Rep." may end it already)."""
    return text if text.endswith(".") else text + "."
