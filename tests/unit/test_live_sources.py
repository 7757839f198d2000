"""Pure logic (hand-made inputs, no real files) beside tests/integration/test_live_sources.py: The OECD
and World Bank fetchers, replayed through a real HTTP server on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

from analysis.sources import imf_dip, oecd_dac2a


def test_dac2a_queries_are_few_and_precise() -> None:
    reqs = oecd_dac2a.requests_for()
    assert len(reqs) == 2  # the OECD allows ~20 downloads an hour
    assert reqs[0].url.endswith(
        "/data/OECD.DCD.FSD,DSD_DAC2@DF_DAC2A,/.BRN+IDN+KHM+LAO+MMR+MYS+PHL+SGP+THA+VNM.206+240.USD.Q"
    )
    assert reqs[1].url.endswith("/JPN..206+240.USD.Q")


def test_imf_dip_rows_become_observations() -> None:
    """Hand-built parsed rows (not data) in the DIP layout."""
    import pandas as pd

    rows = pd.DataFrame(
        {
            "country": ["VNM", "VNM", "VNM", "JPN"],
            "partner": ["JPN", "G001", "GX170", "VNM"],
            "measure": [
                "fdi_inward_stock",
                "fdi_inward_stock",
                "fdi_inward_stock",
                "fdi_outward_stock",
            ],
            "basis": ["mirror", "mirror", "mirror", "reported"],
            "year": [2020] * 4,
            "value_usd_m": [5.0, 20.0, 3.0, 4.0],
        }
    )
    from analysis.sources.spec import RawFiles

    raw = RawFiles("imf_dip", Path("/"), "handmade", (), "", "fetched")
    obs = imf_dip.to_observations(rows.assign(file="x.xml"), raw)
    got = {
        (c, p, b)
        for c, p, b in zip(
            obs["country"].astype(str),
            obs["partner"].astype(str),
            obs["basis"].astype(str),
            strict=True,
        )
    }
    assert got == {("VNM", "JPN", "mirror"), ("VNM", "WLD", "mirror"), ("JPN", "VNM", "reported")}
