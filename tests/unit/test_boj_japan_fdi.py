"""Pure logic (hand-made inputs, no real files) beside tests/integration/test_boj_japan_fdi.py: Bank of
Japan direct investment workbooks (``boj_japan_fdi``): the real files, read by rule."""

from __future__ import annotations

from datetime import date

from analysis.sources import boj_japan_fdi


def test_year_end_rate_is_the_last_ecb_fixing() -> None:
    from analysis.fx import _converter

    c = _converter()
    for year in range(2014, 2025):
        day = date(year, 12, 31)
        while True:
            try:
                expected = c.convert(1.0, "JPY", "USD", date=day)
                break
            except Exception:
                day = date.fromordinal(day.toordinal() - 1)
        assert boj_japan_fdi.usd_per_unit_at_end("JPY", year) == expected
