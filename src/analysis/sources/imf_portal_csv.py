"""IMF trade CSVs a user downloaded from the IMF data portal and dropped into data/raw/.

Drop the CSV into ``data/raw/imf_portal_csv/`` and build: there is no recorded folder and no
fetcher. Two layouts are read (the layout is told by the header, never by the file name):

* **portal**: today's data.imf.org, dataset ``IMF.STA:IMTS``, "with labels" download: one row
  per observation, columns ``COUNTRY, INDICATOR, COUNTERPART_COUNTRY, FREQUENCY, TIME_PERIOD,
  OBS_VALUE, SCALE, ... STATUS ...``; countries in the IMF's long names ("Egypt, Arab Republic
  of"), resolved through ``data/imf_names.csv`` (then pycountry). Indicators accepted:
  ``Exports of goods, Free on board (FOB), US dollar`` (exports) and ``Imports of goods, Cost
  insurance freight (CIF), US dollar`` (imports; the recorded sample holds exports only, the
  imports label is spelled as public code reading portal downloads spells it, e.g. OWID's etl);
  any other indicator is refused, listing them.
  Only ``FREQUENCY`` ``Annual`` rows with a four-digit ``TIME_PERIOD`` are read; a file with
  other frequencies is refused (download the annual series).
* **legacy**: the retired data.imf.org (before 2025) DOTS download: ``Country Name, Country
  Code, Indicator Name, Indicator Code, Counterpart Country Name, Counterpart Country Code,
  Attribute``, then one column per period (``2024``, ``2024M2``); two rows per series,
  ``Attribute`` ``Value`` and ``Status``. Countries are IMF numeric codes, resolved through
  ``data/imf_numeric_codes.csv`` (only the codes seen in a real file; an unknown code is an
  error listing it). Indicators: ``TXG_FOB_USD`` exports, ``TMG_CIF_USD`` imports;
  ``TMG_FOB_USD`` (imports valued FOB) and ``TBG_USD`` (trade balance) are skipped by name, as
  the project's imports are CIF and a balance is no flow; any other code is refused.

Rules for the traps (tested on the real files in ``../shared/data/api_fixtures/imf_portal_csv``):

* **Unit.** The IMF writes OBS_VALUE in plain US dollars although ``SCALE`` says ``Millions``
  (the same quirk as the SDMX responses read by ``imf_imts``); the legacy layout is in US dollars
  too. Values are divided by 1e6 here, after two checks per file: ``SCALE`` (portal) must be
  ``Millions`` on every row, and the file's largest absolute value must exceed 1e8. No trade
  flow reaches 1e8 US$ million (US$100 trillion, four times world merchandise trade), so a
  value above 1e8 proves the file is in dollars; a file whose values are all below it (as a file
  in millions would be) is refused, never silently scaled by a million. Include a large flow
  (e.g. the World total) in such a download.
* **Years from months (legacy).** Annual columns (``YYYY``) are read as they are. Monthly columns
  (``YYYYMn``) are summed to a year only when all 12 monthly columns of that year are in the file
  and the series has a value in each; otherwise that year is a gap. Where a year has both, the
  annual column wins. Other period headers are refused. A file that yields no annual value at all
  (e.g. a single month) is refused naming the file and the periods it holds.
* **Flags.** ``STATUS`` ``e`` (or text starting with "estimat") is the IMF's estimate flag, kept
  as ``e`` (basis ``estimate``); other statuses (legacy ``r`` = revised) are not kept.
* **Blank cells** are gaps, never zeros. Two files (or rows) giving one reporter, partner, flow
  and year must agree; they are read once.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..countries import resolve_imf_names, resolve_labels
from ..errors import SourceError
from ..observations import resolve_trade, trade
from .spec import Dataset, RawFiles, Source

NAME = "imf_portal_csv"
CODES_FILE = "imf_numeric_codes.csv"

PORTAL_INDICATORS = {
    "Exports of goods, Free on board (FOB), US dollar": "exports",
    "Imports of goods, Cost insurance freight (CIF), US dollar": "imports",
}
PORTAL_COLUMNS = (
    "COUNTRY",
    "INDICATOR",
    "COUNTERPART_COUNTRY",
    "FREQUENCY",
    "TIME_PERIOD",
    "OBS_VALUE",
    "SCALE",
    "STATUS",
)
PORTAL_SCALE = "Millions"  # what the portal writes; OBS_VALUE is in dollars all the same

LEGACY_COLUMNS = (
    "Country Name",
    "Country Code",
    "Indicator Name",
    "Indicator Code",
    "Counterpart Country Name",
    "Counterpart Country Code",
    "Attribute",
)
LEGACY_INDICATORS = {"TXG_FOB_USD": "exports", "TMG_CIF_USD": "imports"}
LEGACY_SKIPPED = {
    "TMG_FOB_USD": "imports valued FOB (the project's imports are CIF)",
    "TBG_USD": "trade balance (not a flow)",
}

DOLLARS_PROOF = 1e8  # a value above this cannot be US$ million (US$100 trillion)
_ANNUAL = re.compile(r"^(\d{4})$")
_MONTHLY = re.compile(r"^(\d{4})M(\d{1,2})$")

COLUMNS = ["labels", "reporter", "partner", "measure", "year", "value_usd_m", "flag", "file"]
HINT = (
    "Download the CSV again from data.imf.org (dataset IMF.STA:IMTS, 'with labels', annual, "
    "exports FOB and imports CIF) and replace the file in data/raw/imf_portal_csv/, or remove it."
)


def _fail(where: str, problem: str, hint: str = HINT) -> SourceError:
    return SourceError(NAME, where, problem, hint)


def _read_rows(path: Path, where: str) -> list[list[str]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _fail(where, f"not UTF-8 text ({exc})") from exc
    try:
        rows = [r for r in csv.reader(io.StringIO(text, newline="")) if any(c.strip() for c in r)]
    except csv.Error as exc:
        raise _fail(where, f"not a readable CSV ({exc})") from exc
    if not rows:
        raise _fail(where, "the file is empty")
    if len(rows) == 1:
        raise _fail(where, "the file has a header but no data rows")
    return rows


def _number(cell: str, where: str, what: str) -> float | None:
    t = cell.strip()
    if not t:
        return None
    try:
        v = float(t)
    except ValueError:
        raise _fail(where, f"{what}: {cell!r} is not a number") from None
    if not np.isfinite(v):
        raise _fail(where, f"{what}: {cell!r} is not a finite number")
    return v


def _flag(status: str) -> str:
    s = status.strip().lower()
    return "e" if s == "e" or s.startswith("estimat") else ""


def check_dollars(values: np.ndarray, where: str) -> None:
    """The unit rule: a file is in US dollars when its largest absolute value exceeds 1e8."""
    top = float(np.max(np.abs(values))) if len(values) else 0.0
    if top <= DOLLARS_PROOF:
        raise _fail(
            where,
            f"cannot tell the unit: the largest value is {top:,.0f}, not above {DOLLARS_PROOF:.0e}. "
            "The IMF writes OBS_VALUE in US dollars (whatever SCALE says), and only a value above "
            "1e8 proves it (1e8 US$ million would be four times world trade); a file in millions "
            "would be read a million times too large, so it is refused",
            "Download the series in US dollars and include a large flow (e.g. the World total), "
            "or remove the file from data/raw/imf_portal_csv/.",
        )


def parse_portal(rows: list[list[str]], where: str) -> pd.DataFrame:
    """The portal's 'with labels' layout -> COLUMNS (values in US$ million)."""
    header = [h.strip() for h in rows[0]]
    missing = [c for c in PORTAL_COLUMNS if c not in header]
    if missing:
        raise _fail(where, f"changed layout: column(s) {missing} missing; header {header}")
    col = {c: header.index(c) for c in PORTAL_COLUMNS}
    out: dict[str, list] = {c: [] for c in COLUMNS[:-1]}
    unknown: set[str] = set()
    freqs: set[str] = set()
    scales: set[str] = set()
    for i, r in enumerate(rows[1:], start=2):
        if len(r) != len(header):
            raise _fail(where, f"row {i} has {len(r)} cells, the header {len(header)}")
        cell = {c: r[j].strip() for c, j in col.items()}
        freq = cell["FREQUENCY"]
        if freq != "Annual":
            freqs.add(freq)
            continue
        measure = PORTAL_INDICATORS.get(cell["INDICATOR"])
        if measure is None:
            unknown.add(cell["INDICATOR"])
            continue
        scales.add(cell["SCALE"])
        if not _ANNUAL.match(cell["TIME_PERIOD"]):
            raise _fail(where, f"row {i}: TIME_PERIOD {cell['TIME_PERIOD']!r} is not a year")
        value = _number(cell["OBS_VALUE"], where, f"row {i}, OBS_VALUE")
        if value is None:
            continue  # not reported: a gap
        if not cell["COUNTRY"] or not cell["COUNTERPART_COUNTRY"]:
            raise _fail(where, f"row {i} has no COUNTRY or COUNTERPART_COUNTRY")
        out["labels"].append("name")
        out["reporter"].append(cell["COUNTRY"])
        out["partner"].append(cell["COUNTERPART_COUNTRY"])
        out["measure"].append(measure)
        out["year"].append(int(cell["TIME_PERIOD"]))
        out["value_usd_m"].append(value)
        out["flag"].append(_flag(cell["STATUS"]))
    if unknown:
        raise _fail(
            where,
            f"{len(unknown)} indicator(s) this source does not read: "
            + "; ".join(repr(u) for u in sorted(unknown))
            + f". Read: {list(PORTAL_INDICATORS)}",
            "Download only exports FOB and imports CIF in US dollars, or remove the file from "
            "data/raw/imf_portal_csv/.",
        )
    if freqs:
        raise _fail(
            where,
            f"FREQUENCY {sorted(freqs)} found; only 'Annual' rows are read",
            "Download the annual series (frequency Annual).",
        )
    if scales - {PORTAL_SCALE}:
        raise _fail(
            where,
            f"SCALE {sorted(scales)}: the unit rule was established for SCALE {PORTAL_SCALE!r} "
            "(under which OBS_VALUE is in US dollars); another SCALE may mean another unit",
        )
    frame = pd.DataFrame(out)
    if len(frame):  # an empty file is refused as such by parse_file
        check_dollars(frame["value_usd_m"].to_numpy(), where)
    frame["value_usd_m"] = frame["value_usd_m"] / 1e6
    return frame


def annual_from_periods(values: dict[str, float | None], periods: list[str]) -> dict[int, float]:
    """One series' annual values from its period columns (pure logic; the rule in the module
    docstring): ``YYYY`` as is; 12 monthly values summed when all 12 columns exist and none is
    blank; an annual column wins over months."""
    annual: dict[int, float] = {}
    months: dict[int, dict[int, float | None]] = {}
    for p in periods:
        if m := _ANNUAL.match(p):
            if values.get(p) is not None:
                annual[int(m.group(1))] = values[p]  # type: ignore[assignment]
        elif m := _MONTHLY.match(p):
            months.setdefault(int(m.group(1)), {})[int(m.group(2))] = values.get(p)
    for year, by_month in months.items():
        if year in annual:
            continue
        if set(by_month) == set(range(1, 13)) and all(v is not None for v in by_month.values()):
            annual[year] = float(sum(by_month.values()))  # type: ignore[arg-type]
    return annual


def parse_legacy(rows: list[list[str]], where: str) -> tuple[pd.DataFrame, list[str]]:
    """The retired data.imf.org DOTS layout -> (COLUMNS, the period headers of the file)."""
    header = [h.strip() for h in rows[0]]
    if tuple(header[: len(LEGACY_COLUMNS)]) != LEGACY_COLUMNS:
        raise _fail(where, f"changed layout: header starts {header[: len(LEGACY_COLUMNS)]}")
    periods = header[len(LEGACY_COLUMNS) :]
    trailing = bool(periods) and periods[-1] == ""  # the download ends each line with a comma
    if trailing:
        periods = periods[:-1]
    bad = [p for p in periods if not (_ANNUAL.match(p) or _good_month(p))]
    if bad or not periods:
        raise _fail(
            where,
            f"period column(s) {bad or 'none'}: only years (2024) and months (2024M2) are read",
        )
    n0 = len(LEGACY_COLUMNS)
    values: dict[tuple[str, str, str], dict[str, float | None]] = {}
    status: dict[tuple[str, str, str], dict[str, str]] = {}
    unknown: set[str] = set()
    for i, r in enumerate(rows[1:], start=2):
        if len(r) != len(header):
            raise _fail(where, f"row {i} has {len(r)} cells, the header {len(header)}")
        if trailing and r[-1].strip():
            raise _fail(where, f"row {i} has a value under the header's empty last column")
        code, ind, pcode, attr = r[1].strip(), r[3].strip(), r[5].strip(), r[6].strip()
        if not (code.isdigit() and pcode.isdigit()):
            raise _fail(where, f"row {i}: country codes {code!r}, {pcode!r} are not IMF numbers")
        if ind in LEGACY_SKIPPED:
            continue
        if ind not in LEGACY_INDICATORS:
            unknown.add(ind)
            continue
        key = (code, ind, pcode)
        cells = r[n0 : n0 + len(periods)]
        if attr == "Value":
            got = {
                p: _number(c, where, f"row {i}, column {p}")
                for p, c in zip(periods, cells, strict=True)
            }
            if key in values and values[key] != got:
                raise _fail(where, f"series {key} appears twice with different values")
            values[key] = got
        elif attr == "Status":
            status[key] = dict(zip(periods, cells, strict=True))
        else:
            raise _fail(where, f"row {i}: Attribute {attr!r}, expected 'Value' or 'Status'")
    if unknown:
        raise _fail(
            where,
            f"{len(unknown)} indicator code(s) this source does not read: {sorted(unknown)}. "
            f"Read: {list(LEGACY_INDICATORS)}; skipped: {list(LEGACY_SKIPPED)}",
        )
    used = np.array([v for s in values.values() for v in s.values() if v is not None])
    if len(used):  # no value at all: parse_file says the file has no annual value
        check_dollars(used, where)
    out: dict[str, list] = {c: [] for c in COLUMNS[:-1]}
    for (code, ind, pcode), series in values.items():
        flags = status.get((code, ind, pcode), {})
        for year, value in annual_from_periods(series, periods).items():
            out["labels"].append("imf_code")
            out["reporter"].append(code)
            out["partner"].append(pcode)
            out["measure"].append(LEGACY_INDICATORS[ind])
            out["year"].append(year)
            out["value_usd_m"].append(value / 1e6)
            # an annual column's own flag; a year summed from months is an estimate if any is
            cells = [flags.get(str(year), "")] + [
                flags.get(p, "") for p in periods if p.startswith(f"{year}M")
            ]
            out["flag"].append("e" if any(_flag(c) for c in cells) else "")
    return pd.DataFrame(out, columns=COLUMNS[:-1]), periods


def _good_month(p: str) -> bool:
    m = _MONTHLY.match(p)
    return m is not None and 1 <= int(m.group(2)) <= 12


def parse_file(path: Path, where: str) -> pd.DataFrame:
    """One CSV of either layout -> COLUMNS (values in US$ million, own names or codes)."""
    rows = _read_rows(path, where)
    first = [h.strip() for h in rows[0]]
    if first[:3] == ["COUNTRY", "INDICATOR", "COUNTERPART_COUNTRY"]:
        frame = parse_portal(rows, where)
    elif first[:2] == ["Country Name", "Country Code"]:
        frame, periods = parse_legacy(rows, where)
        if frame.empty:
            raise _fail(
                where,
                f"no annual value: the file's periods are {periods}, and a year is read from an "
                "annual column or from 12 complete monthly columns only (a part of a year is no "
                "annual figure)",
                "Download annual data (or all 12 months of a year), or remove the file from "
                "data/raw/imf_portal_csv/.",
            )
    else:
        raise _fail(
            where,
            f"unknown layout: header starts {first[:7]}; expected the IMF portal CSV "
            "('COUNTRY, INDICATOR, COUNTERPART_COUNTRY, ...') or the legacy DOTS CSV "
            "('Country Name, Country Code, ...')",
        )
    if frame.empty:
        raise _fail(where, "no value in the file (every OBS_VALUE is blank)")
    return frame.assign(file=path.name)[COLUMNS]


def parse(raw: RawFiles) -> pd.DataFrame:
    """Every CSV of the folder, parsed."""
    if not raw.files:
        raise _fail(str(raw.folder), "no CSV files")
    return pd.concat([parse_file(p, raw.ref(p)) for p in raw.files], ignore_index=True)


def _resolve(parsed: pd.DataFrame, raw: RawFiles) -> dict:
    """``labels:label`` -> Entity, names through imf_names.csv, numeric codes through
    imf_numeric_codes.csv; unknown ones raise listing them."""

    table = {}
    for kind, group in parsed.groupby("labels", sort=True):
        labels = set(group["reporter"]) | set(group["partner"])
        where = ", ".join(raw.ref(f) for f in sorted(set(group["file"])))
        if kind == "name":
            found = resolve_imf_names(labels, NAME, where)
        else:
            found = resolve_labels(
                labels, CODES_FILE, NAME, where, key="imf_code", what="IMF numeric country code"
            )
        table.update({f"{kind}:{k}": e for k, e in found.items()})
    return table


def to_observations(
    parsed: pd.DataFrame, raw: RawFiles, countries: frozenset[str] | None = None
) -> pd.DataFrame:
    """Own rows and mirror rows (observations.trade), like imf_imts."""

    parsed = parsed.reset_index(drop=True)
    table = _resolve(parsed, raw)
    rep_key = (parsed["labels"] + ":" + parsed["reporter"]).astype("category")
    par_key = (parsed["labels"] + ":" + parsed["partner"]).astype("category")
    rep, par, keep, vocab = resolve_trade(rep_key, par_key, table)
    keep = keep & (rep != par)
    # one reporter, partner, flow and year read once; files (or rows) must agree on it
    key = pd.DataFrame(
        {
            "rep": rep,
            "par": par,
            "measure": parsed["measure"],
            "year": parsed["year"],
            "value": parsed["value_usd_m"],
            "file": parsed["file"],
        }
    )[keep]
    groups = key.groupby(["rep", "par", "measure", "year"], sort=False)
    conflict = groups["value"].transform("nunique") > 1
    if conflict.any():
        row = key[conflict].iloc[0]
        files = sorted(set(key[conflict & (key["rep"] == row["rep"])]["file"]))
        raise _fail(
            ", ".join(raw.ref(f) for f in files),
            f"{vocab[row['rep']]} {row['measure']} with {vocab[row['par']]} in {row['year']} is "
            "given twice with different values",
            "Keep one download per series in data/raw/imf_portal_csv/.",
        )
    dup = np.zeros(len(parsed), dtype=bool)
    dup[key.index[key.duplicated(["rep", "par", "measure", "year"])]] = True
    files = parsed["file"].astype("category")
    return trade(
        parsed,
        reporter=rep,
        partner=par,
        keep=keep & ~dup,
        ref=files.cat.codes.to_numpy().astype("int32"),
        vocab=vocab,
        ref_vocab=[raw.ref(f) for f in files.cat.categories],
        dataset=NAME,
        countries=countries,
    )


SOURCE = Source(
    name=NAME,
    title="IMF trade CSVs downloaded from the IMF data portal (IMTS; legacy DOTS layout)",
    producer="International Monetary Fund",
    url="https://data.imf.org/en/datasets/IMF.STA:IMTS",
    licence="IMF copyright; IMF terms of use (https://www.imf.org/external/terms.htm)",
    citation="International Monetary Fund, International Trade in Goods (by partner country), "
    "https://data.imf.org/en/datasets/IMF.STA:IMTS, CSV download (the file's own "
    "SUGGESTED_CITATION gives the access date).",
    coverage="whatever the user downloaded into data/raw/imf_portal_csv/ (annual exports FOB and "
    "imports CIF in US dollars, any reporters and counterparts); nothing recorded but two "
    "format samples without ASEAN or Japan rows",
    datasets=(
        Dataset(
            NAME,
            "trade",
            ("exports", "imports", "trade"),
            "IMF International Merchandise Trade Statistics (portal CSV download)",
            label="IMF IMTS (portal)",
        ),
    ),
    parse=parse,
    to_observations=to_observations,
    pattern="*.csv",
    notes=(
        "Read only from data/raw/imf_portal_csv/ (a user's own download); no recorded folder.",
        "OBS_VALUE is in US dollars although SCALE says Millions: divided by 1e6 after checking "
        "that the file's largest value exceeds 1e8.",
        "Legacy data.imf.org CSVs: monthly columns make a year only when all 12 are present.",
    ),
)
