"""A snapshot is whole or refused, a stuck lock ends in a clear error, empty settings mean
defaults. On a copy of the committed snapshot in tmp_path (the project's files never change)."""

from __future__ import annotations

import gzip
import shutil
import time
from pathlib import Path

import pytest

from analysis import claims as claims_mod
from analysis import snapshot
from analysis.errors import SourceError
from analysis.paths import PROJECT_ROOT

COMMITTED = PROJECT_ROOT / "data" / "processed"


@pytest.fixture()
def copy(tmp_path: Path) -> Path:
    folder = tmp_path / "processed"
    shutil.copytree(COMMITTED, folder)
    return folder


def test_committed_snapshot_is_whole() -> None:
    assert snapshot.verify(COMMITTED) == []


def test_files_beside_an_old_manifest_are_refused(copy: Path) -> None:
    """A build killed between its renames: a new observations file, the old manifest."""
    path = copy / snapshot.OBSERVATIONS_FILE
    text = gzip.decompress(path.read_bytes())
    path.write_bytes(gzip.compress(text[: len(text) // 2]))  # the committed rows, cut in half
    assert snapshot.verify(copy) == [snapshot.OBSERVATIONS_FILE]
    with pytest.raises(SourceError, match="not the one the snapshot's manifest lists"):
        snapshot.load_observations(copy)
    with pytest.raises(SourceError, match="not the one the snapshot's manifest lists"):
        snapshot.load_rankings(copy)  # ranked from that file: refused too, even when cached
    snapshot.load_context("aiddata_china", copy)  # an untouched file still loads


def test_an_interrupted_snapshot_is_stale(copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from analysis.pipeline import find_inputs, stale_reasons

    monkeypatch.setenv("ASEAN_JAPAN_DATA", str(copy.parent))
    inputs = find_inputs()
    assert "snapshot files differ from its manifest" not in stale_reasons(inputs, copy, "focus")
    (copy / "gaps.csv").write_bytes(b"")
    assert "snapshot files differ from its manifest" in stale_reasons(inputs, copy, "focus")


def test_stale_part_files_are_removed_by_the_next_write(copy: Path, tmp_path: Path) -> None:
    """The first rows of the committed tables, written to a new folder (a small, fast write)."""
    folder = tmp_path / "small"
    folder.mkdir()
    stale = folder / ".observations.csv.gz.abc.part"
    stale.write_bytes(b"left by a killed build")
    obs = snapshot.load_observations(copy).head(50)
    manifest = {k: v for k, v in snapshot.read_manifest(copy).items() if k != "files"}
    snapshot.write(folder, obs, None, manifest)
    assert not stale.exists()
    assert snapshot.verify(folder) == []
    assert len(snapshot.load_observations(folder)) == 50


def test_unreadable_manifest_is_a_clear_error(copy: Path) -> None:
    (copy / snapshot.MANIFEST_FILE).write_text("{not json", encoding="utf-8")
    with pytest.raises(SourceError, match="not readable as the snapshot's manifest"):
        snapshot.read_manifest(copy)


# --- values are checked before they are stored --------------------------------------------
XML = {"Content-Type": "application/vnd.sdmx.structurespecificdata+xml; version=3.0.0"}


@pytest.mark.parametrize(
    ("old", "new", "why"),
    [
        (b'TIME_PERIOD="2023"', b'TIME_PERIOD="3000"', "above 2100"),
        (b'TIME_PERIOD="2023"', b'TIME_PERIOD="1800"', "below 1948"),
        (b'OBS_VALUE="2019551635133"', b'OBS_VALUE="1e308"', "in size"),
        (b'OBS_VALUE="2019551635133"', b'OBS_VALUE="-2019551635133"', "negative trade"),
        (b'COUNTERPART_COUNTRY="G001"', b'COUNTERPART_COUNTRY="ZZ9"', "ZZ9"),
    ],
)
def test_impossible_values_are_refused_before_storing(
    server, monkeypatch: pytest.MonkeyPatch, isolated_data: Path, imts_xml: bytes, old, new, why
) -> None:
    """The real IMTS response with one value made impossible (a hostile or broken upstream):
    the fetch fails naming the source and request, and data/raw stays empty."""
    from analysis.http import HttpClient
    from analysis.sources import imf_imts

    from ..replay import Reply

    assert old in imts_xml
    bad = imts_xml.replace(old, new, 1)
    monkeypatch.setenv("ASEAN_JAPAN_IMF_BASE_URL", server.url + "/sdmx/3.0")
    for req in imf_imts.requests_for():
        server.routes["/" + req.url.split("/", 3)[3]] = [Reply(200, bad, XML)]
    with pytest.raises(SourceError) as err:
        imf_imts.fetch(client=HttpClient("imf_imts", sleep=lambda s: None, retries=0))
    assert why in str(err.value) and "[imf_imts]" in str(err.value)
    assert not [p for p in (isolated_data / "raw").rglob("*") if p.is_file() and p.name != ".lock"]


def test_a_bad_fetched_vintage_names_itself_at_build_time(
    isolated_data: Path, imts_xml: bytes
) -> None:
    """A vintage written before these checks existed (or edited by hand) with an impossible
    year: the build names the vintage and how to fall back, and changes nothing."""
    from analysis.pipeline import build_tables, find_inputs
    from analysis.rawstore import RawRecord, RawStore, sha256_bytes

    bad = imts_xml.replace(b'TIME_PERIOD="2023"', b'TIME_PERIOD="3000"', 1)
    rec = RawRecord("reported.xml", "u", {}, "t", 200, sha256_bytes(bad), len(bad), "", "", "")
    folder = RawStore("imf_imts").write_vintage("2026-11-29", [(rec, bad)], [])
    with pytest.raises(SourceError) as err:  # the build's own loop, over this source alone
        build_tables(find_inputs(["imf_imts"]), scope="world")
    text = str(err.value)
    assert "fetched vintage 2026-11-29 cannot be built" in text and str(folder) in text
    assert "above 2100" in text and "mv " in text
    assert (folder / "reported.xml").read_bytes() == bad


# --- kill -9 ----------------------------------------------------------------------------------
def test_fetch_killed_midway_leaves_no_vintage(
    server, isolated_data: Path, imts_xml: bytes, tmp_path: Path
) -> None:
    """A real `asean-japan fetch` process killed with SIGKILL while its second request is in
    flight: nothing was written (every response is validated before the vintage is written)."""
    import os
    import signal
    import subprocess
    import sys

    from analysis.sources import imf_imts

    from ..replay import Reply

    reported, mirror = imf_imts.requests_for()
    env = {
        **os.environ,
        "ASEAN_JAPAN_IMF_BASE_URL": server.url,
        "ASEAN_JAPAN_DATA": str(isolated_data),
        "ASEAN_JAPAN_HTTP_RETRIES": "0",
    }
    for req, delay in ((reported, 0.0), (mirror, 30.0)):
        url = req.url.replace(
            imf_imts.base_url(imf_imts.BASE_URL_ENV, imf_imts.DEFAULT_BASE_URL), server.url
        )
        server.routes["/" + url.split("/", 3)[3]] = [Reply(200, imts_xml, XML, delay=delay)]
    proc = subprocess.Popen(
        [sys.executable, "-m", "analysis", "fetch", "imf_imts"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while len(server.log) < 2 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert len(server.log) == 2, "the second request was never made"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    raw = isolated_data / "raw" / "imf_imts"
    left = [p for p in raw.glob("*") if not p.name.startswith(".tmp-") and p.name != ".lock"]
    assert not left


def test_what_a_write_killed_before_its_rename_leaves_is_ignored_and_cleaned(
    isolated_data: Path, imts_xml: bytes
) -> None:
    """A vintage is written in a hidden temporary folder and renamed at the end: a process
    killed before the rename leaves only that folder, which no build reads and the next write
    removes."""
    from analysis.pipeline import find_inputs
    from analysis.rawstore import RawRecord, RawStore, sha256_bytes

    store = RawStore("imf_imts")
    left = store.root / ".tmp-2026-11-29-abc"
    left.mkdir(parents=True)
    (left / "reported.xml").write_bytes(imts_xml)  # the file, no manifest: killed mid-write
    assert store.vintages() == []
    assert "imf_imts" not in {r.source for r in find_inputs()}
    rec = RawRecord("reported.xml", "u", {}, "t", 200, sha256_bytes(imts_xml), 1, "", "", "")
    store.write_vintage("2026-11-29", [(rec, imts_xml)], [])
    assert not left.exists() and store.vintages() == ["2026-11-29"]


def test_export_never_writes_into_the_snapshot(copy: Path) -> None:
    """`export data/processed/observations.csv.gz` would replace the snapshot with a file every
    reader refuses: refused, one paragraph, the snapshot unchanged."""
    from ..clirun import run_cli

    target = copy / "observations.csv.gz"
    before = target.read_bytes()
    p = run_cli("export", str(target), env={"ASEAN_JAPAN_DATA": str(copy.parent)})
    assert p.returncode == 1 and "inside the snapshot folder" in p.stderr
    assert "Traceback" not in p.stderr and target.read_bytes() == before


def test_a_lock_planted_as_a_symlink_truncates_nothing(copy: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    lock = snapshot.lock_file(copy)  # beside the folder, which a build swaps as a whole
    lock.unlink(missing_ok=True)  # a build's lock file, if the copy has one
    lock.symlink_to(victim)
    with pytest.raises(SourceError, match="a symlink is refused"), snapshot.locked(copy, timeout=0):
        pass
    assert victim.read_text() == "keep me"


def _claim(years: str = "[2008]") -> str:
    text = claims_mod.DEFAULT_FILE.read_text(encoding="utf-8")
    first = text[text.index("[[claim]]") :].split("\n[[claim]]")[0]
    return first.replace("years = [2008]", f"years = {years}")


def test_claim_files_regular_utf8_with_bom_no_repeats(tmp_path: Path) -> None:
    import os

    from analysis import claims
    from analysis.errors import ValidationError
    from analysis.snapshot import load_rankings

    r = load_rankings()
    bom = tmp_path / "bom.toml"
    bom.write_bytes(b"\xef\xbb\xbf" + _claim().encode("utf-8"))
    assert [c.id for c in claims.load(bom, r)] == ["trade-japan-top-many"]
    twice = tmp_path / "twice.toml"
    twice.write_text(_claim("[2008, 2008]"), encoding="utf-8")
    with pytest.raises(ValidationError, match=r"a year listed twice \(2008\)"):
        claims.load(twice, r)
    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)
    with pytest.raises(ValidationError, match="not a regular file"):
        claims.load(fifo, r)  # would block on open() if it were read
    deep = tmp_path / "deep.toml"
    deep.write_text("x = " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="claim file"):
        claims.load(deep, r)


# --- #23, second round: one checked read per file, a snapshot swapped in whole ---------------
def test_a_write_swaps_in_a_whole_folder_keeping_the_other_files(copy: Path) -> None:
    """A write stages the new snapshot beside the folder and swaps it in with one rename: the
    folder is a new one, every file the build does not make (README.md, the claims' outputs)
    is still there with its manifest entry, nothing is left beside it, and the lock lives
    beside the folder (a lock inside would be swapped away with it)."""
    import os

    names = sorted(
        p.name
        for p in copy.iterdir()
        if not snapshot.built_by_build(p.name)  # README.md, the claims' outputs
        or p.name in (snapshot.OBSERVATIONS_FILE, snapshot.MANIFEST_FILE)  # written again
    )
    old = snapshot.read_manifest(copy)
    inode = os.stat(copy).st_ino
    obs = snapshot.load_observations(copy).head(50)
    snapshot.write(copy, obs, None, {k: v for k, v in old.items() if k != "files"})
    assert os.stat(copy).st_ino != inode  # a new folder, swapped in
    assert sorted(p.name for p in copy.iterdir() if not p.name.startswith(".")) == names
    assert (copy / "README.md").read_bytes() == (COMMITTED / "README.md").read_bytes()
    new = snapshot.read_manifest(copy)
    for name in ("claims.csv", "claims_evidence.csv"):
        assert new["files"][name] == old["files"][name]
    assert snapshot.verify(copy) == [] and len(snapshot.load_observations(copy)) == 50
    assert not [p for p in copy.parent.iterdir() if ".processed.new-" in p.name]
    assert snapshot.lock_file(copy) == copy.parent / ".processed.lock"


@pytest.mark.parametrize(
    ("name", "read"),
    [
        ("context_aiddata_china.csv", lambda f: snapshot.load_context("aiddata_china", f)),
        ("claims.csv", lambda f: snapshot.load_table("claims.csv", f)),
        ("claims_evidence.csv", lambda f: snapshot.load_table("claims_evidence.csv", f)),
        ("gaps.csv", snapshot.load_gaps),
    ],
)
def test_every_side_table_goes_through_the_checked_reader(copy: Path, name: str, read) -> None:
    """Context tables, gaps and the claims' outputs: read once, verified against the manifest,
    parsed from those bytes; an edited one is refused, an unlisted one too."""
    assert len(read(copy)) > 0
    path = copy / name
    path.write_bytes(path.read_bytes() + b"\n")
    with pytest.raises(SourceError, match="not the one the snapshot's manifest lists"):
        read(copy)
    (copy / "context_unlisted.csv").write_text("a,b\n1,2\n")
    with pytest.raises(SourceError, match="not listed in the snapshot's manifest"):
        snapshot.load_context("unlisted", copy)
    assert snapshot.load_context("absent", copy) is None


def test_a_raw_file_changed_during_the_parse_is_refused(
    isolated_data: Path, imts_xml: bytes
) -> None:
    """The raw files are identified (device, inode, size, mtime) before they are hashed and
    again after the parse: a file replaced meanwhile ends the build, naming it."""
    import os

    from analysis.pipeline import _file_stats, _unchanged_since, find_inputs
    from analysis.rawstore import RawRecord, RawStore, sha256_bytes

    rec = RawRecord(
        "reported.xml", "u", {}, "t", 200, sha256_bytes(imts_xml), len(imts_xml), "", "", ""
    )
    folder = RawStore("imf_imts").write_vintage("2026-11-29", [(rec, imts_xml)], [])
    inputs = find_inputs(["imf_imts"])
    seen = _file_stats(inputs)
    _unchanged_since(seen, inputs)  # nothing changed: no error
    target = folder / "reported.xml"
    replacement = folder / "replacement"
    replacement.write_bytes(imts_xml)
    os.replace(replacement, target)  # the same bytes, another file
    with pytest.raises(SourceError, match="changed while the build was reading them"):
        _unchanged_since(seen, inputs)


def test_a_symlinked_snapshot_folder_stays_a_symlink(copy: Path, tmp_path: Path) -> None:
    """data/processed as a symlink to a folder elsewhere: the write replaces the folder it
    points to (the link stays), under one lock for every path to it."""
    link = tmp_path / "data" / "processed"
    link.parent.mkdir()
    link.symlink_to(copy)
    obs = snapshot.load_observations(link).head(20)
    manifest = {k: v for k, v in snapshot.read_manifest(link).items() if k != "files"}
    snapshot.write(link, obs, None, manifest)
    assert link.is_symlink() and len(snapshot.load_observations(copy)) == 20
    assert snapshot.lock_file(link) == snapshot.lock_file(copy) and snapshot.verify(link) == []
