"""The findings the README and the report open with: computed from the committed snapshot,
each backed by a figure the main job draws and a command that runs; checked here against
the rankings read another way (the rows themselves, not the functions that wrote the
sentences)."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from analysis import findings, query
from analysis.captions import CAPTIONS
from analysis.countries import asean_members

from ..clirun import run_cli


@pytest.fixture(scope="module")
def found() -> list[findings.Finding]:
    return findings.key_findings()


def test_five_to_eight_findings_each_with_data_figure_and_command(found) -> None:
    assert 5 <= len(found) <= 8
    for f in found:
        assert f.text.endswith(".") and re.search(r"\b(19|20)\d\d\b", f.text), f.text
        assert f.figure in CAPTIONS, f.figure
        assert f.datasets and f.command.startswith("asean-japan ")


def test_each_command_answers(found) -> None:
    for f in found:
        p = run_cli(*f.command.split()[1:])
        assert p.returncode == 0, (f.command, p.stderr)


def _latest_japan(r: pd.DataFrame, measure: str) -> pd.DataFrame:
    """Japan's row in each member's latest year of the headline series of ``measure``,
    from the rows of query.select (not findings' own helper)."""
    d = query.select(r, measure=measure, variant=None, basis=None)
    d = d[d["country"].isin(asean_members()).to_numpy() & (d["partner"] == "JPN").to_numpy()]
    d = d.assign(country=d["country"].astype(str)).sort_values(["country", "year"])
    return d.groupby("country").tail(1)


def test_numbers_follow_the_rankings(found) -> None:
    r = query.rankings()
    trade = _latest_japan(r, "trade")
    first = found[0].text
    n = int((trade["rank"] == 1).sum())
    assert first.startswith(f"Japan is the largest trade partner of {n or 'none'} of the 10")
    assert f"ranks {int(trade['rank'].min())}-{int(trade['rank'].max())} today" in first
    china = next(f.text for f in found if f.text.startswith("China is ahead"))
    t = query.overtake("CHN", "JPN")
    assert f"in the trade of {int(t['ahead_since'].notna().sum())} of 10 members" in china
    assert "Thailand 2013" in china  # README question 2: China passed Japan in Thailand in 2013
    gross = _latest_japan(r, "oda_received_gross_current")
    oda = next(f.text for f in found if "gross disbursements" in f.text)
    assert f"of {int((gross['rank'] == 1).sum())} of {len(gross)} recipients" in oda
    asean = next(f.text for f in found if f.text.startswith("ASEAN is Japan's"))
    assert asean.startswith("ASEAN is Japan's no. 3 trade partner in 2024")
    assert "last 2nd in 2020-2022" in asean
