"""Which GSO Statistical Yearbook edition each year of Viet Nam's registered FDI comes from.

``vietnam_fdi_gso_editions/gso_yearbook_editions.csv`` (PROVENANCE.md section 22) names, per
data year Y, the yearbook edition Y the year's table was read from (the figure as first
printed, often preliminary: later editions do not re-issue it), the month that copy was posted
on nso.gov.vn, its SHA-256 (none for 2025) and the capital definition the table follows (new and
supplementary capital to 2015; capital contributions and share purchases added from 2016).

Why a reader of its own: every ``vietnam_gso`` value carries its edition (``source_ref``), the
definition gives the series' recorded break (``breaks.py``), and the source's vintage is written
from the editions the values come from (``vintage_words``), never typed. Definitions resolve
through ``data/gso_capital_definitions.csv``; an unknown one stops the build.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path

import pandas as pd

from ..errors import SourceError
from ..paths import PACKAGE_DATA
from .spec import csv_rows

FILE = "gso_yearbook_editions.csv"
FOLDER = "vietnam_fdi_gso_editions"
COLUMNS = ("data_year", "edition", "url_upload_year_month", "sha256", "capital_definition")
NOT_RECORDED = "edition not recorded"
DEFINITION_COLUMN = "capital_definition"
MAX_BYTES = 200_000  # 20 rows of URL and checksum are ~6 kB
MONTH_RE = re.compile(r"\d{4}-\d{2}")


@cache
def definitions() -> dict[str, str]:
    """capital_definition as the editions file writes it -> the words for a reader."""
    with open(PACKAGE_DATA / "gso_capital_definitions.csv", newline="", encoding="utf-8") as fh:
        return {r["capital_definition"]: r["words"] for r in csv.DictReader(fh)}


def read(source: str, path: Path) -> pd.DataFrame:
    """The editions file -> year, edition, upload (YYYY-MM or ''), sha256 ('' where none),
    definition, words; one row per year. A changed layout, a year listed twice, a year that is
    not a year or a definition the mapping does not know is a SourceError naming the file."""
    rows = csv_rows(source, path, MAX_BYTES, "GSO's table of yearbook editions")
    if not rows:
        raise SourceError(source, str(path), "empty file: expected a header and one row a year")
    header = [c.strip() for c in rows[0]]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise SourceError(
            source,
            str(path),
            f"changed columns: expected {list(COLUMNS)} in the header, missing {missing} "
            f"(header: {header})",
            "Restore the file from ../shared/data/vietnam_fdi_gso_editions (NOTES.md gives its "
            "layout), or update analysis/sources/gso_editions.py if the table was recompiled.",
        )
    at = {c: header.index(c) for c in COLUMNS}
    out: dict[int, dict] = {}
    known = definitions()
    for line, r in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in r):
            continue
        cells = {c: (r[i].strip() if i < len(r) else "") for c, i in at.items()}
        year_text = cells["data_year"]
        if not re.fullmatch(r"\d{4}", year_text):
            raise SourceError(
                source, f"{path}, line {line}", f"data_year {year_text!r} is not a year"
            )
        year = int(year_text)
        if year in out:
            raise SourceError(
                source,
                f"{path}, line {line}",
                f"year {year} listed twice: expected one edition per data year",
                "Keep the row of the edition the year was read from (NOTES.md: edition Y for "
                "year Y) and delete the other.",
            )
        definition = cells[DEFINITION_COLUMN]
        if definition and definition not in known:
            raise SourceError(
                source,
                f"{path}, line {line}",
                f"unknown {DEFINITION_COLUMN} {definition!r} for {year}: expected one of "
                f"{sorted(known)}",
                "If GSO changed its definition, add it with its words to "
                "src/analysis/data/gso_capital_definitions.csv (the change becomes a recorded "
                "break); else correct the value.",
            )
        upload = cells["url_upload_year_month"]
        if upload and not MONTH_RE.fullmatch(upload):
            raise SourceError(
                source,
                f"{path}, line {line}",
                f"url_upload_year_month {upload!r} for {year} is not YYYY-MM",
            )
        out[year] = {
            "year": year,
            "edition": cells["edition"] or NOT_RECORDED,
            "upload": upload,
            "sha256": cells["sha256"],
            "definition": definition,
            "words": known.get(definition, ""),
        }
    return pd.DataFrame(
        list(out.values()),
        columns=["year", "edition", "upload", "sha256", "definition", "words"],
    )


def attach(values: pd.DataFrame, editions: pd.DataFrame) -> pd.DataFrame:
    """``values`` (with ``year``) with each year's edition, upload month, checksum and
    definition; a year the editions file does not list gets ``NOT_RECORDED`` (and no
    definition): named for what it is, never guessed from its neighbours."""
    out = values.merge(editions, on="year", how="left", validate="many_to_one")
    out["edition"] = out["edition"].fillna(NOT_RECORDED)
    for c in ("upload", "sha256", "definition", "words"):
        out[c] = out[c].fillna("")
    return out


def spans(years) -> str:
    """1990-1995, 1998 style text for years (here, not headline.spans: the build's own code
    writes the snapshot's words)."""
    ys = sorted({int(y) for y in years})
    runs: list[list[int]] = []
    for y in ys:
        if runs and y == runs[-1][1] + 1:
            runs[-1][1] = y
        else:
            runs.append([y, y])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


def vintage_words(values: pd.DataFrame) -> str:
    """The vintage of the yearbook values, from the editions they carry: which editions, the
    month each copy was posted (grouped), the years without an edition or a checksum."""
    years = values.drop_duplicates("year").sort_values("year")
    known = years[years["edition"] != NOT_RECORDED]
    parts = []
    if len(known):
        parts.append(
            f"GSO yearbook editions {spans(known['year'].tolist())}, each year's first print"
        )
        posted = known[known["upload"] != ""]
        if len(posted):
            months = posted.groupby("upload", sort=True)["year"].agg(list)
            parts.append(
                "posted on nso.gov.vn "
                + "; ".join(f"{m}: {spans(ys)}" for m, ys in months.items())
            )
        unsigned = known.loc[known["sha256"] == "", "year"].tolist()
        if unsigned:
            parts.append(f"no checksum: {spans(unsigned)}")
    absent = years.loc[years["edition"] == NOT_RECORDED, "year"].tolist()
    if absent:
        parts.append(f"{NOT_RECORDED}: {spans(absent)}")
    return ", ".join(parts[:1]) + (f" ({'; '.join(parts[1:])})" if len(parts) > 1 else "")
