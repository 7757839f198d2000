"""Pure logic (hand-made inputs, no real files) beside tests/integration/test_csvtext.py: The
snapshot's CSV writer (csvtext) gives pandas' to_csv text byte for byte."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis import csvtext, snapshot


def _pandas(df: pd.DataFrame) -> str:
    return df.to_csv(index=False, float_format=snapshot.FLOAT_FORMAT, lineterminator="\n")


def test_hand_made_cells_that_need_quoting() -> None:
    """A hand-made frame (pure logic, no data): commas, quotes, newlines, missing values,
    infinities, negative zero, large and tiny numbers, and a lone empty cell."""
    df = pd.DataFrame(
        {
            "text": pd.Categorical(["a,b", 'say "x"', "two\nlines", None, "", "plain"]),
            "value": [1.5, np.nan, np.inf, -0.0, 1e20, 1.23456789012345e-7],
            "year": np.array([1960, 1961, 1962, 1963, 1964, 2100], dtype=np.int16),
            "note": np.array(["x", None, "a,b", "", 'q"', "y"], dtype=object),  # object text
            "code": pd.array(["x", None, "a,b", "", 'q"', "y"], dtype="str"),  # pandas' text
            "rank": pd.array([1, None, 3, 4, None, 6], dtype="Int32"),
        }
    )
    assert csvtext.text(df) == _pandas(df)
    lone = pd.DataFrame({"only": pd.Categorical(["", "x", None])})
    assert csvtext.text(lone) == _pandas(lone)
    assert csvtext.text(df.iloc[:0]) == _pandas(df.iloc[:0])
