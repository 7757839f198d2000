"""Questions asked of the rankings: the small functions the CLI, the report and notebooks share."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import catalog, caveats, headline
from .countries import ASEAN, FOCUS, JAPAN, asean_members, entity_notes, short_name
from .errors import ValidationError
from .paths import processed_dir
from .rank_trade import ESTIMATE_LIMIT
from .snapshot import MANIFEST_FILE, load_gaps, load_observations, load_rankings

_CACHE: dict[tuple[str, int], pd.DataFrame] = {}
_spans = headline.spans  # 1990-1995, 1998 style text for a set of years


def observations() -> pd.DataFrame:
    """The snapshot's observations, read once per process and again after a rebuild."""

    manifest = processed_dir() / MANIFEST_FILE
    key = ("obs:" + str(manifest), manifest.stat().st_mtime_ns if manifest.is_file() else 0)
    if key not in _CACHE:
        for k in [k for k in _CACHE if str(k[0]).startswith("obs:")]:
            del _CACHE[k]
        _CACHE[key] = load_observations()
    return _CACHE[key]


def rankings() -> pd.DataFrame:
    """The snapshot's rankings, read once per process and again when a build replaced them."""

    manifest = processed_dir() / MANIFEST_FILE
    key = (str(manifest), manifest.stat().st_mtime_ns if manifest.is_file() else 0)
    if key not in _CACHE:
        for k in [k for k in _CACHE if not str(k[0]).startswith("obs:")]:
            del _CACHE[k]
        _CACHE[key] = load_rankings()
    return _CACHE[key]


def select(
    df: pd.DataFrame | None = None,
    *,
    dataset: str | None = None,
    measure: str = "trade",
    variant: str | None = "countries",
    basis: str | None = "best",
) -> pd.DataFrame:
    """One ranking (dataset, measure, variant, basis). ``dataset=None``: the headline series
    (``headline.py``): each economy-year from the dataset the headline rule picks, each
    dataset read in its own reading (a restricted partner set in its own variant), so charts
    run to the last year any source holds; the ``dataset`` and ``variant`` columns say which."""
    df = rankings() if df is None else df
    if dataset is None:
        return headline.headline(df, measure=measure, variant=variant, basis=basis)
    if variant is None or basis is None:
        for ds, _, v, b in headline.readings(df, measure, variant, basis):
            if ds == dataset:
                variant, basis = v, b
                break
    m = (df["measure"] == measure) & (df["dataset"] == dataset)
    if variant is not None:
        m &= df["variant"] == variant
    if basis is not None:
        m &= df["basis"] == basis
    return df[m]


def rank_table(
    country: str,
    *,
    measure: str | None = None,
    variant: str | None = None,
    basis: str | None = None,
    year: int | None = None,
    top: int = 10,
    dataset: str | None = None,
    exact: bool = False,
) -> pd.DataFrame:
    """An economy's top partners in one year (latest by default), with share and basis.

    ``exact``: ``variant`` was named by the user, so the headline reads that variant only (a
    restricted partner set never stands in for it silently; with nothing there, the error
    says which datasets answer that year and how to ask for them).

    ``dataset`` left out: the headline series (``headline.py``), each year from the dataset
    the headline rule picks. ``measure`` left out: trade, or the dataset's headline measure.
    ``variant`` and ``basis`` left out: the dataset's own (trade: countries, best; ODA
    received: all donors, mirror; a restricted dataset: its variant; FDI: as reported). ``attrs``: ``title``, ``notes`` (which dataset answered and why, what other
    datasets say, the caveats that apply), ``year``, ``years``, ``dataset``."""

    r = rankings()
    _fetched(dataset)
    asked = measure
    if dataset is not None and not catalog.datasets().get(dataset, {}).get("ranked", True):
        raise ValidationError(
            f"{dataset} is never ranked: it is one investor's own report of its investment in "
            "each host (a rank among one investor is no rank, and it is never mixed with "
            "host-reported figures); its values are in the observations and on the FDI chart "
            "of investors as each reports it"
        )
    measure = measure or default_measure(country, dataset)
    if dataset is None:
        if country == ASEAN and variant in (None, "countries"):
            variant = "blocs"
        # the headline picks each economy-year on that economy's rows alone: spliced for this
        # economy only (a tenth of a second, not half a second for every economy)
        own = r[(r["country"] == country).to_numpy()]
        d = select(own, measure=measure, variant=variant, basis=basis)
        if exact and variant is not None:
            d = d[(d["variant"] == variant).to_numpy()]
    else:
        if variant is None or basis is None:
            variant, basis = dataset_defaults(country, measure, dataset, variant, basis)
        if country == ASEAN and variant == "countries":
            variant = "blocs"
        d = select(r, dataset=dataset, measure=measure, variant=variant, basis=basis)
        if asked is None and year is not None:
            # the dataset's own measure, else its fallback (constant prices) for that year, as
            # the headline reads it: a dataset offered for a year answers for that year
            for other in headline.fallback_measures(measure)[1:]:
                if (d[d["country"] == country]["year"] == year).any():
                    break
                alt = select(r, dataset=dataset, measure=other, variant=variant, basis=basis)
                if ((alt["country"] == country) & (alt["year"] == year)).any():
                    d = alt
    d = d[d["country"] == country]
    if d.empty:
        covers = dataset is None or bool(
            ((r["dataset"] == dataset) & (r["country"] == country)).any()
        )
        where = f"dataset {dataset}" if dataset else "any dataset of the snapshot"
        reading = _reading(variant, basis) if covers else " (it does not cover that economy)"
        raise ValidationError(
            f"no {catalog.top_words(measure)} ranking of {short_name(country)} ({country}) in "
            f"{where}{reading}; " + caveats.elsewhere(r, country, None, measure)
        )
    years = sorted(int(y) for y in d["year"].unique())
    year = years[-1] if year is None else year
    that_year = d[d["year"] == year]
    ranked = that_year[that_year["rank"].notna()]
    if ranked.empty:
        where = f"dataset {dataset}" if dataset else "the headline series"
        priced = ""
        if measure.endswith("_const2022"):  # a year ranked on current prices instead
            twin = measure.removesuffix("_const2022") + "_current"
            t = select(r, dataset=dataset, measure=twin, variant=variant, basis=basis)
            if ((t["country"] == country) & (t["year"] == year)).any():
                priced = (
                    f"{year} is ranked on current prices, every donor priced (donors are "
                    f"ranked within a year on current prices): --measure {twin}. "
                )
        raise ValidationError(
            f"no ranked {catalog.top_words(measure)} of {short_name(country)} ({country}) in "
            f"{year} in {where}{_reading(variant, basis)}; years with data there: "
            f"{_spans(years)}. " + priced + _sentence(caveats.elsewhere(r, country, year, measure))
        )
    d = ranked.nsmallest(top, "rank")
    first = d.iloc[0]
    name = str(first["dataset"])
    used = (name, str(first["measure"]), str(first["variant"]), str(first["basis"]))
    split = f"aggregation {first['aggregation']}, partner set {first['partner_set']}"
    out = pd.DataFrame(
        {
            "rank": d["rank"].astype(int),
            "partner": d["partner"].astype(str),
            "name": d["partner"].astype(str).map(short_name),
            "year": year,
            "value_usd_m": d["value_usd_m"].round(1),
            "share_pct": (100 * d["share"]).round(1),
            "value_basis": d["value_basis"].astype(str),
            "dataset": d["dataset"].astype(str),
        }
    ).set_index("rank")  # a reader sees the rank where a notebook would show a row number
    out.attrs["year"] = year
    out.attrs["years"] = _spans(years)
    out.attrs["dataset"] = name
    among = headline.among(name, used[1]) or "all partners"
    out.attrs["title"] = (
        f"{short_name(country)}'s top {catalog.top_words(used[1])}, {year}, {among} "
        f"({name}; {split}, basis {used[3]}):"
    )
    notes = [caveats.answered(r, used, country, year, measure, chosen=dataset is not None)]
    notes += caveats.caveats(
        r, used, country, year, measure, d, gaps=material_gaps(r), observations=observations
    )
    notes += rank_notes(country, used[1], year, that_year)
    notes += caveats.also(r, used, country, year, d)
    out.attrs["notes"] = notes
    return out


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _reading(variant: str | None, basis: str | None) -> str:
    parts = [f"variant {variant}" if variant else "", f"basis {basis}" if basis else ""]
    text = ", ".join(p for p in parts if p)
    return f" ({text})" if text else ""


def rank_notes(country: str, measure: str, year: int, rows: pd.DataFrame) -> list[str]:
    """What a reader of one year's ranking needs told and would not see in the rows: why the
    shares are empty (a total at or below zero, or none at all), a bloc's own row (intra-ASEAN:
    its value and the rank it would have, ``caveats.own_row_lines``), which partners are left out
    of the ranks because their net flow is below zero (Japan's net ODA to Thailand in 2019:
    loan repayments above new disbursements), with where to look instead."""
    notes: list[str] = []
    name = short_name(country)
    ranked = rows[rows["rank"].notna()]
    if (
        len(ranked)
        and ranked["share"].isna().all()
        and not headline.restricted(str(ranked["dataset"].iloc[0]), measure)
    ):
        totals = rows["total_usd_m"].dropna()
        if totals.empty:
            notes.append(
                f"No shares: the dataset has no total of {name}'s {measure} with all partners "
                f"in {year}, only the partners listed."
            )
        elif float(totals.iat[0]) <= 0:
            notes.append(
                f"No shares: {name}'s net total with all partners in {year} is "
                f"{float(totals.iat[0]):,.1f} US$ million (repayments or disinvestment above new "
                "money), and a share of a total at or below zero means nothing."
            )
    notes += caveats.own_row_lines(rows, country, year)
    negative = rows[rows["rank"].isna() & (rows["value_usd_m"] < 0)]
    negative = negative[(negative["partner"].astype(str) != country).to_numpy()]
    negative = negative.nsmallest(5, "value_usd_m")
    if len(negative):
        listed = ", ".join(
            f"{short_name(str(p))} {v:,.1f}"
            for p, v in zip(negative["partner"], negative["value_usd_m"], strict=True)
        )
        more = int(
            (rows["rank"].isna() & (rows["value_usd_m"] < 0) & (rows["partner"] != country)).sum()
        ) - len(negative)
        why = (
            "negative position (the investor's claims on the host below its liabilities to it)"
            if measure.endswith("_stock")
            else "net flow below zero (repayments or disinvestment above new money)"
        )
        notes.append(
            f"Not ranked, {why}; US$ million: {listed}"
            + (f" and {more} more" if more > 0 else "")
            + "."
        )
    if "_net_" not in measure or rows.empty:
        return notes
    gross_measure = measure.replace("_net_", "_gross_")
    r = rankings()
    gross = r[(r["measure"] == gross_measure) & (r["country"] == country) & (r["year"] == year)]
    first = rows.iloc[0]
    same = gross[(gross["dataset"] == first["dataset"]) & (gross["variant"] == first["variant"])]
    absent = same[same["rank"].notna() & ~same["partner"].isin(rows["partner"])]
    absent = absent.nsmallest(5, "rank")
    if len(absent):
        listed = ", ".join(
            f"{short_name(str(p))} (gross {v:,.1f})"
            for p, v in zip(absent["partner"], absent["value_usd_m"], strict=True)
        )
        notes.append(
            "In the gross figures but with no net value here (a net flow at or below zero where "
            f"the dataset leaves those out; US$ million): {listed}."
        )
    if notes:
        for ds in sorted(set(gross["dataset"].astype(str))):
            notes.append(
                f"Gross disbursements are never negative: `asean-japan rank {country} --dataset "
                f"{ds} --measure {gross_measure} --year {year}`."
            )
    return notes


HEADLINE_MEASURES = headline.HEADLINE_MEASURES


def default_measure(country: str, dataset: str | None) -> str:
    """The measure ``rank --dataset D`` reads when none is named: the dataset's headline measure
    for ``country`` (trade; net ODA received; the inward FDI position ...), so choosing an ODA or
    FDI dataset needs no further flag."""
    if dataset is None:
        return "trade"
    r = rankings()
    rows = r.loc[(r["dataset"] == dataset) & (r["country"] == country), "measure"]
    have = set(rows.drop_duplicates().astype(str))  # distinct values first, then as text
    if not have:  # the dataset does not cover the economy: its measures elsewhere
        have = set(r.loc[r["dataset"] == dataset, "measure"].drop_duplicates().astype(str))
    return next((m for m in HEADLINE_MEASURES if m in have), min(have, default="trade"))


def dataset_defaults(
    country: str, measure: str, dataset: str | None, variant: str | None, basis: str | None
) -> tuple[str, str]:
    """The variant and basis a dataset is read in when the user names none."""
    r = rankings()
    d = r[(r["measure"] == measure) & (r["country"] == country)]
    if dataset is not None:
        d = d[d["dataset"] == dataset]
    preferred_variants = ("countries", "all", "major_partners", "oecd_reporters", "blocs")
    have_v = set(d["variant"].drop_duplicates().astype(str))  # distinct first, then text
    if variant is None:
        variant = next((v for v in preferred_variants if v in have_v), "countries")
    have_b = set(d.loc[d["variant"] == variant, "basis"].drop_duplicates().astype(str))
    if basis is None:
        basis = next((b for b in ("best", "reported", "mirror") if b in have_b), "best")
    return variant, basis


MATERIAL_RANK = 10  # a missing donor matters where it ranks in the recipient's top 10


def material_gaps(df: pd.DataFrame | None = None, top: int = MATERIAL_RANK) -> pd.DataFrame:
    """The gaps of ``gaps.csv`` that matter: the missing donor ranks in the recipient's top
    ``top`` (any measure and variant of that dataset) in the first year it is recorded again,
    so in the gap years the recipient's total is understated and the ranks below it may be
    wrong. One row per dataset, country, year, partner; empty if the snapshot has no gaps."""
    gaps = _gaps_file()
    cols = ["dataset", "country", "year", "partner", "rank_after"]
    if gaps is None or gaps.empty:
        return pd.DataFrame(columns=cols)
    r = rankings() if df is None else df
    keys = ["dataset", "country", "partner"]
    # one pass over the rankings instead of a filter per gap (a claim check, the ODA grid and
    # a notebook each ask): the best rank of every gap's donor in any year, then one merge on
    # the year after each gap; only rows of the gaps' datasets and donors are looked at
    near = r[
        r["rank"].notna().to_numpy()
        & r["dataset"].isin(gaps["dataset"].unique()).to_numpy()
        & r["partner"].isin(gaps["partner"].unique()).to_numpy()
    ]
    best = (
        pd.DataFrame(
            {
                **{k: near[k].astype(str).to_numpy() for k in keys},
                "after": near["year"].to_numpy(dtype="int64"),
                "rank_after": near["rank"].to_numpy(dtype="int64"),
            }
        )
        .groupby([*keys, "after"], sort=False)["rank_after"]
        .min()
        .reset_index()
    )
    found = gaps[keys].assign(
        first=gaps["first_year"].astype("int64"), after=gaps["last_year"].astype("int64") + 1
    )
    found = found.merge(best, on=[*keys, "after"], how="left")  # left: the gaps' order kept
    found = found[found["rank_after"].notna() & (found["rank_after"] <= top)]
    if found.empty:
        return pd.DataFrame(columns=cols)
    spans = (found["after"] - found["first"]).to_numpy()  # each gap's years, first to last
    rows = found.loc[found.index.repeat(spans)]
    out = pd.DataFrame(
        {
            "dataset": rows["dataset"].to_numpy(dtype=object),
            "country": rows["country"].to_numpy(dtype=object),
            "year": rows["first"].to_numpy() + _steps(spans),
            "partner": rows["partner"].to_numpy(dtype=object),
            "rank_after": rows["rank_after"].to_numpy(dtype="int64"),
        },
        columns=cols,
    )
    return out.drop_duplicates()


def _steps(spans: np.ndarray) -> np.ndarray:
    """0, 1, ..., n-1 for each n in ``spans``, concatenated (the years within each gap)."""
    spans = np.asarray(spans, dtype="int64")
    starts = np.repeat(np.cumsum(spans) - spans, spans)
    return np.arange(int(spans.sum()), dtype="int64") - starts


def _gaps_file() -> pd.DataFrame | None:

    return load_gaps()


def partner_rank(
    partner: str,
    countries: tuple[str, ...],
    *,
    measure: str = "trade",
    variant: str | None = "countries",
    basis: str | None = "best",
    dataset: str | None = None,
) -> pd.DataFrame:
    """Rank, share and basis of one partner for each country and year (NaN rank: no trade);
    ``dataset=None``: the headline series. ``restricted``: ranked among a restricted partner
    set (the dataset's declaration says which)."""
    d = select(dataset=dataset, measure=measure, variant=variant, basis=basis)
    d = d[d["country"].isin(countries) & (d["partner"] == partner)]
    cols = [
        "dataset",
        "country",
        "year",
        "rank",
        "share",
        "value_usd_m",
        "value_basis",
        "estimated_share",
        "n_partners",
    ]
    out = d[cols].copy()
    out["country"] = out["country"].astype(str)
    out["dataset"] = out["dataset"].astype(str)
    out["value_basis"] = out["value_basis"].astype(str)
    out["restricted"] = out["dataset"].map(lambda n: headline.restricted(n, measure)).astype(bool)
    return out.sort_values(["country", "year"]).reset_index(drop=True)


def _fetched(dataset: str | None) -> None:
    """A dataset a live source declares but the snapshot does not hold is an error that says
    so and how to get it (never "no trade ranking" for an ODA or FDI dataset)."""
    from .sources import datasets  # deferred: the registry, for a dataset the snapshot lacks

    if dataset is None or dataset in catalog.datasets():
        return
    declared = datasets().get(dataset)
    if declared is None:
        raise ValidationError(f"unknown dataset {dataset!r}; `asean-japan sources` lists them")
    src, ds = declared
    how = (
        f"run `asean-japan fetch {src.name}` (needs the network), then `asean-japan build`"
        if src.fetch is not None
        else f"put its files in data/raw/{src.name}/ or ../shared/data, then `asean-japan build`"
    )
    raise ValidationError(
        f"{dataset} ({ds.dimension}) is not in the snapshot: {src.name} has not been fetched "
        f"into this snapshot; {how}"
    )


def partner_series(
    country: str,
    partner: str,
    *,
    measure: str = "trade",
    dataset: str | None = None,
    years: tuple[int, int] | None = None,
    variant: str | None = None,
    basis: str | None = None,
    exact: bool = False,
) -> pd.DataFrame:
    """One partner's rank and share in ``country``'s ranking, year by year (the headline
    series unless ``dataset``): ``rank ... --partner P --years 2014-2022``. A bloc partner
    (ASEAN, the EU) is read in the ``blocs`` aggregation unless another is asked for.
    ``exact``: as in ``rank_table`` (a variant the user named is read alone)."""
    _fetched(dataset)
    named = variant if exact else None
    if dataset is not None and (variant is None or basis is None):
        variant, basis = dataset_defaults(country, measure, dataset, variant, basis)
    elif variant is None and (country == ASEAN or partner in (ASEAN, "EU")):
        variant = "blocs"
    d = select(dataset=dataset, measure=measure, variant=variant, basis=basis)
    if named is not None:
        d = d[(d["variant"] == named).to_numpy()]
    d = d[(d["country"] == country).to_numpy()]
    every_year = sorted(int(y) for y in d["year"].unique())
    if years is not None:
        d = d[(d["year"] >= years[0]).to_numpy() & (d["year"] <= years[1]).to_numpy()]
    hit = d[(d["partner"] == partner).to_numpy()]
    out = pd.DataFrame(
        {
            "year": hit["year"].astype(int).to_numpy(),
            "rank": [  # n.r.: present with a value at or below zero (net repayments ...)
                str(int(k)) if pd.notna(k) else "n.r." for k in hit["rank"]
            ],
            "among": [
                headline.among(str(ds), measure) or f"all {n}"
                for ds, n in zip(hit["dataset"], hit["n_partners"], strict=True)
            ],
            "value_usd_m": hit["value_usd_m"].round(1).to_numpy(),
            "share_pct": (100 * hit["share"]).round(1).to_numpy(),
            "value_basis": hit["value_basis"].astype(str).to_numpy(),
            "dataset": hit["dataset"].astype(str).to_numpy(),
        }
    )
    ranked_years = sorted(int(y) for y in d["year"].unique())
    missing = sorted(set(ranked_years) - set(out["year"]))
    out.attrs["ranked_years"] = every_year  # every year the economy is ranked, any range
    out = out.sort_values("year").reset_index(drop=True)
    out.attrs["missing"] = missing  # years the economy is ranked but the partner is not in it
    out.attrs["notes"] = caveats.break_lines(hit)  # a recorded break the years shown span
    out.attrs["title"] = (
        f"{short_name(partner)} in {short_name(country)}'s {catalog.top_words(measure)}, "
        f"{_spans(ranked_years) if ranked_years else 'no years'}"
        f" ({dataset or 'headline series'}):"
    )
    return out


def standing(
    partner: str = JAPAN,
    years: tuple[int | str, ...] = (1990, 2000, 2010, 2020, "latest"),
    *,
    measure: str = "trade",
    basis: str | None = "best",
    dataset: str | None = None,
    variant: str | None = "countries",
    marks: bool = True,
) -> pd.DataFrame:
    """``partner``'s rank among each ASEAN member's partners in the given years ("latest": the
    last year any member has; ``dataset=None``: the headline series).

    A rank resting on partners' reports (mirror data) is marked with 'm', on mostly IMF
    estimates with 'e', among a restricted partner set (13 major partners ...) with '*';
    '-' means no data that year, 'n.r.' not ranked (the value zero or negative: net
    repayments, disinvestment; or the partner outside a restricted set). In the "latest"
    column a member whose data stop earlier shows its own last year: "1 (2022)". ``marks=False`` for
    datasets where one side always reports (ODA: the donors), so an 'm' on every cell would
    say nothing ('*' is kept).
    """
    pr = partner_rank(
        partner, asean_members(), measure=measure, variant=variant, basis=basis, dataset=dataset
    )
    if pr.empty:
        return pd.DataFrame({"member": [short_name(c) for c in asean_members()]})
    ranked = select(dataset=dataset, measure=measure, variant=variant, basis=basis)
    ranked = ranked[ranked["country"].isin(asean_members()).to_numpy()]
    have = {
        (str(c), int(y))
        for c, y in ranked[["country", "year"]].drop_duplicates().itertuples(index=False)
    }
    latest = int(pr["year"].max())
    wanted = [latest if y == "latest" else int(y) for y in years]
    rows = []
    cells: set[tuple[str, int]] = set()  # the member-years the table shows
    for c in asean_members():
        row: dict[str, object] = {"member": short_name(c)}
        own_years = [yy for cc, yy in have if cc == c]
        for label, y in zip(years, wanted, strict=True):
            key = f"{y} (latest)" if label == "latest" else str(y)
            when = ""
            if label == "latest" and own_years and max(own_years) != y:
                y = max(own_years)  # this member's own latest year, said in the cell
                when = f" ({y})"
            cells.add((c, y))
            hit = pr[(pr["country"] == c) & (pr["year"] == y)]
            if hit.empty:
                row[key] = ("n.r." if (c, y) in have else "-") + when
                continue
            if pd.isna(hit["rank"].iat[0]):  # present, but zero or negative (net repayments)
                row[key] = "n.r." + when
                continue
            mark = (
                ""
                if not marks
                else "m"
                if hit["value_basis"].iat[0] != "reported"
                else ("e" if hit["estimated_share"].iat[0] >= ESTIMATE_LIMIT else "")
            )
            if hit["restricted"].iat[0]:
                mark += "*"
            row[key] = f"{int(hit['rank'].iat[0])}{mark}{when}"
        rows.append(row)
    out = pd.DataFrame(rows)
    shown = ranked[["dataset", "country", "year"]].drop_duplicates()
    at = [(str(c), int(y)) in cells for c, y in zip(shown["country"], shown["year"], strict=True)]
    out.attrs["notes"] = caveats.break_lines(shown[at])  # a recorded break the years span
    return out


def japan_rank_table(
    years: tuple[int | str, ...] = (1990, 2000, 2010, 2020, "latest"), **kwargs
) -> pd.DataFrame:
    """Japan's standing in each member's ranking (``standing`` of Japan)."""
    return standing(JAPAN, years, **kwargs)


UNRANKED = 2**31  # below every rank: a partner with no rank in a year


def overtake(
    a: str,
    b: str,
    *,
    measure: str = "trade",
    variant: str | None = "countries",
    basis: str | None = None,
    countries: tuple[str, ...] | None = None,
) -> pd.DataFrame:
    """Per member, when partner ``a`` passed partner ``b`` on the headline series.

    ``a`` is ahead in a year where the ranking puts it above ``b`` (its rank read, never
    re-derived from values): ranked where ``b`` is not (no row: no trade; a value at or below
    zero), or ranked higher. A year counts where both can be compared: in a restricted set a
    partner outside the set cannot be compared, and the year is skipped. Columns: ``first_ahead`` (the first year ``a`` was ahead),
    ``ahead_since`` (the first year of the run in which ``a`` is ahead up to the last year
    compared; empty if ``b`` is ahead then), ``dataset`` (of the ``ahead_since`` year, else of
    ``first_ahead``), ``stayed_ahead`` (``a`` ahead in every year compared since
    ``first_ahead``, i.e. ``ahead_since == first_ahead``), ``years_compared``, ``last_year``.
    ``attrs["notes"]``: what a reader must know about the years compared (a historical entity
    under today's code, ``countries.entity_notes``).
    """
    countries = countries or asean_members()
    d = select(measure=measure, variant=variant, basis=basis)
    d = d[d["country"].isin(countries).to_numpy()]
    members = {  # the partners each (dataset, country) has at all: a restricted set's members
        key: set(g.astype(str))
        for key, g in d.groupby(["dataset", "country"], observed=True)["partner"]
    }
    pairs = d[d["partner"].isin([a, b]).to_numpy()]
    rows = []
    used: list[tuple[str, str, int]] = []  # (dataset, country, year) of every year compared
    for c in countries:
        years = d.loc[(d["country"] == c).to_numpy(), ["year", "dataset"]].drop_duplicates()
        sub = pairs[(pairs["country"] == c).to_numpy()]
        ranked = sub[sub["rank"].notna().to_numpy()]
        rank_of = {
            (str(p), int(y)): int(r)
            for p, y, r in zip(ranked["partner"], ranked["year"], ranked["rank"], strict=True)
        }
        compared = []
        for y, ds in sorted((int(y), str(ds)) for y, ds in years.itertuples(index=False)):
            have = members.get((ds, c), set())
            if headline.restricted(ds, measure) and not {a, b} <= have:
                continue
            ahead = (a, y) in rank_of and rank_of[(a, y)] < rank_of.get((b, y), UNRANKED)
            compared.append((y, ds, ahead))
            used.append((ds, c, y))
        first = next((i for i, (_, _, ahead) in enumerate(compared) if ahead), None)
        since = None
        if compared and compared[-1][2]:
            since = len(compared) - 1
            while since > 0 and compared[since - 1][2]:
                since -= 1
        pick = since if since is not None else first
        rows.append(
            {
                "member": short_name(c),
                "first_ahead": compared[first][0] if first is not None else None,
                "ahead_since": compared[since][0] if since is not None else None,
                "dataset": compared[pick][1] if pick is not None else "",
                "stayed_ahead": bool(first is not None and since == first),
                "years_compared": _spans([y for y, _, _ in compared]),
                "last_year": compared[-1][0] if compared else None,
            }
        )
    out = pd.DataFrame(rows).astype(
        {"first_ahead": "Int64", "ahead_since": "Int64", "last_year": "Int64"}
    )
    notes = []
    for c, row in zip(countries, rows, strict=True):
        if row["first_ahead"] is not None:
            notes += [f"{short_name(c)}: {n}." for n in entity_notes(c, row["first_ahead"], 2100)]
    notes += caveats.break_lines(pd.DataFrame(used, columns=["dataset", "country", "year"]))
    out.attrs["notes"] = notes
    return out


def coverage(dataset: str | None = None, measure: str = "trade") -> pd.DataFrame:
    """Per economy: the years ranked from its own reports and from partners' reports (best basis)."""
    d = select(dataset=dataset, measure=measure, variant="countries", basis="best")
    rows = []

    for c in FOCUS:
        sub = d[d["country"] == c]
        by_year = sub.groupby("year", observed=True)["value_basis"].first().astype(str)
        rows.append(
            {
                "economy": short_name(c),
                "own reports": _spans([int(y) for y, b in by_year.items() if b == "reported"]),
                "partners' reports (mirror)": _spans(
                    [int(y) for y, b in by_year.items() if b != "reported"]
                ),
            }
        )
    return pd.DataFrame(rows)
