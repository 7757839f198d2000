"""IMF International Merchandise Trade Statistics (IMTS, successor of DOTS), live SDMX 3.0 API.

Two requests fetch everything the project needs: the 11 economies as reporters with every
counterpart (their own reports), and every reporter with the 11 as counterparts (mirror data).
Responses are SDMX-ML 3.0 structure-specific XML, the format of the recorded IMTS response in
``../shared/data/api_fixtures/imf_sdmx3/``. OBS_VALUE is in US dollars even though the series
carry SCALE="6", so values are divided by 1e6 here and nowhere else.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import livefetch
from ..countries import FOCUS, resolve_imts_codes
from ..errors import SourceError
from ..http import HttpClient
from ..livefetch import Request
from ..observations import resolve_trade, trade
from ..rawstore import RawStore
from ..settings import base_url, join_url
from .imf_sdmx import parse_series
from .spec import Dataset, RawFiles, Source, observer

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
        Request(
            fname,
            join_url(base_url(BASE_URL_ENV, DEFAULT_BASE_URL), path),
            params,
            {"Accept": ACCEPT},
            "SDMX-ML data",
        )
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
        NAME,
        lambda: requests_for(economies),
        parse_xml,
        licence=LICENCE,
        citation=CITATION,
        observe=observer(NAME, to_observations),
    )(store=store, client=client, vintage=vintage)


def parse(raw: RawFiles) -> pd.DataFrame:
    """Every response of a fetched vintage (own reports and mirror), parsed."""
    parts = [parse_xml(p.read_bytes(), str(p)).assign(file=p.name) for p in raw.files]
    return pd.concat(parts, ignore_index=True)


def to_observations(
    parsed: pd.DataFrame, raw: RawFiles, countries: frozenset[str] | None = None
) -> pd.DataFrame:
    """Own rows and mirror rows; IMF codes resolved through data/imts_codes.csv."""

    # a pair of two focus economies comes back in both requests (own and mirror): keep the
    # row of the own-reports request (both hold the reporter's own figure)
    parsed = parsed.sort_values("file", key=lambda f: f != "reported.xml", kind="stable")
    parsed = parsed.drop_duplicates(["reporter_code", "measure", "partner_code", "year"])
    parsed = parsed.astype(
        {"reporter_code": "category", "partner_code": "category", "file": "category"}
    )
    codes = set(parsed["reporter_code"].cat.categories) | set(parsed["partner_code"].cat.categories)
    table = resolve_imts_codes(codes, NAME, f"vintage {raw.vintage}")
    rep, par, keep, vocab = resolve_trade(parsed["reporter_code"], parsed["partner_code"], table)
    return trade(
        parsed,
        reporter=rep,
        partner=par,
        keep=keep,
        ref=parsed["file"].cat.codes.to_numpy().astype("int32"),
        vocab=vocab,
        ref_vocab=[raw.ref(f) for f in parsed["file"].cat.categories],
        dataset=NAME,
        countries=countries,
    )


SOURCE = Source(
    name=NAME,
    title="IMF International Merchandise Trade Statistics (IMTS), SDMX 3.0 API",
    producer="International Monetary Fund",
    url=DEFAULT_BASE_URL + "/data/dataflow/IMF.STA/IMTS/+/",
    licence=LICENCE,
    citation=CITATION,
    coverage="Japan and ASEAN-10 as reporters and as counterparts, annual, 1960 to the latest "
    "year the IMF publishes (live; nothing recorded beyond a format sample)",
    datasets=(
        Dataset(
            NAME,
            "trade",
            ("exports", "imports", "trade"),
            "IMF International Merchandise Trade Statistics",
            label="IMF IMTS",
        ),
    ),
    parse=parse,
    to_observations=to_observations,
    pattern="*.xml",
    fetch=fetch,
    notes=("Base URL from $" + BASE_URL_ENV + " (default " + DEFAULT_BASE_URL + ").",),
)
