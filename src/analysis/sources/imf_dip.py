"""IMF Direct Investment Positions by counterpart (DIP, successor of CDIS), live SDMX 3.0 API.

Dataflow ``IMF.STA/DIP``; key COUNTRY.DV_TYPE.INDICATOR.COUNTERPART_COUNTRY.FREQUENCY. Two
requests: the ASEAN members' inward positions by investor (``INWD_D_NETLA_FALL_ALL``), both as
reported by the host (DV_TYPE ``O``) and as derived from the investors' own reports (``SCC``,
basis mirror: what the recorded Viet Nam file holds); and Japan's outward positions by host
(``OTWD_D_NETAL_FALL_ALL``, reported). Values in US dollars; confidential cells (STATUS C) are
absent, never zero.
"""

from __future__ import annotations

import pandas as pd

from .. import livefetch
from ..countries import JAPAN, asean_members, resolve_imts_codes
from ..errors import SourceError
from ..livefetch import Request
from ..observations import make
from ..settings import base_url, join_url
from .imf_imts import ACCEPT, BASE_URL_ENV, DEFAULT_BASE_URL
from .imf_sdmx import parse_series
from .spec import Dataset, RawFiles, Source, each_file, observer

NAME = "imf_dip"
INWARD, OUTWARD = "INWD_D_NETLA_FALL_ALL", "OTWD_D_NETAL_FALL_ALL"
MEASURES = {INWARD: "fdi_inward_stock", OUTWARD: "fdi_outward_stock"}
BASIS = {"O": "reported", "SCC": "mirror"}
DIMENSIONS = ("COUNTRY", "DV_TYPE", "INDICATOR", "COUNTERPART_COUNTRY")
LICENCE = "IMF copyright; IMF terms of use (https://www.imf.org/external/terms.htm)"
CITATION = "International Monetary Fund, Direct Investment Positions by Counterpart Economy (DIP)."


def requests_for(start: int = 2009) -> list[Request]:
    params = {
        "c[TIME_PERIOD]": f"ge:{start}",
        "dimensionAtObservation": "TIME_PERIOD",
        "attributes": "dsd",
        "measures": "all",
    }
    hosts = "+".join(asean_members())
    path = "data/dataflow/IMF.STA/DIP/+/"
    return [
        Request(
            "inward_asean.xml",
            join_url(
                base_url(BASE_URL_ENV, DEFAULT_BASE_URL), path + f"{hosts}.O+SCC.{INWARD}.*.A"
            ),
            params,
            {"Accept": ACCEPT},
            "SDMX-ML data",
        ),
        Request(
            "outward_japan.xml",
            join_url(base_url(BASE_URL_ENV, DEFAULT_BASE_URL), path + f"{JAPAN}.O.{OUTWARD}.*.A"),
            params,
            {"Accept": ACCEPT},
            "SDMX-ML data",
        ),
    ]


def parse(data: bytes, where: str = "response") -> pd.DataFrame:
    """-> country, partner (IMF codes), measure, basis, year, value_usd_m (confidential dropped)."""
    df = parse_series(data, NAME, where, DIMENSIONS)
    for col, known in (("INDICATOR", MEASURES), ("DV_TYPE", BASIS)):
        unknown = sorted(set(df[col]) - set(known))
        if unknown:
            raise SourceError(NAME, where, f"unexpected {col} {unknown}; expected {list(known)}")
    df = df[df["status"].str.upper() != "C"]
    return pd.DataFrame(
        {
            "country": df["COUNTRY"],
            "partner": df["COUNTERPART_COUNTRY"],
            "measure": df["INDICATOR"].map(MEASURES),
            "basis": df["DV_TYPE"].map(BASIS),
            "year": df["year"],
            "value_usd_m": df["value_usd_m"],
        }
    )


def to_observations(
    parsed: pd.DataFrame, raw: RawFiles, countries: frozenset[str] | None = None
) -> pd.DataFrame:
    """IMF codes resolved through data/imts_codes.csv; aggregates dropped."""

    codes = set(parsed["country"]) | set(parsed["partner"])
    table = resolve_imts_codes(codes, NAME, "DIP codes")
    code = {k: e.code for k, e in table.items()}
    kind = {k: e.kind for k, e in table.items()}
    keep = parsed["partner"].map(kind).isin(["country", "historical", "total"])
    p = parsed[keep]
    return make(
        NAME,
        p["measure"],
        p["country"].map(code),
        p["partner"].map(code),
        p["year"],
        p["value_usd_m"],
        p["basis"],
        "",
        raw.label + "/" + p["file"].astype(str),
    )


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
    title="IMF Direct Investment Positions by counterpart (DIP), SDMX 3.0 API",
    producer="International Monetary Fund",
    url="https://api.imf.org/external/sdmx/3.0/data/dataflow/IMF.STA/DIP/+/",
    licence=LICENCE,
    citation=CITATION,
    coverage="ASEAN members' inward positions by investor (host-reported and investor-derived), "
    "Japan's outward positions by host, 2009 to latest (live)",
    datasets=(
        Dataset(
            NAME,
            "fdi",
            ("fdi_inward_stock", "fdi_outward_stock"),
            "IMF Direct Investment Positions (DIP)",
            label="IMF DIP",
        ),
    ),
    parse=each_file(parse),
    to_observations=to_observations,
    pattern="*.xml",
    fetch=fetch,
    notes=("Base URL from $" + BASE_URL_ENV + " (shared with imf_imts).",),
)
