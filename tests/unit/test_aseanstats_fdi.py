"""Pure logic (hand-made inputs, no real files) beside tests/integration/test_aseanstats_fdi.py:
ASEANstats FDI exports (aseanstats_fdi): layout, traps by rule, cross-checks, bad input, ranks."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.sources import aseanstats_fdi as mod


def test_space_thousands_text_is_read_and_other_text_fails(tmp_path: Path) -> None:
    """Pure-logic unit test of the number rule (hand-typed strings, not data)."""
    assert mod.number("-2 162.63") == -2162.63 and mod.number("15 572.76") == 15572.76
    assert mod.number("") is None and mod.number(None) is None and mod.number(3) == 3.0
    for bad in ("n/a", "1,234.5", "12 34", "1e5"):
        with pytest.raises(ValueError):
            mod.number(bad)
    assert mod.split_label("Macedonia, The former Yugoslav Republic of  [MK]") == (
        "Macedonia, The former Yugoslav Republic of",
        "MK",
    )
