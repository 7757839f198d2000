"""Pure logic (hand-made inputs, no real files) beside tests/integration/test_vietnam_customs_trade.py:
Viet Nam Customs' monthly tables by country/territory: the PDFs read with PDFium equal, row for row,
the text extract made with another reader (``DERIVED_country_totals.csv``, from poppler's
pdftotext), the figures NOTES.md checks against published ones, the traps (a name wrapped over
lines, an empty month, partial years never ranked), bad input naming the file, and the question it
answers: Viet Nam's partners after 2022."""

from __future__ import annotations

import re

import pytest

from analysis.errors import SourceError
from analysis.sources import vietnam_customs_trade as vc

from ..conftest import SHARED, need

FOLDER = SHARED / "vietnam_customs_trade_by_country"


def _pages(name: str) -> list[list[str]]:
    return vc.page_lines(need(FOLDER / name))


def _edit_line(pages: list[list[str]], start: str, new: str | None) -> list[list[str]]:
    """The pages with the first line starting ``start`` replaced by ``new`` (None: removed)."""
    out, done = [], False
    for lines in pages:
        page = []
        for ln in lines:
            if not done and ln.startswith(start):
                done = True
                if new is not None:
                    page.append(new)
                continue
            page.append(ln)
        out.append(page)
    assert done, start
    return out


@pytest.mark.parametrize(
    "start,new,message",
    [
        ("Biểu số", "Biểu số 099.T/BCB-TC", "expected table 020.T/BCB-TC or 021.T/BCB-TC"),
        ("Sơ bộ", None, "expected the mark 'Sơ bộ'"),
        ("Tháng 12 năm", "Tháng mười hai", "expected the report month"),
        ("HOA KỲ", "HOA KỲ 119.501.485.006 10.531.112.526", "exceeds the cumulated value"),
        ("ANH ", "NHẬT BẢN 1 2", "countries listed twice: NHẬT BẢN"),
    ],
)  # fmt: skip
def test_damaged_text_is_refused_naming_the_file(start: str, new, message: str) -> None:
    name = "2024-t12-5x(vn-sb).pdf"
    pages = _edit_line(_pages(name), start, new)
    with pytest.raises(SourceError, match=re.escape(message)) as err:
        vc.table(FOLDER / name, pages)
    assert name in str(err.value)


def test_a_changed_layout_is_refused() -> None:
    """Without the header line that ends each page's heading, no row is read: refused, not
    an empty table."""
    name = "2025-t12-5n(vn-sb).pdf"
    pages = [[ln for ln in p if ln != vc.HEADER_END] for p in _pages(name)]
    with pytest.raises(SourceError, match="without the header line") as err:
        vc.table(FOLDER / name, pages)
    assert name in str(err.value)
