"""Viet Nam's FDI by investor: registered capital (GSO yearbooks, 2006-2025) and inward direct
investment positions from the IMF's DIP (derived from investors' reports, 2009-2024).

Registered (licensed) capital is not a balance-of-payments flow: it is its own measure,
``fdi_registered``, never ranked with flows. The DIP positions are basis ``mirror``; confidential
cells are absent (``confidential=1``). Codes are ISO3 plus XBWI (British West Indies) and XCHI
(Channel Islands), kept as their own partners.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import SourceError
from .spec import Dataset, RawFiles, Source

NAME = "vietnam_fdi"
REGISTERED = "gso_registered_fdi_by_partner_2006_2025.csv"
DIP = "imf_dip_inward_positions_by_investor_2009_2024.csv"


def _read(path: Path, columns: list[str]) -> pd.DataFrame:
    if not path.is_file():
        raise SourceError(NAME, str(path), "file missing")
    # keep_default_na=False: "NA" is Namibia's code, not a missing value
    df = pd.read_csv(
        path,
        dtype={"iso3": str},
        keep_default_na=False,
        na_values={c: [""] for c in columns if c != "iso3"},
    )
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise SourceError(NAME, str(path), f"changed columns: missing {missing}")
    return df


def read_registered(folder: Path) -> pd.DataFrame:
    df = _read(folder / REGISTERED, ["iso3", "year", "fdi_usd_m"])
    df = df[df["fdi_usd_m"].notna()]
    return pd.DataFrame(
        {
            "partner": df["iso3"],
            "year": df["year"].astype(int),
            "value_usd_m": df["fdi_usd_m"].astype(float),
        }
    )


def read_dip(folder: Path) -> pd.DataFrame:
    df = _read(folder / DIP, ["iso3", "year", "position_usd_m", "confidential"])
    df = df[df["position_usd_m"].notna()]
    return pd.DataFrame(
        {
            "partner": df["iso3"],
            "year": df["year"].astype(int),
            "value_usd_m": df["position_usd_m"].astype(float),
        }
    )


CODE_FIXES = {"KOS": "XKX"}  # IMF/GSO spelling of Kosovo


def parse(raw: RawFiles) -> pd.DataFrame:
    r = read_registered(raw.folder).assign(part="registered", file=REGISTERED)
    d = read_dip(raw.folder).assign(part="dip", file=DIP)
    return pd.concat([r, d], ignore_index=True)


def to_observations(
    parsed: pd.DataFrame, raw: RawFiles, countries: frozenset[str] | None = None
) -> pd.DataFrame:
    from ..observations import concat, make

    r = parsed[parsed["part"] == "registered"]
    d = parsed[parsed["part"] == "dip"]
    return concat(
        [
            make(
                "vietnam_gso",
                "fdi_registered",
                "VNM",
                r["partner"].replace(CODE_FIXES),
                r["year"],
                r["value_usd_m"],
                "reported",
                "",
                raw.ref(REGISTERED),
            ),
            make(
                "imf_dip_vnm",
                "fdi_inward_stock",
                "VNM",
                d["partner"].replace(CODE_FIXES),
                d["year"],
                d["value_usd_m"],
                "mirror",
                "",
                raw.ref(DIP),
            ),
        ]
    )


SOURCE = Source(
    name=NAME,
    title="Viet Nam: registered FDI by investor (GSO) and inward positions by investor (IMF DIP)",
    producer="General Statistics Office of Viet Nam; IMF (Direct Investment Positions)",
    url="https://www.gso.gov.vn/ ; https://data.imf.org/ (DIP)",
    licence="GSO terms; IMF terms of use",
    citation="GSO, Statistical Yearbook of Viet Nam (FDI projects licensed, by main counterpart); "
    "IMF, Direct Investment Positions by Counterpart Economy (derived, inward, Viet Nam).",
    coverage="registered capital 2006-2025 (24-71 partners a year); DIP positions 2009-2024 "
    "(Singapore and Taiwan absent; confidential cells blank)",
    datasets=(
        Dataset(
            "vietnam_gso",
            "fdi",
            ("fdi_registered",),
            "GSO Viet Nam, registered FDI capital by investor",
            label="GSO Viet Nam",
            reporters="Viet Nam only",
            authority="national",
        ),
        Dataset(
            "imf_dip_vnm",
            "fdi",
            ("fdi_inward_stock",),
            "IMF DIP, investors' reports of positions in Viet Nam",
            label="IMF DIP",
            partners="investors that report positions to the IMF (DIP)",
            partner_set="dip_reporters",
            reporters="Viet Nam only",
            authority="compiled",
        ),
    ),
    parse=parse,
    to_observations=to_observations,
    pattern="*.csv",
    recorded="vietnam_fdi",
    recorded_vintage="GSO yearbooks 2006-2025; IMF DIP 2009-2024",
)
