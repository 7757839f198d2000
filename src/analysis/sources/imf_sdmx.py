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


CHUNK = 1 << 20  # bytes fed to the incremental parser at a time


def parse_series(data: bytes, source: str, where: str, dimensions: tuple[str, ...]) -> pd.DataFrame:
    """-> one row per observation: the dimensions, year, value_usd_m, status (as given).

    Parsed incrementally (each observation read from its start tag and dropped), so memory
    follows the observations kept, never a tree of the whole message; past
    ``limits.max_observations()`` observations the parse stops, and a key (the dimensions and
    the year) given twice is refused (``limits.refuse_duplicates``)."""
    from ..limits import max_observations, refuse_duplicates, too_many

    limit = max_observations()
    parser = ET.XMLPullParser(events=("start", "end"))
    rows: list[tuple] = []
    n_series = n_obs = 0
    key: tuple = ()
    stack: list[ET.Element] = []
    try:
        for at in range(0, max(len(data), 1), CHUNK):
            parser.feed(data[at : at + CHUNK])
            for event, elem in parser.read_events():
                if event == "end":
                    stack.pop()
                    if stack:  # done with it: dropped from its parent, so nothing piles up
                        stack[-1].remove(elem)
                    continue
                name = _local(elem.tag)
                if not stack and name != "StructureSpecificData":
                    raise SourceError(
                        source,
                        where,
                        f"root element is {name!r}",
                        "Expected an SDMX-ML 3.0 StructureSpecificData message (is the Accept "
                        "header honoured?); nothing was saved.",
                    )
                stack.append(elem)
                if name == "Series":
                    n_series += 1
                    key = _series_key(elem.attrib, dimensions, source, where)
                elif name == "Obs" and len(stack) > 1 and _local(stack[-2].tag) == "Series":
                    n_obs += 1
                    if n_obs > limit:
                        raise too_many(source, where, limit)
                    row = _observation(elem.attrib, source, where)
                    if row is not None:
                        rows.append((*key, *row))
        parser.close()
    except ET.ParseError as exc:
        raise SourceError(
            source,
            where,
            f"malformed XML ({exc})",
            "Expected an SDMX-ML 3.0 structure-specific message; nothing was saved.",
        ) from exc
    if n_series == 0:
        raise SourceError(
            source,
            where,
            "the message holds no series (empty dataset)",
            "Check the codes in the query; nothing was saved.",
        )
    frame = pd.DataFrame(rows, columns=[*dimensions, "year", "value_usd_m", "status"])
    refuse_duplicates(frame, [*dimensions, "year"], "value_usd_m", source, where)
    return frame


def _series_key(attrs, dimensions: tuple[str, ...], source: str, where: str) -> tuple:
    """A Series' dimensions, checked: every one present, annual frequency."""
    missing = [k for k in dimensions if k not in attrs]
    if missing:
        raise SourceError(
            source, where, f"a Series lacks the dimension(s) {missing}; found {sorted(attrs)}"
        )
    if attrs.get("FREQUENCY", "A") != "A":
        raise SourceError(
            source, where, f"FREQUENCY {attrs.get('FREQUENCY')!r}, expected annual 'A'"
        )
    return tuple(attrs[k] for k in dimensions)


def _observation(o, source: str, where: str) -> tuple[int, float, str] | None:
    """(year, value in US$ million, status) of an Obs; None where it has no value."""
    raw_value, period = o.get("OBS_VALUE"), o.get("TIME_PERIOD", "")
    if raw_value in (None, "", "NaN"):
        return None
    try:
        year = int(period[:4])
        value = float(raw_value) / 1e6  # US dollars -> US$ million
    except ValueError as exc:
        raise SourceError(
            source,
            where,
            f"unreadable observation TIME_PERIOD={period!r} OBS_VALUE={raw_value!r}",
        ) from exc
    return year, value, o.get("STATUS", "").strip()
