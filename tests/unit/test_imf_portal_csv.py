"""Pure logic (hand-made inputs, no real files) beside tests/integration/test_imf_portal_csv.py: IMF
trade CSVs from the data portal (and the legacy data.imf.org layout), dropped into data/raw."""

from __future__ import annotations

from analysis.sources import REGISTRY
from analysis.sources.imf_portal_csv import annual_from_periods


def test_annual_from_periods_pure_logic() -> None:
    """Hand-built numbers (pure logic, not data): the months-to-year rule."""
    months = [f"2023M{m}" for m in range(1, 13)]
    full = {p: float(i) for i, p in enumerate(months, start=1)}
    assert annual_from_periods(full, months) == {2023: 78.0}
    assert annual_from_periods(full, months[:11]) == {}  # 11 columns: no year
    assert annual_from_periods({**full, "2023M7": None}, months) == {}  # a blank month: a gap
    both = [*months, "2023"]
    assert annual_from_periods({**full, "2023": 80.0}, both) == {2023: 80.0}  # annual wins
    assert annual_from_periods({"2022": 5.0, "2023": None}, ["2022", "2023"]) == {2022: 5.0}


def test_the_registry_declares_the_source() -> None:
    src = REGISTRY["imf_portal_csv"]
    assert src.recorded is None and src.fetch is None and src.pattern == "*.csv"
    assert [d.name for d in src.datasets] == ["imf_portal_csv"]
    assert src.datasets[0].dimension == "trade"
