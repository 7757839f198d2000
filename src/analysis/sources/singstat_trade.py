"""SingStat / Enterprise Singapore: Singapore's merchandise trade by market, monthly, in S$.

Three SingStat Table Builder downloads (``../shared/data/singstat_trade``), one per series, each
named by its ``Table Title`` line, not by its file name: "Merchandise Trade By Region And
Selected Market (Imports | Domestic Exports | Re-Exports), Monthly". Layout: a header block, then
the row ``Data Series`` with one column per month, newest first (``2025 Jan ``, trailing space),
then one row per label: ``Total All Markets`` (no indent), regions (2 spaces), markets (4 spaces),
ending at the first empty row; footnotes follow (``na`` not available, ``-`` nil). Values are
S$ million, current prices. The same three tables as one Excel export (``outputFile.xlsx``) are
kept in the folder but not read (the tests use it as an independent check).

Rules (each tested on the real files):
- Complete years only: a year's annual value of a series and market is the sum of its twelve
  monthly cells, kept only where the header has all twelve months of that year and each of the
  twelve cells is a number (``-`` = nil counts as 0). A year with fewer months in the header
  (2025: January only) or a month ``na``/blank for that row is a gap, never a partial sum.
- Exports = domestic exports + re-exports (SingStat's definition of total exports): only where
  both series have that complete year; otherwise exports is a gap for that market and year.
- Labels resolve through ``data/partner_names.csv`` then pycountry (unknown labels are an error).
  ``Total All Markets`` becomes partner ``WLD`` (the share denominator); regions and
  ``Other Markets <region>`` are aggregates, never ranked (dropped). A region-level row (indented
  2 spaces) or the top row that resolves to a country is a changed layout, an error.
- The three files must list the same labels in the same order and the same months.
- Values are converted to US$ with the ECB annual mean rate of each year
  (``analysis.fx.usd_per_unit("SGD", year)``); ranks and shares do not depend on the rate.
- Only Singapore reports: every row is Singapore's own (basis ``reported``); no mirror rows are
  made for the markets, so the trade policy's ``best`` basis equals ``reported``.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import SourceError
from ..fx import usd_per_unit
from ..observations import make
from ..partner_names import resolve
from .spec import Dataset, RawFiles, Source

NAME = "singstat_trade"
REPORTER = "SGP"
CURRENCY = "SGD"
TITLE = re.compile(
    r"^Table Title: Merchandise Trade By Region And Selected Market "
    r"\((Imports|Domestic Exports|Re-Exports)\), Monthly$"
)
SERIES = {"Imports": "imports", "Domestic Exports": "domestic_exports", "Re-Exports": "re_exports"}
HEADER = "Data Series"
UNIT_NOTE = "Values are shown in Singapore dollars"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH = re.compile(r"^(\d{4}) (" + "|".join(MONTHS) + r")$")
MISSING = ("na", "")  # not available: the year becomes a gap for that row
NIL = "-"  # nil or negligible: counts as 0

COLUMNS = ["series", "label", "indent", "year", "value_sgd_m", "file"]


def _fail(path: Path, what: str) -> SourceError:
    return SourceError(
        NAME,
        str(path),
        f"changed layout: {what}",
        "Expected a SingStat Table Builder CSV download (a 'Table Title' line, a 'Data Series' "
        "row of months newest first, labels indented by region, S$ values); download the table "
        "again or update the parser.",
    )


def _cell(text: str, path: Path, label: str, month: str) -> float:
    t = text.strip()
    if t in MISSING:
        return np.nan
    if t == NIL:
        return 0.0
    try:
        return float(t.replace(",", ""))
    except ValueError:
        raise SourceError(
            NAME,
            f"{path}, row {label!r}, column {month!r}",
            f"cell {text!r} is neither a number nor a SingStat notation ('na', '-')",
            "Check the downloaded table; a new notation needs a rule in the parser.",
        ) from None


def parse_file(path: Path) -> tuple[str, pd.DataFrame, list[tuple[int, int]]]:
    """One table: its series, the complete-year sums per label, and its (year, month) columns."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(NAME, str(path), f"cannot read the file ({exc})") from exc
    rows = list(csv.reader(text.splitlines()))
    if not any(any(c.strip() for c in r) for r in rows):
        raise SourceError(NAME, str(path), "the file is empty", "Download the table again.")
    titles = [m.group(1) for r in rows if r and (m := TITLE.match(r[0].strip()))]
    if len(titles) != 1:
        raise _fail(path, f"{len(titles)} recognised 'Table Title' lines, expected 1")
    series = SERIES[titles[0]]
    if not any(r and r[0].strip().startswith(UNIT_NOTE) for r in rows):
        raise _fail(path, f"no footnote {UNIT_NOTE!r}: the unit is not Singapore dollars")
    head = [i for i, r in enumerate(rows) if r and r[0].strip() == HEADER]
    if len(head) != 1:
        raise _fail(path, f"{len(head)} rows starting with {HEADER!r}, expected 1")
    header = rows[head[0]]
    months: list[tuple[int, int]] = []
    for cell in header[1:]:
        m = _MONTH.match(cell.strip())
        if m is None:
            if cell.strip():
                raise _fail(path, f"header cell {cell!r} is not a month such as '2024 Dec'")
            continue
        months.append((int(m.group(1)), MONTHS.index(m.group(2)) + 1))
    width = len(months)
    if not width or len(set(months)) != width or any(c.strip() for c in header[width + 1 :]):
        raise _fail(path, "the month header is empty, repeats a month or has gaps")
    if months != sorted(months, reverse=True):
        raise _fail(path, "the months are not newest first")
    data: list[list[str]] = []
    for r in rows[head[0] + 1 :]:
        if not r or not r[0].strip():
            break
        data.append(r)
    if not data:
        raise _fail(path, "no data rows after the header")
    labels = [r[0].strip() for r in data]
    if len(set(labels)) != len(labels):
        dup = sorted({x for x in labels if labels.count(x) > 1})
        raise _fail(path, f"labels repeated: {dup}")
    values = np.empty((len(data), width))
    for i, r in enumerate(data):
        if len(r) < width + 1 or any(c.strip() for c in r[width + 1 :]):
            raise _fail(path, f"row {labels[i]!r} has {len(r) - 1} cells for {width} months")
        values[i] = [_cell(r[j + 1], path, labels[i], header[j + 1]) for j in range(width)]
    # complete years: all twelve months in the header and a number in each of them
    years = np.array([y for y, _ in months])
    out = []
    for year in sorted(set(years)):
        cols = np.flatnonzero(years == year)
        if len(cols) != 12:
            continue
        block = values[:, cols]
        complete = ~np.isnan(block).any(axis=1)
        for i in np.flatnonzero(complete):
            out.append((labels[i], len(data[i][0]) - len(data[i][0].lstrip(" ")), year, block[i]))
    frame = pd.DataFrame(
        {
            "series": series,
            "label": [o[0] for o in out],
            "indent": np.array([o[1] for o in out], dtype="int16"),
            "year": np.array([o[2] for o in out], dtype="int16"),
            "value_sgd_m": np.array([o[3].sum() for o in out], dtype="float64"),
            "file": path.name,
        },
        columns=COLUMNS,
    )
    frame.attrs["labels"] = labels
    return series, frame, months


def parse(raw: RawFiles) -> pd.DataFrame:
    """The three tables (one per series), checked to agree in labels and months."""
    found: dict[str, tuple[Path, pd.DataFrame, list]] = {}
    for path in raw.files:
        series, frame, months = parse_file(path)
        if series in found:
            raise SourceError(
                NAME,
                f"{found[series][0]} and {path}",
                f"two files hold the {series} table",
                "Keep one download per table in the folder.",
            )
        found[series] = (path, frame, months)
    missing = [s for s in SERIES.values() if s not in found]
    if missing:
        raise SourceError(
            NAME,
            str(raw.folder),
            f"no table for {missing} among {[p.name for p in raw.files]}",
            "Download SingStat tables M451491 (imports), M451501 (domestic exports) and "
            "M451511 (re-exports) as CSV into this folder.",
        )
    first_path, first, first_months = found["imports"]
    for path, frame, months in found.values():
        if frame.attrs["labels"] != first.attrs["labels"]:
            raise SourceError(
                NAME,
                f"{path} and {first_path}",
                "the tables list different markets (or in another order)",
                "Download the three tables with the same market selection.",
            )
        if months != first_months:
            raise SourceError(
                NAME,
                f"{path} and {first_path}",
                "the tables cover different months",
                "Download the three tables on the same day.",
            )
    return pd.concat([f for _, f, _ in found.values()], ignore_index=True)


def annual(parsed: pd.DataFrame) -> pd.DataFrame:
    """Exports (domestic + re-exports, both complete) and imports per label and year, S$ m."""
    wide = parsed.pivot_table(
        index=["label", "year"], columns="series", values="value_sgd_m", aggfunc="first"
    )
    files = parsed.groupby("series")["file"].first()
    parts = []
    if {"domestic_exports", "re_exports"} <= set(wide.columns):
        ex = (wide["domestic_exports"] + wide["re_exports"]).dropna()
        ref = f"{files['domestic_exports']}+{files['re_exports']}"
        parts.append(ex.rename("value_sgd_m").reset_index().assign(measure="exports", file=ref))
    if "imports" in wide.columns:
        im = wide["imports"].dropna()
        parts.append(
            im.rename("value_sgd_m").reset_index().assign(measure="imports", file=files["imports"])
        )
    return pd.concat(parts, ignore_index=True)


def to_observations(
    parsed: pd.DataFrame, raw: RawFiles, countries: frozenset[str] | None = None
) -> pd.DataFrame:
    """Singapore's own rows only (basis reported); markets resolved, aggregates dropped."""

    where = f"market labels of {sorted(set(parsed['file']))}"
    table = resolve(parsed["label"].unique(), NAME, where)
    indent = parsed.groupby("label")["indent"].first()
    wrong = sorted(
        lab
        for lab, ind in indent.items()
        if ind < 4 and table[lab].kind in ("country", "historical")
    )
    if wrong:
        raise SourceError(
            NAME,
            where,
            f"total/region-level rows (indented under 4 spaces) resolve to countries: {wrong}",
            "The layout changed (markets are indented 4 spaces); check the download.",
        )
    a = annual(parsed)
    kind = a["label"].map({k: v.kind for k, v in table.items()})
    a = a[kind.isin(["country", "historical", "total"])]
    code = a["label"].map({k: v.code for k, v in table.items()})
    rate = a["year"].map({int(y): usd_per_unit(CURRENCY, int(y)) for y in a["year"].unique()})
    return make(
        NAME,
        a["measure"],
        REPORTER,
        code,
        a["year"],
        a["value_sgd_m"].to_numpy() * rate.to_numpy(),
        "reported",
        "",
        raw.label + "/" + a["file"],
    )


SOURCE = Source(
    name=NAME,
    title="SingStat / Enterprise Singapore: merchandise trade by market (Singapore's own)",
    producer="Singapore Department of Statistics (SingStat); data: Enterprise Singapore",
    url="https://tablebuilder.singstat.gov.sg/ (tables M451491, M451501, M451511)",
    licence="Singapore Open Data Licence (SingStat terms of use)",
    citation="Department of Statistics Singapore, SingStat Table Builder, Merchandise Trade By "
    "Region And Selected Market (Imports; Domestic Exports; Re-Exports), Monthly, S$ million "
    "(source: Enterprise Singapore), data last updated 17/02/2025.",
    coverage="Singapore only, complete years 2003-2024 (monthly 2003-01 to 2025-01 in the raw "
    "files), about 150 named markets plus the total; exports = domestic exports + re-exports; "
    "S$ converted to US$ at ECB annual mean rates",
    datasets=(
        Dataset(
            NAME,
            "trade",
            ("exports", "imports", "trade"),
            "SingStat merchandise trade by market, S$ converted at ECB annual mean rates",
            reporters="Singapore only",
            label="SingStat",
            authority="national",
        ),
    ),
    parse=parse,
    to_observations=to_observations,
    pattern="*.csv",
    recorded="singstat_trade",
    recorded_vintage="data last updated 2025-02-17",
    notes=(
        "Only complete years (twelve months present for the series) are kept; 2025 is dropped.",
        "Only Singapore reports here: no mirror rows, so basis best = reported.",
    ),
)
