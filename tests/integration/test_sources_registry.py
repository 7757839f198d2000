"""One source, one module: the registry, where raw files come from, complete vintages, one schema.

Fetches go through a real HTTP server on 127.0.0.1 replaying the recorded responses.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis.errors import SourceError
from analysis.http import HttpClient
from analysis.schema import OBSERVATIONS, RANKINGS
from analysis.sources import REGISTRY, imf_imts, oecd_fdi

from ..conftest import SHARED, need
from ..replay import ReplayServer, Reply

XML = {"Content-Type": "application/vnd.sdmx.structurespecificdata+xml; version=3.0.0"}


CSV = {"Content-Type": "application/vnd.sdmx.data+csv; charset=utf-8"}


OECD = SHARED / "api_fixtures" / "oecd_sdmx"


def _client(source: str) -> HttpClient:
    return HttpClient(source, sleep=lambda s: None, retries=0)


def _route(server: ReplayServer, url: str, *replies: Reply) -> None:
    server.routes["/" + url.split("/", 3)[3]] = list(replies)


# --- one schema ---------------------------------------------------------------------------
def test_data_dictionary_is_generated_from_the_schema() -> None:
    """The READMEs' tables are what docs.render writes now: run `python -m analysis.docs`."""
    from analysis.docs import MAIN_README, README, render

    for path in (README, MAIN_README):
        text = need(path).read_text(encoding="utf-8")
        assert render(text) == text, f"{path} drifted: run `python -m analysis.docs`"
    text = README.read_text(encoding="utf-8")
    for column in list(OBSERVATIONS) + list(RANKINGS):
        assert f"| {column} |" in text


# --- where raw files come from ------------------------------------------------------------
def test_recorded_only_build_reads_shared_data(isolated_data: Path) -> None:
    from analysis.pipeline import find_inputs

    inputs = find_inputs()
    assert {r.origin for r in inputs} == {"recorded"}
    assert {r.source for r in inputs} == {n for n, s in REGISTRY.items() if s.recorded}


def test_own_copy_in_data_raw_overrides_the_recorded_one(isolated_data: Path) -> None:
    from analysis.pipeline import find_inputs

    own = isolated_data / "raw" / "jetro_outward_fdi"
    own.mkdir(parents=True)
    for p in need(SHARED / "jetro_outward_fdi").glob("*.xls*"):
        shutil.copy(p, own / p.name)
    raw = {r.source: r for r in find_inputs()}["jetro_outward_fdi"]
    assert raw.origin == "own copy" and raw.folder == own
    src = REGISTRY["jetro_outward_fdi"]
    obs = src.to_observations(src.parse(raw), raw, None)
    assert obs["source_ref"].astype(str).str.startswith("data/raw/jetro_outward_fdi/").all()


# --- complete vintages: a mixed 304/200 refresh loses nothing ------------------------------
def test_mixed_304_and_200_refresh_keeps_every_file(
    server: ReplayServer, monkeypatch: pytest.MonkeyPatch, isolated_data: Path, imts_xml: bytes
) -> None:
    """First fetch: both requests answer 200. Second: the own-reports request answers 304
    (unchanged), the mirror request 200 with new bytes (the same data re-served with a new
    ``Prepared`` time stamp, as the IMF does on every request). The new vintage must hold both
    files, the unchanged one carried forward, and the build must read its rows."""
    from analysis.pipeline import find_inputs

    monkeypatch.setenv("ASEAN_JAPAN_IMF_BASE_URL", server.url + "/sdmx/3.0")
    reported, mirror = imf_imts.requests_for()
    reprepared = imts_xml.replace(b"2025-12-16T05:16:36", b"2026-11-29T08:00:00")
    assert reprepared != imts_xml
    _route(server, reported.url, Reply(200, imts_xml, XML, etag='"r1"'))
    _route(server, mirror.url, Reply(200, imts_xml, XML, etag='"m1"'))
    imf_imts.fetch(client=_client("imf_imts"), vintage="2026-11-28")
    _route(server, reported.url, Reply(200, imts_xml, XML, etag='"r1"'))  # 304 on If-None-Match
    _route(server, mirror.url, Reply(200, reprepared, XML, etag='"m2"'))
    paths = imf_imts.fetch(client=_client("imf_imts"), vintage="2026-11-29")

    asked = [r for r in server.log if r["path"] == "/" + reported.url.split("/", 3)[3]]
    assert asked[-1]["headers"].get("If-None-Match") == '"r1"'
    new = isolated_data / "raw" / "imf_imts" / "2026-11-29"
    assert sorted(p.name for p in paths) == ["mirror.xml", "reported.xml"]
    assert all(p.parent == new for p in paths)
    entries = {e["file"]: e for e in json.loads((new / "manifest.json").read_text())["files"]}
    assert entries["reported.xml"]["carried_from"] == "2026-11-28"
    assert entries["mirror.xml"]["carried_from"] == ""
    old = isolated_data / "raw" / "imf_imts" / "2026-11-28" / "reported.xml"
    assert os.path.samefile(new / "reported.xml", old)  # carried as a hard link, not a copy
    assert (new / "mirror.xml").read_bytes() == reprepared

    raw = {r.source: r for r in find_inputs()}["imf_imts"]
    assert raw.vintage == "2026-11-29" and len(raw.files) == 2
    obs = imf_imts.SOURCE.to_observations(imf_imts.SOURCE.parse(raw), raw, None)
    refs = set(obs["source_ref"].astype(str))
    assert "imf_imts/2026-11-29/reported.xml" in refs  # the own reports did not leave the build
    usa = obs[(obs["country"] == "USA") & (obs["year"] == 2024)]
    assert usa["value_usd_m"].tolist() == pytest.approx([2065411.250609])


def test_unchanged_refresh_writes_no_vintage(
    server: ReplayServer, monkeypatch: pytest.MonkeyPatch, isolated_data: Path, imts_xml: bytes
) -> None:
    monkeypatch.setenv("ASEAN_JAPAN_IMF_BASE_URL", server.url + "/sdmx/3.0")
    for req in imf_imts.requests_for():
        _route(server, req.url, Reply(200, imts_xml, XML, etag='"same"'))
    imf_imts.fetch(client=_client("imf_imts"), vintage="2026-11-28")
    imf_imts.fetch(client=_client("imf_imts"), vintage="2026-11-29")
    kept = (isolated_data / "raw" / "imf_imts").iterdir()
    assert sorted(p.name for p in kept if p.name != ".lock") == ["2026-11-28"]  # and the lock


def test_a_vintage_listing_a_missing_file_names_itself(
    isolated_data: Path, imts_xml: bytes
) -> None:
    from analysis.pipeline import locate
    from analysis.rawstore import RawRecord, RawStore, sha256_bytes

    store = RawStore("imf_imts")
    rec = RawRecord("reported.xml", "u", {}, "t", 200, sha256_bytes(imts_xml), 1, "", "", "")
    folder = store.write_vintage("2026-11-28", [(rec, imts_xml)], [])
    (folder / "reported.xml").unlink()
    with pytest.raises(SourceError, match="fetch again") as err:
        locate(REGISTRY["imf_imts"])
    assert str(folder) in str(err.value)


# --- a build from fetched data only -------------------------------------------------------
def fetch_recorded_oecd_fdi(server: ReplayServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """Replay the recorded OECD FDI responses (12 reporters x ASEAN, 2010-2024) as a fetch."""
    monkeypatch.setenv("ASEAN_JAPAN_OECD_BASE_URL", server.url + "/public/rest")
    flows = need(OECD / "DF_FDI_FLOW_CTRY_12reporters_to_ASEAN_2010-2024.csv").read_bytes()
    positions = need(OECD / "DF_FDI_POS_CTRY_12reporters_to_ASEAN_2010-2024.csv").read_bytes()
    for req in oecd_fdi.requests_for():  # the recordings answer both pairs of requests
        _route(server, req.url, Reply(200, flows if "FLOW" in req.url else positions, CSV))
    oecd_fdi.fetch(client=_client("oecd_fdi"), vintage="2026-11-29")


def test_build_from_fetched_data_only(
    server: ReplayServer, monkeypatch: pytest.MonkeyPatch, isolated_data: Path, tmp_path: Path
) -> None:
    from analysis.pipeline import build, find_inputs
    from analysis.snapshot import load_rankings, read_manifest

    monkeypatch.setenv("ASEAN_JAPAN_SHARED", str(tmp_path / "no-shared-data"))
    fetch_recorded_oecd_fdi(server, monkeypatch)
    assert [(r.source, r.origin) for r in find_inputs()] == [("oecd_fdi", "fetched")]
    result = build()
    assert result is not None
    manifest = read_manifest()
    # Japan's own cells are blank in the recording (not published), so its outward dataset has
    # no rows; the investors' reports of their positions in the members reach 2024
    entry = manifest["datasets"]["oecd_fdi_mirror"]
    assert entry["origin"] == "fetched" and entry["vintage"] == "2026-11-29"
    assert entry["last_year"] == 2024 and entry["partners"] == "OECD reporters only"
    r = load_rankings()
    vnm = r[(r["country"] == "VNM") & (r["measure"] == "fdi_inward_stock") & (r["year"] == 2024)]
    assert len(vnm) and set(vnm["basis"]) == {"mirror"}
    assert set(vnm["variant"]) == {"oecd_reporters"}  # ranked among OECD reporters only
    kor = vnm[vnm["partner"] == "KOR"]
    assert len(kor) == 1 and kor["rank"].iat[0] >= 1
    assert build() is None  # up to date: same inputs, code and libraries


# --- outputs follow the data --------------------------------------------------------------
def test_main_job_after_replayed_fetches_without_shared_data(
    server: ReplayServer,
    monkeypatch: pytest.MonkeyPatch,
    isolated_data: Path,
    tmp_path: Path,
    imts_xml: bytes,
    capsys: pytest.CaptureFixture,
) -> None:
    """A fresh data folder, no ../shared/data: replay the recorded IMTS response and the
    recorded OECD FDI responses as fetches, run the main job. The fetched vintages reach the
    snapshot's manifest, the figures' data and the printed tables. (The one recorded IMTS
    response holds only the United States' exports to the world, 2023-2024: no ASEAN or Japan
    rows, so the job must say there is no trade ranking rather than fail; the OECD response
    holds Japan's outward FDI in each ASEAN member to 2024.)"""
    from analysis.jobs import main_job
    from analysis.snapshot import read_manifest

    monkeypatch.setenv("ASEAN_JAPAN_SHARED", str(tmp_path / "no-shared-data"))
    monkeypatch.setenv("ASEAN_JAPAN_IMF_BASE_URL", server.url + "/sdmx/3.0")
    for req in imf_imts.requests_for():
        _route(server, req.url, Reply(200, imts_xml, XML))
    imf_imts.fetch(client=_client("imf_imts"), vintage="2026-11-29")
    fetch_recorded_oecd_fdi(server, monkeypatch)

    assert main_job(execute_notebooks=False) == 0
    out = capsys.readouterr().out
    manifest = read_manifest()
    sources = {f["source"] for f in manifest["inputs"]}
    assert sources == {"imf_imts", "oecd_fdi"}  # both fetches reached the build
    assert "oecd_fdi" in out and "2010-2024" in out and "fetched" in out
    assert "no trade dataset in the snapshot" in out
    figures = isolated_data.parent / "reports" / "figures"
    data = pd.read_csv(figures / "fdi-top-investors.csv")
    assert set(data["dataset"]) == {"oecd_fdi_mirror"} and data["year"].max() == 2024
    assert {"VNM", "THA", "IDN"} <= set(data["country"])
    assert not (figures / "japan-rank-grid-trade.png").exists()  # no trade data: no trade chart
