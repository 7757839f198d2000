"""IMF Direction of Trade Statistics (DOTS) Excel reports, one workbook per reporter.

Layout (as the IMF data portal exported it, and as in ``../shared/data/imf_dots_2022``): two sheets
``Exports, FOB`` and ``Imports, CIF``; row 1 the title, row 3 the reporter's name, row 4 the unit
(``US Dollars, Millions``), row 6 the years as text, then one row per partner (name in column A,
one value per year). Cells are numbers, blanks, or text such as ``"1,380.50 e"``: the number and
the IMF's estimate flag. The parser checks that layout instead of trusting it, so a changed header
is an error naming the file, never a silent shift of years.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from ..countries import resolve_imf_names
from ..errors import SourceError
from ..limits import check_workbook
from ..observations import resolve_trade, trade
from .spec import Dataset, RawFiles, Source

NAME = "imf_dots_xlsx"
SHEETS = {
    "Exports, FOB": ("exports", "Exports, FOB to Partner Countries"),
    "Imports, CIF": ("imports", "Imports, CIF from Partner Countries"),
}
UNIT = "US Dollars, Millions"
ROW_TITLE, ROW_REPORTER, ROW_UNIT, ROW_YEARS, FIRST_DATA_ROW = 0, 2, 3, 5, 6
_TEXT_VALUE = re.compile(r"^\s*(-?[\d,]*\.?\d+)\s*(e?)\s*$")

COLUMNS = ["reporter_name", "measure", "partner_name", "year", "value_usd_m", "flag", "file"]


def _parse_text(cell: str, path: Path, sheet: str, partner: str, year: int) -> tuple[float, str]:
    m = _TEXT_VALUE.match(cell)
    if m is None:
        raise SourceError(
            NAME,
            f"{path.name}, sheet {sheet!r}, partner {partner!r}, year {year}",
            f"cell {cell!r} is neither a number nor a number with the 'e' estimate flag",
        )
    return float(m.group(1).replace(",", "")), m.group(2)


def _check_header(rows: list[list], path: Path, sheet: str, title: str) -> list[int]:
    def fail(what: str) -> SourceError:
        return SourceError(
            NAME,
            f"{path.name}, sheet {sheet!r}",
            f"changed layout: {what}",
            "Expected the IMF DOTS report layout (title, reporter, 'US Dollars, Millions', years).",
        )

    if len(rows) <= ROW_YEARS:
        raise fail(f"only {len(rows)} rows")
    if str(rows[ROW_TITLE][0]).strip() != title:
        raise fail(f"title {rows[ROW_TITLE][0]!r}, expected {title!r}")
    if str(rows[ROW_UNIT][0]).strip() != UNIT:
        raise fail(f"unit {rows[ROW_UNIT][0]!r}, expected {UNIT!r}")
    if not str(rows[ROW_REPORTER][0]).strip():
        raise fail("no reporter name in row 3")
    header = rows[ROW_YEARS]
    years: list[int] = []
    for cell in header[1:]:
        text = str(cell).strip()
        if text.endswith(".0"):  # a year typed as a number
            text = text[:-2]
        if not (text.isdigit() and 1900 <= int(text) <= 2100):
            raise fail(f"year header cell {cell!r} is not a year")
        years.append(int(text))
    if not years or years != sorted(set(years)):
        raise fail("year header is empty, unsorted or repeats a year")
    return years


def _trim(rows: list[list]) -> list[list]:
    """Drop leading empty rows and columns: the report sits at B2 in Excel, and readers differ on
    whether they return the used range or the sheet from A1."""
    start = next((i for i, r in enumerate(rows) if any(v != "" for v in r)), len(rows))
    rows = rows[start:]
    head = rows[:8]
    col = min(
        (next(j for j, v in enumerate(r) if v != "") for r in head if any(v != "" for v in r)),
        default=0,
    )
    return [r[col:] for r in rows] if col else rows


def parse_workbook(path: str | Path) -> pd.DataFrame:
    """Parse one DOTS workbook into long rows (both sheets), in the IMF's own names."""
    from python_calamine import CalamineWorkbook

    path = Path(path)
    check_workbook(path, NAME)  # its declared sizes, before it is inflated
    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own types for zip/xml faults
        raise SourceError(NAME, str(path), f"not a readable .xlsx workbook ({exc})") from exc
    missing = [s for s in SHEETS if s not in wb.sheet_names]
    if missing:
        raise SourceError(NAME, str(path), f"missing sheet(s) {missing}; found {wb.sheet_names}")
    reporter = None
    parts: list[pd.DataFrame] = []
    for sheet, (measure, title) in SHEETS.items():
        rows = _trim(wb.get_sheet_by_name(sheet).to_python())
        years = _check_header(rows, path, sheet, title)
        name = str(rows[ROW_REPORTER][0]).strip()
        if reporter is None:
            reporter = name
        elif name != reporter:
            raise SourceError(
                NAME, str(path), f"sheets name different reporters: {reporter!r}, {name!r}"
            )
        width = len(years)
        names: list[str] = []  # partner names in row order; rows refer to them by index
        p_idx: list[int] = []
        p_col: list[int] = []
        p_val: list[float] = []
        p_flag: list[int] = []
        seen: dict[str, tuple] = {}
        for row in rows[FIRST_DATA_ROW:]:
            partner = str(row[0]).strip()
            values = tuple(row[1 : width + 1])
            if not partner:
                if any(v != "" for v in values):
                    raise SourceError(
                        NAME, f"{path.name}, sheet {sheet!r}", "a data row has no partner name"
                    )
                continue
            if partner in seen:  # the IMF repeats some rows (Australia) inside its groupings
                if seen[partner] != values:
                    raise SourceError(
                        NAME,
                        f"{path.name}, sheet {sheet!r}",
                        f"partner {partner!r} appears twice with different values",
                    )
                continue
            seen[partner] = values
            cols = [j for j, v in enumerate(values) if v != ""]
            if not cols:
                continue
            vals = [values[j] for j in cols]
            flags = [0] * len(cols)
            if str in set(map(type, vals)):  # rare: text cells such as '1,380.50 e'
                for k, v in enumerate(vals):
                    if isinstance(v, str):
                        vals[k], flag = _parse_text(v, path, sheet, partner, years[cols[k]])
                        flags[k] = flag == "e"
            p_idx.extend([len(names)] * len(cols))
            names.append(partner)
            p_col.extend(cols)
            p_val.extend(vals)
            p_flag.extend(flags)
        year_arr = np.asarray(years, dtype="int16")
        n = len(p_idx)
        one = np.zeros(n, dtype=np.int8)  # a text column with one value: codes of zeros
        parts.append(
            pd.DataFrame(
                {
                    "reporter_name": pd.Categorical.from_codes(one, categories=[name]),
                    "measure": pd.Categorical.from_codes(one, categories=[measure]),
                    "partner_name": pd.Categorical.from_codes(
                        np.asarray(p_idx, dtype=np.int32), categories=pd.Index(names)
                    ),
                    "year": year_arr[np.asarray(p_col, dtype=np.int64)],
                    "value_usd_m": np.asarray(p_val, dtype="float64"),
                    "flag": pd.Categorical.from_codes(
                        np.asarray(p_flag, dtype=np.int8), categories=["", "e"]
                    ),
                    "file": pd.Categorical.from_codes(one, categories=[path.name]),
                }
            )
        )
    return _concat_coded(parts)


TEXT_COLUMNS = ("reporter_name", "measure", "partner_name", "flag", "file")


def _concat_coded(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Rows of several frames whose text columns are categorical, each text column's
    categories joined in text order (what casting the joined text to categories gives),
    without turning the codes back into millions of strings: each workbook's text is coded
    in the worker process that reads it, and crosses to the build's process as codes."""
    from pandas.api.types import union_categoricals

    columns = list(frames[0].columns)
    out = pd.concat([f.drop(columns=list(TEXT_COLUMNS)) for f in frames], ignore_index=True)
    for col in TEXT_COLUMNS:
        out[col] = union_categoricals([f[col].array for f in frames], sort_categories=True)
    return out[columns]


def find_workbooks(folder: Path) -> list[Path]:
    """The DOTS workbooks in a folder, in numeric file order (DOTS_1 ... DOTS_235)."""
    files = [p for p in folder.glob("*.xlsx") if not p.name.startswith("~$")]

    def key(p: Path) -> tuple[int, str]:
        digits = re.findall(r"\d+", p.stem)
        return (int(digits[-1]) if digits else 0, p.name)

    return sorted(files, key=key)


def read_folder(
    folder: str | Path, workers: int | None = None, progress: bool = False
) -> pd.DataFrame:
    """Parse every workbook of a folder; two files naming one reporter must agree (Nicaragua)."""
    folder = Path(folder)
    files = find_workbooks(folder)
    if not files:
        raise SourceError(NAME, str(folder), "no DOTS .xlsx workbooks found")
    workers = workers or min(2, os.cpu_count() or 1)
    frames: Sequence[pd.DataFrame]
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            it = pool.map(parse_workbook, files, chunksize=8)
            if progress:
                from tqdm import tqdm

                it = tqdm(it, total=len(files), desc="imf_dots_xlsx", unit="file")
            frames = list(it)
    else:
        frames = [parse_workbook(f) for f in files]
    by_reporter: dict[str, pd.DataFrame] = {}
    for f in frames:
        if f.empty:
            continue
        name = f["reporter_name"].iat[0]
        if name in by_reporter:
            prev = by_reporter[name]
            cols = ["measure", "partner_name", "year", "value_usd_m", "flag"]
            text = {c: object for c in cols if c in TEXT_COLUMNS}  # compared as text
            a = prev[cols].astype(text).reset_index(drop=True)
            if not a.equals(f[cols].astype(text).reset_index(drop=True)):
                raise SourceError(
                    NAME,
                    f"{prev['file'].iat[0]} and {f['file'].iat[0]}",
                    f"two workbooks name the reporter {name!r} but hold different data",
                )
            continue  # identical duplicate export (DOTS_143/144, Nicaragua): keep the first
        by_reporter[name] = f
    return _concat_coded(list(by_reporter.values()))


def parse(raw: RawFiles) -> pd.DataFrame:
    """Every workbook of the raw folder (progress bar on a terminal)."""
    import sys

    return read_folder(raw.folder, progress=sys.stderr.isatty())


def to_observations(
    parsed: pd.DataFrame, raw: RawFiles, countries: frozenset[str] | None = None
) -> pd.DataFrame:
    """Own rows and mirror rows; IMF names resolved through data/imf_names.csv."""

    names = set(parsed["reporter_name"].cat.categories) | set(parsed["partner_name"].cat.categories)
    table = resolve_imf_names(names, NAME, "partner and reporter names of the workbooks")
    rep, par, keep, vocab = resolve_trade(parsed["reporter_name"], parsed["partner_name"], table)
    measure = (parsed["measure"].astype(str).to_numpy() == "imports").astype("int8")
    files = list(parsed["file"].cat.categories)
    ref_vocab = [f"{raw.label}/{f}#{s}" for f in files for s in ("Exports, FOB", "Imports, CIF")]
    ref = parsed["file"].cat.codes.to_numpy().astype("int32") * 2 + measure
    return trade(
        parsed,
        reporter=rep,
        partner=par,
        keep=keep,
        ref=ref,
        vocab=vocab,
        ref_vocab=ref_vocab,
        dataset=NAME,
        countries=countries,
    )


SOURCE = Source(
    name=NAME,
    title="IMF Direction of Trade Statistics, Excel reports by reporter",
    producer="International Monetary Fund",
    url="https://data.imf.org/ (DOTS reports; today's dataset IMTS)",
    licence="IMF copyright; IMF terms of use (https://www.imf.org/external/terms.htm)",
    citation="International Monetary Fund, Direction of Trade Statistics (DOTS), "
    "Exports FOB and Imports CIF to/from partner countries, US$ million, vintage 2022-02.",
    coverage="235 reporters (220 economies, 15 IMF groups), 1960-2020; "
    "Japan and ASEAN-10 complete 1990-2020",
    datasets=(
        Dataset(
            NAME,
            "trade",
            ("exports", "imports", "trade"),
            "IMF Direction of Trade Statistics",
            label="IMF DOTS",
        ),
    ),
    parse=parse,
    to_observations=to_observations,
    pattern="*.xlsx",
    select=find_workbooks,
    recorded="imf_dots_2022",
    recorded_vintage="2022-02",
    notes=(
        "Read from data/raw/imf_dots_xlsx/ (a user's own download) or ../shared/data/imf_dots_2022/.",
        "Cells flagged 'e' are IMF estimates; kept as basis 'estimate'.",
    ),
)
