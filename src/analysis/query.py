"""Questions asked of the rankings: the small functions the CLI, the report and notebooks share."""

from __future__ import annotations

from functools import cache

import pandas as pd

from .countries import ASEAN, JAPAN, asean_members, short_name
from .snapshot import load_rankings

DEFAULT_DATASET = "imf_dots_xlsx"


@cache
def rankings() -> pd.DataFrame:
    """The committed snapshot's rankings (read once per process)."""
    return load_rankings()


def select(
    df: pd.DataFrame | None = None,
    *,
    dataset: str = DEFAULT_DATASET,
    measure: str = "trade",
    variant: str = "countries",
    basis: str = "best",
) -> pd.DataFrame:
    df = rankings() if df is None else df
    m = (
        (df["dataset"] == dataset)
        & (df["measure"] == measure)
        & (df["variant"] == variant)
        & (df["basis"] == basis)
    )
    return df[m]


def rank_table(
    country: str,
    *,
    measure: str = "trade",
    variant: str = "countries",
    basis: str = "best",
    year: int | None = None,
    top: int = 10,
    dataset: str = DEFAULT_DATASET,
) -> pd.DataFrame:
    """An economy's top partners in one year (latest by default), with share and basis."""
    if country == ASEAN and variant == "countries":
        variant = "blocs"
    d = select(dataset=dataset, measure=measure, variant=variant, basis=basis)
    d = d[d["country"] == country]
    if d.empty:
        from .errors import ValidationError

        raise ValidationError(
            f"no {measure} ranking for {country!r} (variant {variant}, basis {basis}) in dataset "
            f"{dataset}; see data/processed/README.md for what each dataset holds"
        )
    year = int(d["year"].max()) if year is None else year
    d = d[(d["year"] == year) & (d["rank"].notna())].nsmallest(top, "rank")
    return pd.DataFrame(
        {
            "rank": d["rank"].astype(int),
            "partner": d["partner"].astype(str),
            "name": d["partner"].astype(str).map(short_name),
            "year": year,
            "value_usd_m": d["value_usd_m"].round(1),
            "share_pct": (100 * d["share"]).round(1),
            "value_basis": d["value_basis"].astype(str),
        }
    )


def partner_rank(
    partner: str,
    countries: tuple[str, ...],
    *,
    measure: str = "trade",
    variant: str = "countries",
    basis: str = "best",
    dataset: str = DEFAULT_DATASET,
) -> pd.DataFrame:
    """Rank, share and basis of one partner for each country and year (NaN rank: no trade)."""
    d = select(dataset=dataset, measure=measure, variant=variant, basis=basis)
    d = d[d["country"].isin(countries) & (d["partner"] == partner)]
    cols = [
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
    out["value_basis"] = out["value_basis"].astype(str)
    return out.sort_values(["country", "year"]).reset_index(drop=True)


def japan_rank_table(
    years: tuple[int | str, ...] = (1990, 2000, 2010, "latest"),
    *,
    measure: str = "trade",
    basis: str = "best",
) -> pd.DataFrame:
    """Japan's rank among each ASEAN member's partners in the given years.

    A rank resting on partners' reports (mirror data) is marked with 'm', on mostly IMF
    estimates with 'e'; '-' means no data that year.
    """
    pr = partner_rank(JAPAN, asean_members(), measure=measure, basis=basis)
    latest = int(select(measure=measure, basis=basis)["year"].max())
    wanted = [latest if y == "latest" else int(y) for y in years]
    rows = []
    for c in asean_members():
        row: dict[str, object] = {"member": short_name(c)}
        for label, y in zip(years, wanted, strict=True):
            hit = pr[(pr["country"] == c) & (pr["year"] == y)]
            key = f"{y} (latest)" if label == "latest" else str(y)
            if hit.empty or pd.isna(hit["rank"].iat[0]):
                row[key] = "-"
                continue
            mark = (
                "m"
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
    dataset: str = DEFAULT_DATASET,
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
    return pd.DataFrame(rows)


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


def coverage(dataset: str = DEFAULT_DATASET, measure: str = "trade") -> pd.DataFrame:
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
