"""Viet Nam's FDI by investor: registered capital (GSO yearbooks, 2006-2025) and inward direct
investment positions from the IMF's DIP (derived from investors' reports, 2009-2024).

Registered (licensed) capital is not a balance-of-payments flow: it is its own measure,
``fdi_registered``, never ranked with flows. The DIP positions are basis ``mirror``; confidential
cells are absent (``confidential=1``). Codes are ISO3 plus XBWI (British West Indies) and XCHI
(Channel Islands), kept as their own partners.

Each registered value names the yearbook edition it was first printed in (its ``source_ref``
ends ``#<edition>``, or ``#edition not recorded``), read from a second recorded folder,
``vietnam_fdi_gso_editions`` (``gso_editions.py``); that file's capital definition gives the
series' recorded break (``definitions``), and the source's vintage is written from the
editions of the values (``vintage``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import SourceError
from ..observations import concat, make
from . import gso_editions
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


def read_registered(path: Path) -> pd.DataFrame:
    df = _read(path, ["iso3", "year", "fdi_usd_m"])
    df = df[df["fdi_usd_m"].notna()]
    return pd.DataFrame(
        {
            "partner": df["iso3"],
            "year": df["year"].astype(int),
            "value_usd_m": df["fdi_usd_m"].astype(float),
        }
    )


def read_dip(path: Path) -> pd.DataFrame:
    df = _read(path, ["iso3", "year", "position_usd_m", "confidential"])
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
    """Registered capital with each year's edition and definition (``gso_editions.attach``),
    and the DIP positions (no edition: the IMF's table)."""
    editions = gso_editions.read(NAME, raw.file(gso_editions.FILE))
    r = gso_editions.attach(read_registered(raw.file(REGISTERED)), editions)
    d = read_dip(raw.file(DIP))
    return pd.concat(
        [r.assign(part="registered", file=REGISTERED), d.assign(part="dip", file=DIP)],
        ignore_index=True,
    )


def definitions(parsed: pd.DataFrame, raw: RawFiles) -> pd.DataFrame:
    """The capital definition of each year of registered capital that has one recorded
    (``breaks.find`` turns a change between consecutive years into a break)."""
    r = parsed[(parsed["part"] == "registered").to_numpy() & (parsed["definition"] != "")]
    r = r.drop_duplicates("year")
    return pd.DataFrame(
        {
            "dataset": "vietnam_gso",
            "year": r["year"].astype(int),
            "definition": r["definition"],
            "words": r["words"],
            "ref": raw.ref(raw.file(gso_editions.FILE)) + "#" + gso_editions.DEFINITION_COLUMN,
        }
    )


def vintage(raw: RawFiles) -> str:
    """The recorded files' vintage, written from their values: the yearbook editions the
    registered values come from (posting months, checksums), the DIP's years."""
    parsed = parse(raw)
    dip = parsed.loc[parsed["part"] == "dip", "year"]
    words = gso_editions.vintage_words(parsed[parsed["part"] == "registered"])
    return f"{words}; IMF DIP {gso_editions.spans(dip)}" if len(dip) else words


def to_observations(
    parsed: pd.DataFrame, raw: RawFiles, countries: frozenset[str] | None = None
) -> pd.DataFrame:

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
                raw.ref(REGISTERED) + "#" + r["edition"],
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
    recorded=("vietnam_fdi", gso_editions.FOLDER),
    recorded_vintage=vintage,
    definitions=definitions,
    notes=(
        "Registered capital: each year is the figure first printed in that year's yearbook "
        "edition (often preliminary; not revised here); source_ref names the edition.",
        "Definition break (recorded in the editions file, capital_definition): new and "
        "supplementary capital before it, capital contributions and share purchases added "
        "after; the year is in the snapshot manifest (datasets.vietnam_gso.breaks).",
    ),
)
