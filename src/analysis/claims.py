"""Claims as data, checked against the rankings: a verdict with its evidence.

A claim file (TOML, see ``src/analysis/claim_files/article_2009.toml``) holds ``[[claim]]`` records naming a
ranking (dataset, measure, variant, basis), the countries, the partner, the years, a predicate
(``rank <= N`` or ``share >= X``) and a quantifier (``all``, ``at_least N``, ``most``).

Evaluation: every (country, year) is a case. A case with no ranking row for the partner is
``no data`` if that country has no ranking at all that year, else ``not ranked`` (the partner is
absent, or its value is zero or negative, e.g. net ODA repaid), which counts as not supported.
Verdicts: ``supported`` when the quantifier holds in every year; ``partly supported`` when it
holds in some years, or some cases are supported without reaching the quantifier; ``not
supported`` when no case is; ``insufficient data`` when no case has data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import headline
from .countries import ASEAN, EU, FOCUS, asean_members, short_name
from .errors import SourceError, ValidationError
from .loaders import load_toml
from .paths import PACKAGE_DIR
from .schema import MAX_YEAR, MEASURES, MIN_YEAR, RANK_BASES, VARIANTS

# the article's claims ship with the package (a wheel has them too)
DEFAULT_FILE = PACKAGE_DIR / "claim_files" / "article_2009.toml"
FIELDS = (
    "id",
    "sentence",
    "interpretation",
    "dataset",
    "measure",
    "variant",
    "basis",
    "countries",
    "partner",
    "years",
    "predicate",
    "quantifier",
)
_PREDICATE = re.compile(r"^\s*(rank|share)\s*(<=|>=|==|<|>)\s*([0-9]+(?:\.[0-9]+)?)\s*$")
_QUANTIFIER = re.compile(r"^\s*(all|most|at_least\s+(\d+))\s*$")


@dataclass(frozen=True)
class Claim:
    id: str
    sentence: str
    interpretation: str
    dataset: str
    measure: str
    variant: str
    basis: str
    countries: tuple[str, ...]
    partner: str
    years: tuple[int, ...]
    predicate: str
    quantifier: str


def _texts(col: pd.Series) -> set[str]:
    """The distinct values of a column as text: the distinct rows first (a categorical's
    codes), then those turned into text, instead of 1.3 million cells (same set)."""
    return set(col.drop_duplicates().astype(str))


def _fail(claim_id: str, field: str, msg: str) -> ValidationError:
    return ValidationError(f"claim {claim_id!r}, field {field!r}: {msg}")


MAX_CLAIM_FILE = 1_000_000
MAX_CASES = 10_000  # (country, year) cases per claim: 10 members x 66 years is 660


def load(path: Path, rankings: pd.DataFrame) -> list[Claim]:
    """Read and check a claim file against what the rankings hold; errors name the field."""

    try:  # the one loader: a regular file, bounded, UTF-8 with or without BOM, any error named
        body = load_toml(
            Path(path),
            "claims",
            "a claim file (TOML text, see src/analysis/claim_files/article_2009.toml)",
            "",
            limit=MAX_CLAIM_FILE,
        )
    except SourceError as exc:
        raise ValidationError(f"claim file {path}: {exc.problem}") from exc
    records = body.get("claim", [])
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise ValidationError(f"claim file {path}: `claim` must be a list of [[claim]] tables")
    if not records:
        raise ValidationError(f"claim file {path}: no [[claim]] records")
    from .sources import datasets  # deferred: the registry (every source module)

    # a declared dataset the snapshot lacks is no error: its claims get "insufficient data"
    known = {
        "dataset": set(datasets()) | _texts(rankings["dataset"]),
        "measure": set(MEASURES),
        "variant": set(VARIANTS),
        "basis": set(RANK_BASES),
        "country": _texts(rankings["country"]) | set(FOCUS) | {ASEAN},
        "partner": _texts(rankings["partner"]) | set(FOCUS),
    }
    years_known = set(int(y) for y in rankings["year"].unique())
    out, seen = [], set()
    for rec in records:
        cid = str(rec.get("id", "?"))
        missing = [f for f in FIELDS if f not in rec]
        if missing:
            raise _fail(cid, missing[0], "missing")
        _check_types(cid, rec)
        if cid in seen:
            raise _fail(cid, "id", "used twice")
        seen.add(cid)
        for field in ("dataset", "measure", "variant", "basis"):
            if rec[field] not in known[field]:
                raise _fail(
                    cid, field, f"unknown value {rec[field]!r}; known: {sorted(known[field])}"
                )
        countries = rec["countries"]
        countries = asean_members() if countries == "ASEAN-10" else tuple(countries)
        if not countries:
            raise _fail(cid, "countries", "empty; expected ISO3 codes or 'ASEAN-10'")
        unknown = [c for c in countries if c not in known["country"]]
        if unknown:
            raise _fail(cid, "countries", f"unknown country code(s) {unknown}")
        if rec["partner"] not in known["partner"] and rec["partner"] not in (ASEAN, EU):
            raise _fail(cid, "partner", f"unknown partner {rec['partner']!r}")
        years = rec["years"]
        if isinstance(years, str):
            m = re.fullmatch(r"(\d{4})-(\d{4})", years.strip())
            if not m:
                raise _fail(cid, "years", f"{years!r} is neither a list nor 'FROM-TO'")
            years = list(range(int(m.group(1)), int(m.group(2)) + 1))
        if not years:
            raise _fail(cid, "years", f"{rec['years']!r} holds no year")
        twice = sorted({y for y in years if years.count(y) > 1}) if len(years) < 500 else []
        if len(set(years)) != len(years):
            shown = ", ".join(map(str, twice[:5])) + (" ..." if len(twice) > 5 else "")
            raise _fail(cid, "years", f"a year listed twice ({shown or 'several'})")
        if len(set(countries)) != len(countries):
            raise _fail(cid, "countries", "a country listed twice")
        if len(years) * len(countries) > MAX_CASES:
            raise _fail(
                cid,
                "years",
                f"{len(years)} years x {len(countries)} countries is more than {MAX_CASES:,} "
                "cases; split the claim",
            )
        bad = [y for y in years if not MIN_YEAR <= y <= MAX_YEAR]
        if bad:
            span = f"{min(years_known)}-{max(years_known)}" if years_known else "none"
            raise _fail(
                cid,
                "years",
                f"impossible year(s) {bad}, outside {MIN_YEAR}-{MAX_YEAR} (data span {span})",
            )
        if not _PREDICATE.match(rec["predicate"]):
            raise _fail(
                cid, "predicate", f"{rec['predicate']!r}; expected 'rank <= N' or 'share >= X'"
            )
        what, _, number = _PREDICATE.match(rec["predicate"]).groups()
        if (what == "share" and float(number) > 1) or (what == "rank" and float(number) < 1):
            raise _fail(
                cid, "predicate", f"{rec['predicate']!r}: a share is 0 to 1, a rank 1 or more"
            )
        quantifier = _QUANTIFIER.match(rec["quantifier"])
        if not quantifier:
            raise _fail(
                cid, "quantifier", f"{rec['quantifier']!r}; expected all, most or 'at_least N'"
            )
        if quantifier.group(2) and not 1 <= int(quantifier.group(2)) <= len(countries):
            raise _fail(
                cid,
                "quantifier",
                f"{rec['quantifier']!r}: N must be 1 to the number of countries ({len(countries)})",
            )
        out.append(
            Claim(
                cid,
                rec["sentence"],
                rec["interpretation"],
                rec["dataset"],
                rec["measure"],
                rec["variant"],
                rec["basis"],
                tuple(countries),
                rec["partner"],
                tuple(int(y) for y in years),
                rec["predicate"],
                rec["quantifier"],
            )
        )
    return out


def _holds(row: pd.Series, predicate: str) -> bool:
    what, op, num = _PREDICATE.match(predicate).groups()
    value = row["rank"] if what == "rank" else row["share"]
    if pd.isna(value):
        return False
    x = float(num)
    return {"<=": value <= x, ">=": value >= x, "==": value == x, "<": value < x, ">": value > x}[
        op
    ]


def _check_types(cid: str, rec: dict) -> None:
    """Each field has the type the file format says: text, except ``countries`` (a list of
    codes or "ASEAN-10") and ``years`` (a list of whole years or "FROM-TO"); unknown fields are
    refused (a misspelt field would otherwise be silently ignored)."""
    unknown = sorted(set(rec) - set(FIELDS))
    if unknown:
        raise _fail(cid, unknown[0], f"unknown field; the fields are {', '.join(FIELDS)}")
    for name in FIELDS:
        value = rec[name]
        if name == "countries":
            ok = value == "ASEAN-10" or (
                isinstance(value, list) and all(isinstance(c, str) for c in value)
            )
            expected = 'a list of ISO3 codes (["VNM", "THA"]) or "ASEAN-10"'
        elif name == "years":
            ok = isinstance(value, str) or (
                isinstance(value, list)
                and all(isinstance(y, int) and not isinstance(y, bool) for y in value)
            )
            expected = 'a list of whole years ([2008]) or "FROM-TO"'
        else:
            ok, expected = isinstance(value, str), "text (in quotes)"
        if not ok:
            raise _fail(cid, name, f"{value!r} is not {expected}")


def _quantifier_holds(claim: Claim, supported: int, cases: int) -> bool:
    """The claim's quantifier over one set of cases with data (one year, or the latest
    reading): ``all`` needs every country to have data and hold."""
    q = _QUANTIFIER.match(claim.quantifier)
    if q.group(1) == "all":
        return supported == cases == len(claim.countries)
    if q.group(1) == "most":
        return supported > cases / 2
    return supported >= int(q.group(2))


def evaluate(claim: Claim, rankings: pd.DataFrame, vintages: dict[str, str] | None = None):
    """-> (summary dict, evidence DataFrame) for one claim."""
    r = rankings[
        (rankings["dataset"] == claim.dataset)
        & (rankings["measure"] == claim.measure)
        & (rankings["variant"] == claim.variant)
        & (rankings["basis"] == claim.basis)
        & rankings["country"].isin(claim.countries)
        & rankings["year"].isin(claim.years)
    ]
    have = set(zip(r["country"].astype(str), r["year"].astype(int), strict=True))
    hits = r[r["partner"] == claim.partner].set_index(["country", "year"])
    rows = []
    for year in claim.years:
        for c in claim.countries:
            if (c, year) not in have:
                rows.append({"country": c, "year": year, "status": "no data"})
                continue
            key = (c, year)
            if key not in hits.index:
                rows.append({"country": c, "year": year, "status": "not ranked"})
                continue
            h = hits.loc[key]
            h = h.iloc[0] if isinstance(h, pd.DataFrame) else h
            ok = _holds(h, claim.predicate)
            rows.append(
                {
                    "country": c,
                    "year": year,
                    "status": "supported"
                    if ok
                    else ("not ranked" if pd.isna(h["rank"]) else "not supported"),
                    "rank": h["rank"],
                    "value_usd_m": h["value_usd_m"],
                    "share": h["share"],
                    "n_partners": h["n_partners"],
                    "value_basis": str(h["value_basis"]),
                }
            )
    ev = pd.DataFrame(rows)
    for col in ("rank", "value_usd_m", "share", "n_partners", "value_basis"):
        if col not in ev:
            ev[col] = pd.NA
    ev.insert(0, "claim_id", claim.id)
    ev["partner"] = claim.partner
    ev["dataset"] = claim.dataset
    ev["measure"] = claim.measure
    ev["basis"] = claim.basis
    ev["vintage"] = (vintages or {}).get(claim.dataset, "")
    data = ev[ev["status"] != "no data"]
    n_sup = int((data["status"] == "supported").sum())
    years_ok = []
    for year in claim.years:
        y = data[data["year"] == year]
        if y.empty:
            continue
        s = int((y["status"] == "supported").sum())
        years_ok.append(_quantifier_holds(claim, s, len(y)))
    if data.empty:
        verdict = "insufficient data"
    elif years_ok and all(years_ok) and len(years_ok) == len(claim.years):
        verdict = "supported"
    elif any(years_ok) or n_sup > 0:
        verdict = "partly supported"
    else:
        verdict = "not supported"
    summary = {
        "claim_id": claim.id,
        "verdict": verdict,
        "n_cases": len(data),
        "n_supported": n_sup,
        "n_no_data": int((ev["status"] == "no data").sum()),
        "years": f"{min(claim.years)}-{max(claim.years)}"
        if len(claim.years) > 1
        else str(claim.years[0]),
        "dataset": claim.dataset,
        "measure": claim.measure,
        "variant": claim.variant,
        "basis": claim.basis,
        "partner": claim.partner,
        "predicate": claim.predicate,
        "quantifier": claim.quantifier,
        "supported_in": ", ".join(
            short_name(c) + (f" {y}" if len(claim.years) > 1 else "")
            for c, y in zip(
                data.loc[data["status"] == "supported", "country"],
                data.loc[data["status"] == "supported", "year"],
                strict=True,
            )
        ),
        "sentence": claim.sentence,
        "interpretation": claim.interpretation,
    }
    return summary, ev


def check_all(
    path: Path,
    rankings: pd.DataFrame,
    vintages: dict[str, str] | None = None,
    gaps: pd.DataFrame | None = None,
):
    """-> (verdicts table, evidence table) for every claim of a file.

    ``gaps``: material gaps (query.material_gaps): an evidence row in a year where a donor that
    matters is missing from the source gets a caveat, and the verdict counts them."""
    return check(load(path, rankings), rankings, vintages, gaps)


def check(
    claims: list[Claim],
    rankings: pd.DataFrame,
    vintages: dict[str, str] | None = None,
    gaps: pd.DataFrame | None = None,
):
    """``check_all`` for claims already loaded (``load``), so a caller can reject a wrong claim
    file before it works out what only the checking needs (the material gaps)."""
    summaries, evidence = [], []
    for claim in claims:
        s, e = evaluate(claim, rankings, vintages)
        e["caveat"] = _caveats(e, gaps)
        s["n_caveats"] = int((e["caveat"] != "").sum())
        latest, now = evaluate_latest(claim, rankings)
        now["vintage"] = [(vintages or {}).get(str(d), "") for d in now["dataset"]]
        now["caveat"] = _caveats(now.assign(year=now["year"].fillna(0)), gaps)
        summaries.append({**s, **latest})
        evidence += [e.assign(reading="article"), now.assign(reading="latest")]
    ev = pd.concat(evidence, ignore_index=True)
    return pd.DataFrame(summaries), ev[
        [*EVIDENCE_COLUMNS, *(c for c in ev if c not in EVIDENCE_COLUMNS)]
    ]


EVIDENCE_COLUMNS = ["claim_id", "reading", "country", "year", "status", "rank"]


def evaluate_latest(claim: Claim, rankings: pd.DataFrame) -> tuple[dict, pd.DataFrame]:
    """The claim read again at the latest year the snapshot answers it: for each of its
    countries, the headline series (``headline.py``: the dataset the rule picks, newest
    complete and trustworthy first) of the claim's measure and aggregation in that country's
    latest year, the same predicate and quantifier applied to those rows as to one year.

    Why the headline and not the claim's dataset: most of the article's datasets stop long
    before today (UNCTAD in 2012, the IMF's table in 2020); "is it still true?" is asked of
    the best answer the snapshot has now, and each row says which dataset gave it."""
    h = headline.headline(rankings, measure=claim.measure, variant=claim.variant)
    h = h[h["country"].isin(claim.countries)]
    rows = []
    for c in claim.countries:
        mine = h[h["country"] == c]
        if mine.empty:
            rows.append({"country": c, "year": pd.NA, "status": "no data"})
            continue
        year = int(mine["year"].max())
        ranked = mine[mine["year"] == year]
        hit = ranked[ranked["partner"] == claim.partner]
        row = {
            "country": c,
            "year": year,
            "dataset": str(ranked["dataset"].iat[0]),
            "measure": str(ranked["measure"].iat[0]),
            "basis": str(ranked["basis"].iat[0]),
            "partner_set": str(ranked["partner_set"].iat[0]),
        }
        if hit.empty or pd.isna(hit["rank"].iat[0]):
            rows.append({**row, "status": "not ranked"})
            continue
        h1 = hit.iloc[0]
        rows.append(
            {
                **row,
                "status": "supported" if _holds(h1, claim.predicate) else "not supported",
                "rank": h1["rank"],
                "value_usd_m": h1["value_usd_m"],
                "share": h1["share"],
                "n_partners": h1["n_partners"],
                "value_basis": str(h1["value_basis"]),
            }
        )
    ev = pd.DataFrame(rows)
    for col in ("rank", "value_usd_m", "share", "n_partners", "value_basis", "dataset"):
        if col not in ev:
            ev[col] = pd.NA
    ev.insert(0, "claim_id", claim.id)
    ev["partner"] = claim.partner
    data = ev[ev["status"] != "no data"]
    n_sup = int((data["status"] == "supported").sum())
    if data.empty:
        verdict = "insufficient data"
    else:
        ok = _quantifier_holds(claim, n_sup, len(data))
        verdict = "supported" if ok else ("partly supported" if n_sup else "not supported")
    years = sorted({int(y) for y in data["year"]})
    summary = {
        "latest_year": headline.spans(years) if years else "",
        "latest_verdict": verdict,
        "latest_cases": len(data),
        "latest_supported": n_sup,
        "latest_datasets": ", ".join(dict.fromkeys(str(d) for d in data["dataset"])),
        "latest_supported_in": ", ".join(
            short_name(str(c)) for c in data.loc[data["status"] == "supported", "country"]
        ),
    }
    return summary, ev


def _caveats(ev: pd.DataFrame, gaps: pd.DataFrame | None) -> list[str]:
    if gaps is None or gaps.empty:
        return [""] * len(ev)
    by_case: dict[tuple, list[str]] = {}
    for g in gaps.itertuples(index=False):
        by_case.setdefault((g.dataset, g.country, int(g.year)), []).append(
            f"{g.partner} (rank {g.rank_after} once recorded)"
        )
    out = []
    for d, c, y in zip(ev["dataset"], ev["country"], ev["year"], strict=True):
        missing = by_case.get((d, c, int(y)))
        out.append(
            "donor(s) missing from the source this year: " + ", ".join(sorted(missing))
            if missing
            else ""
        )
    return out


def dataset_vintages(manifest: dict) -> dict[str, str]:
    """dataset -> vintage text, from the snapshot manifest's datasets."""
    return {name: d.get("vintage", "") for name, d in manifest.get("datasets", {}).items()}
