"""The IMF's SDMX-ML 3.0 structure-specific data messages, shared by every IMF dataflow.

Series carry their dimensions as attributes; observations carry TIME_PERIOD, OBS_VALUE and
STATUS. The IMF's values are in plain US dollars although series say SCALE="6": they are
divided by 1e6 here (US$ million) and nowhere else.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pandas as pd

from ..errors import SourceError


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def parse_series(data: bytes, source: str, where: str, dimensions: tuple[str, ...]) -> pd.DataFrame:
    """-> one row per observation: the dimensions, year, value_usd_m, status (as given)."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise SourceError(
            source,
            where,
            f"malformed XML ({exc})",
            "Expected an SDMX-ML 3.0 structure-specific message; nothing was saved.",
        ) from exc
    if _local(root.tag) != "StructureSpecificData":
        raise SourceError(
            source,
            where,
            f"root element is {_local(root.tag)!r}",
            "Expected an SDMX-ML 3.0 StructureSpecificData message (is the Accept "
            "header honoured?); nothing was saved.",
        )
    rows: list[tuple] = []
    n_series = 0
    for series in root.iter():
        if _local(series.tag) != "Series":
            continue
        n_series += 1
        attrs = series.attrib
        missing = [k for k in dimensions if k not in attrs]
        if missing:
            raise SourceError(
                source, where, f"a Series lacks the dimension(s) {missing}; found {sorted(attrs)}"
            )
        if attrs.get("FREQUENCY", "A") != "A":
            raise SourceError(
                source, where, f"FREQUENCY {attrs.get('FREQUENCY')!r}, expected annual 'A'"
            )
        key = tuple(attrs[k] for k in dimensions)
        for obs in series:
            if _local(obs.tag) != "Obs":
                continue
            o = obs.attrib
            raw_value, period = o.get("OBS_VALUE"), o.get("TIME_PERIOD", "")
            if raw_value in (None, "", "NaN"):
                continue
            try:
                year = int(period[:4])
                value = float(raw_value) / 1e6  # US dollars -> US$ million
            except ValueError as exc:
                raise SourceError(
                    source,
                    where,
                    f"unreadable observation TIME_PERIOD={period!r} OBS_VALUE={raw_value!r}",
                ) from exc
            rows.append((*key, year, value, o.get("STATUS", "").strip()))
    if n_series == 0:
        raise SourceError(
            source,
            where,
            "the message holds no series (empty dataset)",
            "Check the codes in the query; nothing was saved.",
        )
    return pd.DataFrame(rows, columns=[*dimensions, "year", "value_usd_m", "status"])
