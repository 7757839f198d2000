"""Japan's exports and imports by month with the world and MOF's major partners and areas,
1988-2025 (Ministry of Finance / Japan Customs, Trade Statistics of Japan, time-series CSV).

Why a source of its own: the IMF's recorded table stops in 2020; Japan's own statistics give
Japan's trade with China, the United States, Korea, Russia, and with ASEAN and the EU as MOF
defines them, to 2025. It is a restricted partner set (no single ASEAN member, no Taiwan,
Hong Kong, Australia or India), so its ranks are "among MOF's listed partners", with the
world total published beside them: shares are of Japan's trade with the world.

Layout (``NOTES.md``): one file per flow and partner, ``d5{1,2}ma[code].csv`` exports and
``d6{1,2}ma[code].csv`` imports (``d51ma``/``d61ma``: the world); line 2 the English title
(``USA Monthly Data  (Export)``), line 7 ``Years/Months,(千円),...``, then one row per month
``YYYY/MM`` whose second column is the total in thousand yen (a trailing space; ``-`` for months
not yet published). Area codes resolve through ``data/mof_areas.csv``: Asia and the Middle
East are regions that hold other partners and are never ranked.

Rules: only complete calendar years (twelve published months) are kept, so the partial 2025
is never ranked as 2025; yen become US$ at the year's mean ECB reference rate (``fx``), for
the years that series covers whole (from 1999: earlier years stay in the raw files only).
"""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path

import pandas as pd

from ..errors import SourceError
from ..fx import first_full_year, usd_per_unit
from ..observations import make
from ..paths import PACKAGE_DATA
from .spec import Dataset, RawFiles, Source, csv_rows, mapped

NAME = "japan_mof_trade"
FILE_RE = re.compile(r"d([56])([12])ma(\d{3})?\.csv")
MONTH_RE = re.compile(r"(\d{4})/(\d{2})")
FLOW = {"5": ("exports", "(Export)"), "6": ("imports", "(Import)")}
MAX_BYTES = 5_000_000  # a file is ~400 kB (37 years of months, ~60 commodity columns)


@cache
def areas() -> dict[str, tuple[str, str]]:
    """MOF file code ('' for the world) -> (partner code, kind)."""
    with open(PACKAGE_DATA / "mof_areas.csv", newline="", encoding="utf-8") as fh:
        return {r["file_code"]: (r["partner"], r["kind"]) for r in csv.DictReader(fh)}


def read_file(path: Path) -> pd.DataFrame:
    """One file -> measure, partner, year, value_jpy_k (complete calendar years, thousand
    yen); a region's file (Asia, Middle East) -> no rows. Errors name the file."""
    m = FILE_RE.fullmatch(path.name)
    if m is None:
        raise SourceError(
            NAME, str(path), "a file name not of the form d5?ma???.csv / d6?ma???.csv"
        )
    measure, title_flow = FLOW[m.group(1)]
    code = m.group(3) or ""
    partner, kind = mapped(NAME, path, areas(), code, "MOF area code", "mof_areas.csv")
    rows = csv_rows(NAME, path, MAX_BYTES, "a MOF time series")
    title = rows[1][0] if len(rows) > 1 and rows[1] else ""
    if "Monthly Data" not in title or title_flow not in title:
        raise SourceError(
            NAME,
            str(path),
            f"expected an English title with 'Monthly Data' and '{title_flow}' on line 2, got {title[:60]!r}",
        )
    if len(rows) < 7 or rows[6][:2] != ["Years/Months", "(千円)"]:
        got = rows[6][:2] if len(rows) >= 7 else "fewer than 7 lines"
        raise SourceError(
            NAME, str(path), f"expected line 7 to start Years/Months,(千円), got {got}"
        )
    if kind == "aggregate":
        return pd.DataFrame(columns=["measure", "partner", "year", "value_jpy_k", "file"])
    months: dict[int, list[float]] = {}
    for r in rows[7:]:
        if not r or not MONTH_RE.fullmatch(r[0]):
            continue
        cell = r[1].strip() if len(r) > 1 else ""
        if cell == "-":  # not yet published
            continue
        try:
            value = float(cell)
        except ValueError as exc:
            raise SourceError(
                NAME, str(path), f"month {r[0]}: total {cell!r} is not a number"
            ) from exc
        months.setdefault(int(r[0][:4]), []).append(value)
    full = {y: sum(v) for y, v in months.items() if len(v) == 12}
    if not full:
        raise SourceError(NAME, str(path), "no calendar year with all twelve months")
    return pd.DataFrame(
        {
            "measure": measure,
            "partner": partner,
            "year": list(full),
            "value_jpy_k": list(full.values()),
            "file": path.name,
        }
    )


def parse(raw: RawFiles) -> pd.DataFrame:
    if not raw.files:
        raise SourceError(NAME, str(raw.folder), "no MOF time-series file (d5*ma*.csv, d6*ma*.csv)")
    return pd.concat([read_file(p) for p in raw.files], ignore_index=True)


def to_observations(
    parsed: pd.DataFrame, raw: RawFiles, countries: frozenset[str] | None = None
) -> pd.DataFrame:

    if countries is not None and "JPN" not in countries:
        parsed = parsed.iloc[0:0]
    d = parsed[parsed["year"] >= first_full_year("JPY")]  # years the ECB rates cover whole
    rate = d["year"].map(lambda y: usd_per_unit("JPY", int(y)))
    return make(
        NAME,
        d["measure"],
        "JPN",
        d["partner"],
        d["year"],
        d["value_jpy_k"] / 1e3 * rate,  # thousand yen -> million yen -> US$ million
        "reported",
        "",
        [raw.ref(f) for f in d["file"]],
    )


SOURCE = Source(
    name=NAME,
    title="Japan's Ministry of Finance, Trade Statistics of Japan: monthly exports and imports "
    "with the world and major partners and areas (time-series CSV)",
    producer="Ministry of Finance of Japan (Japan Customs); files via the scraper dlxiii/meti_scraper",
    url="https://www.customs.go.jp/toukei/suii/html/time_e.htm",
    licence="Government of Japan standard terms of use (attribution to the Ministry of Finance)",
    citation="Ministry of Finance, Japan, Trade Statistics of Japan, time series (d51ma ... "
    "d62ma008), as served 2025-08 (dlxiii/meti_scraper commit 9c8885ed).",
    coverage="Japan with the world, the United States, China, Korea, Russia, ASEAN and the EU "
    "(MOF's areas), complete calendar years 1999-2024 in US$ (1988-2025 monthly in the files)",
    datasets=(
        Dataset(
            NAME,
            "trade",
            ("exports", "imports", "trade"),
            "Japan MOF trade statistics, major partners and areas (yen at ECB annual mean rates)",
            partners="MOF's listed partners (China, United States, Korea, Russia, ASEAN and the "
            "EU as MOF defines them)",
            partner_set="mof_listed",
            reporters="Japan only",
            variant="major_partners",
            authority="national",
            label="Japan MOF",
            aggregation="blocs",
        ),
    ),
    parse=parse,
    to_observations=to_observations,
    pattern="d[56][12]ma*.csv",
    recorded="japan_mof_trade_major_partners",
    recorded_vintage="as served 2025-08 (months to 2025/06)",
    notes=(
        "Ranks are among MOF's listed partners: no single ASEAN member, no Taiwan, Hong Kong, "
        "Australia or India; ASEAN and the EU are MOF's areas, ranked beside countries.",
    ),
)
