"""IMF International Merchandise Trade Statistics (IMTS, successor of DOTS), live SDMX 3.0 API.

Two requests fetch everything the project needs: the 11 economies as reporters with every
counterpart (their own reports), and every reporter with the 11 as counterparts (mirror data).
Responses are SDMX-ML 3.0 structure-specific XML, the format of the recorded IMTS response in
``../shared/data/api_fixtures/imf_sdmx3/``. OBS_VALUE is in US dollars even though the series
carry SCALE="6", so values are divided by 1e6 here and nowhere else.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pandas as pd

from .. import livefetch
from ..countries import FOCUS
from ..errors import SourceError
from ..http import HttpClient
from ..livefetch import Request
from ..rawstore import RawStore
from .imf_sdmx import parse_series
from .spec import SourceSpec

NAME = "imf_imts"
DEFAULT_BASE_URL = "https://api.imf.org/external/sdmx/3.0"
BASE_URL_ENV = "ASEAN_JAPAN_IMF_BASE_URL"
ACCEPT = "application/vnd.sdmx.structurespecificdata+xml;version=3.0.0"
INDICATORS = {"XG_FOB_USD": "exports", "MG_CIF_USD": "imports"}
LICENCE = "IMF copyright; IMF terms of use (https://www.imf.org/external/terms.htm)"
CITATION = (
    "International Monetary Fund, International Merchandise Trade Statistics (IMTS), "
    "dataflow IMF.STA/IMTS, exports FOB and imports CIF by counterpart, annual, US dollars."
)

SPEC = SourceSpec(
    name=NAME,
    title="IMF International Merchandise Trade Statistics (IMTS), SDMX 3.0 API",
    kind="api",
    producer="International Monetary Fund",
    url=DEFAULT_BASE_URL + "/data/dataflow/IMF.STA/IMTS/+/",
    licence=LICENCE,
    citation=CITATION,
    coverage="Japan and ASEAN-10 as reporters and as counterparts, annual, 1960 to the latest "
    "year the IMF publishes (live; nothing recorded beyond a format sample)",
    measures=("exports", "imports"),
    notes=("Base URL from $" + BASE_URL_ENV + " (default " + DEFAULT_BASE_URL + ").",),
)


def base_url() -> str:
    return os.environ.get(BASE_URL_ENV, DEFAULT_BASE_URL).rstrip("/")


def queries(economies: tuple[str, ...] = FOCUS, start: int = 1960) -> dict[str, tuple[str, dict]]:
    """The two requests: file name -> (path after the base URL, query parameters)."""
    econ = "+".join(economies)
    ind = "+".join(INDICATORS)
    params = {
        "c[TIME_PERIOD]": f"ge:{start}",
        "dimensionAtObservation": "TIME_PERIOD",
        "attributes": "dsd",
        "measures": "all",
    }
    return {
        "reported.xml": (f"/data/dataflow/IMF.STA/IMTS/+/{econ}.{ind}.*.A", params),
        "mirror.xml": (f"/data/dataflow/IMF.STA/IMTS/+/*.{ind}.{econ}.A", params),
    }


def requests_for(economies: tuple[str, ...] = FOCUS) -> list[Request]:
    return [
        Request(fname, base_url() + path, params, {"Accept": ACCEPT}, "SDMX-ML data")
        for fname, (path, params) in queries(economies).items()
    ]


def parse_xml(data: bytes, where: str = "response") -> pd.DataFrame:
    """SDMX-ML 3.0 data -> reporter_code, measure, partner_code, year, value_usd_m, flag."""
    df = parse_series(data, NAME, where, ("COUNTRY", "INDICATOR", "COUNTERPART_COUNTRY"))
    unknown = sorted(set(df["INDICATOR"]) - set(INDICATORS))
    if unknown:
        raise SourceError(
            NAME, where, f"unexpected INDICATOR {unknown}; expected {list(INDICATORS)}"
        )
    return pd.DataFrame(
        {
            "reporter_code": df["COUNTRY"],
            "measure": df["INDICATOR"].map(INDICATORS),
            "partner_code": df["COUNTERPART_COUNTRY"],
            "year": df["year"],
            "value_usd_m": df["value_usd_m"],
            "flag": (df["status"].str.lower() == "e").map({True: "e", False: ""}),
        }
    )


def fetch(
    store: RawStore | None = None,
    client: HttpClient | None = None,
    economies: tuple[str, ...] = FOCUS,
    vintage: str | None = None,
) -> list[Path]:
    """Fetch both requests (conditionally); nothing is written unless every response parses."""
    return livefetch.fetcher(
        NAME, lambda: requests_for(economies), parse_xml, licence=LICENCE, citation=CITATION
    )(store=store, client=client, vintage=vintage)


SPEC = replace(SPEC, fetch=fetch)
