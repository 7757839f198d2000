"""Bounds on what a parser takes from untrusted bytes, besides the HTTP client's byte caps.

A few hundred kilobytes can stand for far more: a gzip of millions of identical observations, a
workbook whose zip members inflate a thousandfold. So:
- a response yields at most ``max_observations()`` observations
  ($ASEAN_JAPAN_MAX_OBSERVATIONS, default 2 million: the largest real response, the IMF's
  mirror trade of every reporter with the 11 economies, holds about 300,000); an incremental
  parser stops as soon as it is passed;
- a response's observations have one value per key: a key given twice is refused, naming the
  key, and the two values where they differ (a build would refuse the vintage, or keep the
  first silently);
- a workbook's zip members are checked by their declared sizes before the workbook is opened:
  at most ``WORKBOOK_MAX_BYTES`` in all once inflated and at most ``WORKBOOK_MAX_RATIO`` times
  their compressed size (real workbooks: under 5 MB and 16 times), so a 3 MB file that
  inflates to 3 GB is refused unread.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd

from .errors import SourceError
from .settings import number_setting

ENV_MAX_OBSERVATIONS = "ASEAN_JAPAN_MAX_OBSERVATIONS"
WORKBOOK_MAX_BYTES = 256_000_000
WORKBOOK_MAX_RATIO = 200


def max_observations() -> int:
    """The most observations one response may hold ($ASEAN_JAPAN_MAX_OBSERVATIONS)."""
    return int(
        number_setting(
            ENV_MAX_OBSERVATIONS,
            2_000_000,
            "a whole number of observations from 1 to 1000000000",
            True,
            False,
            1e9,
        )
    )


def too_many(source: str, where: str, limit: int) -> SourceError:
    """The error of a response holding more than ``limit`` observations."""
    return SourceError(
        source,
        where,
        f"the response holds more than {limit:,} observations; it was not read further",
        "Nothing was saved. A real answer of this source is far smaller: the server may be "
        f"broken or hostile. If it really sends this many, raise {ENV_MAX_OBSERVATIONS}.",
    )


def refuse_duplicates(
    frame: pd.DataFrame, key: list[str], value: str, source: str, where: str
) -> None:
    """Refuse a response that gives one key twice: a SourceError naming the first repeated
    key, how many keys are repeated, and, where the values differ, the two values."""
    if frame.empty:
        return
    dup = frame.duplicated(key, keep=False)
    if not dup.any():
        return
    rows = frame[dup]
    groups = rows.groupby(key, sort=False, observed=True, dropna=False)[value]
    spread = groups.nunique(dropna=False)
    conflicting = spread[spread > 1]
    first = conflicting.index[0] if len(conflicting) else spread.index[0]
    first = first if isinstance(first, tuple) else (first,)
    named = ", ".join(f"{k}={v}" for k, v in zip(key, first, strict=True))
    values = rows[(rows[key] == pd.Series(first, index=key)).all(axis=1)][value].tolist()
    shown = ", ".join(repr(v) for v in values[:4]) + (" ..." if len(values) > 4 else "")
    if len(conflicting):
        problem = (
            f"{len(conflicting):,} key(s) are given twice with different values, e.g. "
            f"{named}: {shown}"
        )
    else:
        problem = f"{len(spread):,} key(s) are given more than once, e.g. {named} ({shown})"
    raise SourceError(
        source,
        where,
        problem,
        "One response must give one value per key; nothing was saved. The server may be "
        "broken: fetch again later, or report it to the source.",
    )


def check_workbook(path: Path, source: str) -> None:
    """Refuse a workbook (an xlsx: a zip) whose members' declared sizes are beyond the limits,
    before anything inflates it; a file that is not a zip is left to the reader's own error."""
    try:
        with zipfile.ZipFile(path) as z:
            members = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return  # the workbook reader names the damage in its own words
    total = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members)
    worst = max(members, key=lambda m: m.file_size / max(m.compress_size, 1), default=None)
    ratio = worst.file_size / max(worst.compress_size, 1) if worst else 0
    if total > WORKBOOK_MAX_BYTES or (ratio > WORKBOOK_MAX_RATIO and worst.file_size > 1 << 20):
        raise SourceError(
            source,
            str(path),
            f"the workbook's parts would inflate from {packed:,} to {total:,} bytes "
            f"({worst.filename} {ratio:,.0f} times its packed size); workbooks are read only "
            f"up to {WORKBOOK_MAX_BYTES:,} bytes inflated and {WORKBOOK_MAX_RATIO} times",
            "It was not opened; nothing was written. Replace it with an intact copy from the "
            "source (a real workbook of these tables inflates to a few megabytes).",
        )
