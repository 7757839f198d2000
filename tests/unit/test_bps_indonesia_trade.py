"""Pure logic (hand-made inputs, no real files) beside tests/integration/test_bps_indonesia_trade.py:
BPS "Neraca Perdagangan beberapa Negara" (Indonesia's trade by partner) on the real scrape."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analysis.errors import SourceError
from analysis.sources import REGISTRY, bps_indonesia_trade
from analysis.sources.spec import raw_files

from ..conftest import SHARED, need

FOLDER = SHARED / "bps_indonesia_trade"


NAME = bps_indonesia_trade.NAME


FILE = bps_indonesia_trade.FILE


def _raw(folder: Path = FOLDER):
    return raw_files(REGISTRY[NAME], need(folder), label=NAME)


def _build(folder: Path = FOLDER):
    raw = _raw(folder)
    return REGISTRY[NAME].to_observations(REGISTRY[NAME].parse(raw), raw, None)


def test_empty_and_missing_file(tmp_path: Path) -> None:
    folder = tmp_path / "bps"
    folder.mkdir()
    with pytest.raises(SourceError, match="file not found") as err:
        _build(folder)
    assert FILE in str(err.value)
    (folder / FILE).write_bytes(b"")
    with pytest.raises(SourceError, match="not readable JSON") as err:
        _build(folder)
    assert str(folder / FILE) in str(err.value)
    shutil.rmtree(folder)


def test_bilateral_years_pure_logic_on_a_hand_built_frame() -> None:
    """Pure-logic unit test (hand-built frame, not data): zero -> kept, positive or blank ->
    refused."""
    import pandas as pd

    frame = pd.DataFrame(
        {
            "partner_label": ["Indonesia", "Indonesia", "Indonesia", "Jepang"],
            "measure": ["exports", "exports", "imports", "exports"],
            "year": [2001, 2002, 2003, 2003],
            "value_usd_m": [0.0, 5.0, 0.0, 1.0],
        }
    )
    codes = {"Indonesia": "IDN", "Jepang": "JPN"}
    assert bps_indonesia_trade.bilateral_years(frame, codes, "hand-built") == [2001]
