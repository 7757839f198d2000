"""Fault injection against a real HTTP server on 127.0.0.1, for every live source.

Each fault runs the real command (``asean-japan fetch SOURCE``) against a data folder holding the
committed snapshot and, where a real recorded response exists, a raw vintage from an earlier
successful fetch. After each: the checksums of every file under data/raw and data/processed are
unchanged, the exit code is 2, and the user saw one paragraph naming the source and the request.
The suite reports how many faults it tried and how many left the data intact.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from analysis import cli
from analysis.paths import PROJECT_ROOT
from analysis.sources import imf_dip, imf_imts, oecd_dac2a, oecd_fdi, worldbank_wdi

from .conftest import SHARED, need
from .replay import ReplayServer, Reply

RESULTS: list[tuple[str, str, bool]] = []  # (source, fault, data intact)

XML = {"Content-Type": "application/vnd.sdmx.structurespecificdata+xml;version=3.0.0"}
CSV = {"Content-Type": "application/vnd.sdmx.data+csv; charset=utf-8"}
JSON = {"Content-Type": "application/json"}
BASE_ENV = {
    "imf_imts": imf_imts.BASE_URL_ENV,
    "oecd_dac2a": oecd_dac2a.BASE_URL_ENV,
    "oecd_fdi": oecd_fdi.BASE_URL_ENV,
    "worldbank_wdi": worldbank_wdi.BASE_URL_ENV,
    "imf_dip": imf_dip.BASE_URL_ENV,
}


def _real(source: str) -> tuple[bytes | None, dict]:
    """A real recorded response of the source, where one exists."""
    fx = SHARED / "api_fixtures"
    if source == "imf_imts":
        return need(
            fx / "imf_sdmx3" / "openbb_imts_data_USA.XG_FOB_USD.G001+G998.A_2023-2024.xml"
        ).read_bytes(), XML
    if source == "oecd_fdi":
        return need(
            fx / "oecd_sdmx" / "DF_FDI_FLOW_CTRY_12reporters_to_ASEAN_2010-2024.csv"
        ).read_bytes(), CSV
    if source == "worldbank_wdi":
        return need(
            fx / "worldbank" / "wdi_v2_IDN_NY.GDP.MKTP.CD_2020-2024_annotated.json"
        ).read_bytes(), JSON
    if source == "imf_dip":
        return None, XML  # no recorded DIP response
    return None, CSV  # oecd_dac2a: no recorded DAC2A response


def _empty(source: str) -> bytes:
    real, _ = _real("imf_imts" if source == "imf_dip" else source)
    if source in ("imf_imts", "imf_dip"):
        text = real.decode()
        a, b = (
            text.index("<message:DataSet"),
            text.index("</message:DataSet>") + len("</message:DataSet>"),
        )
        return (text[:a] + text[b:]).encode()
    if source == "worldbank_wdi":
        return b'[{"page": 1, "pages": 0, "per_page": 20000, "total": 0}, null]'
    csv_real = need(
        SHARED
        / "api_fixtures"
        / "oecd_sdmx"
        / "DF_FDI_FLOW_CTRY_12reporters_to_ASEAN_2010-2024.csv"
    ).read_bytes()
    return csv_real.split(b"\n", 1)[0] + b"\n"  # the header, no observations


def _renamed(source: str) -> bytes:
    real, _ = _real("imf_imts" if source == "imf_dip" else source)
    if source in ("imf_imts", "imf_dip"):
        return real.replace(b"COUNTERPART_COUNTRY", b"PARTNER_COUNTRY")
    if source == "worldbank_wdi":
        return real.replace(b'"date"', b'"period"')
    csv_real = need(
        SHARED
        / "api_fixtures"
        / "oecd_sdmx"
        / "DF_FDI_FLOW_CTRY_12reporters_to_ASEAN_2010-2024.csv"
    ).read_bytes()
    head, rest = csv_real.split(b"\n", 1)
    return head.replace(b"COUNTERPART_AREA,", b"PARTNER_AREA,") + b"\n" + rest


def _fault(source: str, fault: str) -> list[Reply] | None:
    _, ctype = _real(source)
    html = b"<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>"
    return {
        "connection refused": None,
        "timeout": [Reply(200, b"late", ctype, delay=1.5)],
        "429 Retry-After": [
            Reply(429, b"Too Many Requests", {"Retry-After": "1", "Content-Type": "text/plain"})
        ],
        "HTTP 500": [Reply(500, b"Internal Server Error", {"Content-Type": "text/plain"})],
        "HTTP 502": [Reply(502, html, {"Content-Type": "text/html"})],
        "HTTP 503": [Reply(503, b"Service Unavailable", {"Content-Type": "text/plain"})],
        "truncated body": [
            Reply(200, b"<?xml version='1.0'?><message:Struc", ctype, truncate=True)
        ],
        "HTML page with 200": [Reply(200, html, {"Content-Type": "text/html"})],
        "empty dataset": [Reply(200, _empty(source), ctype)],
        "renamed column": [Reply(200, _renamed(source), ctype)],
        "corrupt gzip body": [
            Reply(200, b"\x1f\x8b\x08\x00garbage-not-gzip", {**ctype, "Content-Encoding": "gzip"})
        ],
    }[fault]


FAULTS = [
    "connection refused",
    "timeout",
    "429 Retry-After",
    "HTTP 500",
    "HTTP 502",
    "HTTP 503",
    "truncated body",
    "HTML page with 200",
    "empty dataset",
    "renamed column",
    "corrupt gzip body",
]


def _checksums(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


@pytest.fixture()
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "data"
    shutil.copytree(PROJECT_ROOT / "data" / "processed", data / "processed")
    (data / "raw").mkdir()
    monkeypatch.setenv("ASEAN_JAPAN_DATA", str(data))
    monkeypatch.setenv("ASEAN_JAPAN_HTTP_RETRIES", "1")
    monkeypatch.setenv("ASEAN_JAPAN_HTTP_BACKOFF", "0.01")
    monkeypatch.setenv("ASEAN_JAPAN_HTTP_TIMEOUT", "0.5")
    return data


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("source", list(BASE_ENV))
def test_fault_leaves_data_intact(
    source: str, fault: str, data_dir: Path, monkeypatch, capsys
) -> None:
    server = ReplayServer()
    server.start()
    try:
        monkeypatch.setenv(BASE_ENV[source], server.url + "/api")
        real, ctype = _real(source)
        if real is not None:  # an earlier successful fetch left a raw vintage
            server.default = [Reply(200, real, ctype)]
            assert cli.main(["fetch", source]) == 0
            capsys.readouterr()
        before = _checksums(data_dir)
        assert any(k.startswith("processed/") for k in before)
        replies = _fault(source, fault)
        if replies is None:
            url = server.url
            server.stop()
            server = None
            monkeypatch.setenv(BASE_ENV[source], url + "/api")
        else:
            server.default = replies
        if source == "worldbank_wdi" and fault == "429 Retry-After":
            pass  # the same: the first page request meets the 429s
        rc = cli.main(["fetch", source])
        err = capsys.readouterr().err.strip()
    finally:
        if server is not None:
            server.stop()
    intact = _checksums(data_dir) == before
    RESULTS.append((source, fault, intact))
    network = {"connection refused", "timeout", "429 Retry-After", "HTTP 500", "HTTP 502"}
    network |= {"HTTP 503", "truncated body", "corrupt gzip body"}
    # 75: the network gave up (retry later); 1: the answer was wrong (a data problem)
    assert rc == (75 if fault in network else 1), (source, fault, rc, err)
    assert intact, f"{source}/{fault} changed files"
    assert "\n\n" not in err and "Traceback" not in err
    assert f"[{source}]" in err and "/api" in err  # names the source and the request
    assert any(h in err for h in ("again", "Check", "saved", "wait", "Expected", "mirror")), err
