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


@pytest.fixture(scope="module")
def ranked(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, list[Path]]:
    """The first load of a copy of the committed snapshot with an empty cache: the rankings it
    derived from the observations and the cache files it wrote. Made once per module (ranking
    takes ~1.5 s); the tests below start from a copy of its cache."""
    root = tmp_path_factory.mktemp("ranked")
    shutil.copytree(COMMITTED, root / "processed")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ASEAN_JAPAN_DATA", str(root))
        mp.setenv("ASEAN_JAPAN_CACHE", str(root / "cache"))
        first = snapshot.load_rankings()  # ranked from the observations, then cached
    return first, sorted((root / "cache").glob("rankings-*.npz"))


@pytest.fixture()
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ranked) -> Path:
    """A data folder holding a copy of the committed snapshot, with a cache of its own holding
    a copy of what the first load wrote (``ranked``)."""
    shutil.copytree(COMMITTED, tmp_path / "processed")
    (tmp_path / "cache").mkdir()
    for f in ranked[1]:
        shutil.copy(f, tmp_path / "cache" / f.name)
    monkeypatch.setenv("ASEAN_JAPAN_DATA", str(tmp_path))
    monkeypatch.setenv("ASEAN_JAPAN_CACHE", str(tmp_path / "cache"))
    return tmp_path


def test_cached_rankings_are_the_derived_ones(data: Path, ranked) -> None:
    first, files = ranked  # the first load: ranked from the observations, then cached
    assert len(files) == 1
    again = snapshot.load_rankings()  # from the cache
    pd.testing.assert_frame_equal(again, first, check_exact=True)
    assert len(first) == snapshot.read_manifest()["rows"]["rankings"]


def test_a_damaged_cache_is_ranked_again(data: Path, ranked) -> None:
    first, _ = ranked
    (cached,) = (data / "cache").glob("rankings-*.npz")
    cached.write_bytes(b"PK\x03\x04 not a whole zip")
    pd.testing.assert_frame_equal(snapshot.load_rankings(), first, check_exact=True)


def test_a_cache_of_other_observations_is_never_read(data: Path) -> None:
    manifest = snapshot.read_manifest()
    sha = manifest["files"][snapshot.OBSERVATIONS_FILE]["sha256"]
    key = rankcache.key(sha, manifest)
    assert rankcache.read(key) is not None
    assert rankcache.key("0" * 64, manifest) != key
    assert rankcache.read(rankcache.key("0" * 64, manifest)) is None


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
