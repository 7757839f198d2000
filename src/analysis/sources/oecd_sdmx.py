"""The OECD SDMX-CSV layout (``format=csvfilewithlabels``), shared by every OECD dataflow.

Columns come in pairs, code then label (``DONOR,Donor,RECIPIENT,Recipient,...``), after
``STRUCTURE,STRUCTURE_ID,STRUCTURE_NAME,ACTION``; then ``TIME_PERIOD``, ``OBS_VALUE`` and
attributes such as ``UNIT_MULT`` (a power of ten). Values are returned in US$ million.
"""

from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd

from ..errors import SourceError

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
    try:
        df = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise SourceError(source, where, f"unreadable CSV ({exc})") from exc
    required = ["TIME_PERIOD", "OBS_VALUE", *dimensions]
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
    df = df[df["OBS_VALUE"].str.strip() != ""]
    if df.empty:
        raise SourceError(
            source,
            where,
            "the response holds no observations (empty dataset)",
            "Check the codes in the query; nothing was saved.",
        )
    try:
        value = df["OBS_VALUE"].astype(float).to_numpy()
        year = df["TIME_PERIOD"].str[:4].astype(int).to_numpy()
    except ValueError as exc:
        raise SourceError(source, where, f"unreadable OBS_VALUE or TIME_PERIOD ({exc})") from exc
    mult = df["UNIT_MULT"].replace("", "0").astype(int).to_numpy() if "UNIT_MULT" in df else 0
    out = {"year": year, "value_usd_m": value * np.power(10.0, np.asarray(mult) - 6)}
    for dim in dimensions:
        out[dim] = df[dim].to_numpy()
        label_col = cols[cols.index(dim) + 1]  # the label column follows its code
        out[f"{dim}_label"] = df[label_col].to_numpy()
    return pd.DataFrame(out)
