"""An independent reader of the DOTS workbooks (openpyxl), to check our calamine-based parser."""

from __future__ import annotations

from pathlib import Path

import openpyxl


def read_row(path: Path, sheet: str, partner: str) -> dict[int, object]:
    """year -> raw cell value of the first row whose column A is ``partner``."""
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    ws = wb[sheet]
    rows = list(ws.iter_rows(values_only=True))
    wb.close()
    # In Excel the report starts at B2: years in row 7 from column C, partner names in column B.
    years = [int(str(v)) for v in rows[6][2:] if v not in (None, "")]
    for r in rows[7:]:
        if r[1] == partner:
            return {y: r[i + 2] for i, y in enumerate(years) if r[i + 2] not in (None, "")}
    raise KeyError(partner)


def number(cell: object) -> float:
    """The numeric part of a cell such as 12.5 or '1,380.50 e'."""
    if isinstance(cell, int | float):
        return float(cell)
    return float(str(cell).replace(" e", "").replace(",", ""))


def reporter_file(folder: Path, reporter: str) -> Path:
    for p in sorted(folder.glob("*.xlsx")):
        wb = openpyxl.load_workbook(p, read_only=True)
        name = next(wb["Exports, FOB"].iter_rows(min_row=4, max_row=4, values_only=True))[1]
        wb.close()
        if name == reporter:
            return p
    raise KeyError(reporter)
