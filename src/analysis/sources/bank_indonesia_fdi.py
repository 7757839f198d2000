"""Bank Indonesia, SEKI table V.33: direct investment flows into Indonesia by country of origin.

US$ million, balance-of-payments basis (net: can be negative). Two sheets: ``2004-2012`` and
``5.33`` (2010Q1-2021Q3); each year block is Q1-Q4 then an annual column with no quarter label.
Only annual columns are read (the quarters are kept in the raw file); where the sheets overlap
(2010-2012) the newer sheet wins. Labels are bilingual: the English one is the right-most text
cell of a row. ``-`` is nil; a ``*`` after a quarter marks provisional figures.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..errors import SourceError
from ..limits import check_workbook
from ..observations import make
from ..partner_names import clean_label, labelled
from .spec import Dataset, RawFiles, Source

NAME = "bank_indonesia_fdi"
FILE = "bank_indonesia_seki_V33_fdi_by_origin.xls"
SHEETS = ("2004-2012", "5.33")  # older first: the newer sheet overwrites overlapping years


def _as_year(v: object) -> int | None:
    """A year written as a number, as text, or as an Excel serial shown as a date (the cell was
    formatted as a date: serial 2010 displays as 1905-07-02)."""
    import datetime as dt

    if isinstance(v, dt.datetime | dt.date):
        d = v.date() if isinstance(v, dt.datetime) else v
        return (d - dt.date(1899, 12, 30)).days
    t = str(v).strip()
    return int(float(t)) if re.fullmatch(r"\d{4}(\.0)?", t) else None


def _number(v: object) -> float | None:
    if isinstance(v, int | float):
        return float(v)
    t = str(v).strip()
    if t in ("", "-"):
        return None
    raise ValueError(t)


def parse_sheet(rows: list[list], sheet: str) -> tuple[pd.DataFrame, list[str]]:
    header = next((i for i, r in enumerate(rows) if "NEGARA" in [str(x).strip() for x in r]), None)
    if header is None:
        raise SourceError(NAME, f"{FILE}, sheet {sheet!r}", "no header row with 'NEGARA'")
    years_row, quarters = rows[header], rows[header + 1]
    # A block is Q1..Q4 then the annual column. Its year is the label above Q1: the label above
    # the annual column is not trusted (the 2004-2012 sheet labels 2008's annual column 2009).
    # Where a row of dates follows, the annual column's own year there must agree.
    dates = rows[header + 2] if header + 2 < len(rows) else []
    has_dates = any(re.fullmatch(r"\d{4}-\d{2}-\d{2}( 00:00:00)?", str(x).strip()) for x in dates)
    annual: dict[int, int] = {}
    year = None
    for j in range(len(years_row)):
        q = str(quarters[j]).strip().rstrip("*")
        y = str(years_row[j]).strip()
        if q == "Q1" and re.fullmatch(r"\d{4}(\.0)?", y):
            year = int(float(y))
        prev = str(quarters[j - 1]).strip().rstrip("*") if j else ""
        if year is not None and q == "" and prev == "Q4":
            if has_dates and _as_year(dates[j]) != year:
                raise SourceError(
                    NAME,
                    f"{FILE}, sheet {sheet!r}, column {j + 1}",
                    f"annual column of {year} is dated {dates[j]!r}",
                )
            annual[j] = year
    if not annual:
        raise SourceError(NAME, f"{FILE}, sheet {sheet!r}", "no annual columns after Q4")
    out, unread = [], []
    for r in rows[header + (3 if has_dates else 2) :]:
        texts = [
            str(x).strip()
            for x in r
            if isinstance(x, str) and x.strip() and not re.fullmatch(r"[\d.\-]+", x.strip())
        ]
        if not texts or texts[-1].startswith(("Catatan", "Notes", "1)", "1]")):
            continue
        label = clean_label(texts[-1])
        if "\n" in label:
            continue  # a note cell
        for j, y in annual.items():
            try:
                v = _number(r[j])
            except ValueError:
                unread.append(f"{sheet}: {label!r} {y}: {r[j]!r}")
                continue
            if v is not None:
                out.append((label, y, v))
    return pd.DataFrame(out, columns=["partner", "year", "value_usd_m"]).assign(sheet=sheet), unread


def read(folder: Path) -> tuple[pd.DataFrame, list[str]]:
    from python_calamine import CalamineWorkbook

    path = folder / FILE
    check_workbook(path, NAME)  # its declared sizes, before it is inflated
    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:
        raise SourceError(NAME, str(path), f"not a readable workbook ({exc})") from exc
    frames, unread = [], []
    for sheet in SHEETS:
        if sheet not in wb.sheet_names:
            raise SourceError(NAME, str(path), f"missing sheet {sheet!r} (found {wb.sheet_names})")
        df, bad = parse_sheet(wb.get_sheet_by_name(sheet).to_python(), sheet)
        frames.append(df)
        unread += bad
    newer = frames[-1]
    older = frames[0][~frames[0]["year"].isin(set(newer["year"]))]
    return pd.concat([older, newer], ignore_index=True), unread


def parse(raw: RawFiles) -> pd.DataFrame:
    b, bad = read(raw.folder)
    if bad:
        raise SourceError(NAME, "; ".join(bad[:5]), f"{len(bad)} cell(s) could not be read")
    return b


def to_observations(
    parsed: pd.DataFrame, raw: RawFiles, countries: frozenset[str] | None = None
) -> pd.DataFrame:

    b = labelled(parsed, NAME)
    return make(
        NAME,
        "fdi_inflow",
        "IDN",
        b["partner"],
        b["year"],
        b["value_usd_m"],
        "reported",
        "",
        raw.ref(FILE) + "#" + b["sheet"].astype(str),
    )


SOURCE = Source(
    name=NAME,
    title="Bank Indonesia SEKI V.33: direct investment flows into Indonesia by country of origin",
    producer="Bank Indonesia",
    url="https://www.bi.go.id/en/statistik/ekonomi-keuangan/seki/",
    licence="Bank Indonesia terms of use",
    citation="Bank Indonesia, Indonesian Financial Statistics (SEKI), table V.33, Direct "
    "Investment Flows in Indonesia by Country of Origin, US$ million.",
    coverage="annual 2004-2020 (quarters to 2021Q3 in the raw file); about 50 countries, regions "
    "and ASEAN members",
    datasets=(
        Dataset(
            NAME,
            "fdi",
            ("fdi_inflow",),
            "Bank Indonesia SEKI V.33, FDI inflows by origin",
            reporters="Indonesia only",
            label="Bank Indonesia",
            authority="national",
        ),
    ),
    parse=parse,
    to_observations=to_observations,
    pattern="*.xls",
    recorded="indonesia_fdi",
    recorded_vintage="SEKI V.33 to 2021Q3",
)
