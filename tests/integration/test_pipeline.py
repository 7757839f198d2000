"""The full build from ../shared/data: reproducible snapshot, figures that match the IMF files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis import snapshot
from analysis.countries import FOCUS
from analysis.errors import SourceError
from analysis.paths import PROJECT_ROOT
from analysis.pipeline import build

from ..conftest import SHARED
from ..excel import number, read_row

COMMITTED = PROJECT_ROOT / "data" / "processed"


def test_snapshot_is_byte_for_byte_reproducible(focus_build) -> None:
    """Rebuilding from the raw files gives exactly the committed files, and the rankings
    derived on load from the committed observations are exactly the build's."""
    committed = COMMITTED / snapshot.OBSERVATIONS_FILE
    assert committed.is_file(), f"{committed} is not committed"
    assert snapshot.csv_gz_bytes(focus_build.observations) == committed.read_bytes(), (
        "observations differ from a rebuild: run `asean-japan build --force` and commit"
    )
    assert not (COMMITTED / snapshot.RANKINGS_FILE).exists()  # derived on load, not committed
    from analysis.rank import RankSettings, rank

    derived = rank(
        snapshot.load_observations(COMMITTED),
        RankSettings.from_manifest(snapshot.read_manifest(COMMITTED)),
    )
    pd.testing.assert_frame_equal(derived, focus_build.rankings, check_exact=True)
    manifest = snapshot.read_manifest(COMMITTED)
    from analysis.fingerprint import fingerprints, library_versions

    assert manifest["fingerprints"] == fingerprints(), (
        "the committed snapshot was built by other code: run `asean-japan build` and commit"
    )

    assert manifest["libraries"] == library_versions(), (
        "the committed snapshot was written by other library versions: install from "
        "requirements.lock (make) or rebuild"
    )
    assert manifest["inputs"] == focus_build.manifest["inputs"]
    assert manifest["datasets"] == focus_build.manifest["datasets"]
    per_source = {}
    for f in manifest["inputs"]:
        per_source[f["source"]] = per_source.get(f["source"], 0) + 1
    # every file each recorded source selects in its folder of ../shared/data, and no other
    from analysis.sources import REGISTRY

    expected = {
        name: sum(
            len(src.files_in(SHARED / f)) for f in src.recorded_folders if (SHARED / f).is_dir()
        )
        for name, src in REGISTRY.items()
        if src.recorded and (SHARED / src.recorded_folders[0]).is_dir()
    }
    assert per_source == {n: k for n, k in expected.items() if k}
    assert per_source["imf_dots_xlsx"] == 235 and per_source["wdi_dac_donors"] == 31
    assert manifest["rows"] == focus_build.manifest["rows"]


def test_snapshot_scope(focus_build) -> None:
    # ASEAN is an economy where a source reports it as one (ASEANstats' inflows into ASEAN)
    assert set(focus_build.observations["country"].astype(str)) == set(FOCUS) | {"ASEAN"}
    assert set(focus_build.rankings["country"].astype(str)) == set(FOCUS) | {"ASEAN"}
    asean_obs = focus_build.observations[focus_build.observations["country"] == "ASEAN"]
    assert set(asean_obs["dataset"]) == {"aseanstats_fdi"}
    # a dataset of one reporter never forms ASEAN as an economy
    r = focus_build.rankings
    single = r[r["dataset"].isin(["singstat_trade", "bps_indonesia_trade"])]
    assert len(single) and "ASEAN" not in set(single["country"].astype(str))
    trade = focus_build.rankings[focus_build.rankings["dataset"] == "imf_dots_xlsx"]
    years = trade["year"]
    assert years.min() == 1960 and years.max() == 2020


def _rank_rows(build, **kw):
    r = build.rankings
    m = r["dataset"] == "imf_dots_xlsx"
    for k, v in kw.items():
        m &= r[k] == v
    return r[m]


def test_viet_nam_japan_2019_matches_the_imf_workbook(focus_build, dots_dir: Path) -> None:
    path = dots_dir / "DOTS_213.xlsx"  # Vietnam
    exp = number(read_row(path, "Exports, FOB", "Japan")[2019])
    imp = number(read_row(path, "Imports, CIF", "Japan")[2019])
    world = number(read_row(path, "Exports, FOB", "World")[2019]) + number(
        read_row(path, "Imports, CIF", "World")[2019]
    )
    row = _rank_rows(
        focus_build,
        measure="trade",
        variant="countries",
        basis="reported",
        country="VNM",
        year=2019,
        partner="JPN",
    )
    assert row["value_usd_m"].iat[0] == pytest.approx(exp + imp)
    assert row["share"].iat[0] == pytest.approx((exp + imp) / world)
    # and every partner above Japan has more trade with Viet Nam
    top = _rank_rows(
        focus_build,
        measure="trade",
        variant="countries",
        basis="reported",
        country="VNM",
        year=2019,
    )
    above = top[top["rank"] < row["rank"].iat[0]]
    assert (above["value_usd_m"] > exp + imp).all()
    assert len(above) == row["rank"].iat[0] - 1


def test_asean_among_japans_partners_sums_the_ten_members(focus_build, dots_dir: Path) -> None:
    path = dots_dir / "DOTS_101.xlsx"  # Japan
    names = [
        "Brunei Darussalam",
        "Cambodia",
        "Indonesia",
        "Lao People's Dem. Rep.",
        "Malaysia",
        "Myanmar",
        "Philippines",
        "Singapore",
        "Thailand",
        "Vietnam",
    ]
    total = sum(
        number(read_row(path, s, n).get(2019, 0))
        for s in ("Exports, FOB", "Imports, CIF")
        for n in names
    )
    row = _rank_rows(
        focus_build,
        measure="trade",
        variant="blocs",
        basis="reported",
        country="JPN",
        year=2019,
        partner="ASEAN",
    )
    assert row["value_usd_m"].iat[0] == pytest.approx(total)


def test_laos_best_ranking_rests_on_partners_reports(focus_build, dots_dir: Path) -> None:
    thailand = dots_dir / "DOTS_194.xlsx"
    laos_exports_to_thailand = number(
        read_row(thailand, "Imports, CIF", "Lao People's Dem. Rep.")[2019]
    )
    row = _rank_rows(
        focus_build,
        measure="exports",
        variant="countries",
        basis="best",
        country="LAO",
        year=2019,
        partner="THA",
    )
    assert row["value_basis"].iat[0] == "mirror"
    assert row["value_usd_m"].iat[0] == pytest.approx(laos_exports_to_thailand)
    own = _rank_rows(
        focus_build,
        measure="exports",
        variant="countries",
        basis="reported",
        country="LAO",
        year=2019,
    )
    assert own["estimated_share"].mean() > 0.5  # Laos's own file is nearly all IMF estimates


def test_mirror_observations_swap_flows(focus_build, dots_dir: Path) -> None:
    japan = dots_dir / "DOTS_101.xlsx"
    japan_imports_from_vn = number(read_row(japan, "Imports, CIF", "Vietnam")[2010])
    o = focus_build.observations
    row = o[
        (o["country"] == "VNM")
        & (o["partner"] == "JPN")
        & (o["year"] == 2010)
        & (o["basis"] == "mirror")
        & (o["measure"] == "exports")
    ]
    assert row["value_usd_m"].tolist() == pytest.approx([japan_imports_from_vn])
    assert row["source_ref"].tolist() == ["imf_dots_2022/DOTS_101.xlsx#Imports, CIF"]


def test_failed_build_leaves_processed_files_untouched(
    isolated_data: Path, dots_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Builds from two (then three) real DOTS workbooks alone: the other sources' recorded
    files are left out (ASEAN_JAPAN_SHARED moved away), as the outcome rests on the damaged
    workbook; parsing all of them three times took 5 s and proved nothing more."""
    monkeypatch.setenv("ASEAN_JAPAN_SHARED", str(isolated_data.parent / "no-shared-data"))
    own = isolated_data / "raw" / "imf_dots_xlsx"
    own.mkdir(parents=True)
    for n in ("DOTS_101.xlsx", "DOTS_213.xlsx"):
        shutil.copy(dots_dir / n, own / n)
    first = build(force=True)
    assert first is not None
    processed = isolated_data / "processed"
    before = {p.name: p.read_bytes() for p in processed.iterdir() if p.is_file()}
    assert {"observations.csv.gz", "gaps.csv", "manifest.json"} <= set(before)
    assert build() is None  # up to date: nothing rebuilt
    data = (dots_dir / "DOTS_204.xlsx").read_bytes()
    (own / "DOTS_204.xlsx").write_bytes(data[: len(data) // 3])  # a truncated download
    with pytest.raises(SourceError, match="DOTS_204.xlsx"):
        build(force=True)
    after = {p.name: p.read_bytes() for p in processed.iterdir() if p.is_file()}
    assert after == before
    assert not list(processed.glob("*.part"))


def test_two_builds_at_once_leave_a_valid_snapshot(tmp_path: Path, dots_dir: Path) -> None:
    """Two concurrent `build --force` runs on one data folder: the lock and atomic renames mean
    the result is exactly what one build writes, never a mix or a partial file."""
    import os
    import subprocess
    import sys

    data = tmp_path / "data"
    own = data / "raw" / "imf_dots_xlsx"
    own.mkdir(parents=True)
    for n in ("DOTS_101.xlsx", "DOTS_213.xlsx", "DOTS_194.xlsx"):
        shutil.copy(dots_dir / n, own / n)
    env = {
        **os.environ,
        "ASEAN_JAPAN_DATA": str(data),
        "ASEAN_JAPAN_SHARED": str(tmp_path / "none"),
    }
    cmd = [sys.executable, "-m", "analysis", "build", "--force", "--quiet"]
    procs = [
        subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    results = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    processed = data / "processed"
    after = {
        p.name: p.read_bytes() for p in processed.iterdir() if p.is_file() and p.name != ".lock"
    }
    assert not list(processed.glob("*.part"))
    single = subprocess.run(cmd, env=env, capture_output=True, timeout=300)
    assert single.returncode == 0
    again = {
        p.name: p.read_bytes() for p in processed.iterdir() if p.is_file() and p.name != ".lock"
    }
    assert after == again
    assert len(snapshot.load_rankings(processed)) > 0


def test_world_build_writes_observations_and_streams_rankings_on_request(
    tmp_path: Path, monkeypatch, dots_dir: Path
) -> None:
    """The world scope writes every reporter's observations and, on request, its rankings
    batch by batch (a stand-in ranking of three economies keeps this quick); the manifest
    lists what was written and counts the streamed rows; a write without rankings removes a
    rankings file an earlier build left; a build asked for rankings is stale without them."""
    import analysis.pipeline as pipeline
    from analysis.rank import rank_batches

    # the world scope of 30 of the 235 real workbooks (the other sources' files left out):
    # the same code path, a tenth of the parsing and writing
    shared = tmp_path / "shared"
    (shared / "imf_dots_2022").mkdir(parents=True)
    for p in sorted(dots_dir.glob("*.xlsx"))[:30]:
        (shared / "imf_dots_2022" / p.name).symlink_to(p)
    monkeypatch.setenv("ASEAN_JAPAN_SHARED", str(shared))
    monkeypatch.setenv("ASEAN_JAPAN_DATA", str(tmp_path / "data"))
    tmp_path = tmp_path / "world"

    def three(obs, settings):
        assert settings.countries is None  # the world: every economy
        return rank_batches(obs, settings.only({"BRN", "LAO", "FJI"}), batch_rows=5_000)

    monkeypatch.setattr(pipeline, "rank_batches", three)
    result = pipeline.build(scope="world", force=True, folder=tmp_path, rankings="batches")
    manifest = snapshot.read_manifest(tmp_path)
    assert manifest["scope"] == "world" and snapshot.verify(tmp_path) == []
    # the world's observations as codes and numbers (coded.py), not gzip CSV
    assert snapshot.CODED_OBSERVATIONS_FILE in manifest["files"]
    assert not (tmp_path / snapshot.OBSERVATIONS_FILE).exists()
    ranked = snapshot.load_rankings(tmp_path)
    assert set(ranked["country"]) == {"BRN", "LAO", "FJI"}
    assert manifest["rows"]["rankings"] == len(ranked) == result.manifest["rows"]["rankings"]
    obs = snapshot.load_observations(tmp_path)
    assert obs["country"].nunique() >= 30 and len(obs) == manifest["rows"]["observations"]
    assert pipeline.build(scope="world", folder=tmp_path, rankings="batches") is None

    # the same snapshot without its rankings file: up to date unless rankings are asked for
    (tmp_path / snapshot.RANKINGS_FILE).unlink()
    del manifest["files"][snapshot.RANKINGS_FILE]
    (tmp_path / snapshot.MANIFEST_FILE).write_text(json.dumps(manifest))

    def rebuilt(*args, **kwargs):
        raise RuntimeError("rebuilt")

    monkeypatch.setattr(pipeline, "build_tables", rebuilt)
    assert pipeline.build(scope="world", folder=tmp_path) is None
    with pytest.raises(RuntimeError, match="rebuilt"):
        pipeline.build(scope="world", folder=tmp_path, rankings="batches")

    (tmp_path / snapshot.RANKINGS_FILE).write_bytes(b"left by an earlier build")
    snapshot.write(tmp_path, obs.head(10), None, {"rows": {"observations": 10}})
    assert not (tmp_path / snapshot.RANKINGS_FILE).exists()
    assert snapshot.RANKINGS_FILE not in snapshot.read_manifest(tmp_path)["files"]
    assert snapshot.verify(tmp_path) == []
