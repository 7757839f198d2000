"""Viet Nam's exports and imports by country/territory: Viet Nam Customs' monthly preliminary
tables 020.T/BCB-TC (exports) and 021.T/BCB-TC (imports), PDFs as published.

Why a source of its own: the IMF's recorded table stops in 2020 and the reconciled mirror
table (BACI) lists 13 partners; Customs lists every partner above its threshold (76-85 per
table, about 98% of Viet Nam's trade) for 2023-2025, as Viet Nam declares it. No national
total and no EU or ASEAN row are printed, so its ranks are "among the partners Customs lists"
(a restricted set), and no share is computed: a share of the listed partners would print
like a share of Viet Nam's trade.

Layout (``NOTES.md``): a Crystal Reports PDF with a text layer. Each page repeats a header
ending in the line ``tháng báo cáo``; then each country block starts with the country in
capitals and its two values in US$ (``.`` the thousands separator): the report month's and
the cumulated value from January (the month's is blank where there was no trade that month,
so one number is the cumulated one), then commodity lines (a unit, ``USD`` or ``Tấn``). One
long name wraps over two lines (``TIỂU VƯƠNG QUỐC`` / ``ARẬP THỐNG NHẤT``) with its values on
a third. Names resolve through ``data/vietnam_customs_names.csv``.

Rules: a year is observed only from a December table (the cumulated column is then the full
year); the other tables (September 2023, January-July 2026) are parsed and checked, so a
damaged one is refused, but never observed: a partial year is never ranked as that year.
Every value is flagged ``preliminary`` (*Sơ bộ*: Customs revises them in its official annual
figures).

Why PDFium (``pypdfium2``): it reads these text layers in about 0.1 s a file, against ~1 s
for pypdf and ~5 s for pdfplumber, and returns the lines in reading order; the rows need no
column geometry because a country line is its name and one or two numbers.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path

import pandas as pd

from ..errors import SourceError
from ..observations import make
from ..paths import PACKAGE_DATA
from .spec import Dataset, RawFiles, Source

NAME = "vietnam_customs_trade"
MAX_BYTES = 10_000_000  # a table is ~200 kB (about 30 pages)
FORMS = {"020.T/BCB-TC": "exports", "021.T/BCB-TC": "imports"}
NUMBER = r"\d{1,3}(?:\.\d{3})*"
COUNTRY_LINE = re.compile(rf"(?P<name>[^\d]*?)\s*(?P<a>{NUMBER})(?:\s+(?P<b>{NUMBER}))?\s*")
MONTH_RE = re.compile(r"Tháng\s+(\d{1,2})\s+năm\s+(\d{4})")
PRINTED_RE = re.compile(r"Ngày in:\s*(\d{2})/(\d{2})/(\d{4})")
HEADER_END = "tháng báo cáo"
FOOTER_RE = re.compile(r"\d{3}\.T - trang \d+|Ngày in:.*")
UNITS = ("USD", "Tấn")
MIN_COUNTRIES = 50  # every table lists 76-85; fewer means the layout was not understood
COLUMNS = [
    "file",
    "form",
    "measure",
    "report_year",
    "report_month",
    "printed",
    "country_vi",
    "value_month_usd",
    "value_cumulative_usd",
]


@cache
def names() -> dict[str, str]:
    """Customs' Vietnamese country name (capitals, as printed) -> ISO3."""
    with open(PACKAGE_DATA / "vietnam_customs_names.csv", newline="", encoding="utf-8") as fh:
        return {r["name_vi"]: r["code"] for r in csv.DictReader(fh)}


def page_lines(path: Path) -> list[list[str]]:
    """The text lines of each page; anything PDFium cannot open is a SourceError."""
    import pypdfium2 as pdfium

    if path.stat().st_size > MAX_BYTES:
        raise SourceError(NAME, str(path), f"larger than {MAX_BYTES:,} bytes: not a Customs table")
    try:
        doc = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise SourceError(
            NAME, str(path), f"not a readable PDF ({exc}): re-download the Customs table"
        ) from exc
    try:
        pages = []
        for i in range(len(doc)):
            text = doc[i].get_textpage().get_text_range()
            pages.append([ln.strip() for ln in text.replace("\r", "\n").split("\n")])
        return pages
    finally:
        doc.close()


def _is_name(text: str) -> bool:
    """A country name: letters in capitals, no unit word (commodity lines are in lower case
    and carry a unit)."""
    words = text.split()
    return (
        bool(words)
        and text.upper() == text
        and any(c.isalpha() for c in text)
        and words[-1] not in UNITS
    )


def _number(text: str | None) -> float | None:
    return None if text is None else float(text.replace(".", ""))


def read_file(path: Path) -> pd.DataFrame:
    """One table -> one row per country (COLUMNS); errors name the file and what was
    expected."""
    return table(path, page_lines(path))


def table(path: Path, pages: list[list[str]]) -> pd.DataFrame:
    """The country rows of one table from its pages' text lines (``path`` for messages)."""
    first = "\n".join(pages[0]) if pages else ""
    form = next((f for f in FORMS if f in first), None)
    if form is None:
        raise SourceError(
            NAME,
            str(path),
            f"expected table {' or '.join(FORMS)} named on page 1: not a Customs country table",
        )
    month = MONTH_RE.search(first)
    if month is None:
        raise SourceError(
            NAME, str(path), "expected the report month ('Tháng M năm YYYY') on page 1"
        )
    if "Sơ bộ" not in first:
        raise SourceError(
            NAME,
            str(path),
            "expected the mark 'Sơ bộ' (preliminary) on page 1: an official annual table has "
            "another layout; add a reader for it before using it",
        )
    printed = ""
    rows: list[tuple[str, float | None, float]] = []
    for lines in pages:
        try:
            start = lines.index(HEADER_END) + 1
        except ValueError:
            if any(ln for ln in lines):
                raise SourceError(
                    NAME, str(path), f"a page without the header line '{HEADER_END}'"
                ) from None
            continue
        pending: list[str] = []
        for line in lines[start:]:
            if not line:
                continue
            stamp = PRINTED_RE.search(line)
            if stamp:
                printed = f"{stamp.group(3)}-{stamp.group(2)}-{stamp.group(1)}"
            if FOOTER_RE.fullmatch(line):
                continue
            m = COUNTRY_LINE.fullmatch(line)
            if m is None:
                if _is_name(line):  # a name wrapped over lines: its values follow
                    pending.append(line)
                continue
            name = " ".join([*pending, m.group("name")]).strip()
            if pending or _is_name(m.group("name")):
                pending = []
                a, b = _number(m.group("a")), _number(m.group("b"))
                month_v, cum_v = (None, a) if b is None else (a, b)
                if month_v is not None and month_v > cum_v:
                    raise SourceError(
                        NAME,
                        str(path),
                        f"{name}: the month's value {month_v:,.0f} exceeds the cumulated "
                        f"value {cum_v:,.0f}",
                    )
                rows.append((name, month_v, cum_v))
    if len(rows) < MIN_COUNTRIES:
        raise SourceError(
            NAME,
            str(path),
            f"found {len(rows)} country rows, expected 76-85 (at least {MIN_COUNTRIES}): the "
            "layout has changed",
        )
    seen = [r[0] for r in rows]
    twice = sorted({n for n in seen if seen.count(n) > 1})
    if twice:
        raise SourceError(NAME, str(path), f"countries listed twice: {', '.join(twice)}")
    year, mon = int(month.group(2)), int(month.group(1))
    return pd.DataFrame(
        {
            "file": path.name,
            "form": form,
            "measure": FORMS[form],
            "report_year": year,
            "report_month": mon,
            "printed": printed,
            "country_vi": [r[0] for r in rows],
            "value_month_usd": [r[1] for r in rows],
            "value_cumulative_usd": [r[2] for r in rows],
        },
        columns=COLUMNS,
    )


def parse(raw: RawFiles) -> pd.DataFrame:
    if not raw.files:
        raise SourceError(NAME, str(raw.folder), "no Customs table (*.pdf)")
    parsed = pd.concat([read_file(p) for p in raw.files], ignore_index=True)
    files = parsed.groupby(["measure", "report_year", "report_month"])["file"].unique()
    if (files.map(len) > 1).any():
        clash = sorted(f for fs in files[files.map(len) > 1] for f in fs)
        raise SourceError(
            NAME,
            str(raw.folder),
            f"two tables for the same flow and month: {', '.join(clash)}; keep one",
        )
    return parsed


def full_years(parsed: pd.DataFrame) -> pd.DataFrame:
    """The December tables' rows: their cumulated column is the calendar year."""
    return parsed[parsed["report_month"] == 12]


def to_observations(
    parsed: pd.DataFrame, raw: RawFiles, countries: frozenset[str] | None = None
) -> pd.DataFrame:

    if countries is not None and "VNM" not in countries:
        parsed = parsed.iloc[0:0]
    d = full_years(parsed)
    table = names()
    unknown = sorted(set(d["country_vi"]) - set(table))
    if unknown:
        raise SourceError(
            NAME,
            str(raw.folder),
            f"unknown country names {unknown}: add them to src/analysis/data/vietnam_customs_names.csv",
        )
    return make(
        NAME,
        d["measure"],
        "VNM",
        d["country_vi"].map(table),
        d["report_year"],
        d["value_cumulative_usd"] / 1e6,
        "reported",
        "preliminary",
        [raw.ref(f) for f in d["file"]],
    )


SOURCE = Source(
    name=NAME,
    title="Viet Nam Customs, exports and imports by country/territory and main commodity "
    "(monthly tables 020.T and 021.T, preliminary)",
    producer="Viet Nam Customs (Ministry of Finance); files via the downloader "
    "BrosPartners/hp-ship-schedule",
    url="https://www.customs.gov.vn",
    licence="Public statistics of Viet Nam Customs (its terms of use apply)",
    citation="Viet Nam Customs, Biểu số 020.T/BCB-TC and 021.T/BCB-TC, Sơ bộ, December 2023, "
    "2024 and 2025 (BrosPartners/hp-ship-schedule commit efb07bf9).",
    coverage="Viet Nam with 76-85 partners (about 98% of its trade), full years 2023-2025; "
    "January-July 2026 recorded, not a full year",
    datasets=(
        Dataset(
            NAME,
            "trade",
            ("exports", "imports", "trade"),
            "Viet Nam Customs, trade by country/territory (preliminary)",
            partners="the partners Viet Nam Customs lists (76-85 countries and territories, "
            "about 98% of Viet Nam's trade; no EU or ASEAN row, no national total)",
            partner_set="customs_listed",
            reporters="Viet Nam only",
            variant="major_partners",
            authority="national",
            label="Viet Nam Customs",
        ),
    ),
    parse=parse,
    to_observations=to_observations,
    pattern="*.pdf",
    recorded="vietnam_customs_trade_by_country",
    recorded_vintage="preliminary tables printed 2023-10-10 to 2026-08-07 (report months "
    "2023-09, 2023-12, 2024-12, 2025-12, 2026-07)",
    notes=(
        "Ranks are among the partners Customs lists (about 98% of Viet Nam's trade); no "
        "national total is printed, so no share is given.",
        "Full years from December tables only; January-July 2026 is recorded but never "
        "ranked as 2026.",
    ),
)
