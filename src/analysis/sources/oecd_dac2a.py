"""OECD DAC Table 2a (dataflow ``OECD.DCD.FSD,DSD_DAC2@DF_DAC2A``), live SDMX API.

Two requests cover what the project needs, net (measure 206) and gross (240) ODA disbursements in
current US$ (``UNIT_MEASURE=USD``, ``PRICE_BASE=Q``), 1960 to the latest year: every donor to the
ASEAN members, and Japan to every recipient. The OECD allows about 20 data downloads an hour per
address, so requests are conditional and an unchanged response is never downloaded again.
Key order (from the recorded structure message): DONOR.RECIPIENT.MEASURE.UNIT_MEASURE.PRICE_BASE.
"""

from __future__ import annotations

import pandas as pd

from .. import livefetch
from ..countries import asean_members
from ..errors import SourceError
from ..livefetch import Request
from ..settings import base_url, join_url
from .dac_table import observations
from .oecd_sdmx import BASE_URL_ENV, DEFAULT_BASE_URL, parse_csv
from .spec import Dataset, RawFiles, Source, each_file, observer

NAME = "oecd_dac2a"
DATAFLOW = "OECD.DCD.FSD,DSD_DAC2@DF_DAC2A,"
MEASURES = {"206": "net", "240": "gross"}
DIMENSIONS = ("DONOR", "RECIPIENT", "MEASURE", "UNIT_MEASURE", "PRICE_BASE")
LICENCE = "OECD terms and conditions; CC BY 4.0 for OECD data since 2024"
CITATION = (
    "OECD, DAC2A: Aid (ODA) disbursements to countries and regions, OECD Data Explorer, "
    "dataflow OECD.DCD.FSD,DSD_DAC2@DF_DAC2A."
)


def requests_for(start: int = 1960) -> list[Request]:
    measures = "+".join(MEASURES)
    recipients = "+".join(asean_members())
    params = {
        "startPeriod": str(start),
        "format": "csvfilewithlabels",
        "dimensionAtObservation": "AllDimensions",
    }
    url = f"data/{DATAFLOW}/"
    return [
        Request(
            "to_asean.csv",
            join_url(
                base_url(BASE_URL_ENV, DEFAULT_BASE_URL), url + f".{recipients}.{measures}.USD.Q"
            ),
            params,
            {},
            "SDMX-CSV",
        ),
        Request(
            "from_japan.csv",
            join_url(base_url(BASE_URL_ENV, DEFAULT_BASE_URL), url + f"JPN..{measures}.USD.Q"),
            params,
            {},
            "SDMX-CSV",
        ),
    ]


def parse(data: bytes, where: str = "response") -> pd.DataFrame:
    """-> recipient (label), donor (label), year, flow (net|gross), value_usd_m."""
    df = parse_csv(data, NAME, where, DIMENSIONS)
    unknown = sorted(set(df["MEASURE"]) - set(MEASURES))
    if unknown:
        raise SourceError(
            NAME, where, f"unexpected MEASURE code(s) {unknown}; expected {list(MEASURES)}"
        )
    if set(df["PRICE_BASE"]) != {"Q"} or set(df["UNIT_MEASURE"]) != {"USD"}:
        raise SourceError(
            NAME, where, "values are not current US dollars (PRICE_BASE Q, UNIT_MEASURE USD)"
        )
    return pd.DataFrame(
        {
            "recipient": df["RECIPIENT_label"],
            "donor": df["DONOR_label"],
            "year": df["year"],
            "flow": df["MEASURE"].map(MEASURES),
            "value_usd_m": df["value_usd_m"],
        }
    )


def to_observations(
    parsed: pd.DataFrame, raw: RawFiles, countries: frozenset[str] | None = None
) -> pd.DataFrame:

    return observations(parsed, NAME, NAME, "current", raw.label + "/" + parsed["file"])


fetch = livefetch.fetcher(
    NAME,
    requests_for,
    parse,
    licence=LICENCE,
    citation=CITATION,
    observe=observer(NAME, to_observations),
)


SOURCE = Source(
    name=NAME,
    title="OECD DAC Table 2a, live SDMX API (net and gross ODA, current US$)",
    producer="OECD Development Assistance Committee",
    url=DEFAULT_BASE_URL + "/data/" + DATAFLOW,
    licence=LICENCE,
    citation=CITATION,
    coverage="all donors to the ASEAN members and Japan to all recipients, 1960 to latest (live)",
    datasets=(
        Dataset(
            NAME,
            "oda",
            (
                "oda_received_net_current",
                "oda_received_gross_current",
                "oda_given_net_current",
                "oda_given_gross_current",
            ),
            "OECD DAC Table 2a (Data Explorer), current US$",
            label="OECD DAC (Data Explorer)",
        ),
    ),
    parse=each_file(parse),
    to_observations=to_observations,
    pattern="*.csv",
    fetch=fetch,
    notes=(
        "Base URL from $" + BASE_URL_ENV + ". About 20 downloads an hour: requests are "
        "conditional and nothing unchanged is downloaded again.",
    ),
)
