"""AidData's Global Chinese Development Finance 3.0, by recipient and commitment year: context.

China does not report to the DAC. AidData's figures are *commitments* in constant 2021 US$,
split into ODA-like, OOF-like and vague flows: not comparable with DAC disbursements, so they
are never ranked with them. They are kept as a small context table (the ASEAN members only,
recipients keyed by Correlates-of-War code, mapped in ``data/cow_codes.csv``).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from ..errors import SourceError
from ..paths import PACKAGE_DATA
from .spec import RawFiles, Source

NAME = "aiddata_china"
FILE = "china_dev_finance_by_recipient_2000_2021.csv"
COLUMNS = {"oda_amt": "oda_like", "oof_amt": "oof_like", "vof_amt": "vague"}


def read(folder: Path) -> pd.DataFrame:
    """-> country (ISO3), year, flow (oda_like | oof_like | vague), value_usd_m (constant 2021)."""
    path = folder / FILE
    if not path.is_file():
        raise SourceError(NAME, str(path), "file missing")
    with open(PACKAGE_DATA / "cow_codes.csv", newline="", encoding="utf-8") as fh:
        cow = {int(r["cow"]): r["iso3"] for r in csv.DictReader(fh)}
    df = pd.read_csv(path)
    missing = [c for c in ("ccode", "year", *COLUMNS) if c not in df.columns]
    if missing:
        raise SourceError(NAME, str(path), f"changed columns: missing {missing}")
    df = df[df["ccode"].isin(cow)]
    long = df.melt(
        id_vars=["ccode", "year"], value_vars=list(COLUMNS), var_name="flow", value_name="value"
    )
    return (
        pd.DataFrame(
            {
                "country": long["ccode"].map(cow),
                "year": long["year"].astype(int),
                "flow": long["flow"].map(COLUMNS),
                "value_usd_m": long["value"].astype(float) / 1e6,
            }
        )
        .sort_values(["country", "year", "flow"])
        .reset_index(drop=True)
    )


def parse(raw: RawFiles) -> pd.DataFrame:
    return read(raw.folder)


def to_observations(
    parsed: pd.DataFrame, raw: RawFiles, countries: frozenset[str] | None = None
) -> pd.DataFrame:
    """Context, never ranked: the table is kept as parsed (written as context_<name>.csv)."""
    return parsed


SOURCE = Source(
    name=NAME,
    title="AidData Global Chinese Development Finance 3.0 by recipient (context, never ranked)",
    producer="AidData (William & Mary)",
    url="https://www.aiddata.org/data/aiddatas-global-chinese-development-finance-dataset-version-3-0",
    licence="AidData terms (open data, attribution)",
    citation="Custer, S. et al. (2023), Tracking Chinese Development Finance: An Application of "
    "AidData's TUFF 3.0 Methodology. AidData at William & Mary.",
    coverage="commitments 2000-2021, constant 2021 US$; the ASEAN members",
    datasets=(),
    parse=parse,
    to_observations=to_observations,
    pattern="*.csv",
    recorded="aiddata_china",
    recorded_vintage="AidData GCDF 3.0 (2000-2021)",
    role="context",
)
