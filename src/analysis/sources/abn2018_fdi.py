"""Bilateral FDI flows 1980-2012 from 39 mostly-OECD source countries into developing hosts
(Aisbett, Busse & Nunnenkamp 2018): source-reported, so a ranking from it is "among these 39
sources" and says so (basis mirror, dataset abn2018_fdi)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..countries import asean_members
from ..errors import SourceError
from ..observations import make
from .spec import Dataset, RawFiles, Source

NAME = "abn2018_fdi"
FILE = "fdi_minimum_data.csv"


def read_csv(folder: Path, hosts: tuple[str, ...] | None = None) -> pd.DataFrame:
    path = folder / FILE
    if not path.is_file():
        raise SourceError(NAME, str(path), "file missing")
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in ("host", "source", "year", "FDI_AM") if c not in df.columns]
    if missing:
        raise SourceError(NAME, str(path), f"changed columns: missing {missing}")
    hosts = hosts or asean_members()
    df = df[df["host"].isin(hosts) & (df["FDI_AM"] != "NA")]
    try:
        year = df["year"].astype(float).astype(int)  # the year 2000 is written 2e3
        value = df["FDI_AM"].astype(float)
    except ValueError as exc:
        raise SourceError(NAME, str(path), f"unreadable year or FDI_AM ({exc})") from exc
    return pd.DataFrame(
        {
            "host": df["host"].to_numpy(),
            "partner": df["source"].to_numpy(),
            "year": year.to_numpy(),
            "value_usd_m": value.to_numpy(),
        }
    )


def parse(raw: RawFiles) -> pd.DataFrame:
    return read_csv(raw.folder)


def to_observations(
    parsed: pd.DataFrame, raw: RawFiles, countries: frozenset[str] | None = None
) -> pd.DataFrame:

    a = parsed
    return make(
        NAME,
        "fdi_inflow",
        a["host"],
        a["partner"],
        a["year"],
        a["value_usd_m"],
        "mirror",
        "",
        raw.ref(FILE),
    )


SOURCE = Source(
    name=NAME,
    title="Bilateral FDI flows from 39 source countries, 1980-2012 (research dataset)",
    producer="Aisbett, Busse & Nunnenkamp (2018)",
    url="https://doi.org/10.1007/s10290-017-0285-1",
    licence="research dataset; cite the article",
    citation="Aisbett, E., Busse, M. and Nunnenkamp, P. (2018), Bilateral investment treaties as "
    "deterrents of host-country discretion, Review of World Economics 154(1).",
    coverage="IDN, MYS, PHL, THA 1980-2012, VNM 1989-2012; only 39 (mostly OECD) source countries",
    datasets=(
        Dataset(
            NAME,
            "fdi",
            ("fdi_inflow",),
            "Aisbett, Busse & Nunnenkamp (2018), 39 source countries",
            partners="39 source countries",
            partner_set="abn_sources_39",
            label="ABN 2018",
            authority="compiled",
        ),
    ),
    parse=parse,
    to_observations=to_observations,
    pattern="*.csv",
    recorded="bilateral_fdi_abn2018",
    recorded_vintage="Aisbett, Busse & Nunnenkamp (2018)",
)
