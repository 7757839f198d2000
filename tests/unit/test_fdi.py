"""Pure logic (hand-made inputs, no real files) beside tests/integration/test_fdi.py: FDI sources on
the real files: hostile numbers read by rule, zero unread cells, rankings."""

from __future__ import annotations

import pytest

from analysis.sources.unctad_bilateral_fdi import read_number


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("5 060", 5060.0),
        ("- -10", -10.0),
        ("--6 506", -6506.0),
        ("-- 195", -195.0),
        ("0", 0.0),
        ("12 345 678", 12345678.0),
        ("..", None),
        ("NA", None),
        ("", None),
    ],
)
def test_unctad_number_rules(text: str, value: float | None) -> None:
    assert read_number(text) == value


def test_unctad_unreadable_text_raises() -> None:
    with pytest.raises(ValueError):
        read_number("5,060")
