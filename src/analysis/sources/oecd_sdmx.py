"""The OECD SDMX-CSV layout (``format=csvfilewithlabels``), shared by every OECD dataflow.

Columns come in pairs, code then label (``DONOR,Donor,RECIPIENT,Recipient,...``), after
``STRUCTURE,STRUCTURE_ID,STRUCTURE_NAME,ACTION``; then ``TIME_PERIOD``, ``OBS_VALUE`` and
attributes such as ``UNIT_MULT`` (a power of ten). Values are returned in US$ million.
"""

from __future__ import annotations

import csv
import io
import re

import numpy as np
import pandas as pd

from ..errors import SourceError
from ..limits import max_observations, refuse_duplicates, too_many

# the OECD SDMX API of every OECD dataflow (one setting moves them all)
DEFAULT_BASE_URL = "https://sdmx.oecd.org/public/rest"
BASE_URL_ENV = "ASEAN_JAPAN_OECD_BASE_URL"
RATE_LIMIT = re.compile(rb"rate.?limit|too many requests|quota", re.IGNORECASE)


def parse_csv(data: bytes, source: str, where: str, dimensions: tuple[str, ...]) -> pd.DataFrame:
    """-> one row per observation: each dimension's code and label, year, value_usd_m.

    Refuses anything that is not the SDMX-CSV layout: a rate-limit notice (the OECD sometimes
    answers with a plain text message), an HTML page, or a file whose columns have changed.
    """
    head = data[:400]
    if not head.lstrip().startswith(b"STRUCTURE,") and not head.lstrip().startswith(
        b"\xef\xbb\xbfSTRUCTURE,"
    ):
        if RATE_LIMIT.search(data[:2000]):
            raise SourceError(
                source,
                where,
                "the OECD answered with a rate-limit message: "
                f"{data[:160].decode('utf-8', 'replace').strip()!r}",
                "The OECD allows about 20 data downloads an hour: wait an hour and "
                "fetch again; nothing was saved.",
            )
        raise SourceError(
            source,
            where,
            f"not an SDMX-CSV file (first bytes {data[:80].decode('utf-8', 'replace')!r})",
            "Expected format=csvfilewithlabels starting with 'STRUCTURE,'.",
        )

    limit = max_observations()
    if data.count(b"\n") > limit + 1:  # a line per observation: counted before parsing
        raise too_many(source, where, limit)
    try:
        df = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise SourceError(source, where, f"unreadable CSV ({exc})") from exc
    required = ["TIME_PERIOD", "OBS_VALUE", "UNIT_MULT", *dimensions]
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise SourceError(
            source,
            where,
            f"changed columns: missing {missing}",
            f"Found {list(df.columns)[:20]}: the dataflow's structure may have changed. Nothing "
            "was saved; check the dataflow's structure and update the parser before fetching again.",
        )
    cols = list(df.columns)
    labels = {
        dim: cols[cols.index(dim) + 1] if cols.index(dim) + 1 < len(cols) else ""
        for dim in dimensions
    }
    unlabelled = [d for d, label in labels.items() if not label or label == label.upper()]
    if unlabelled:
        raise SourceError(
            source,
            where,
            f"the code column(s) {unlabelled} are not followed by their label column",
            "Expected format=csvfilewithlabels (each code column followed by its label); nothing "
            "was saved.",
        )
    widths = [len(r) for r in csv.reader(io.StringIO(data.decode("utf-8-sig"))) if r]
    short = [i for i, width in enumerate(widths) if width != len(cols)]
    if short:
        raise SourceError(
            source,
            where,
            f"line {short[0] + 1} has {widths[short[0]]} fields, the header {len(cols)} (a "
            "truncated or damaged file)",
            "Nothing was saved; fetch again.",
        )
    df = df[df["OBS_VALUE"].str.strip() != ""]
    if df.empty:
        raise SourceError(
            source,
            where,
            "the response holds no observations (empty dataset)",
            "Check the codes in the query; nothing was saved.",
        )
    _check_codes(df, source, where)
    value = df["OBS_VALUE"].astype(float).to_numpy()
    year = df["TIME_PERIOD"].astype(int).to_numpy()
    mult = df["UNIT_MULT"].replace("", "0").astype(int).to_numpy()
    out = {"year": year, "value_usd_m": value * np.power(10.0, mult - 6)}
    for dim in dimensions:
        out[dim] = df[dim].to_numpy()
        out[f"{dim}_label"] = df[labels[dim]].to_numpy()
    frame = pd.DataFrame(out)
    refuse_duplicates(frame, [*dimensions, "year"], "value_usd_m", source, where)
    return frame


def _check_codes(df: pd.DataFrame, source: str, where: str) -> None:
    """Annual periods (a four-digit year), numbers as values, and a power of ten from 0 to 12 as
    UNIT_MULT (units by rule: anything else would scale values silently)."""
    checks = (
        ("TIME_PERIOD", r"\d{4}", "an annual period (a four-digit year)"),
        ("OBS_VALUE", r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?|NaN|nan|inf|-inf", "a number"),
        ("UNIT_MULT", r"|\d|1[0-2]", "a power of ten from 0 to 12 (or empty)"),
    )
    for col, pattern, what in checks:
        bad = df[~df[col].str.strip().str.fullmatch(pattern)]
        if len(bad):
            raise SourceError(
                source,
                where,
                f"{col} {bad[col].iloc[0]!r} (row {bad.index[0] + 2}) is not {what}",
                "Nothing was saved; the dataflow's layout may have changed: check the response "
                "before fetching again.",
            )
