"""Fault cases of the fetch (#23 items 3, 8 and 11) and of outputs (item 10), counted in the fault
suite's printed total (``test_faults.RESULTS``).

Each runs the real command (``asean-japan fetch|build|report ...``, in this process or as a
process of its own where memory, time or a second process is measured) against a real HTTP
server on 127.0.0.1 replaying real recorded responses with one thing made hostile, and checks
the exit code, one paragraph naming the source and request or file, no traceback, and the data
left as it was.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from analysis.paths import PROJECT_ROOT
from analysis.rawstore import RawStore

from ..conftest import SHARED, need
from ..replay import ReplayServer, Reply
from .test_faults import BASE_ENV, JSON, RESULTS, XML, _checksums, _one_paragraph, _run
from .test_faults import data_dir as data_dir  # noqa: F401 (the fixture, shared)

WB = SHARED / "api_fixtures" / "worldbank" / "wdi_v2_IDN_NY.GDP.MKTP.CD_2020-2024_annotated.json"
IMTS = (
    SHARED
    / "api_fixtures"
    / "imf_sdmx3"
    / ("openbb_imts_data_USA.XG_FOB_USD.G001+G998.A_2023-2024.xml")
)
# the command's own peak memory: VmHWM of its address space (ru_maxrss would carry the peak of
# the test process it was started from across the exec)
PEAK = (
    "import sys\n"
    "from analysis import cli\n"
    "rc = cli.main(sys.argv[1:])\n"
    "hwm = next(x for x in open('/proc/self/status') if x.startswith('VmHWM:'))\n"
    "print('PEAK_KB', hwm.split()[1], file=sys.stderr)\n"
    "sys.exit(rc)\n"
)


def _record(label: str, fault: str, intact: bool) -> bool:
    RESULTS.append((label, fault, intact))
    return intact


def _serve(replies: list[Reply]) -> ReplayServer:
    server = ReplayServer()
    server.default = replies
    server.start()
    return server


def _process(argv: list[str], env: dict[str, str], timeout: float = 240) -> tuple[int, str, int]:
    """The real command as a process of its own: (exit code, stderr without the peak line,
    its peak memory in MB)."""
    full = {**os.environ, **env, "PYTHONPATH": str(PROJECT_ROOT / "src")}
    p = subprocess.run(
        [sys.executable, "-c", PEAK, *argv],
        env=full,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    lines = p.stderr.strip().splitlines()
    peak = [int(x.split()[1]) for x in lines if x.startswith("PEAK_KB ")]
    err = "\n".join(x for x in lines if not x.startswith("PEAK_KB "))
    return p.returncode, err, (peak[0] // 1024 if peak else -1)


def _flat(err: str) -> str:
    """stderr's last paragraph on one line (the CLI wraps it to the terminal's width)."""
    return " ".join(err.split())


def _wb(header: dict | None = None, rows: list | None = None) -> bytes:
    """The recorded World Bank response (GDP of Indonesia), its header or rows replaced."""
    real_header, real_rows = json.loads(need(WB).read_bytes())
    body = [{**real_header, **(header or {})}, real_rows if rows is None else rows]
    return json.dumps(body).encode()


def _oda_rows(**change) -> list[dict]:
    """The recorded rows as the net ODA Indonesia received (DT.ODA.ODAT.CD): rows a build turns
    into observations (the recorded GDP indicator is not one the source keeps)."""
    _, rows = json.loads(need(WB).read_bytes())
    out = [{**r, "indicator": {"id": "DT.ODA.ODAT.CD", "value": "Net ODA received"}} for r in rows]
    for i, values in change.items():
        out[int(i.removeprefix("row"))].update(values)
    return out


def _no_vintage(data: Path, source: str) -> bool:
    """Nothing kept for the source: no vintage and no file but its lock (no temporary folder)."""
    root = data / "raw" / source
    return not [p for p in root.rglob("*") if p.name != ".lock"] if root.exists() else True


# --- item 3: bounded parsing --------------------------------------------------------------


def test_a_gzip_of_millions_of_identical_observations_is_refused(data_dir: Path) -> None:
    """The recorded IMTS message with one series repeating one observation 2.1 million times
    (500 kB gzipped, 150 MB inflated): the parse stops at the observation cap, in bounded
    memory, and nothing is kept."""
    real = need(IMTS).read_bytes()
    a = real.index(b"<Obs ")
    b = real.index(b"/>", a) + 2
    bomb = real[:a] + real[a:b] * 2_100_000 + real[b:]
    body = gzip.compress(bomb, 6)
    assert len(body) < 1_000_000 < 100_000_000 < len(bomb)
    server = _serve([Reply(200, body, {**XML, "Content-Encoding": "gzip"})])
    before = _checksums(data_dir)
    try:
        rc, err, peak = _process(
            ["fetch", "imf_imts"],
            {
                "ASEAN_JAPAN_DATA": str(data_dir),
                BASE_ENV["imf_imts"]: server.url + "/api",
                "ASEAN_JAPAN_MAX_OBSERVATIONS": "300000",  # the default, 2 million, takes 10 s
            },
        )
    finally:
        server.stop()
    intact = _record(
        "imf_imts", "2.1 million identical observations, gzip", _checksums(data_dir) == before
    )
    assert rc == 1, (rc, err)
    _one_paragraph(err)
    err = _flat(err)
    assert "[imf_imts]" in err and "more than 300,000 observations" in err, err
    assert intact and _no_vintage(data_dir, "imf_imts")
    assert peak < 900, f"peak memory {peak} MB"  # the whole tree and table took several GB


def test_pages_past_the_fetch_total_are_refused(data_dir: Path) -> None:
    """20 World Bank pages of 6 MB each (the recorded answer padded with white space, a few kB
    gzipped): with a 20 MB total, the fetch stops at the fourth page, one page in memory at a
    time, and keeps nothing (no vintage, no temporary folder)."""
    page = _wb({"pages": 20}) + b" " * 6_000_000
    server = _serve([Reply(200, gzip.compress(page), {**JSON, "Content-Encoding": "gzip"})])
    before = _checksums(data_dir)
    try:
        rc, err, peak = _process(
            ["fetch", "worldbank_wdi"],
            {
                "ASEAN_JAPAN_DATA": str(data_dir),
                BASE_ENV["worldbank_wdi"]: server.url + "/api",
                "ASEAN_JAPAN_HTTP_MAX_TOTAL_BYTES": "20000000",
            },
        )
        asked = len(server.log)
    finally:
        server.stop()
    intact = _record(
        "worldbank_wdi", "20 pages past the fetch's total", _checksums(data_dir) == before
    )
    assert rc == 1, (rc, err)
    _one_paragraph(err)
    err = _flat(err)
    assert "[worldbank_wdi]" in err and "more than its limit of 20,000,000 bytes in all" in err
    assert "ASEAN_JAPAN_HTTP_MAX_TOTAL_BYTES" in err and asked == 4, (asked, err)
    assert intact and _no_vintage(data_dir, "worldbank_wdi") and peak < 600, peak


def _imts_twice() -> bytes:
    """The recorded IMTS message with its first series given twice."""
    real = need(IMTS).read_bytes()
    a = real.index(b"<Series ")
    b = real.index(b"</Series>", a) + len(b"</Series>")
    return real[:b] + real[a:b] + real[b:]


KEY_TWICE = {
    ("worldbank_wdi", "a row twice, another value"): lambda: _wb(
        rows=_oda_rows() + [_oda_rows(row0={"value": 1.5e9})[0]]
    ),
    ("imf_imts", "a series twice"): _imts_twice,
}


@pytest.mark.parametrize(
    ("source", "fault"), list(KEY_TWICE), ids=[f"{s}-{f}" for s, f in KEY_TWICE]
)
def test_a_key_given_twice_in_one_response_is_refused(
    source: str, fault: str, data_dir: Path, monkeypatch, capsys
) -> None:
    ctype = JSON if source == "worldbank_wdi" else XML
    server = _serve([Reply(200, KEY_TWICE[(source, fault)](), ctype)])
    monkeypatch.setenv(BASE_ENV[source], server.url + "/api")
    before = _checksums(data_dir)
    try:
        rc, err = _run(["fetch", source], capsys)
    finally:
        server.stop()
    intact = _record(source, fault, _checksums(data_dir) == before)
    assert rc == 1, (rc, err)
    _one_paragraph(err)
    err = _flat(err)
    assert f"[{source}]" in err and "/api" in err, err
    if source == "worldbank_wdi":  # the key and both values named
        assert "given twice with different values" in err and "year=2024" in err, err
        assert "1396300.0981" in err and "1500.0" in err, err
    else:
        assert "given more than once" in err and "COUNTERPART_COUNTRY=" in err, err
    assert intact and _no_vintage(data_dir, source)


def test_a_page_of_more_rows_than_the_cap_is_refused_unparsed(
    data_dir: Path, monkeypatch, capsys
) -> None:
    """A World Bank page of 3,000 rows (the recorded rows over other years) where 1,000 are
    allowed: refused from its count of objects, before the JSON is parsed."""
    rows = [{**r, "date": str(1000 + i)} for i, r in enumerate(_oda_rows() * 600)]
    server = _serve([Reply(200, _wb(rows=rows), JSON)])
    monkeypatch.setenv(BASE_ENV["worldbank_wdi"], server.url + "/api")
    monkeypatch.setenv("ASEAN_JAPAN_MAX_OBSERVATIONS", "1000")
    before = _checksums(data_dir)
    try:
        rc, err = _run(["fetch", "worldbank_wdi"], capsys)
    finally:
        server.stop()
    intact = _record(
        "worldbank_wdi", "a page of 3,000 rows, 1,000 allowed", _checksums(data_dir) == before
    )
    assert rc == 1, (rc, err)
    _one_paragraph(err)
    err = _flat(err)
    assert "more than 1,000 observations" in err and "ASEAN_JAPAN_MAX_OBSERVATIONS" in err, err
    assert intact and _no_vintage(data_dir, "worldbank_wdi") and len(server.log) == 1


def test_pages_that_would_not_build_together_are_not_stored(
    data_dir: Path, monkeypatch, capsys
) -> None:
    """Two World Bank pages, each well-formed alone, giving Indonesia's 2024 net ODA two values:
    every build would refuse the vintage, so the fetch refuses it before it is stored."""
    page1 = _wb({"pages": 2}, _oda_rows())
    page2 = _wb({"pages": 2, "page": 2}, _oda_rows(row0={"value": 1.5e9})[:1])
    # the first page is asked twice (for the page count, then as page 1)
    server = _serve([Reply(200, page1, JSON), Reply(200, page1, JSON), Reply(200, page2, JSON)])
    monkeypatch.setenv(BASE_ENV["worldbank_wdi"], server.url + "/api")
    before = _checksums(data_dir)
    try:
        rc, err = _run(["fetch", "worldbank_wdi"], capsys)
    finally:
        server.stop()
    intact = _record(
        "worldbank_wdi", "two pages that would not build", _checksums(data_dir) == before
    )
    assert rc == 1, (rc, err)
    _one_paragraph(err)
    err = _flat(err)
    assert "[worldbank_wdi]" in err and "the vintage holds values the schema refuses" in err, err
    assert "duplicate key" in err and "not stored" in err, err
    assert intact and _no_vintage(data_dir, "worldbank_wdi")


def test_a_workbook_inflating_a_thousandfold_is_refused_unopened(
    data_dir: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    """Bank Indonesia's recorded workbook replaced by a 300 kB zip whose sheet inflates to
    300 MB (a thousandfold, like a 3 MB workbook of 3 GB): `build --force` refuses it from its
    declared sizes, naming the file, and writes nothing."""
    from analysis.sources import REGISTRY, bank_indonesia_fdi

    shared = tmp_path / "shared"
    for name in REGISTRY["bank_indonesia_fdi"].recorded_folders:
        (shared / name).mkdir(parents=True)
    target = shared / REGISTRY["bank_indonesia_fdi"].recorded_folders[0] / bank_indonesia_fdi.FILE
    with zipfile.ZipFile(target, "w") as z:
        sheet = zipfile.ZipInfo("xl/worksheets/sheet1.xml")
        sheet.compress_type = zipfile.ZIP_DEFLATED
        with z.open(sheet, "w", force_zip64=True) as fh:
            for _ in range(18):
                fh.write(b" " * (1 << 24))
    assert target.stat().st_size < 2_000_000
    monkeypatch.setenv("ASEAN_JAPAN_SHARED", str(shared))
    before = _checksums(data_dir)
    start = time.monotonic()
    rc, err = _run(["build", "--force"], capsys)
    intact = _record(
        "file:bank_indonesia_fdi", "a workbook inflating 1000-fold", _checksums(data_dir) == before
    )
    assert rc == 1, (rc, err)
    _one_paragraph(err)
    err = _flat(err)
    assert "[bank_indonesia_fdi]" in err and target.name in err and "would inflate" in err, err
    assert intact and time.monotonic() - start < 60


# --- item 8: one fetch of a source at a time; temporary folders of live writers kept ---------


def test_two_fetches_of_one_source_at_once(data_dir: Path) -> None:
    """Two real `asean-japan fetch imf_imts` processes started together against a slow server:
    the second waits for the first, then finds nothing new. Both succeed, and the one vintage
    holds both responses and its manifest."""
    real = need(IMTS).read_bytes()
    server = _serve([Reply(200, real, XML, delay=1.0)])
    env = {
        **os.environ,
        "ASEAN_JAPAN_DATA": str(data_dir),
        BASE_ENV["imf_imts"]: server.url + "/api",
        "PYTHONPATH": str(PROJECT_ROOT / "src"),
        "ASEAN_JAPAN_HTTP_TIMEOUT": "30",
    }
    cmd = [sys.executable, "-m", "analysis", "fetch", "imf_imts"]
    try:
        procs = [
            subprocess.Popen(
                cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
            )
            for _ in range(2)
        ]
        outs = [p.communicate(timeout=120) for p in procs]
    finally:
        server.stop()
    store = RawStore("imf_imts", root=data_dir / "raw")
    vintages = store.vintages()
    whole = len(vintages) == 1 and {e["file"] for e in store.manifest(vintages[0])} == {
        "mirror.xml",
        "reported.xml",
    }
    whole = whole and all(
        (store.vintage_dir(vintages[0]) / f).is_file() for f in ("mirror.xml", "reported.xml")
    )
    _record("imf_imts", "two fetches of the source at once", whole)
    errs = [err for _, err in outs]
    assert [p.returncode for p in procs] == [0, 0], errs
    assert whole, (vintages, errs)
    assert sum("waiting for another fetch" in e for e in errs) == 1, errs
    assert sum("nothing changed upstream" in e for e in errs) == 1, errs
    assert not list(store.root.glob(".tmp-*")) and not list(store.root.glob(".new*"))


def test_a_fetch_lock_planted_as_a_symlink_truncates_nothing(
    data_dir: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    root = data_dir / "raw" / "imf_imts"
    root.mkdir(parents=True)
    (root / ".lock").symlink_to(victim)
    server = _serve([Reply(200, need(IMTS).read_bytes(), XML)])
    monkeypatch.setenv(BASE_ENV["imf_imts"], server.url + "/api")
    try:
        rc, err = _run(["fetch", "imf_imts"], capsys)
    finally:
        server.stop()
    intact = _record("imf_imts", "the fetch lock a symlink", victim.read_text() == "keep me")
    assert rc == 1, (rc, err)
    _one_paragraph(err)
    assert "a symlink is refused" in _flat(err) and "[imf_imts]" in err, err
    assert intact and server.log == [] and not RawStore("imf_imts").vintages()


def test_a_live_writers_temporary_folder_is_never_removed(
    data_dir: Path, monkeypatch, capsys
) -> None:
    """A vintage being written by a live process (its folder locked) survives a fetch of the
    source, which removes only what a dead writer left (an unlocked temporary folder)."""
    real = need(IMTS).read_bytes()
    store = RawStore("imf_imts")
    dead = store.root / ".tmp-2026-11-29-dead"
    dead.mkdir(parents=True)
    (dead / "reported.xml").write_bytes(real)  # left by a writer killed before its rename
    server = _serve([Reply(200, real, XML)])
    monkeypatch.setenv(BASE_ENV["imf_imts"], server.url + "/api")
    try:
        with store.writing() as live:
            (live / "reported.xml").write_bytes(b"half written")
            # another writer (this process is one: a second lock on the folder is refused)
            rc, err = _run(["fetch", "imf_imts"], capsys)
            kept = (live / "reported.xml").read_bytes() == b"half written"
        gone = not live.exists()
    finally:
        server.stop()
    _record("imf_imts", "a live writer's temporary folder", kept and not dead.exists())
    assert rc == 0, err
    assert kept and not dead.exists() and gone and len(store.vintages()) == 1


# --- item 11: HTTP rules, paths, kernels, report text, notebook parameters --------------------


@pytest.mark.parametrize("when", ["Thu, 01 Jan 1970 00:00:00 GMT", "0"])
def test_a_retry_after_in_the_past_waits_the_backoff(
    when: str, data_dir: Path, monkeypatch, capsys
) -> None:
    """429 with a Retry-After already past (or 0): each retry still waits the backoff (0.2,
    0.4, 0.8 s), never asking again at once."""
    server = _serve([Reply(429, b"Too Many Requests", {"Retry-After": when, **JSON})])
    monkeypatch.setenv(BASE_ENV["worldbank_wdi"], server.url + "/api")
    monkeypatch.setenv("ASEAN_JAPAN_HTTP_RETRIES", "3")
    monkeypatch.setenv("ASEAN_JAPAN_HTTP_BACKOFF", "0.2")
    before = _checksums(data_dir)
    try:
        rc, err = _run(["fetch", "worldbank_wdi"], capsys)
    finally:
        server.stop()
    times = [r["time"] for r in server.log]
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    intact = _record(
        "worldbank_wdi", f"429 with Retry-After {when}", _checksums(data_dir) == before
    )
    assert rc == 75, (rc, err)
    _one_paragraph(err)
    assert len(gaps) == 3 and all(g >= w * 0.95 for g, w in zip(gaps, (0.2, 0.4, 0.8), strict=True))
    assert intact, gaps


@pytest.mark.parametrize("status", [302, 206])
def test_only_a_200_answer_is_stored(status: int, data_dir: Path, monkeypatch, capsys) -> None:
    """A 302 without a Location, or a 206, carrying the real recorded body: not data."""
    server = _serve([Reply(status, need(WB).read_bytes(), JSON)])
    monkeypatch.setenv(BASE_ENV["worldbank_wdi"], server.url + "/api")
    before = _checksums(data_dir)
    try:
        rc, err = _run(["fetch", "worldbank_wdi"], capsys)
    finally:
        server.stop()
    intact = _record("worldbank_wdi", f"HTTP {status} with a body", _checksums(data_dir) == before)
    assert rc == 1, (rc, err)
    _one_paragraph(err)
    err = _flat(err)
    assert f"HTTP {status}" in err and "[worldbank_wdi]" in err and "/api" in err, err
    assert ("without a Location" in err) == (status == 302), err
    assert intact and _no_vintage(data_dir, "worldbank_wdi")


def test_a_60_kb_etag_is_neither_kept_nor_sent(data_dir: Path, monkeypatch, capsys) -> None:
    real = need(IMTS).read_bytes()
    server = _serve([Reply(200, real, {**XML, "ETag": '"' + "e" * 60_000 + '"'})])
    monkeypatch.setenv(BASE_ENV["imf_imts"], server.url + "/api")
    try:
        first, err1 = _run(["fetch", "imf_imts"], capsys)
        second, err2 = _run(["fetch", "imf_imts"], capsys)
    finally:
        server.stop()
    store = RawStore("imf_imts")
    kept = [e["etag"] for v in store.vintages() for e in store.manifest(v)]
    sent = [r["headers"].get("If-None-Match") for r in server.log]
    _record("imf_imts", "a 60 kB ETag", kept == ["", ""] and sent == [None] * 4)
    assert (first, second) == (0, 0), (err1, err2)
    assert kept == ["", ""] and sent == [None] * 4, (kept, [len(s or "") for s in sent])


def test_a_validator_refused_with_a_4xx_is_dropped(data_dir: Path, monkeypatch, capsys) -> None:
    """A kept ETag the server now refuses (HTTP 431): the request is asked once more without
    it, and the fetch goes on."""
    real = need(IMTS).read_bytes()
    server = _serve([Reply(200, real, {**XML, "ETag": '"v1"'})])
    monkeypatch.setenv(BASE_ENV["imf_imts"], server.url + "/api")
    try:
        assert _run(["fetch", "imf_imts"], capsys)[0] == 0
        server.log.clear()
        header_too_large = Reply(
            431, b"Request Header Fields Too Large", {"Content-Type": "text/plain"}
        )
        server.default = [header_too_large, Reply(200, real, XML)]
        rc, err = _run(["fetch", "imf_imts"], capsys)
    finally:
        server.stop()
    sent = [r["headers"].get("If-None-Match") for r in server.log]
    ok = rc == 0 and sent == ['"v1"', None, '"v1"']
    _record("imf_imts", "a kept ETag refused with 431", ok)
    assert rc == 0, err
    assert sent == ['"v1"', None, '"v1"'] and "asking again without" in err, (sent, err)
    assert len(RawStore("imf_imts").vintages()) == 1  # the same bytes: nothing new stored


def test_a_base_url_on_port_0_is_a_usage_error(data_dir: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv(BASE_ENV["worldbank_wdi"], "http://127.0.0.1:0/v2")
    before = _checksums(data_dir)
    rc, err = _run(["fetch", "worldbank_wdi"], capsys)
    intact = _record("settings", "a base URL on port 0", _checksums(data_dir) == before)
    assert rc == 2, (rc, err)
    _one_paragraph(err)
    assert "port 0" in _flat(err) and intact


def test_request_urls_are_joined_and_checked() -> None:
    from analysis.settings import join_url

    assert join_url("http://h:8/api/v2", "data/x+y/*.A") == "http://h:8/api/v2/data/x+y/*.A"
    assert join_url("http://h:8/api/v2/", "/country/IDN;THA") == "http://h:8/api/v2/country/IDN;THA"
    for bad in ("../../etc", "x?y=1", "x#frag", "http://elsewhere/x"):
        with pytest.raises(ValueError, match="does not stay under the base URL"):
            join_url("http://h:8/api/v2", bad)


def test_a_tilde_in_a_path_setting_is_the_home_folder(data_dir: Path, tmp_path: Path) -> None:
    """ASEAN_JAPAN_DATA=~/d: the real command reads $HOME/d (no literal ~ folder is made in the
    current directory); a relative setting is taken from the project root."""
    from analysis import paths

    home = tmp_path / "home"
    (home / "d").mkdir(parents=True)
    (data_dir / "processed").rename(home / "d" / "processed")
    work = tmp_path / "work"
    work.mkdir()
    env = {**os.environ, "HOME": str(home), "ASEAN_JAPAN_DATA": "~/d"}
    env["PYTHONPATH"] = str(PROJECT_ROOT / "src")
    p = subprocess.run(
        [sys.executable, "-m", "analysis", "rank", "JPN", "--year", "2020"],
        env=env, cwd=work, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    ok = p.returncode == 0 and not (work / "~").exists()
    _record("folders", "ASEAN_JAPAN_DATA=~/d", ok)
    assert p.returncode == 0, p.stderr
    assert not (work / "~").exists() and "Traceback" not in p.stderr
    os.environ["ASEAN_JAPAN_DATA"], old = "some/relative", os.environ.get("ASEAN_JAPAN_DATA")
    try:
        assert paths.data_dir() == PROJECT_ROOT / "some" / "relative"
    finally:
        os.environ["ASEAN_JAPAN_DATA"] = old or ""


def test_kernel_files_a_killed_run_left_are_removed_by_the_next(tmp_path: Path) -> None:
    """A kernel folder left by a killed run (its connection file holds the kernel's key) is
    removed when the next notebook runs; a running one's is not; the run leaves none."""
    import fcntl

    from analysis.report import KERNEL_DIRS

    temp = tmp_path / "tmp"
    temp.mkdir()
    dead = temp / (KERNEL_DIRS + "dead")
    dead.mkdir()
    (dead / "kernel.json").write_text('{"key": "left by a killed run"}')
    live = temp / (KERNEL_DIRS + "live")
    live.mkdir()
    held = os.open(live, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(held, fcntl.LOCK_EX)  # a run still at work
    source = tmp_path / "tiny.py"
    source.write_text("# %%\nprint(6 * 7)\n", encoding="utf-8")
    env = {**os.environ, "TMPDIR": str(temp), "PYTHONPATH": str(PROJECT_ROOT / "src")}
    code = (
        "import sys; from pathlib import Path; from analysis.report import execute_notebook; "
        "execute_notebook(Path(sys.argv[1]), Path(sys.argv[2]))"
    )
    try:
        p = subprocess.run(
            [sys.executable, "-c", code, str(source), str(tmp_path / "tiny.ipynb")],
            env=env, capture_output=True, text=True, timeout=180,
        )  # fmt: skip
    finally:
        os.close(held)
    left = sorted(x.name for x in temp.glob(KERNEL_DIRS + "*"))
    _record("folders", "kernel files left by a killed run", left == [live.name])
    assert p.returncode == 0, p.stderr
    assert left == [live.name] and "42" in (tmp_path / "tiny.ipynb").read_text()


def test_bidi_controls_never_reach_the_report(data_dir: Path, tmp_path: Path) -> None:
    """A claim whose sentence carries right-to-left overrides (as a hostile claim file could):
    the report's index shows its words without them."""
    import pandas as pd

    from analysis.report import BIDI, render_html

    verdicts = pd.read_csv(data_dir / "processed" / "claims.csv", keep_default_na=False)
    evidence = pd.read_csv(data_dir / "processed" / "claims_evidence.csv")
    sentence = verdicts.loc[0, "sentence"]
    verdicts.loc[0, "sentence"] = "\u202e" + sentence + "\u2066\u200f"
    index = render_html([], [], tmp_path / "report", verdicts, evidence)
    html = index.read_text(encoding="utf-8")
    clean = not BIDI.search(html) and sentence in html
    _record("report", "bidi controls in a claim's sentence", clean)
    assert clean


@pytest.mark.parametrize(("name", "value"), [("MEMBER", "XYZ"), ("TOP", 0)])
def test_a_wrong_notebook_parameter_is_named(name: str, value, tmp_path: Path) -> None:
    """A notebook run with a parameter it cannot use stops in its first code cell, and the
    message names the parameter, without a traceback or terminal colour codes."""
    from analysis.errors import SourceError
    from analysis.jobs import notebook_source
    from analysis.report import execute_notebook

    src = notebook_source("01-trade-partner-ranking.ipynb")
    with pytest.raises(SourceError) as err:
        execute_notebook(src, tmp_path / "out.ipynb", parameters={name: value})
    text = str(err.value)
    ok = f"sets {name} = {value!r}" in text and "\x1b" not in text and "Traceback" not in text
    _record("notebooks", f"{name} = {value!r}", ok and not (tmp_path / "out.ipynb").exists())
    assert ok and "\n" not in text, text
    assert "notebooks/01-trade-partner-ranking.py" in text


# --- item 10: outputs never followed through a symlink -----------------------------------


def test_chart_outputs_replace_a_planted_symlink(data_dir: Path, tmp_path: Path, capsys) -> None:
    """`chart JPN --out DIR` where DIR/JPN-trade.png, .svg and .csv are symlinks to another
    file: each link is replaced by the chart's file, and the file it pointed to is untouched."""
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    out = tmp_path / "charts"
    out.mkdir()
    for ext in (".png", ".svg", ".csv"):
        (out / f"JPN-trade{ext}").symlink_to(victim)
    rc, err = _run(["chart", "JPN", "--out", str(out)], capsys)
    files = [out / f"JPN-trade{ext}" for ext in (".png", ".svg", ".csv")]
    ok = victim.read_text() == "keep me" and all(f.is_file() and not f.is_symlink() for f in files)
    _record("outputs", "chart files planted as symlinks", ok)
    assert rc == 0, err
    assert ok and files[0].read_bytes().startswith(b"\x89PNG")
    assert not list(out.glob(".*part*"))
