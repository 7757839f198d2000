"""IMTS: the parser on the real recorded response, the fetcher against a real local HTTP server."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from analysis.errors import SourceError
from analysis.http import HttpClient
from analysis.rawstore import RawStore
from analysis.sources import imf_imts
from analysis.sources.spec import RawFiles

from ..replay import ReplayServer, Reply

XML = {"Content-Type": "application/vnd.sdmx.structurespecificdata+xml;version=3.0.0"}


HTML_PAGE = b"<!DOCTYPE html><html><body><h1>Service Unavailable</h1></body></html>"


def test_parse_recorded_response_in_millions(imts_xml: bytes) -> None:
    df = imf_imts.parse_xml(imts_xml)
    got = {(r.partner_code, r.year): r.value_usd_m for r in df.itertuples()}
    # OBS_VALUE="2019551635133" is US dollars although the series says SCALE="6"
    assert got[("G001", 2023)] == pytest.approx(2019551.635133)
    assert got[("G998", 2024)] == pytest.approx(371064.529410)
    assert set(df["reporter_code"]) == {"USA"} and set(df["measure"]) == {"exports"}
    assert len(df) == 4


def test_observations_from_recorded_response(imts_xml: bytes) -> None:
    parsed = imf_imts.parse_xml(imts_xml).assign(file="reported.xml")
    raw = RawFiles("imf_imts", Path("/"), "imf_imts/2025-12-16", (), "2025-12-16", "fetched")
    obs = imf_imts.to_observations(parsed, raw)
    assert set(obs["partner"].astype(str)) == {"WLD"}  # G998, the IMF's EU row, is an aggregate
    assert set(obs["basis"].astype(str)) == {"reported"}
    assert obs["source_ref"].astype(str).iat[0] == "imf_imts/2025-12-16/reported.xml"


def _paths() -> list[str]:
    return [p for p, _ in imf_imts.queries().values()]


def _serve(server: ReplayServer, *replies: Reply) -> None:
    for path in _paths():
        server.routes["/sdmx" + path] = list(replies)


@pytest.fixture()
def imf(server: ReplayServer, monkeypatch: pytest.MonkeyPatch) -> ReplayServer:
    monkeypatch.setenv(imf_imts.BASE_URL_ENV, server.url + "/sdmx")
    return server


def _client(sleeps: list[float], **kw) -> HttpClient:
    return HttpClient("imf_imts", sleep=sleeps.append, **kw)


def _tree(root: Path) -> dict[str, str]:
    if not root.exists():
        return {}
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != ".lock"  # a fetch's lock holds nothing
    }


def test_fetch_end_to_end(imf: ReplayServer, imts_xml: bytes, tmp_path: Path) -> None:
    _serve(imf, Reply(200, imts_xml, XML))
    store = RawStore("imf_imts", root=tmp_path)
    sleeps: list[float] = []
    saved = imf_imts.fetch(store=store, client=_client(sleeps), vintage="2026-11-28")
    assert saved and all(p.read_bytes() == imts_xml for p in saved)
    manifest = json.loads((tmp_path / "imf_imts" / "2026-11-28" / "manifest.json").read_text())
    entry = manifest["files"][0]
    assert entry["sha256"] == hashlib.sha256(imts_xml).hexdigest()
    assert entry["status"] == 200 and entry["url"].startswith(imf.url)
    assert "IMF" in entry["licence"] and "IMTS" in entry["citation"]
    # two requests, as few as the API allows: own reports and partners' (mirror) reports
    assert len(imf.log) == 2
    reported = imf.log[0]
    assert (
        "JPN+BRN+IDN+KHM+LAO+MMR+MYS+PHL+SGP+THA+VNM.XG_FOB_USD+MG_CIF_USD.*.A" in reported["path"]
    )
    assert "*.XG_FOB_USD+MG_CIF_USD.JPN+BRN" in imf.log[1]["path"]
    assert "c%5BTIME_PERIOD%5D=ge%3A1960" in reported["query"]
    assert reported["headers"]["Accept"] == imf_imts.ACCEPT
    assert reported["headers"]["User-Agent"].startswith("asean-japan/")
    assert sleeps == []
    # a second fetch of unchanged data stores nothing new
    before = _tree(tmp_path)
    imf_imts.fetch(store=store, client=_client(sleeps), vintage="2026-11-29")
    assert _tree(tmp_path) == before


def test_429_then_success_honours_retry_after(
    imf: ReplayServer, imts_xml: bytes, tmp_path: Path
) -> None:
    _serve(
        imf,
        Reply(429, b"Too Many Requests", {"Retry-After": "7", "Content-Type": "text/plain"}),
        Reply(200, imts_xml, XML),
    )
    sleeps: list[float] = []
    saved = imf_imts.fetch(store=RawStore("imf_imts", root=tmp_path), client=_client(sleeps))
    assert saved and sleeps == [7.0, 7.0]  # each of the two requests met one 429


def test_persistent_5xx_gives_up_and_saves_nothing(imf: ReplayServer, tmp_path: Path) -> None:
    _serve(imf, Reply(503, b"busy", {"Content-Type": "text/plain"}))
    sleeps: list[float] = []
    with pytest.raises(SourceError) as err:
        imf_imts.fetch(store=RawStore("imf_imts", root=tmp_path), client=_client(sleeps, retries=2))
    text = str(err.value)
    assert "[imf_imts]" in text and "HTTP 503" in text and imf.url in text and "unchanged" in text
    assert sleeps == [2.0, 4.0]  # exponential backoff
    assert _tree(tmp_path) == {}


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (Reply(200, HTML_PAGE, {"Content-Type": "text/html"}), "HTML page"),
        (Reply(200, HTML_PAGE, XML), "HTML page"),
        (Reply(200, b"<message:Structure", XML), "malformed XML"),
        (Reply(200, b'{"data": []}', {"Content-Type": "application/json"}), "malformed XML"),
        (Reply(404, b"NoResultsFound", {"Content-Type": "text/plain"}), "HTTP 404"),
    ],
    ids=["html-page", "html-as-xml", "cut-xml", "json", "404"],
)
def test_bad_responses_are_clear_errors_and_lose_nothing(
    imf: ReplayServer, imts_xml: bytes, tmp_path: Path, reply: Reply, message: str
) -> None:
    store = RawStore("imf_imts", root=tmp_path)
    _serve(imf, Reply(200, imts_xml, XML))
    imf_imts.fetch(store=store, client=_client([]), vintage="2026-01-01")
    before = _tree(tmp_path)
    _serve(imf, reply)
    with pytest.raises(SourceError, match=message) as err:
        imf_imts.fetch(store=store, client=_client([], retries=1), vintage="2026-02-01")
    assert "[imf_imts]" in str(err.value)
    assert _tree(tmp_path) == before


def test_empty_204_as_recorded(imf: ReplayServer, recorded_204: dict, tmp_path: Path) -> None:
    assert recorded_204["status_code"] == 204 and recorded_204["text"] == ""
    _serve(imf, Reply(204, b"", {}))
    with pytest.raises(SourceError, match="empty response \\(HTTP 204\\)"):
        imf_imts.fetch(store=RawStore("imf_imts", root=tmp_path), client=_client([]))


def test_empty_dataset_message_is_refused(
    imf: ReplayServer, imts_xml: bytes, tmp_path: Path
) -> None:
    text = imts_xml.decode()
    start, end = text.index("<message:DataSet"), text.index("</message:DataSet>")
    empty = (text[:start] + text[end + len("</message:DataSet>") :]).encode()
    _serve(imf, Reply(200, empty, XML))
    with pytest.raises(SourceError, match="no series"):
        imf_imts.fetch(store=RawStore("imf_imts", root=tmp_path), client=_client([]))


def test_timeout_is_retried_then_reported(
    imf: ReplayServer, imts_xml: bytes, tmp_path: Path
) -> None:
    _serve(imf, Reply(200, imts_xml, XML, delay=1.5))
    sleeps: list[float] = []
    with pytest.raises(SourceError, match="timeout"):
        imf_imts.fetch(
            store=RawStore("imf_imts", root=tmp_path),
            client=_client(sleeps, retries=1, timeout=(2.0, 0.3)),
        )
    assert sleeps == [2.0]


def test_truncated_body_is_retried(imf: ReplayServer, imts_xml: bytes, tmp_path: Path) -> None:
    _serve(imf, Reply(200, imts_xml[:500], XML, truncate=True), Reply(200, imts_xml, XML))
    sleeps: list[float] = []
    saved = imf_imts.fetch(store=RawStore("imf_imts", root=tmp_path), client=_client(sleeps))
    assert saved[0].read_bytes() == imts_xml and sleeps == [2.0, 2.0]  # one retry per request


def test_connection_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    srv = ReplayServer()
    url = srv.url
    srv.httpd.server_close()  # nothing listens there any more
    monkeypatch.setenv(imf_imts.BASE_URL_ENV, url)
    # refused: asked once (retrying a refused connection seconds later gives the same answer)
    with pytest.raises(SourceError, match="gave up after 1 attempt: the connection was refused"):
        imf_imts.fetch(store=RawStore("imf_imts", root=tmp_path), client=_client([], retries=3))
    assert _tree(tmp_path) == {}


def test_fetched_vintage_joins_the_build(
    imf: ReplayServer, imts_xml: bytes, isolated_data: Path
) -> None:
    from analysis.pipeline import find_inputs, input_records

    _serve(imf, Reply(200, imts_xml, XML))
    imf_imts.fetch(client=_client([]), vintage="2026-11-28")
    inputs = {r.source: r for r in find_inputs()}
    raw = inputs["imf_imts"]
    assert raw.folder == isolated_data / "raw" / "imf_imts" / "2026-11-28"
    assert raw.origin == "fetched"
    records = input_records([raw])
    assert [r["file"] for r in records] == [
        "imf_imts/2026-11-28/mirror.xml",
        "imf_imts/2026-11-28/reported.xml",
    ]
    assert all(r["vintage"] == "2026-11-28" and r["url"].startswith(imf.url) for r in records)
    obs = imf_imts.SOURCE.to_observations(imf_imts.SOURCE.parse(raw), raw, None)
    assert set(obs["dataset"].astype(str)) == {"imf_imts"}
    usa = obs[(obs["country"] == "USA") & (obs["partner"] == "WLD") & (obs["year"] == 2023)]
    assert usa["value_usd_m"].tolist() == pytest.approx([2019551.635133])
    assert usa["source_ref"].astype(str).tolist() == ["imf_imts/2026-11-28/reported.xml"]
