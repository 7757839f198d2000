"""Pure logic (hand-made inputs, no real files) beside tests/integration/test_blocs_dated.py: Blocs
have the membership of each year; published bloc rows rank beside no member of theirs."""

from __future__ import annotations

import csv
import datetime as dt

from analysis.paths import PACKAGE_DATA


# ---- defect 1: membership as of each year -------------------------------------------------
def test_membership_years_follow_the_1_july_rule() -> None:
    """from_year/to_year of data/blocs.csv are the years whose 1 July falls inside membership."""
    with open(PACKAGE_DATA / "blocs.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and all(r["note"] for r in rows[:1])
    for r in rows:
        joined = dt.date.fromisoformat(r["joined"])
        first = joined.year if joined <= dt.date(joined.year, 7, 1) else joined.year + 1
        assert int(r["from_year"]) == first, r
        if r["left"]:
            left = dt.date.fromisoformat(r["left"])
            last = left.year if left > dt.date(left.year, 7, 1) else left.year - 1
            assert int(r["to_year"]) == last, r
        else:
            assert r["to_year"] == "", r
    gbr = next(r for r in rows if r["bloc"] == "EU" and r["member"] == "GBR")
    assert gbr["to_year"] == "2019"  # out on 31 January 2020: 2020 is not EU
