"""OECD DAC Table 2a for bilateral donors, 2009-2022, constant 2022 US$ (an R data file).

The only recorded source of *gross* ODA disbursements. Every value in it is above zero: zero and
negative observations are absent, so a missing net value may mean "zero or below" (Japan in
Indonesia most years) and is never read as "no data" by the rankings or notebooks.

Constant prices reorder donors within a year (each donor's deflator carries its later exchange
rates), so the build derives current prices for 2009-2019 from the deflator implied by the
overlap with the QWIDS export, and for 2020-2022 from WDI's net current-price series of the
same DAC table (``analysis.oda_prices``, after every source is read; measures
``oda_*_current``, flag ``derived_current``) and ranks those. A recipient-year in which a donor
has no deflator (non-DAC donors such as Thailand or the UAE after 2019: WDI covers DAC donors
only) stays ranked at constant prices (``const2022``), and ``rank`` names those donors.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import SourceError
from .dac_table import observations
from .spec import Dataset, RawFiles, Source

NAME = "oecd_dac2a_bilateral"
AID_TYPES = {"ODA: Total Net": "net", "Memo: ODA Total, Gross disbursements": "gross"}
AMOUNT_TYPE = "Constant Prices (2022 USD millions)"
COLUMNS = ["Recipient", "Donor", "Aid type", "Amount type", "Year", "Value"]


def read_rda(path: Path) -> pd.DataFrame:
    """-> recipient, donor, year, flow (net|gross), value_usd_m (constant 2022 US$ million)."""
    import pyreadr

    try:
        frames = pyreadr.read_r(str(path))
    except Exception as exc:  # pyreadr raises its own error types for damaged files
        raise SourceError(NAME, str(path), f"not a readable R data file ({exc})") from exc
    if "OECD" not in frames:
        raise SourceError(NAME, str(path), f"no table 'OECD' (found {list(frames)})")
    df = frames["OECD"]
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise SourceError(
            NAME, str(path), f"changed columns: missing {missing}, found {list(df.columns)}"
        )
    amounts = set(df["Amount type"].unique())
    if amounts != {AMOUNT_TYPE}:
        raise SourceError(
            NAME, str(path), f"amount types {sorted(amounts)}, expected only {AMOUNT_TYPE!r}"
        )
    df = df[df["Aid type"].isin(AID_TYPES)]
    if df.empty:
        raise SourceError(NAME, str(path), f"none of the aid types {list(AID_TYPES)}")
    return pd.DataFrame(
        {
            "recipient": df["Recipient"].astype(str).to_numpy(),
            "donor": df["Donor"].astype(str).to_numpy(),
            "year": df["Year"].astype(int).to_numpy(),
            "flow": df["Aid type"].map(AID_TYPES).to_numpy(),
            "value_usd_m": df["Value"].astype(float).to_numpy(),
        }
    )


def parse(raw: RawFiles) -> pd.DataFrame:
    return pd.concat([read_rda(p).assign(file=p.name) for p in raw.files], ignore_index=True)


def to_observations(
    parsed: pd.DataFrame, raw: RawFiles, countries: frozenset[str] | None = None
) -> pd.DataFrame:

    return observations(parsed, NAME, NAME, "const2022", raw.label + "/" + parsed["file"])


SOURCE = Source(
    name=NAME,
    title="OECD DAC Table 2a, bilateral donors: gross and net ODA, constant 2022 US$",
    producer="OECD Development Assistance Committee (legacy OECD.Stat TABLE2A)",
    url="https://stats.oecd.org/ (retired 2024); today: OECD Data Explorer, DAC2A",
    licence="OECD terms and conditions; CC BY 4.0 for OECD data since 2024",
    citation="OECD, DAC Table 2a: Aid (ODA) disbursements to countries and regions, "
    "constant 2022 prices, US$ million (legacy OECD.Stat extract).",
    coverage="2009-2022; 151 recipient countries, 50 bilateral donor countries; no multilateral "
    "donors, no EU Institutions, no China; values <= 0 absent",
    datasets=(
        Dataset(
            NAME,
            "oda",
            (
                "oda_received_net_const2022",
                "oda_received_gross_const2022",
                "oda_given_net_const2022",
                "oda_given_gross_const2022",
                # derived (flag derived_current, oda_prices.py): constant / the donor-year
                # deflator implied by the overlap with oecd_dac2a_qwids, 2009-2019
                "oda_received_net_current",
                "oda_received_gross_current",
                "oda_given_net_current",
                "oda_given_gross_current",
            ),
            "OECD DAC Table 2a (OECD.Stat extract), bilateral donors, constant 2022 US$ "
            "(current US$ derived where the QWIDS export or WDI gives the donor's deflator)",
            partners="bilateral donor countries",
            partner_set="dac_bilateral_donors",
            label="OECD DAC (OECD.Stat)",
            # the QWIDS export (same DAC table, net, 2009-2019), then WDI's net current-price
            # series (DAC2a again, to 2023) for the years after it
            prices_from=("oecd_dac2a_qwids", "wdi_dac_donors"),
        ),
    ),
    parse=parse,
    to_observations=to_observations,
    pattern="*.rda",
    recorded="oecd_dac2a_bilateral_2009_2022",
    recorded_vintage="OECD.Stat TABLE2A extract, 2009-2022",
    notes=("Read from ../shared/data/oecd_dac2a_bilateral_2009_2022/OECD.rda.",),
)
