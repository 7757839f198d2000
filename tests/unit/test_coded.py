"""The build's faster paths give what the slower ones gave: sorting on category codes (the
text order), the ODA steps' per-category text tests, and the world folder's coded file (read
back as the CSV reader would read the same table). Hand-made frames: pure logic."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis import coded, snapshot
from analysis.observations import text_mask
from analysis.pipeline import SORT_KEY, sort_observations


def hand_made_observations() -> pd.DataFrame:
    """A small frame in the observations' columns, with categories out of text order, an
    unused category, a missing flag and ties on the whole key (their order must be kept)."""
    cat = lambda values, cats: pd.Categorical(values, categories=cats)  # noqa: E731
    return pd.DataFrame(
        {
            "dataset": cat(["b", "a", "b", "a", "a"], ["b", "a", "zz"]),
            "measure": cat(
                ["imports", "exports", "exports", "exports", "exports"], ["imports", "exports"]
            ),
            "country": cat(["THA", "VNM", "THA", "VNM", "VNM"], ["VNM", "THA"]),
            "partner": cat(["JPN", "CHN", "CHN", "CHN", "CHN"], ["JPN", "CHN"]),
            "year": np.array([2001, 2000, 2001, 2000, 2000], dtype="int16"),
            "value_usd_m": [1.5, 2.0, 0.1 + 0.2, 4.0, 5.0],
            "basis": cat(["mirror"] * 5, ["reported", "mirror"]),
            "flag": cat(["", "e", "", "", "e"], ["e", ""]),
            "source_ref": cat(["r2", "r1", "r2", "r3", "r4"], ["r4", "r3", "r2", "r1"]),
        }
    )


def test_sort_on_codes_is_the_text_sort() -> None:
    obs = hand_made_observations()
    got = sort_observations(obs)
    text = obs.astype({c: str for c in obs.columns if c not in ("year", "value_usd_m")})
    want = text.sort_values(list(SORT_KEY), kind="mergesort").reset_index(drop=True)
    for c in want.columns:
        assert got[c].astype(str).tolist() == want[c].astype(str).tolist(), c
    assert list(got["source_ref"].astype(str)) == ["r1", "r3", "r4", "r2", "r2"]  # ties kept
    for col in ("dataset", "country", "source_ref"):  # used categories only, in text order
        cats = list(got[col].cat.categories)
        assert cats == sorted(set(got[col].astype(str)))


def test_text_mask_tests_each_category() -> None:
    col = pd.Series(
        pd.Categorical(
            ["oda_a", None, "trade", "oda_b"], categories=["trade", "oda_a", "oda_b", "oda_c"]
        )
    )
    assert text_mask(col, lambda m: m.startswith("oda_")).tolist() == [True, False, False, True]
    plain = col.astype(object).fillna("x")
    assert text_mask(plain, lambda m: m.startswith("oda_")).tolist() == [True, False, False, True]


def test_coded_file_reads_back_as_the_csv_reader_reads_the_table(tmp_path) -> None:
    obs = sort_observations(hand_made_observations())
    data = coded.to_bytes(obs)
    assert data == coded.to_bytes(obs)  # the same table, the same bytes
    path = tmp_path / "t.npz"
    path.write_bytes(data)
    nullable = frozenset(n for n, c in snapshot.OBSERVATIONS.items() if c.nullable)
    back = coded.read(path, snapshot.OBS_DTYPES, nullable)
    csv = tmp_path / "t.csv.gz"
    csv.write_bytes(snapshot.csv_gz_bytes(obs))
    csv = tmp_path / "t.csv.gz"
    csv.write_bytes(snapshot.csv_gz_bytes(obs))
    from_csv = snapshot._parse(csv, snapshot.OBS_DTYPES)
    pd.testing.assert_frame_equal(back, from_csv, check_categorical=False)
    for c in back.columns.drop("value_usd_m"):  # the numbers: exact here, 12 digits in the CSV
        assert back[c].astype(str).tolist() == from_csv[c].astype(str).tolist()
    assert back["value_usd_m"].tolist() == obs["value_usd_m"].tolist()
