"""BPS (Statistics Indonesia), "Neraca Perdagangan beberapa Negara": Indonesia's trade by partner.

Raw file: a crawler's JSON dump of the BPS "Ekspor-Impor" subject pages (``EKSPOR_IMPOR.json``,
GitHub ``RomySaputraSihananda/craw-BadanPusatStatistik``), not a BPS file format. Of its tables
one is read: the entry whose ``judul_tabel`` starts with "Neraca Perdagangan beberapa Negara".
Each of its ``data_tables`` is one row of the BPS table: the partner's Indonesian name
(``Negara_Neraca_Export_Import``) and, under ``Neraca_Perdagangan_beberapa_Negara_(Juta_US$)``
(the unit is part of the key: Juta US$ = US$ million), ``Ekspor`` / ``Impor`` /
``Neraca_Perdagangan`` each mapping a year to a number or null. Exports and imports are read
(Indonesia's point of view: ``Ekspor`` = Indonesia's exports to the partner); the balance is not
(it is exports - imports, and the scraper garbled some of its cells). Null is a gap, never zero.

Trap: the scraper merged the table's pages into one year -> value map, and the pages are not the
same table. Rule (stated, applied per year column, tested on the real file): the table lists
Indonesia itself among its rows. In a column that holds Indonesia's bilateral trade, Indonesia's
own row is its trade with itself, so its exports are exactly zero (its imports are re-imports,
small). A year column is kept only where Indonesia's own row reads exports = 0; where that row
reads a positive value, the column holds each listed country's OWN trade with the world (the row
"Indonesia" is then Indonesia's world exports, "Jepang" Japan's world exports) and the whole
column is refused; where that row is blank the column cannot be checked and is refused too.
On the 2023-12-06 scrape this keeps 2018-2022 and refuses 2000-2014 (2015-2017 are absent).
A file without Indonesia's own row is an error (the rule cannot be applied).

Indonesia's own row is never a partner, and the table has no "World" row: the dataset has no
total, so rankings carry no shares. Taiwan is not in the table, so ranks are among the listed
partners only (variant ``major_partners``), never all-partner ranks. Partner names resolve
through ``data/bps_names.csv`` (BPS's Indonesian names), then pycountry's English names.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..countries import resolve_labels
from ..errors import SourceError
from ..observations import concat, make
from .spec import Dataset, RawFiles, Source

NAME = "bps_indonesia_trade"
FILE = "EKSPOR_IMPOR.json"
REPORTER = "IDN"
TABLE = "Neraca Perdagangan beberapa Negara"
LABEL_KEY = "Negara_Neraca_Export_Import"
VALUES_KEY = "Neraca_Perdagangan_beberapa_Negara_(Juta_US$)"  # Juta US$ = US$ million
FLOWS = {"Ekspor": "exports", "Impor": "imports"}
PARTNERS = "37 partners (no Taiwan)"
COLUMNS = ["partner_label", "measure", "year", "value_usd_m", "table_id"]


def _fail(path: Path | str, problem: str, hint: str = "") -> SourceError:
    return SourceError(
        NAME,
        str(path),
        problem,
        hint
        or f"Expected the crawler's JSON with one table {TABLE!r} whose rows hold "
        f"{LABEL_KEY!r} and {VALUES_KEY!r} with 'Ekspor'/'Impor' year -> number maps; "
        "check the file against ../shared/data/bps_indonesia_trade/NOTES.md.",
    )


def find_table(doc: object, path: Path | str) -> dict:
    """The one ``data`` entry whose title starts with the table's name."""
    if not isinstance(doc, dict) or not isinstance(doc.get("data"), list):
        raise _fail(path, "no top-level 'data' list")
    hits = [
        t
        for t in doc["data"]
        if isinstance(t, dict) and str(t.get("judul_tabel", "")).startswith(TABLE)
    ]
    if len(hits) != 1:
        raise _fail(path, f"{len(hits)} tables titled {TABLE!r}, expected exactly 1")
    return hits[0]


def _value(v: object, where: str, path: Path | str) -> float | None:
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, int | float) or not np.isfinite(v):
        raise _fail(path, f"{where}: {v!r} is not a number or null")
    return float(v)


def read(path: Path | str) -> pd.DataFrame:
    """The table's exports and imports in long form (every year the file holds, gaps dropped)."""
    path = Path(path)
    try:
        doc = json.loads(path.read_bytes())
    except FileNotFoundError as exc:
        raise _fail(path, "file not found", "Restore the recorded file.") from exc
    except (OSError, ValueError) as exc:
        raise _fail(path, f"not readable JSON ({exc})") from exc
    table = find_table(doc, path)
    rows = table.get("data_tables")
    if not isinstance(rows, list) or not rows:
        raise _fail(path, f"table {TABLE!r} has no 'data_tables' rows")
    tid = str(table.get("id", ""))
    out: list[tuple[str, str, int, float]] = []
    for i, r in enumerate(rows):
        if not isinstance(r, dict) or LABEL_KEY not in r or VALUES_KEY not in r:
            keys = list(r) if isinstance(r, dict) else type(r).__name__
            raise _fail(path, f"row {i} of {TABLE!r} lacks {LABEL_KEY!r} or {VALUES_KEY!r}: {keys}")
        label = str(r[LABEL_KEY]).strip()
        if not label:
            raise _fail(path, f"row {i} of {TABLE!r} has an empty partner name")
        values = r[VALUES_KEY]
        for flow, measure in FLOWS.items():
            series = values.get(flow) if isinstance(values, dict) else None
            if not isinstance(series, dict):
                raise _fail(path, f"row {label!r} has no {flow!r} year map")
            for year, v in series.items():
                if not re.fullmatch(r"\d{4}", str(year)):
                    raise _fail(path, f"row {label!r}, {flow}: key {year!r} is not a year")
                x = _value(v, f"row {label!r}, {flow}, {year}", path)
                if x is not None:
                    out.append((label, measure, int(year), x))
    df = pd.DataFrame(out, columns=COLUMNS[:4]).assign(table_id=tid)
    if df.empty:
        raise _fail(path, f"table {TABLE!r} holds no numbers")
    return df


def parse(raw: RawFiles) -> pd.DataFrame:
    files = [p for p in raw.files if p.name == FILE]
    if not files:
        raise _fail(raw.folder / FILE, "file not found", "Restore the recorded file.")
    return read(files[0])


def resolve(labels, where: str) -> dict[str, str]:
    """BPS partner name -> ISO3 (fails listing every unknown name)."""

    table = resolve_labels(labels, "bps_names.csv", NAME, where, what="partner name")
    return {k: e.code for k, e in table.items() if e.rankable}


def bilateral_years(parsed: pd.DataFrame, codes: dict[str, str], where: str) -> list[int]:
    """The year columns that hold Indonesia's bilateral trade: Indonesia's own row there reads
    exports = 0 (the module's rule). Raises if the file has no row for Indonesia itself."""
    own = parsed[parsed["partner_label"].map(codes).eq(REPORTER)]
    if own.empty:
        raise _fail(
            where,
            "no row for Indonesia itself: the rule that tells Indonesia's bilateral years from the "
            "partners' own world totals cannot be applied",
        )
    exports = own[own["measure"] == "exports"]
    return sorted(int(y) for y in exports.loc[exports["value_usd_m"] == 0.0, "year"].unique())


def to_observations(
    parsed: pd.DataFrame, raw: RawFiles, countries: frozenset[str] | None = None
) -> pd.DataFrame:

    where = str(raw.folder / FILE)
    labels = parsed["partner_label"].unique()
    codes = resolve(labels, f"{where}, table {TABLE!r}")
    unmapped = sorted(set(labels) - set(codes))
    if unmapped:  # aggregates or blocs would need a rule of their own; none in this table
        raise _fail(where, f"rows that are not countries: {unmapped}")
    if countries is not None and REPORTER not in countries:
        return concat([])
    years = bilateral_years(parsed, codes, where)
    kept = parsed[parsed["year"].isin(years)]
    kept = kept[kept["partner_label"].map(codes) != REPORTER]
    return make(
        NAME,
        kept["measure"],
        REPORTER,
        kept["partner_label"].map(codes),
        kept["year"],
        kept["value_usd_m"],
        "reported",
        "",
        raw.ref(FILE) + "#" + kept["table_id"].astype(str),
    )


SOURCE = Source(
    name=NAME,
    title="BPS (Statistics Indonesia), Neraca Perdagangan beberapa Negara: Indonesia's trade "
    "with 37 partners",
    producer="BPS-Statistics Indonesia (scraped by a third party)",
    url="https://www.archive.bps.go.id/indicator/8/336/1/neraca-perdagangan-beberapa-negara.html",
    licence="BPS terms of use (attribution to BPS-Statistics Indonesia); copy from the GitHub "
    "crawler RomySaputraSihananda/craw-BadanPusatStatistik",
    citation="BPS-Statistics Indonesia, Neraca Perdagangan beberapa Negara (Juta US$), 2000-2022, "
    "as scraped 2023-12-06 by RomySaputraSihananda/craw-BadanPusatStatistik "
    "(data/Ekonomi/EKSPOR_IMPOR.json, commit 361d1bbf).",
    coverage="annual 2018-2022; Indonesia's exports and imports of goods with 37 partners "
    "(Taiwan absent; no World total, so no shares); the table's 2000-2014 columns (the partners' "
    "own world totals) are refused by rule; 2015-2017 absent",
    datasets=(
        Dataset(
            NAME,
            "trade",
            ("exports", "imports", "trade"),
            "BPS, Indonesia's trade with 37 listed partners (no Taiwan)",
            partners=PARTNERS,
            reporters="Indonesia only",
            authority="national",
            variant="major_partners",
            partner_set="bps_listed_37",
            label="BPS",
        ),
    ),
    parse=parse,
    to_observations=to_observations,
    pattern="*.json",
    recorded="bps_indonesia_trade",
    recorded_vintage="scraped 2023-12-06",
    notes=(
        "A national cross-check of the IMF's Indonesia figures: ranks are among the 37 listed "
        "partners only (Taiwan missing), never all-partner ranks.",
        "Year columns whose 'Indonesia' row shows exports to itself are the partners' own world "
        "totals, not trade with Indonesia, and are refused.",
    ),
)
