"""Rankings derived on load from the committed observations, through the disk cache."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis import rankcache, snapshot
from analysis.cli import main
from analysis.paths import PROJECT_ROOT

COMMITTED = PROJECT_ROOT / "data" / "processed"


@pytest.fixture()
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data folder holding a copy of the committed snapshot, with its own empty cache."""
    shutil.copytree(COMMITTED, tmp_path / "processed")
    monkeypatch.setenv("ASEAN_JAPAN_DATA", str(tmp_path))
    monkeypatch.setenv("ASEAN_JAPAN_CACHE", str(tmp_path / "cache"))
    return tmp_path


def test_cached_rankings_are_the_derived_ones(data: Path) -> None:
    first = snapshot.load_rankings()  # ranked from the observations, then cached
    files = list((data / "cache").glob("rankings-*.npz"))
    assert len(files) == 1
    again = snapshot.load_rankings()  # from the cache
    pd.testing.assert_frame_equal(again, first, check_exact=True)
    assert len(first) == snapshot.read_manifest()["rows"]["rankings"]


def test_a_damaged_cache_is_ranked_again(data: Path) -> None:
    first = snapshot.load_rankings()
    (cached,) = (data / "cache").glob("rankings-*.npz")
    cached.write_bytes(b"PK\x03\x04 not a whole zip")
    pd.testing.assert_frame_equal(snapshot.load_rankings(), first, check_exact=True)


def test_a_cache_of_other_observations_is_never_read(data: Path) -> None:
    manifest = snapshot.read_manifest()
    key = rankcache.key(manifest)
    other = {**manifest, "files": {snapshot.OBSERVATIONS_FILE: {"sha256": "0" * 64}}}
    assert rankcache.key(other) != key
    assert rankcache.read(rankcache.key(other)) is None


def test_export_writes_what_load_rankings_gives(data: Path, capsys) -> None:
    out = data / "vnm.csv.gz"
    assert main(["export", str(out), "--country", "VNM"]) == 0
    back = pd.read_csv(out)
    r = snapshot.load_rankings()
    assert len(back) == int((r["country"] == "VNM").sum()) > 0
    assert set(back["country"]) == {"VNM"}
    assert main(["export", str(data / "x.txt")]) == 2
    assert main(["export", str(out), "--country", "VNMM"]) == 2
    assert "the snapshot ranks: ASEAN, BRN" in capsys.readouterr().err
