"""Questions asked of the rankings: the small functions the CLI, the report and notebooks share."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import catalog
from .countries import ASEAN, JAPAN, asean_members, short_name
from .snapshot import load_rankings

_CACHE: dict[tuple[str, int], pd.DataFrame] = {}


def observations() -> pd.DataFrame:
    """The snapshot's observations, read once per process and again after a rebuild."""
    from .paths import processed_dir
    from .snapshot import MANIFEST_FILE, load_observations

    manifest = processed_dir() / MANIFEST_FILE
    key = ("obs:" + str(manifest), manifest.stat().st_mtime_ns if manifest.is_file() else 0)
    if key not in _CACHE:
        for k in [k for k in _CACHE if str(k[0]).startswith("obs:")]:
            del _CACHE[k]
        _CACHE[key] = load_observations()
    return _CACHE[key]


def rankings() -> pd.DataFrame:
    """The snapshot's rankings, read once per process and again when a build replaced them."""
    from .paths import processed_dir
    from .snapshot import MANIFEST_FILE

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
    variant: str = "countries",
    basis: str = "best",
) -> pd.DataFrame:
    """One ranking (dataset, measure, variant, basis). ``dataset=None``: the trade datasets of
    the snapshot spliced, newest first: each economy-year from the newest dataset that has it
    (the ``dataset`` column says which), so charts run to the last year any source holds."""
    df = rankings() if df is None else df
    m = (df["measure"] == measure) & (df["variant"] == variant) & (df["basis"] == basis)
    if dataset is not None:
        return df[m & (df["dataset"] == dataset)]
    return splice(df[m], catalog.trade_datasets())


def splice(df: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """Rows of the datasets in ``order``; each (country, year) from the first dataset having it.

    Rows are picked by position with each (country, year) as one integer (the columns' codes
    combined), not as text: every chart of spliced trade data asks, 0.01 s instead of 0.1 s."""
    years = _codes(df["year"])
    key = _codes(df["country"]) * (int(years.max(initial=0)) + 2) + years
    picks, seen = [], None
    for name in order:
        rows = np.flatnonzero((df["dataset"] == name).to_numpy())
        if not len(rows):
            continue
        k = key[rows]
        if seen is not None:
            fresh = ~np.isin(k, seen)
            rows, k = rows[fresh], k[fresh]
        picks.append(rows)
        seen = np.unique(k) if seen is None else np.union1d(seen, k)
    if not picks:
        return df.iloc[0:0]
    return df.iloc[np.concatenate(picks) if len(picks) > 1 else picks[0]]


def _codes(col: pd.Series) -> np.ndarray:
    """A column's values as integer codes (a categorical's own; else factorized), -1 missing."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        return col.cat.codes.to_numpy().astype("int64")
    return pd.factorize(col)[0].astype("int64")


def rank_table(
    country: str,
    *,
    measure: str = "trade",
    variant: str | None = None,
    basis: str | None = None,
    year: int | None = None,
    top: int = 10,
    dataset: str | None = None,
) -> pd.DataFrame:
    """An economy's top partners in one year (latest by default), with share and basis.

    ``variant`` and ``basis`` left out: the dataset's own (trade: countries, best; ODA
    received: all donors, mirror; a restricted dataset: its variant; FDI: as reported)."""
    if variant is None or basis is None:
        variant, basis = dataset_defaults(country, measure, dataset, variant, basis)
    if country == ASEAN and variant == "countries":
        variant = "blocs"
    d = select(dataset=dataset, measure=measure, variant=variant, basis=basis)
    d = d[d["country"] == country]
    if d.empty:
        from .errors import ValidationError

        raise ValidationError(
            f"no {measure} ranking for {country!r} (variant {variant}, basis {basis}) in "
            f"{'dataset ' + dataset if dataset else 'the trade datasets of the snapshot'}; see "
            "data/processed/README.md for what each dataset holds"
        )
    years = sorted(int(y) for y in d["year"].unique())
    year = years[-1] if year is None else year
    that_year = d[d["year"] == year]
    d = that_year[that_year["rank"].notna()].nsmallest(top, "rank")
    names = sorted(str(x) for x in d["dataset"].unique()) or [dataset or "trade datasets"]
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
    out.attrs["title"] = (
        f"{short_name(country)}'s top {catalog.top_words(measure)}, {year} ({', '.join(names)}; "
        f"variant {variant}, basis {basis}):"
    )
    out.attrs["notes"] = rank_notes(country, measure, year, that_year)
    return out


def rank_notes(country: str, measure: str, year: int, rows: pd.DataFrame) -> list[str]:
    """What a reader of one year's ranking needs told and would not see in the rows: why the
    shares are empty (a total at or below zero, or none at all) and which partners are left out
    of the ranks because their net flow is below zero (Japan's net ODA to Thailand in 2019:
    loan repayments above new disbursements), with where to look instead."""
    notes: list[str] = []
    name = short_name(country)
    ranked = rows[rows["rank"].notna()]
    if len(ranked) and ranked["share"].isna().all():
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
    negative = rows[rows["rank"].isna() & (rows["value_usd_m"] < 0)].nsmallest(5, "value_usd_m")
    if len(negative):
        listed = ", ".join(
            f"{short_name(str(p))} {v:,.1f}"
            for p, v in zip(negative["partner"], negative["value_usd_m"], strict=True)
        )
        more = int((rows["rank"].isna() & (rows["value_usd_m"] < 0)).sum()) - len(negative)
        notes.append(
            "Not ranked, net flow below zero (repayments or disinvestment above new money; "
            f"US$ million): {listed}" + (f" and {more} more" if more > 0 else "") + "."
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


def default_measure(country: str, dataset: str | None) -> str:
    """The measure ``rank --dataset D`` reads when none is named: the dataset's headline measure
    for ``country`` (trade; net ODA received; the inward FDI position ...), so choosing an ODA or
    FDI dataset needs no further flag."""
    if dataset is None:
        return "trade"
    r = rankings()
    rows = r.loc[(r["dataset"] == dataset) & (r["country"] == country), "measure"]
    have = set(rows.drop_duplicates().astype(str))  # distinct values first, then as text
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
    from .paths import processed_dir

    path = processed_dir() / "gaps.csv"
    return pd.read_csv(path, keep_default_na=False) if path.is_file() else None


def partner_rank(
    partner: str,
    countries: tuple[str, ...],
    *,
    measure: str = "trade",
    variant: str = "countries",
    basis: str = "best",
    dataset: str | None = None,
) -> pd.DataFrame:
    """Rank, share and basis of one partner for each country and year (NaN rank: no trade)."""
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
    return out.sort_values(["country", "year"]).reset_index(drop=True)


def japan_rank_table(
    years: tuple[int | str, ...] = (1990, 2000, 2010, "latest"),
    *,
    measure: str = "trade",
    basis: str = "best",
    dataset: str | None = None,
    variant: str = "countries",
    marks: bool = True,
) -> pd.DataFrame:
    """Japan's rank among each ASEAN member's partners in the given years ("latest": the
    last year any member has; ``dataset=None``: the trade datasets spliced).

    A rank resting on partners' reports (mirror data) is marked with 'm', on mostly IMF
    estimates with 'e'; '-' means no data that year, 'n.r.' not ranked (Japan's value zero or
    negative: net repayments, disinvestment). ``marks=False`` for datasets where one
    side always reports (ODA: the donors), so an 'm' on every cell would say nothing.
    """
    pr = partner_rank(
        JAPAN, asean_members(), measure=measure, variant=variant, basis=basis, dataset=dataset
    )
    if pr.empty:
        return pd.DataFrame({"member": [short_name(c) for c in asean_members()]})
    latest = int(pr["year"].max())
    wanted = [latest if y == "latest" else int(y) for y in years]
    rows = []
    for c in asean_members():
        row: dict[str, object] = {"member": short_name(c)}
        for label, y in zip(years, wanted, strict=True):
            hit = pr[(pr["country"] == c) & (pr["year"] == y)]
            key = f"{y} (latest)" if label == "latest" else str(y)
            if hit.empty:
                row[key] = "-"
                continue
            if pd.isna(hit["rank"].iat[0]):  # present, but zero or negative (net repayments)
                row[key] = "n.r."
                continue
            mark = (
                ""
                if not marks
                else "m"
                if hit["value_basis"].iat[0] != "reported"
                else ("e" if hit["estimated_share"].iat[0] >= 0.5 else "")
            )
            row[key] = f"{int(hit['rank'].iat[0])}{mark}"
        rows.append(row)
    return pd.DataFrame(rows)


def top_partners(
    country: str,
    *,
    n: int = 5,
    measure: str = "trade",
    variant: str = "countries",
    basis: str = "best",
    dataset: str | None = None,
) -> list[str]:
    """Partners that were ever in the top ``n`` of ``country`` (for bump charts)."""
    d = select(dataset=dataset, measure=measure, variant=variant, basis=basis)
    d = d[(d["country"] == country) & (d["rank"] <= n)]
    return sorted(d["partner"].astype(str).unique())


def china_overtakes_japan(*, measure: str = "trade", basis: str = "best") -> pd.DataFrame:
    """For each member, the first year from which China stays ahead of Japan to the end."""
    d = select(measure=measure, basis=basis)
    rows = []
    for c in asean_members():
        sub = d[(d["country"] == c) & d["partner"].isin(["CHN", JAPAN])]
        wide = sub.pivot_table(index="year", columns="partner", values="value_usd_m", observed=True)
        if wide.empty or not {"CHN", JAPAN} <= set(wide.columns):
            rows.append({"member": short_name(c), "year": None})
            continue
        ahead = wide["CHN"].fillna(0) > wide[JAPAN].fillna(0)
        year = None
        for y in sorted(ahead.index, reverse=True):
            if not ahead[y]:
                break
            year = int(y)
        rows.append({"member": short_name(c), "year": year})
    return pd.DataFrame(rows).astype({"year": "Int64"})  # whole years, <NA> where never


def _spans(years: list[int]) -> str:
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


def coverage(dataset: str | None = None, measure: str = "trade") -> pd.DataFrame:
    """Per economy: the years ranked from its own reports and from partners' reports (best basis)."""
    d = select(dataset=dataset, measure=measure, variant="countries", basis="best")
    rows = []
    from .countries import FOCUS

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
