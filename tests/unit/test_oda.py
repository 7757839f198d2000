"""Pure logic (hand-made inputs, no real files) beside tests/integration/test_oda.py: ODA sources and
rankings on the real DAC2a files, and the two recorded extracts cross-checked."""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def test_world_bank_rows_become_oda_observations() -> None:
    """Hand-built rows (not data) in the World Bank's indicator layout."""
    rows = pd.DataFrame(
        {
            "country": ["VNM", "VNM", "EAS", "VNM"],
            "indicator": ["DC.DAC.JPNL.CD", "DT.ODA.ODAT.CD", "DT.ODA.ODAT.CD", "NY.GDP.MKTP.CD"],
            "year": [2015, 2015, 2015, 2015],
            "value_usd_m": [1.0, 3.0, 9.0, 7.0],
        }
    )
    from analysis.sources import worldbank_wdi
    from analysis.sources.spec import RawFiles

    raw = RawFiles("worldbank_wdi", Path("/"), "handmade", (), "", "fetched")
    obs = worldbank_wdi.to_observations(rows.assign(file="page1.json"), raw)
    got = {
        (c, p): v
        for c, p, v in zip(
            obs["country"].astype(str), obs["partner"].astype(str), obs["value_usd_m"], strict=True
        )
    }
    assert got == {("VNM", "JPN"): 1.0, ("VNM", "WLD"): 3.0}  # EAS is an aggregate, GDP not ODA
