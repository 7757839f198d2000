"""The IMF's SDMX-ML 3.0 structure-specific data messages, shared by every IMF dataflow.

Series carry their dimensions as attributes; observations carry TIME_PERIOD, OBS_VALUE and
STATUS. The IMF's values are in plain US dollars although series say SCALE="6": they are
divided by 1e6 here (US$ million) and nowhere else.
"""

from __future__ import annotations

import pandas as pd

from ..errors import SourceError
from ..limits import max_observations, refuse_duplicates, too_many


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


CHUNK = 1 << 20  # bytes fed to the parser at a time


def parse_series(data: bytes, source: str, where: str, dimensions: tuple[str, ...]) -> pd.DataFrame:
    """-> one row per observation: the dimensions, year, value_usd_m, status (as given).

    Parsed incrementally (expat's start tags: no tree of the message is ever built), so memory
    follows the observations kept; past ``limits.max_observations()`` observations the parse
    stops, and a key (the dimensions and the year) given twice is refused
    (``limits.refuse_duplicates``)."""
    from xml.parsers import expat

    limit = max_observations()
    rows: list[tuple] = []
    counts = {"series": 0, "obs": 0}
    key: list[tuple] = [()]
    path: list[str] = []

    def start(tag: str, attrs: dict[str, str]) -> None:
        name = _local(tag)
        if not path and name != "StructureSpecificData":
            raise SourceError(
                source,
                where,
                f"root element is {name!r}",
                "Expected an SDMX-ML 3.0 StructureSpecificData message (is the Accept "
                "header honoured?); nothing was saved.",
            )
        if name == "Series":
            counts["series"] += 1
            key[0] = _series_key(attrs, dimensions, source, where)
        elif name == "Obs" and path[-1] == "Series":
            counts["obs"] += 1
            if counts["obs"] > limit:
                raise too_many(source, where, limit)
            row = _observation(attrs, source, where)
            if row is not None:
                rows.append((*key[0], *row))
        path.append(name)

    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler = start
    parser.EndElementHandler = lambda tag: path.pop()
    try:
        for at in range(0, len(data), CHUNK):
            parser.Parse(data[at : at + CHUNK], False)
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise SourceError(
            source,
            where,
            f"malformed XML ({expat.ErrorString(exc.code)}: line {exc.lineno}, column "
            f"{exc.offset})",
            "Expected an SDMX-ML 3.0 structure-specific message; nothing was saved.",
        ) from exc
    if counts["series"] == 0:
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
