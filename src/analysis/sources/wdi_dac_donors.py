"""Net bilateral ODA from each DAC donor and the EU institutions to the ASEAN recipients,
2000-2023, current US$: the World Bank's WDI series DC.DAC.<CODE>L.CD (taken from OECD DAC
Table 2a), one file per donor, as republished in the open-numbers DDF dataset.

Why a source of its own: it is the only recorded table of donors' net ODA at current prices
after 2019 (the QWIDS export stops in 2019, the OECD.Stat extract is at constant prices), so
the headline ranks 2020-2023 donors on current prices from it. Its partner set is DAC donors
and EU institutions: multilateral and non-DAC donors are absent, and it says so.

Layout (``NOTES.md``): ``ddf--datapoints--dc_dac_<code>l_cd--by--geo--time.asean.csv``, header
``geo,time,dc_dac_<code>l_cd``, ``geo`` a recipient's lower-case ISO3, values in US dollars
with single-precision noise (rounded here to US$ 10,000). The donor code of each file name is
resolved through ``data/wdi_dac_donors.csv`` (``tot``, the DAC total, is a total: never a
donor). A missing row is no reported flow, never a zero.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path

import pandas as pd

from ..errors import SourceError
from ..observations import make
from ..paths import PACKAGE_DATA
from .spec import Dataset, RawFiles, Source, csv_rows, mapped

NAME = "wdi_dac_donors"
PATTERN = "ddf--datapoints--dc_dac_*l_cd--by--geo--time.asean.csv"
FILE_RE = re.compile(r"ddf--datapoints--dc_dac_([a-z]{3})l_cd--by--geo--time\.asean\.csv")
MAX_BYTES = 5_000_000  # a donor's file for eight recipients is a few kB


@cache
def donor_codes() -> dict[str, tuple[str, str]]:
    """WDI donor code (file name) -> (partner code, kind: donor | total)."""
    with open(PACKAGE_DATA / "wdi_dac_donors.csv", newline="", encoding="utf-8") as fh:
        return {r["wdi_code"]: (r["code"], r["kind"]) for r in csv.DictReader(fh)}


def read_file(path: Path) -> pd.DataFrame:
    """One donor's file -> donor, recipient, year, value_usd_m (US$ million, 2 decimals);
    the DAC total's file -> no rows. Anything else is a SourceError naming the file."""
    m = FILE_RE.fullmatch(path.name)
    if m is None:
        raise SourceError(NAME, str(path), f"a file name not of the form {PATTERN}")
    code = m.group(1)
    donor, kind = mapped(NAME, path, donor_codes(), code, "WDI donor code", "wdi_dac_donors.csv")
    rows = csv_rows(NAME, path, MAX_BYTES, "a DDF datapoints file")
    indicator = f"dc_dac_{code}l_cd"
    if not rows or rows[0] != ["geo", "time", indicator]:
        head = rows[0] if rows else "nothing"
        raise SourceError(NAME, str(path), f"expected the header geo,time,{indicator}, got {head}")
    if kind == "total":
        return pd.DataFrame(columns=["donor", "recipient", "year", "value_usd_m"])
    body = [r for r in rows[1:] if r]
    bad = [r for r in body if len(r) != 3 or not re.fullmatch(r"[a-z]{3}", r[0])]
    if bad:
        raise SourceError(NAME, str(path), f"unreadable rows, e.g. {bad[0]}")
    try:
        years = [int(r[1]) for r in body]
        values = [round(float(r[2]) / 1e6, 2) for r in body]
    except ValueError as exc:
        raise SourceError(NAME, str(path), f"a year or value that is not a number ({exc})") from exc
    return pd.DataFrame(
        {
            "donor": donor,
            "recipient": [r[0].upper() for r in body],
            "year": years,
            "value_usd_m": values,
            "file": path.name,
        }
    )


def parse(raw: RawFiles) -> pd.DataFrame:
    if not raw.files:
        raise SourceError(NAME, str(raw.folder), f"no file matching {PATTERN}")
    return pd.concat([read_file(p) for p in raw.files], ignore_index=True)


def to_observations(
    parsed: pd.DataFrame, raw: RawFiles, countries: frozenset[str] | None = None
) -> pd.DataFrame:

    d = parsed if countries is None else parsed[parsed["recipient"].isin(countries)]
    return make(
        NAME,
        "oda_received_net_current",
        d["recipient"],
        d["donor"],
        d["year"],
        d["value_usd_m"],
        "mirror",  # donor-reported, as all DAC figures
        "",
        [raw.ref(f) for f in d["file"]],
    )


SOURCE = Source(
    name=NAME,
    title="World Bank WDI, net bilateral aid flows from DAC donors (DC.DAC.*L.CD), ASEAN "
    "recipients, 2000-2023",
    producer="World Bank (from OECD DAC Table 2a); republished by open-numbers (DDF)",
    url="https://data.worldbank.org/indicator/DC.DAC.TOTL.CD",
    licence="CC BY 4.0 (World Bank)",
    citation="World Bank, World Development Indicators, DC.DAC.<donor>L.CD, via "
    "open-numbers/ddf--open_numbers--world_development_indicators (commit 01a34e8b).",
    coverage="net bilateral ODA, current US$, 29 DAC donors and EU institutions to IDN, KHM, "
    "LAO, MMR, MYS, PHL, THA, VNM, 2000-2023; no multilateral or non-DAC donor",
    datasets=(
        Dataset(
            NAME,
            "oda",
            ("oda_received_net_current",),
            "World Bank WDI, DAC donors' net bilateral ODA, current US$",
            partners="DAC donors and EU institutions",
            partner_set="dac_donors_eui",
            label="World Bank WDI (DAC donors)",
        ),
    ),
    parse=parse,
    to_observations=to_observations,
    pattern=PATTERN,
    recorded="worldbank_wdi_dac_donors",
    recorded_vintage="WDI via open-numbers, commit 01a34e8b",
    notes=(
        "Ranks are among DAC donors and EU institutions: the World Bank's IDA, the Asian "
        "Development Bank and other multilateral or non-DAC donors are absent.",
    ),
)
