"""OECD FDI statistics by counterpart area (BMD4), live SDMX API: Japan's outward FDI by host.

Dataflows ``OECD.DAF.INV,DSD_FDI@DF_FDI_FLOW_CTRY`` (flows, measure T_FA_F) and
``DF_FDI_POS_CTRY`` (positions, LE_FA_F), directional principle outward (DO), US$ at exchange
rates, immediate counterpart, all activities. The layout is the one of the two real responses in
``../shared/data/api_fixtures/oecd_sdmx/``. Parsed here and kept raw; FDI rankings are issue 4.
"""

from __future__ import annotations

import os
from dataclasses import replace

import pandas as pd

from .. import livefetch
from ..countries import JAPAN
from ..errors import SourceError
from ..livefetch import Request
from .oecd_sdmx import parse_csv
from .spec import SourceSpec

NAME = "oecd_fdi"
DEFAULT_BASE_URL = "https://sdmx.oecd.org/public/rest"
BASE_URL_ENV = "ASEAN_JAPAN_OECD_BASE_URL"
FLOWS = {
    "flows.csv": ("OECD.DAF.INV,DSD_FDI@DF_FDI_FLOW_CTRY,", "T_FA_F", "fdi_outflow"),
    "positions.csv": ("OECD.DAF.INV,DSD_FDI@DF_FDI_POS_CTRY,", "LE_FA_F", "fdi_outward_stock"),
}
MEASURES = {m: measure for _, m, measure in FLOWS.values()}
DIMENSIONS = ("REF_AREA", "MEASURE", "MEASURE_PRINCIPLE", "COUNTERPART_AREA")
LICENCE = "OECD terms and conditions; CC BY 4.0 for OECD data since 2024"
CITATION = "OECD, FDI statistics by counterpart area and by industry (BMD4), OECD Data Explorer."

SPEC = SourceSpec(
    name=NAME,
    title="OECD FDI flows and positions by counterpart area (BMD4), live SDMX API",
    kind="api",
    producer="OECD Investment Division",
    url=DEFAULT_BASE_URL + "/data/OECD.DAF.INV,DSD_FDI@DF_FDI_FLOW_CTRY,",
    licence=LICENCE,
    citation=CITATION,
    coverage="Japan as reporter, all counterparts, outward flows and positions, 2005 to latest (live)",
    measures=("fdi_outflow", "fdi_outward_stock"),
    notes=("Base URL from $" + BASE_URL_ENV + " (shared with oecd_dac2a).",),
)


def base_url() -> str:
    return os.environ.get(BASE_URL_ENV, DEFAULT_BASE_URL).rstrip("/")


def requests_for(reporters: tuple[str, ...] = (JAPAN,), start: int = 2005) -> list[Request]:
    params = {
        "startPeriod": str(start),
        "format": "csvfilewithlabels",
        "dimensionAtObservation": "AllDimensions",
    }
    reps = "+".join(reporters)
    return [
        Request(
            fname,
            f"{base_url()}/data/{flow}/{reps}.{m}.USD_EXC.DO.NET_FDI.ROU.D.S1..IMC._T.A",
            params,
            {},
            "SDMX-CSV",
        )
        for fname, (flow, m, _) in FLOWS.items()
    ]


def parse(data: bytes, where: str = "response") -> pd.DataFrame:
    """-> reporter, counterpart (codes and labels), measure, year, value_usd_m."""
    df = parse_csv(data, NAME, where, DIMENSIONS)
    unknown = sorted(set(df["MEASURE"]) - set(MEASURES))
    if unknown:
        raise SourceError(
            NAME, where, f"unexpected MEASURE code(s) {unknown}; expected {list(MEASURES)}"
        )
    if set(df["MEASURE_PRINCIPLE"]) != {"DO"}:
        raise SourceError(NAME, where, "expected the directional principle, outward (DO) only")
    return pd.DataFrame(
        {
            "reporter": df["REF_AREA"],
            "counterpart": df["COUNTERPART_AREA"],
            "counterpart_label": df["COUNTERPART_AREA_label"],
            "measure": df["MEASURE"].map(MEASURES),
            "year": df["year"],
            "value_usd_m": df["value_usd_m"],
        }
    )


fetch = livefetch.fetcher(NAME, requests_for, parse, licence=LICENCE, citation=CITATION)


SPEC = replace(SPEC, fetch=fetch)
