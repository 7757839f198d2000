"""The HTTP client's bounds, against a real HTTP server on 127.0.0.1 (tests/replay.py).

Each hostile or broken answer (a gzip bomb, an endless chunked stream, a body announced at 2 GiB, a
server that drips its body or headers a byte at a time, a redirect to another host or in a loop, a
World Bank first page announcing absurd page counts, bad settings, garbage ``Retry-After``) ends in
a SourceError and nothing else, within a few seconds, with the client's memory bounded (1 MB
limit), nothing written under the raw store and, where it matters, the number of requests the
server saw asserted. The real World Bank response recorded in ../shared/data still passes through
the same streamed path, gzip-encoded or chunked.

The gzip bomb is made here from zero bytes: it is not data.
"""

from __future__ import annotations

import gzip
import json
import time
import tracemalloc
import zlib
from pathlib import Path

import pytest

from analysis import cli
from analysis.errors import SourceError
from analysis.http import HttpClient, max_pages
from analysis.rawstore import RawStore
from analysis.sources import worldbank_wdi

from ..conftest import SHARED, need
from ..replay import ReplayServer, Reply

JSON = {"Content-Type": "application/json"}


LIMIT = 1_000_000  # bytes: the test's ASEAN_JAPAN_HTTP_MAX_BYTES


MEMORY = 8_000_000  # most the client may allocate while refusing an oversized answer


@pytest.fixture(scope="module")
def wb_json() -> bytes:
    return need(
        SHARED / "api_fixtures" / "worldbank" / "wdi_v2_IDN_NY.GDP.MKTP.CD_2020-2024_annotated.json"
    ).read_bytes()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """64 MiB of zero bytes, gzip-compressed to about 64 KB, made without holding 64 MiB."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: gzip framing
    zeros = bytes(1 << 20)
    return b"".join([packer.compress(zeros) for _ in range(64)] + [packer.flush()])


@pytest.fixture()
def wb(server: ReplayServer, monkeypatch: pytest.MonkeyPatch) -> ReplayServer:
    monkeypatch.setenv(worldbank_wdi.BASE_URL_ENV, server.url + "/v2")
    monkeypatch.setenv("ASEAN_JAPAN_HTTP_MAX_BYTES", str(LIMIT))
    monkeypatch.setenv("ASEAN_JAPAN_HTTP_RETRIES", "2")
    monkeypatch.setenv("ASEAN_JAPAN_HTTP_TIMEOUT", "5")
    monkeypatch.setenv("ASEAN_JAPAN_HTTP_DEADLINE", "5")
    for var in ("ASEAN_JAPAN_HTTP_BACKOFF", "ASEAN_JAPAN_HTTP_MAX_PAGES"):
        monkeypatch.delenv(var, raising=False)
    return server


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and p.name != ".lock"]  # locks hold nothing


def _fetch(tmp_path: Path, sleeps: list[float] | None = None) -> list[Path]:
    client = HttpClient("worldbank_wdi", sleep=(sleeps if sleeps is not None else []).append)
    return worldbank_wdi.fetch(store=RawStore("worldbank_wdi", root=tmp_path), client=client)


def _refused(tmp_path: Path, match: str, sleeps: list[float] | None = None):
    """Fetch, expecting a SourceError and nothing else: -> (message, seconds, peak bytes)."""
    tracemalloc.start()
    start = time.monotonic()
    try:
        with pytest.raises(SourceError, match=match) as err:
            _fetch(tmp_path, sleeps)
        elapsed = time.monotonic() - start
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert _files(tmp_path) == [], "nothing may be written under the raw store"
    text = str(err.value)
    assert text.startswith("[worldbank_wdi] ") and "\n" not in text
    return text, elapsed, peak


def _page(wb_json: bytes, pages: object) -> bytes:
    body = json.loads(wb_json)
    body[0]["pages"] = pages
    return json.dumps(body).encode()


# --- size -------------------------------------------------------------------------------------
def test_gzip_bomb_stops_at_the_limit(wb: ReplayServer, bomb: bytes, tmp_path: Path) -> None:
    assert len(bomb) < 100_000  # expands 64 MiB: 67 times the limit
    wb.default = [Reply(200, bomb, {**JSON, "Content-Encoding": "gzip"})]
    text, elapsed, peak = _refused(tmp_path, "larger than the limit of 1,000,000 bytes")
    assert "after decompression" in text and "ASEAN_JAPAN_HTTP_MAX_BYTES" in text
    assert len(wb.log) == 1  # a body over the limit is not asked for again
    assert peak < MEMORY and elapsed < 3


def test_endless_chunked_stream_stops_at_the_limit(wb: ReplayServer, tmp_path: Path) -> None:
    wb.default = [Reply(200, b"[" + b"0," * 32768, JSON, chunked=True, repeat=0)]
    text, elapsed, peak = _refused(tmp_path, "larger than the limit of 1,000,000 bytes")
    assert "more came" in text and len(wb.log) == 1
    assert peak < MEMORY and elapsed < 3


def test_body_announced_at_2_gib_is_refused_unread(wb: ReplayServer, tmp_path: Path) -> None:
    wb.default = [Reply(200, b"[" + b"0," * 32768, JSON, length=2 * 1024**3)]
    text, elapsed, peak = _refused(tmp_path, "announces 2,147,483,648 bytes")
    assert len(wb.log) == 1
    assert peak < MEMORY and elapsed < 2


@pytest.mark.parametrize("framing", ["gzip", "chunked"])
def test_real_response_passes_the_streamed_path(
    wb: ReplayServer, wb_json: bytes, tmp_path: Path, framing: str
) -> None:
    if framing == "gzip":
        reply = Reply(200, gzip.compress(wb_json), {**JSON, "Content-Encoding": "gzip"})
    else:
        reply = Reply(200, wb_json, JSON, chunked=True)
    wb.default = [reply]
    paths = _fetch(tmp_path)
    assert [p.read_bytes() for p in paths] == [wb_json]  # stored verbatim, decompressed


# --- time -------------------------------------------------------------------------------------
def test_slow_drip_body_fails_within_the_deadline(
    wb: ReplayServer, wb_json: bytes, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A byte every 0.2 s never trips the 5 s read timeout; the 1 s deadline cuts each attempt."""
    monkeypatch.setenv("ASEAN_JAPAN_HTTP_DEADLINE", "1")
    monkeypatch.setenv("ASEAN_JAPAN_HTTP_RETRIES", "1")
    wb.default = [Reply(200, wb_json, JSON, drip=0.2)]
    sleeps: list[float] = []
    text, elapsed, _ = _refused(tmp_path, "deadline of 1 s", sleeps)
    assert "gave up after 2 attempts" in text and "raise ASEAN_JAPAN_HTTP_DEADLINE" in text
    # retried per the retry policy, and bounded: (retries + 1) * deadline plus the waits
    assert len(wb.log) == 2 and sleeps == [2.0]
    assert 2.0 <= elapsed < 3.5


def test_slow_drip_headers_fail_within_the_deadline(
    wb: ReplayServer, wb_json: bytes, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A status line and headers dripped a byte every 0.1 s: the watchdog cuts them too."""
    monkeypatch.setenv("ASEAN_JAPAN_HTTP_DEADLINE", "1")
    monkeypatch.setenv("ASEAN_JAPAN_HTTP_RETRIES", "0")
    wb.default = [Reply(200, wb_json, JSON, drip=0.1, drip_headers=True)]
    text, elapsed, _ = _refused(tmp_path, "deadline of 1 s")
    assert "gave up after 1 attempt:" in text and len(wb.log) == 1
    assert elapsed < 2


# --- redirects --------------------------------------------------------------------------------
def test_redirect_to_another_host_is_refused(
    wb: ReplayServer, wb_json: bytes, tmp_path: Path
) -> None:
    other = ReplayServer()  # another port: another origin
    other.start()
    try:
        other.default = [Reply(200, wb_json, JSON)]
        wb.default = [Reply(302, b"", {"Location": other.url + "/v2/elsewhere"})]
        text, elapsed, _ = _refused(tmp_path, "redirect to another host")
        assert other.url in text and wb.url in text  # both origins, scheme://host:port
        assert other.log == [] and len(wb.log) == 1  # never followed, never retried
        assert elapsed < 2
    finally:
        other.stop()


def test_same_host_redirect_is_followed(wb: ReplayServer, wb_json: bytes, tmp_path: Path) -> None:
    wb.default = [Reply(301, b"", {"Location": "/v2/moved?format=json"})]
    wb.routes["/v2/moved"] = [Reply(200, wb_json, JSON)]
    paths = _fetch(tmp_path)
    assert [p.read_bytes() for p in paths] == [wb_json]
    assert [r["path"] for r in wb.log].count("/v2/moved") == 2  # first page, then the fetch


def test_redirect_loop_is_bounded(wb: ReplayServer, tmp_path: Path) -> None:
    wb.default = [Reply(307, b"", {"Location": "/v2/again"})]
    text, elapsed, _ = _refused(tmp_path, "more than 5 redirects")
    assert len(wb.log) == 6 and elapsed < 2


# --- pages ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("pages", "message"),
    [
        (10**9, "announces 1,000,000,000 pages, more than the limit of 50"),
        (3000, "announces 3,000 pages, more than the limit of 50"),
        ("many", "announces 'many' pages, not a page count"),
        (2.5, "announces '2.5' pages, not a page count"),
        (-3, "announces -3 pages, not a page count"),
    ],
    ids=["1e9", "3000", "text", "fraction", "negative"],
)
def test_worldbank_absurd_page_count_makes_no_further_request(
    wb: ReplayServer, wb_json: bytes, tmp_path: Path, pages: object, message: str
) -> None:
    wb.default = [Reply(200, _page(wb_json, pages), JSON)]
    text, elapsed, peak = _refused(tmp_path, message)
    assert len(wb.log) == 1  # the first page only
    assert peak < MEMORY and elapsed < 2


def test_worldbank_page_cap_from_the_environment(
    wb: ReplayServer, wb_json: bytes, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("ASEAN_JAPAN_HTTP_MAX_PAGES", "3")
    assert max_pages() == 3
    wb.default = [Reply(200, _page(wb_json, 4), JSON)]
    text, _, _ = _refused(tmp_path, "more than the limit of 3 \\(ASEAN_JAPAN_HTTP_MAX_PAGES\\)")
    assert len(wb.log) == 1
    wb.log.clear()
    wb.default = [Reply(200, _page(wb_json, 3), JSON)]
    paths = _fetch(tmp_path)
    pages = sorted(r["query"].split("page=")[-1] for r in wb.log)
    assert pages == ["1", "1", "2", "3"]  # the first page, then every page
    assert len(paths) == 3


def test_bad_setting_through_the_command_is_one_paragraph(
    isolated_data: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("ASEAN_JAPAN_HTTP_TIMEOUT", "abc")
    monkeypatch.setenv(worldbank_wdi.BASE_URL_ENV, "http://127.0.0.1:9/v2")  # never reached
    assert cli.main(["fetch", "worldbank_wdi"]) == 2
    err = capsys.readouterr().err.strip()
    assert "Traceback" not in err and "\n\n" not in err
    assert "ASEAN_JAPAN_HTTP_TIMEOUT=abc" in err and "Unset it" in err
    assert _files(isolated_data) == []


@pytest.mark.parametrize(
    "value", ["soon", "nan", "inf", "1e400", "Fri, 31 Feb 2025 25:61:00 GMT", "Mon, 32 Foo"]
)
def test_garbage_retry_after_falls_back_to_backoff(
    wb: ReplayServer, wb_json: bytes, tmp_path: Path, value: str
) -> None:
    wb.default = [
        Reply(429, b"Too Many Requests", {"Retry-After": value, "Content-Type": "text/plain"}),
        Reply(200, wb_json, JSON),
    ]
    sleeps: list[float] = []
    paths = _fetch(tmp_path, sleeps)
    assert [p.read_bytes() for p in paths] == [wb_json]
    assert sleeps == [2.0]  # the default first wait
