"""World Bank API v2 (WDI): net ODA received and net bilateral aid by DAC donor, a cross-check.

``DT.ODA.ODAT.CD`` (net ODA received, current US$) for the ASEAN members, and
``DC.DAC.<donor>L.CD`` (net bilateral aid flows from each DAC donor) in one request with
``source=2``. Responses are ``[paging header, rows]``; every page is kept. World Bank aggregates
(region and income codes) are recognised as not ISO3 countries and never ranked.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from .. import livefetch
from ..countries import WORLD, asean_members
from ..errors import SourceError
from ..http import HttpClient
from ..limits import max_observations, refuse_duplicates, too_many
from ..livefetch import Request
from ..observations import make
from ..rawstore import RawStore
from ..settings import base_url, join_url
from .spec import Dataset, RawFiles, Source, each_file, observer

NAME = "worldbank_wdi"
DEFAULT_BASE_URL = "https://api.worldbank.org/v2"
BASE_URL_ENV = "ASEAN_JAPAN_WORLDBANK_BASE_URL"
DAC_DONORS = (
    "AUS",
    "AUT",
    "BEL",
    "CAN",
    "CHE",
    "CZE",
    "DEU",
    "DNK",
    "ESP",
    "EST",
    "FIN",
    "FRA",
    "GBR",
    "GRC",
    "HUN",
    "IRL",
    "ISL",
    "ITA",
    "JPN",
    "KOR",
    "LTU",
    "LUX",
    "NLD",
    "NOR",
    "NZL",
    "POL",
    "PRT",
    "SVK",
    "SVN",
    "SWE",
    "USA",
)
TOTAL = "DT.ODA.ODAT.CD"
LICENCE = "CC BY 4.0 (World Bank)"
CITATION = "World Bank, World Development Indicators, via the World Bank API v2."
PER_PAGE = 20000


def indicators() -> list[str]:
    return [TOTAL] + [f"DC.DAC.{d}L.CD" for d in DAC_DONORS]


def _request(page: int) -> Request:
    url = join_url(
        base_url(BASE_URL_ENV, DEFAULT_BASE_URL),
        f"country/{';'.join(asean_members())}/indicator/{';'.join(indicators())}",
    )
    params = {
        "format": "json",
        "date": "1960:2030",
        "per_page": str(PER_PAGE),
        "source": "2",
        "page": str(page),
    }
    return Request(f"page{page}.json", url, params, {}, "JSON")


def parse(data: bytes, where: str = "response") -> tuple[dict, pd.DataFrame]:
    """-> (paging header, rows: country iso3, indicator, year, value_usd_m).

    The API's layout is checked, not assumed: a list of the paging header and a list of row
    objects, each with text codes, a four-digit year and a number (or null) as value."""

    # three objects a row (the row, its indicator, its country), counted before parsing: the
    # parsed objects of a page of millions of rows would take gigabytes
    if data.count(b"{") > 3 * max_observations() + 10:
        raise too_many(NAME, where, max_observations())
    try:
        body = json.loads(data)
    except (ValueError, RecursionError) as exc:  # bad JSON, encoding, nesting or huge numbers
        raise SourceError(NAME, where, f"not JSON ({type(exc).__name__}: {exc})") from exc
    if isinstance(body, list) and body and isinstance(body[0], dict) and "message" in body[0]:
        raise SourceError(NAME, where, f"the API answered with an error: {body[0]['message']}")
    if not (isinstance(body, list) and len(body) == 2 and isinstance(body[0], dict)):
        raise SourceError(NAME, where, "expected [paging header, rows]")
    header, rows = body
    if not rows:
        raise SourceError(
            NAME, where, "no rows (empty dataset)", "Check the codes; nothing was saved."
        )
    if not isinstance(rows, list):
        raise SourceError(NAME, where, f"expected a list of rows, got {type(rows).__name__}")
    if len(rows) > max_observations():
        raise too_many(NAME, where, max_observations())
    out = []
    for i, r in enumerate(rows):
        row = _row(r, i, where)
        if row is not None:
            out.append(row)
    frame = pd.DataFrame(out, columns=["country", "indicator", "year", "value_usd_m"])
    refuse_duplicates(frame, ["country", "indicator", "year"], "value_usd_m", NAME, where)
    return header, frame


def _row(r: object, i: int, where: str) -> tuple[str, str, int, float] | None:
    """One row, checked: None for a row without a value (the API's "no data")."""
    try:
        iso3 = r.get("countryiso3code") or r["country"]["id"]
        indicator = r["indicator"]["id"]
        date = r["date"]
        value = r.get("value")
        if not (isinstance(iso3, str) and isinstance(indicator, str) and isinstance(date, str)):
            raise TypeError("codes and date must be text")
        year = int(date[:4])
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise SourceError(
            NAME,
            where,
            f"row {i} is not an object with text countryiso3code/indicator.id/date "
            f"({type(exc).__name__}: {exc}; got {str(r)[:80]!r})",
        ) from exc
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SourceError(NAME, where, f"row {i}: value {str(value)[:40]!r} is not a number")
    return iso3, indicator, year, float(value) / 1e6


def fetch(
    store: RawStore | None = None, client: HttpClient | None = None, vintage: str | None = None
) -> list[Path]:
    """Page through the response: the first page says how many pages there are."""
    client = client or HttpClient(NAME)
    store = store or RawStore(NAME)
    first = client.get(_request(1).url, params=_request(1).params, expect="JSON")
    header, _ = livefetch.parse_response(NAME, parse, first.content, first.url, "JSON")
    # an absurd or non-integer count is refused before any further request
    pages = client.page_count(header.get("pages"), first.url)
    reqs = [_request(p) for p in range(1, pages + 1)]
    return livefetch.fetch(
        NAME,
        reqs,
        lambda d, w: parse(d, w),
        licence=LICENCE,
        citation=CITATION,
        store=store,
        client=client,
        vintage=vintage,
        observe=observer(NAME, to_observations),
    ).paths


def to_observations(
    rows: pd.DataFrame, raw: RawFiles, countries: frozenset[str] | None = None
) -> pd.DataFrame:
    """World Bank rows (country, indicator, year, value_usd_m) -> ODA observations.

    ``DC.DAC.<ISO3>L.CD`` becomes the donor ``<ISO3>``; ``DT.ODA.ODAT.CD`` the recipient's total
    (partner ``WLD``). Codes that are not ISO3 countries (World Bank aggregates) are dropped.
    """
    import numpy as np
    import pycountry

    ref = raw.label + "/" + rows["file"].astype(str)
    ind = rows["indicator"].astype(str)
    donor = ind.str.extract(r"^DC\.DAC\.([A-Z]{3})L\.CD$")[0]
    partner = donor.where(donor.notna(), np.where(ind == "DT.ODA.ODAT.CD", WORLD, None))
    is_country = rows["country"].map(lambda c: pycountry.countries.get(alpha_3=c) is not None)
    keep = partner.notna() & is_country
    return make(
        NAME,
        "oda_received_net_current",
        rows["country"][keep],
        partner[keep],
        rows["year"][keep],
        rows["value_usd_m"][keep],
        "mirror",
        "",
        ref[keep],
    )


SOURCE = Source(
    name=NAME,
    title="World Bank WDI: net ODA received and net bilateral aid by DAC donor (API v2)",
    producer="World Bank",
    url=DEFAULT_BASE_URL + "/country/{ISO3}/indicator/{CODE}",
    licence=LICENCE,
    citation=CITATION,
    coverage="ASEAN members, 1960 to latest (live); a cross-check of the DAC figures",
    datasets=(
        Dataset(
            NAME,
            "oda",
            ("oda_received_net_current",),
            "World Bank WDI (DAC donors' net aid), current US$",
            partners="DAC member donors",
            partner_set="dac_members",
            label="World Bank WDI",
        ),
    ),
    parse=each_file(lambda d, w: parse(d, w)[1]),
    to_observations=to_observations,
    pattern="page*.json",
    fetch=fetch,
    notes=("Base URL from $" + BASE_URL_ENV + ".",),
)
