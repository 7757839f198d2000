"""The snapshot's CSV writer (csvtext) gives pandas' to_csv text byte for byte."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import csvtext, snapshot
from analysis.paths import PROJECT_ROOT

from ..unit.test_csvtext import _pandas

COMMITTED = PROJECT_ROOT / "data" / "processed"


RANKINGS_STRIDE = 8  # every 8th row of the rankings: 158,000 of 1.26 million


@pytest.mark.parametrize("table", ["observations", "rankings", "gaps"])
def test_the_real_tables_are_written_as_pandas_writes_them(table: str) -> None:
    """The observations and gaps whole; the rankings (nullable Int32 ranks, categories, NaN
    shares) as every 8th row. Why a slice of the rankings is enough: csvtext writes a cell
    from its column's dtype alone (a category's quoted text, ``%.12g`` per float, an int's
    digits, empty for missing), with nothing carried from row to row but the chunk joins; so
    what must be covered is every dtype with its missing values and the joins, which the slice
    holds (checked below), not every number. The other 1.1 million rows only run the same code
    on other values, and took pandas' reference writer 10 s of the suite."""
    if table == "observations":
        df = snapshot.load_observations(COMMITTED)
    elif table == "rankings":
        full = snapshot.load_rankings(COMMITTED)
        df = full.iloc[::RANKINGS_STRIDE]
        assert df.dtypes.equals(full.dtypes)  # categoricals keep every category of the table
        # missing values (ranks, NaN shares) in every column the whole table has them in
        assert df.isna().any().equals(full.isna().any()) and df["share"].isna().any()
        assert df["rank"].isna().any() and (df["value_usd_m"] < 0).any()  # net flows below 0
        for col in ("dataset", "measure", "variant", "basis", "value_basis"):
            assert set(df[col].unique()) == set(full[col].unique()), col
    else:
        df = pd.read_csv(COMMITTED / "gaps.csv")  # object and int columns: pandas' own path
    small = 7_919  # odd chunks: the joins between chunks are checked too
    assert table == "gaps" or len(df) > 10 * small  # gaps: 189 rows, one chunk
    assert "".join(csvtext.chunks(df, rows=small)) == _pandas(df)
