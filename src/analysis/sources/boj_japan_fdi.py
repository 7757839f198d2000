"""Bank of Japan: Japan's direct investment by country and region, outward and inward, flows
(calendar years 2014-2024) and positions (end-2014 ... end-2024).

The workbooks as the BoJ publishes them ("Outward/Inward Direct Investment, breakdown by Region
and Industry"): ``difYYcy.xlsx`` (one calendar year's flows) and ``dipYYYY.xlsx`` (one year-end's
positions). Units: 100 million yen (oku yen), directional principle (investment of an affiliate
in its parent is a withdrawal of the parent's investment), so figures differ from the asset /
liability basis of Japan's BoP and IIP. ``X`` is confidential (fewer than three reports) and
``.`` no reports: both are gaps (no row), never zeros. Negative values (net disinvestment, or a
negative position) are kept; they get no rank.

Which sheet gives what (the column ``Total`` / row ``合計`` = all industries):

- flows, ``difYYcy.xlsx``: sheet ``1`` outward and ``2`` inward by region (``World``, Asia, ...,
  and the reference rows ``ASEAN``, ``EU``, ``Eastern Europe, Russia, etc.``), regions in
  columns; sheet ``3`` outward and ``4`` inward by country, countries in columns (repeated print
  pages). Countries come from sheets 3/4, the World total and the BoJ's ASEAN and EU rows from
  sheets 1/2.
- positions, ``dipYYYY.xlsx``: sheet ``1`` outward, ``2`` inward, rows of regions with their
  main countries (about 35), ``Total`` and the reference rows ``OECD Countries``, ``ASEAN``,
  ``EU``, ``Eastern Europe, Russia, etc.``; the value is the ``Total`` column.

Rules (each tested on the real files):

- Labels: the English label (whitespace collapsed: the sheets break long names over lines);
  ``World``/``Total`` is partner ``WLD``; the BoJ's own ``ASEAN`` and ``EU`` rows are blocs
  (partners ``ASEAN``/``EU``, ranked in variant ``blocs`` beside the countries outside them;
  the BoJ's EU is the EU of that year: flag ``EU28`` before 2020, when it holds the U.K.);
  every other region is an aggregate, never ranked. A trailing footnote mark (``EU*`` in the
  2020 flows: "figures for the EU include figures for the U.K. only for January") is cut from
  the label and kept as the flag ``*`` of its value.
- The figures of a total row sit on its Japanese label row (``合計``); the English ``Total``
  row under it is blank (checked: a number there is an error).
- Year: read from each workbook's own title (``2024C.Y.``, ``(End of 2024)``), never from the
  file name. Each workbook is one release; where several releases give the same (measure, year),
  the newest release wins: the one whose document properties (``docProps/core.xml``
  ``dcterms:modified``) are the latest (a tie is an error: which one is meant cannot be known).
  ``source_ref`` names the file (and sheet) every value came from. In the recorded folder each
  workbook holds one year and no year comes twice; the rule is tested on a re-released copy.
- Known limit: before 2020 the BoJ's EU row holds the U.K., which variant ``blocs`` (EU-27 of
  ``blocs.csv``) still ranks on its own beside it; the ``EU28`` flag marks those rows.
- Currency: values are converted to US$ million with the ECB reference rates
  (``analysis.fx``): flows at the year's mean rate (``fx.usd_per_unit``), positions at the
  year-end rate (the rate of the last ECB business day of the year, :func:`analysis.fx.usd_per_unit_at_end`),
  as a position is a stock at that date. Ranks and shares do not depend on the rate.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pandas as pd

from ..countries import JAPAN
from ..errors import SourceError
from ..fx import (
    usd_per_unit,
    usd_per_unit_at_end,  # the year-end rate of positions (shared in fx.py)
)
from ..limits import check_workbook
from ..observations import make
from ..partner_names import labelled, resolve
from .spec import Dataset, RawFiles, Source

NAME = "boj_japan_fdi"
FLOW_SHEETS = {  # sheet -> (measure, layout)
    "1": ("fdi_outflow", "regions"),
    "2": ("fdi_inflow", "regions"),
    "3": ("fdi_outflow", "countries"),
    "4": ("fdi_inflow", "countries"),
}
POSITION_SHEETS = {"1": "fdi_outward_stock", "2": "fdi_inward_stock"}
STOCKS = frozenset(POSITION_SHEETS.values())
NO_VALUE = {"X": "confidential", ".": "no_reports", "": "blank"}
TOTAL_JA = "合計"


def words(text: object) -> str:
    """A label with its line breaks and runs of spaces collapsed (``'Lao People's\\nDemocratic
    Republic'`` -> one line; ``' Hong Kong '`` -> ``'Hong Kong'``)."""
    return " ".join(str(text).replace("\u3000", " ").split())


def label(text: object) -> str:
    """A partner label: :func:`words`, without a trailing footnote mark (``EU*`` in 2020: the
    note says the EU's figures include the U.K. for January only)."""
    return words(text).rstrip("*※ ")


def _number(v: object) -> float | str:
    """A number, or the reason it is none (``confidential``, ``no_reports``, ``blank``);
    anything else raises ValueError."""
    if isinstance(v, bool):
        raise ValueError(v)
    if isinstance(v, int | float):
        return float(v)
    t = str(v).strip()
    if t in NO_VALUE:
        return NO_VALUE[t]
    raise ValueError(t)


def modified(path: Path) -> str:
    """The workbook's own ``dcterms:modified`` (ISO text, '' if absent): its release order."""

    check_workbook(path, NAME)  # its declared sizes, before a part is inflated
    try:
        with zipfile.ZipFile(path) as z:
            xml = z.read("docProps/core.xml").decode("utf-8")
    except (KeyError, zipfile.BadZipFile, OSError):
        return ""
    m = re.search(r"<dcterms:modified[^>]*>([^<]+)</dcterms:modified>", xml)
    return m.group(1).strip() if m else ""


FLOW_TITLE = r"(\d{4})\s*C\.Y\."  # "Outward / Inward Direct Investment, 2024C.Y."
POSITION_TITLE = r"End of (\d{4})"  # "(End of 2024)"


def _title_year(rows: list[list], pattern: str) -> int | None:
    for r in rows[:15]:
        for c in r:
            m = re.search(pattern, str(c))
            if m:
                return int(m.group(1))
    return None


def _no_title(path: Path, sheet: str) -> SourceError:
    return SourceError(
        NAME,
        f"{path}, sheet {sheet!r}",
        "no title giving the year ('2024C.Y.' for flows, '(End of 2024)' for positions) in "
        "the first 15 rows",
        "Check that this is a BoJ direct investment workbook (difYYcy.xlsx or dipYYYY.xlsx).",
    )


def _total_row(rows: list[list], first_col: int, path: Path, sheet: str) -> int:
    """The row labelled 合計 (all industries); the English 'Total' row under it must be blank."""
    hits = [i for i, r in enumerate(rows) if TOTAL_JA in [words(c) for c in r[:first_col]]]
    if len(hits) != 1:
        raise SourceError(
            NAME,
            f"{path}, sheet {sheet!r}",
            f"expected one row labelled {TOTAL_JA!r} (Total) left of column {first_col + 1}, "
            f"found {len(hits)}",
        )
    i = hits[0]
    below = rows[i + 1] if i + 1 < len(rows) else []
    if "Total" not in [words(c) for c in below[:first_col]] or any(
        isinstance(c, int | float) for c in below[first_col:]
    ):
        raise SourceError(
            NAME,
            f"{path}, sheet {sheet!r}, row {i + 2}",
            "the row under the 合計 row is not the blank English 'Total' row",
        )
    return i


def _read_columns(
    rows: list[list], labels: dict[int, str], value_row: int, where: str
) -> tuple[list, dict]:
    out, counts = [], {"numbers": 0, "confidential": 0, "no_reports": 0, "blank": 0, "unread": []}
    for j, name in labels.items():
        v = rows[value_row][j] if j < len(rows[value_row]) else ""
        try:
            x = _number(v)
        except ValueError:
            counts["unread"].append(f"{where}: {name!r}: {v!r}")
            continue
        if isinstance(x, str):
            counts[x] += 1
            continue
        counts["numbers"] += 1
        out.append((name, x))
    return out, counts


def parse_regions_sheet(rows: list[list], path: Path, sheet: str) -> tuple[list, dict]:
    """Flows by region: English region labels in the header (the row holding 'World' and the
    row under it), figures on the 合計 row."""
    head = next(
        (i for i, r in enumerate(rows[:20]) if "World" in [words(c) for c in r]),
        None,
    )
    if head is None:
        raise SourceError(NAME, f"{path}, sheet {sheet!r}", "no header cell 'World' in 20 rows")
    start = [words(c) for c in rows[head]].index("World")
    labels = {}
    for j in range(start, len(rows[head])):
        text = words(f"{rows[head][j]} {rows[head + 1][j]}")
        if text:
            labels[j] = text
    value_row = _total_row(rows, start, path, sheet)
    return _read_columns(rows, labels, value_row, f"{path.name}#{sheet}")


def parse_countries_sheet(rows: list[list], path: Path, sheet: str) -> tuple[list, dict]:
    """Flows by country: English country labels in one header row (the first of the top 15 rows
    with at least 10 Latin-letter cells that are not titles or units), figures on the 合計 row."""

    def is_label(c: object) -> bool:
        t = words(c)
        return bool(
            re.search(r"[A-Za-z]", t)
            and not re.match(r"\d+\.", t)
            and "million yen" not in t
            and "Direct Investment" not in t
        )

    head = next((i for i, r in enumerate(rows[:15]) if sum(map(is_label, r)) >= 10), None)
    if head is None:
        raise SourceError(
            NAME, f"{path}, sheet {sheet!r}", "no header row of English country names in 15 rows"
        )
    labels = {j: words(c) for j, c in enumerate(rows[head]) if is_label(c)}
    value_row = _total_row(rows, min(labels), path, sheet)
    return _read_columns(rows, labels, value_row, f"{path.name}#{sheet}")


def parse_positions_sheet(rows: list[list], path: Path, sheet: str) -> tuple[list, dict]:
    """Positions: the header row holding 'Total' and 'Manufacturing'; one row per region or
    country below it, its English label the right-most text cell; the value in 'Total'."""
    head = next(
        (i for i, r in enumerate(rows[:20]) if {"Total", "Manufacturing"} <= {words(c) for c in r}),
        None,
    )
    if head is None:
        raise SourceError(
            NAME, f"{path}, sheet {sheet!r}", "no header row with 'Total' and 'Manufacturing'"
        )
    col = [words(c) for c in rows[head]].index("Total")
    out: list = []
    counts = {"numbers": 0, "confidential": 0, "no_reports": 0, "blank": 0, "unread": []}
    started = False
    for r in rows[head + 1 :]:
        if len(r) <= col or not words(r[0]) + words(r[1]):
            if started:
                break  # the blank row before the notes
            continue  # header continuation rows
        started = True
        texts = [words(c) for c in r[col + 1 :] if isinstance(c, str) and words(c)]
        texts = [t for t in texts if not _is_marker(t)]
        if not texts:
            raise SourceError(
                NAME,
                f"{path}, sheet {sheet!r}, row {words(r[0]) or words(r[1])!r}",
                "no English label at the right of the row",
            )
        name = texts[-1]
        try:
            x = _number(r[col])
        except ValueError:
            counts["unread"].append(f"{path.name}#{sheet}: {name!r}: {r[col]!r}")
            continue
        if isinstance(x, str):
            counts[x] += 1
            continue
        counts["numbers"] += 1
        out.append((name, x))
    return out, counts


def _is_marker(t: str) -> bool:
    return t in NO_VALUE


def read_workbook(path: Path) -> tuple[pd.DataFrame, dict]:
    """One BoJ workbook -> rows (measure, partner label, year, value_oku_yen, file, sheet) and
    cell counts."""
    from python_calamine import CalamineWorkbook

    check_workbook(path, NAME)  # its declared sizes, before it is inflated
    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:
        raise SourceError(NAME, str(path), f"not a readable workbook ({exc})") from exc
    if "1" not in wb.sheet_names:
        raise SourceError(NAME, str(path), f"no sheet '1' (found {wb.sheet_names})")
    first = wb.get_sheet_by_name("1").to_python()
    if not any(len(r) for r in first):
        raise SourceError(NAME, f"{path}, sheet '1'", "the sheet is empty")
    # flows or positions: from the workbook's own title, not its file name
    year = _title_year(first, FLOW_TITLE)
    flows = year is not None
    if not flows:
        year = _title_year(first, POSITION_TITLE)
    if year is None:
        raise _no_title(path, "1")
    sheets = FLOW_SHEETS if flows else {s: (m, "positions") for s, m in POSITION_SHEETS.items()}
    missing = [s for s in sheets if s not in wb.sheet_names]
    if missing:
        raise SourceError(NAME, str(path), f"missing sheet(s) {missing} (found {wb.sheet_names})")
    rows_out, totals = [], {"numbers": 0, "confidential": 0, "no_reports": 0, "blank": 0}
    unread: list[str] = []
    parser = {
        "regions": parse_regions_sheet,
        "countries": parse_countries_sheet,
        "positions": parse_positions_sheet,
    }
    for sheet, (measure, layout) in sheets.items():
        rows = wb.get_sheet_by_name(sheet).to_python()
        if not any(len(r) for r in rows):
            raise SourceError(NAME, f"{path}, sheet {sheet!r}", "the sheet is empty")
        if not flows:
            y = _title_year(rows, POSITION_TITLE)
            if y is None:
                raise _no_title(path, sheet)
            if y != year:
                raise SourceError(
                    NAME, f"{path}, sheet {sheet!r}", f"titled end-{y}, sheet '1' end-{year}"
                )
        got, counts = parser[layout](rows, path, sheet)
        if not got:
            raise SourceError(NAME, f"{path}, sheet {sheet!r}", "no values read")
        unread += counts.pop("unread")
        for k, v in counts.items():
            totals[k] += v
        rows_out += [(measure, name, year, v, path.name, sheet) for name, v in got]
    df = pd.DataFrame(
        rows_out, columns=["measure", "partner", "year", "value_oku_yen", "file", "sheet"]
    )
    df["footnote"] = df["partner"].map(words) != df["partner"].map(label)
    df["partner"] = df["partner"].map(label)
    return df, {**totals, "unread": unread, "modified": modified(path)}


def newest_release(parsed: pd.DataFrame) -> pd.DataFrame:
    """Where several workbooks give the same (measure, year), keep the newest release's rows
    (column ``modified``: the workbook's own dcterms:modified); a tie is an error."""
    per = parsed.drop_duplicates(["measure", "year", "file"])[
        ["measure", "year", "file", "modified"]
    ]
    keep = set()
    for (measure, year), g in per.groupby(["measure", "year"], sort=False):
        g = g.sort_values("modified")
        if len(g) > 1 and g["modified"].iloc[-1] == g["modified"].iloc[-2]:
            raise SourceError(
                NAME,
                ", ".join(sorted(g["file"])),
                f"{len(g)} workbooks give {measure} {year} and none is a later release "
                f"(dcterms:modified {g['modified'].iloc[-1]!r})",
                "Keep only the release you mean in the folder.",
            )
        keep.add((measure, year, g["file"].iloc[-1]))
    mask = [k in keep for k in zip(parsed["measure"], parsed["year"], parsed["file"], strict=True)]
    return parsed[mask].reset_index(drop=True)


def read_folder(folder: Path, files: tuple[Path, ...] | None = None) -> tuple[pd.DataFrame, dict]:
    paths = sorted(files) if files is not None else SOURCE.files_in(folder)
    frames, unread = [], []
    counts = {"numbers": 0, "confidential": 0, "no_reports": 0, "blank": 0}
    for p in paths:
        df, c = read_workbook(p)
        unread += c.pop("unread")
        frames.append(df.assign(modified=c.pop("modified")))
        for k, v in c.items():
            counts[k] += v
    parsed = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    kinds = set(parsed["measure"]) if len(parsed) else set()
    if not {"fdi_outflow", "fdi_outward_stock"} <= kinds:
        raise SourceError(
            NAME,
            str(folder),
            "need the flows workbooks (difYYcy.xlsx) and the positions workbooks "
            f"(dipYYYY.xlsx); found {[p.name for p in paths]}",
            "Copy the BoJ workbooks into the folder (see PROVENANCE.md section 17).",
        )
    parsed = newest_release(parsed)
    return parsed, {**counts, "unread": unread}


def parse(raw: RawFiles) -> pd.DataFrame:
    parsed, counts = read_folder(raw.folder, raw.files)
    if counts["unread"]:
        raise SourceError(
            NAME,
            "; ".join(counts["unread"][:5]),
            f"{len(counts['unread'])} cell(s) are neither numbers nor 'X' / '.'",
        )
    return parsed


def usd_m(parsed: pd.DataFrame) -> pd.Series:
    """100 million yen -> US$ million: flows at the year's mean rate, positions at year end."""

    rate = [
        usd_per_unit_at_end("JPY", int(y)) if m in STOCKS else usd_per_unit("JPY", int(y))
        for m, y in zip(parsed["measure"], parsed["year"], strict=True)
    ]
    return parsed["value_oku_yen"] * 1e8 * pd.Series(rate, index=parsed.index) / 1e6


def flags(b: pd.DataFrame) -> pd.Series:
    """``*`` where the workbook footnotes the label (see its notes); ``EU28`` on the BoJ's EU row
    before 2020 (the EU of the year: the U.K. a member until 31 January 2020); else ''."""
    eu28 = (b["partner"] == "EU") & (b["year"] < 2020)
    out = pd.Series("", index=b.index, dtype=object)
    out[eu28] = "EU28"
    out[b["footnote"].astype(bool)] = "*"
    return out


def to_observations(
    parsed: pd.DataFrame, raw: RawFiles, countries: frozenset[str] | None = None
) -> pd.DataFrame:

    for file, g in parsed.groupby("file", sort=True):  # an unknown label names its workbook
        resolve(g["partner"].unique(), NAME, f"{raw.ref(str(file))}, partner labels")
    b = labelled(parsed, NAME)
    return make(
        NAME,
        b["measure"],
        JAPAN,
        b["partner"],
        b["year"],
        usd_m(b),
        "reported",
        flags(b),
        raw.label + "/" + b["file"].astype(str) + "#" + b["sheet"].astype(str),
    )


SOURCE = Source(
    name=NAME,
    title="Bank of Japan: Japan's direct investment by country, outward and inward, flows and "
    "positions",
    producer="Bank of Japan",
    url="https://www.boj.or.jp/en/statistics/br/bop_06/bpdata/",
    licence="Bank of Japan terms of use (reuse with attribution)",
    citation="Bank of Japan, Balance of Payments related statistics: Outward/Inward Direct "
    "Investment by Region and Industry (flows, calendar years) and Direct Investment Position by "
    "Region and Industry (year-ends), 100 million yen, directional principle.",
    coverage="flows 2014-2024 (outward to and inward from about 130 countries, every ASEAN "
    "member), positions end-2014..end-2024 (about 35 countries: Brunei, Cambodia, Laos, Myanmar "
    "only inside the BoJ's ASEAN row), with the BoJ's World, ASEAN and EU rows; converted from "
    "100 million yen to US$ million at ECB rates (flows: annual mean, positions: last business "
    "day of the year)",
    datasets=(
        Dataset(
            NAME,
            "fdi",
            ("fdi_outflow", "fdi_outward_stock", "fdi_inflow", "fdi_inward_stock"),
            "Bank of Japan, Japan's direct investment by country (yen, converted to US$ at ECB "
            "rates)",
            reporters="Japan only",
            label="Bank of Japan",
            authority="national",
            principle="directional",
        ),
    ),
    parse=parse,
    to_observations=to_observations,
    pattern="di[fp]*.xlsx",
    recorded="boj_japan_fdi",
    recorded_vintage="BoJ releases for 2014-2024 (copied 2026-05-22)",
)
