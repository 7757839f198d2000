"""BEA: U.S. direct investment abroad by detailed country, the United States as investor in
each ASEAN member, 2010-2024, US$ million (a third party's flattening of BEA's two workbooks).

Why a source of its own: it is the only recorded series of one large investor's own figures
for every member after 2012 (Myanmar, Brunei, Laos and Cambodia included, though mostly
suppressed there), to set beside Japan's own outward positions by host (the Bank of Japan):
"Japan vs the US as investors in each member, as each reports it".

Layout (``NOTES.md``): one CSV, header ``country,year,metric,value,file``; ``country`` a BEA
name (``Burma``, ``Laos``, ``Vietnam``, ``Brunei``, resolved through ``data/partner_names.csv``),
``metric`` ``Position`` (year end, historical cost) or ``Financial transactions`` (the year's
flow, negative = net disinvestment), ``value`` text, ``file`` the BEA workbook the value was
copied from (``2009-2019`` or ``2020-2024``).

Rules (each tested on the real file):

- **Who reports, whose view.** Observations are written from the host's side, as every FDI
  table of the snapshot is (``country`` the member, ``partner`` USA, ``fdi_inward_stock`` for a
  position, ``fdi_inflow`` for financial transactions), on basis ``mirror``: the number is the
  investor's report, not the host's. BEA's country detail is on the directional principle, as
  the BoJ's (``Dataset.principle``), so the two investors' positions can be drawn side by side.
- **Never ranked** (``Dataset.ranked = False``). The Bank of Japan's precedent is that an
  investor's own outward report ranks only that investor's hosts (Japan's, in the BoJ's
  dataset) and never a host's investors. The US is no economy of the snapshot, so BEA ranks
  no hosts; and ranked from the host's side it would be a rank among one investor (the US
  "first" in every member), which the headline rule could pick for a member-year nothing else
  covers. So it yields no rankings at all: the chart draws its values beside the BoJ's, and no
  answer ever ranks it with (or instead of) host-reported FDI, which differs from it in
  valuation and in how indirect ownership is counted (NOTES.md: Indonesia 2022, 28,254 host
  vs 13,311 BEA).
- **No number, no row.** ``(D)`` (suppressed to avoid disclosing individual companies) and
  ``(*)`` (less than US$0.5 million either way) are not numbers: they give no observation (the
  ``value_usd_m`` column is never empty, and a zero would be a false figure) and are recorded
  in ``gaps.csv`` instead (``gaps``: one row per member, metric, marker and workbook run of
  years, the marker first in ``reason``), as the BoJ's ``X`` cells are gaps, never zeros.
- **The workbook travels with every value** as its flag, ``v2009-2019`` or ``v2020-2024``:
  BEA revised the older years in a different release than the newer ones, so a series that
  spans 2019-2020 may break there (Singapore 2011: 119,395 here, 118,571 in UNCTAD's copy of
  an earlier BEA release). A year outside its workbook's span is an error.
- Negative positions are kept (Myanmar 2020-2024: small negative positions, as BEA publishes).
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd

from ..countries import asean_members
from ..errors import SourceError
from ..gaps import COLUMNS
from ..observations import make
from ..partner_names import resolve
from ..schema import MAX_ABS_VALUE
from .spec import Dataset, RawFiles, Source, csv_rows

NAME = "bea_us_fdi"
PATTERN = "bea-usdia-*.csv"
HEADER = ["country", "year", "metric", "value", "file"]
INVESTOR = "USA"
METRICS = {"Position": "fdi_inward_stock", "Financial transactions": "fdi_inflow"}
METRIC_WORDS = {
    "Position": "position (year end)",
    "Financial transactions": "financial transactions",
}
MARKERS = {
    "(D)": "suppressed by BEA to avoid disclosing the data of individual companies",
    "(*)": "less than US$0.5 million either way: BEA publishes no figure",
}
NUMBER_RE = re.compile(r"-?\d+(\.\d+)?")
WORKBOOK_RE = re.compile(r"(\d{4})-(\d{4})")
MAX_BYTES = 1_000_000  # the file is about 13 kB (300 rows)
PARSED = ["host", "year", "metric", "value", "marker", "workbook", "file", "line"]


def _fail(path: Path, line: int | None, problem: str) -> SourceError:
    where = f"{path}, line {line}" if line is not None else str(path)
    return SourceError(
        NAME,
        where,
        problem,
        "Replace the file with the copy PROVENANCE.md section 21 names (commit 3338447 of "
        "ccmdesign/bfna-indopacific); if BEA's layout or names changed, update this parser or "
        "src/analysis/data/partner_names.csv.",
    )


def _hosts(names: set[str], path: Path) -> dict[str, str]:
    """BEA country names -> ISO3 of an ASEAN member (``data/partner_names.csv``, then pycountry);
    an unknown name, or a country that is no member, is an error naming the file."""

    table = resolve(sorted(names), NAME, f"{path}, column 'country'")
    out = {}
    for name, entity in table.items():
        if entity.kind != "country" or entity.code not in asean_members():
            raise _fail(
                path,
                None,
                f"country {name!r} ({entity.code or entity.kind}) is not an ASEAN member: "
                "expected BEA's detailed-country rows for the ten members only",
            )
        out[name] = entity.code
    return out


def read_file(path: Path) -> pd.DataFrame:
    """One flattened BEA table -> host, year, metric, value (NaN where a marker stands), marker
    ('' | '(D)' | '(*)'), workbook ('2009-2019' ...), file, line. Errors name the file and line."""
    rows = csv_rows(NAME, path, MAX_BYTES, "BEA's flattened detailed-country table")
    if not rows or [c.strip() for c in rows[0]] != HEADER:
        got = rows[0] if rows else "an empty file"
        raise _fail(path, 1, f"expected the header {','.join(HEADER)}, got {got}")
    out = []
    for i, r in enumerate(rows[1:], start=2):
        if not r:
            continue
        if len(r) != len(HEADER):
            raise _fail(path, i, f"expected {len(HEADER)} fields, got {len(r)}: {r}")
        country, year_text, metric, text, workbook = (c.strip() for c in r)
        if metric not in METRICS:
            raise _fail(path, i, f"unknown metric {metric!r}: expected one of {sorted(METRICS)}")
        span = WORKBOOK_RE.fullmatch(workbook)
        if span is None:
            raise _fail(path, i, f"file {workbook!r} is not a BEA workbook span like 2009-2019")
        if not year_text.isdigit() or not (
            int(span.group(1)) <= int(year_text) <= int(span.group(2))
        ):
            raise _fail(
                path,
                i,
                f"year {year_text!r} is not a year of the {workbook} workbook it is said to "
                "come from",
            )
        if text in MARKERS:
            value, marker = math.nan, text
        elif NUMBER_RE.fullmatch(text):
            value, marker = float(text), ""
            if abs(value) > MAX_ABS_VALUE:
                raise _fail(path, i, f"value {text} is larger than any FDI figure (US$ million)")
        else:
            raise _fail(
                path,
                i,
                f"value {text!r} is neither a number nor one of BEA's markers (D) and (*)",
            )
        out.append((country, int(year_text), metric, value, marker, workbook, path.name, i))
    if not out:
        raise _fail(path, None, "no data rows under the header")
    d = pd.DataFrame(out, columns=PARSED)
    d["host"] = d["host"].map(_hosts(set(d["host"]), path))
    return d


def parse(raw: RawFiles) -> pd.DataFrame:
    if not raw.files:
        raise SourceError(
            NAME,
            str(raw.folder),
            f"no file matching {PATTERN}",
            "Copy bea-usdia-asean-2010-2024-detailedcountry.csv there (PROVENANCE.md section 21).",
        )
    d = pd.concat([read_file(p) for p in raw.files], ignore_index=True)
    twice = d[d.duplicated(["host", "year", "metric"], keep=False)]
    if len(twice):
        first = twice.iloc[0]
        lines = twice[
            (twice["host"] == first["host"])
            & (twice["year"] == first["year"])
            & (twice["metric"] == first["metric"])
        ]
        raise SourceError(
            NAME,
            "; ".join(f"{f}, line {n}" for f, n in zip(lines["file"], lines["line"], strict=True)),
            f"{first['metric']} {first['year']} of {first['host']} is given "
            f"{len(lines)} times: which one BEA published cannot be known",
            "Keep one row per country, year and metric.",
        )
    return d


def to_observations(
    parsed: pd.DataFrame, raw: RawFiles, countries: frozenset[str] | None = None
) -> pd.DataFrame:

    d = parsed[parsed["marker"] == ""]
    if countries is not None:
        d = d[d["host"].isin(countries)]
    return make(
        NAME,
        d["metric"].map(METRICS),
        d["host"],
        INVESTOR,
        d["year"],
        d["value"],
        "mirror",  # the investor's report, read from the host's side
        "v" + d["workbook"],
        [raw.ref(f) for f in d["file"]],
    )


def gaps(parsed: pd.DataFrame, raw: RawFiles, countries: frozenset[str] | None) -> pd.DataFrame:
    """The cells with a marker, as ``gaps.csv`` rows: one per member, metric, marker and
    workbook run of consecutive years; ``reason`` starts with BEA's marker."""

    d = parsed[parsed["marker"] != ""]
    if countries is not None:
        d = d[d["host"].isin(countries)]
    rows = []
    keys = ["host", "metric", "marker", "workbook"]
    for (host, metric, marker, workbook), g in d.groupby(keys, sort=True):
        years = sorted(int(y) for y in g["year"])
        start = prev = years[0]
        for y in [*years[1:], None]:
            if y is not None and y == prev + 1:
                prev = y
                continue
            reason = (
                f"{marker} {METRIC_WORDS[metric]} of the US in this member: "
                f"{MARKERS[marker]} (BEA workbook {workbook})"
            )
            rows.append((NAME, host, INVESTOR, start, prev, reason))
            if y is not None:
                start = prev = y
    return pd.DataFrame(rows, columns=COLUMNS)


SOURCE = Source(
    name=NAME,
    title="BEA, U.S. direct investment abroad by detailed country: position and financial "
    "transactions in each ASEAN member",
    producer="U.S. Bureau of Economic Analysis (BEA); flattened by a third party "
    "(ccmdesign/bfna-indopacific)",
    url="https://apps.bea.gov/international/xls/usdia-current/",
    licence="Public domain (U.S. government work)",
    citation="U.S. Bureau of Economic Analysis, U.S. Direct Investment Abroad, detailed country "
    "(usdia-detailedcountry-2009-2019.xlsx and -2020-2024.xlsx, pulled 2026-04-27), as "
    "flattened in ccmdesign/bfna-indopacific, commit 3338447f.",
    coverage="the United States' direct investment position (historical cost, year end) and "
    "financial transactions in each of the ten members, 2010-2024, US$ million, as the US "
    "reports them; (D) and (*) cells are gaps (gaps.csv); never ranked",
    datasets=(
        Dataset(
            NAME,
            "fdi",
            ("fdi_inward_stock", "fdi_inflow"),
            "BEA, U.S. direct investment abroad by detailed country (the investor's own report)",
            partners="the United States only (its own report as investor; never ranked)",
            reporters="the United States (as investor)",
            partner_set="united_states",
            label="BEA",
            authority="national",
            ranked=False,
            principle="directional",
        ),
    ),
    parse=parse,
    to_observations=to_observations,
    pattern=PATTERN,
    recorded="bea_us_outward_fdi_asean",
    recorded_vintage="BEA workbooks 2009-2019 and 2020-2024, pulled 2026-04-27 (repo commit "
    "3338447f)",
    gaps=gaps,
    notes=(
        "Source-reported (the US as investor): never ranked, and never with host-reported "
        "FDI; drawn beside the Bank of Japan's figures for Japan.",
    ),
)
