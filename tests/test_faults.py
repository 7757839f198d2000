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


# --- hostile inputs: malformed bodies, settings, files, claims, folders, arguments -------------
# Each case runs the real command in-process against a copy of the committed snapshot (a real
# server on 127.0.0.1 replaying a real recorded response with one thing broken where a source is
# asked), and checks: the exit code, one paragraph naming the source and the request or file, no
# traceback, data/raw and data/processed unchanged. Every case is counted in RESULTS.


def _run(argv: list[str], capsys) -> tuple[int, str]:
    rc = cli.main(argv)
    return rc, capsys.readouterr().err.strip()


def _one_paragraph(err: str) -> None:
    assert err and "Traceback" not in err and "\n\n" not in err, err
    assert err.startswith("asean-japan ") and " failed: " in err, err


def _record(label: str, fault: str, before: dict, root: Path) -> bool:
    intact = _checksums(root) == before
    RESULTS.append((label, fault, intact))
    return intact


def _wb_body(fault: str) -> bytes:
    """The recorded World Bank response (GDP of Indonesia, 5 rows), one thing broken."""
    import json

    real = need(
        SHARED / "api_fixtures" / "worldbank" / "wdi_v2_IDN_NY.GDP.MKTP.CD_2020-2024_annotated.json"
    )
    text = real.read_bytes()
    header, rows = json.loads(text)

    def row(**change) -> bytes:
        r = {k: v for k, v in {**rows[0], **change}.items() if v != "DROP"}
        return json.dumps([header, [r]]).encode()

    return {
        "rows a dict": json.dumps([header, {"a": 1}]).encode(),
        "rows a string": json.dumps([header, "rows"]).encode(),
        "rows a number": json.dumps([header, 7]).encode(),
        "null rows": json.dumps([header, [None, None]]).encode(),
        "rows of lists": json.dumps([header, [[1, 2, 3]]]).encode(),
        "value a string": row(value="abc"),
        "value a dict": row(value={"x": 1}),
        "value a list": row(value=[1]),
        "value true": row(value=True),
        "country code a number": row(countryiso3code=5),
        "date an int": row(date=2020),
        "date null": row(date=None),
        "missing date": row(date="DROP"),
        "missing indicator": row(indicator="DROP"),
        "indicator a string": row(indicator="NY.GDP"),
        "a 5000-digit number": row(value="BIG").replace(b'"BIG"', b"9" * 5000),
        "nested 100000 deep": b"[" * 100_000 + b"]" * 100_000,
        "dict not list": json.dumps({"page": 1, "rows": rows}).encode(),
        "[meta] only": json.dumps([header]).encode(),
        "null": b"null",
        "pages a string": json.dumps([{**header, "pages": "abc"}, rows]).encode(),
        "pages a list": json.dumps([{**header, "pages": [2]}, rows]).encode(),
        "pages negative": json.dumps([{**header, "pages": -3}, rows]).encode(),
        "truncated JSON": text[: len(text) // 2],
        "non-UTF-8": text.replace(b"Indonesia", b"Indon\xe9sia"),
    }[fault]


WB_FAULTS = [
    "rows a dict", "rows a string", "rows a number", "null rows", "rows of lists",
    "value a string", "value a dict", "value a list", "value true", "country code a number",
    "date an int", "date null", "missing date", "missing indicator", "indicator a string",
    "a 5000-digit number", "nested 100000 deep", "dict not list", "[meta] only", "null",
    "pages a string", "pages a list", "pages negative", "truncated JSON", "non-UTF-8",
]  # fmt: skip


def _csv_rows() -> list[list[str]]:
    import csv
    import io

    real = need(
        SHARED
        / "api_fixtures"
        / "oecd_sdmx"
        / "DF_FDI_FLOW_CTRY_12reporters_to_ASEAN_2010-2024.csv"
    ).read_text(encoding="utf-8")
    return list(csv.reader(io.StringIO(real)))


def _oecd_body(fault: str) -> bytes:
    """The recorded OECD FDI response (SDMX-CSV with labels), one thing broken."""
    import csv
    import io

    rows = _csv_rows()
    head = rows[0]

    def write(table: list[list[str]]) -> bytes:
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(table)
        return out.getvalue().encode()

    def drop(col: str) -> bytes:
        i = head.index(col)
        return write([r[:i] + r[i + 1 :] for r in rows])

    def set_first(col: str, value: str) -> bytes:
        i, v = head.index(col), head.index("OBS_VALUE")
        table = [list(r) for r in rows]
        first = next(k for k, r in enumerate(table[1:], 1) if r[v] != "")
        table[first][i] = value
        return write(table)

    real = write(rows)
    if fault == "truncated mid-row":
        return real[: real.index(b"\n", len(real) // 2) - 20]
    if fault == "XML where CSV expected":
        return need(
            SHARED
            / "api_fixtures"
            / "imf_sdmx3"
            / "openbb_imts_data_USA.XG_FOB_USD.G001+G998.A_2023-2024.xml"
        ).read_bytes()
    if fault == "non-UTF-8":
        return real.replace(b"Cambodia", b"Cambod\xefa\xff")
    if fault.startswith("missing "):
        return drop(fault.removeprefix("missing "))
    col, value = fault.split(" = ")
    return set_first(col, value.strip("'"))


OECD_FAULTS = [
    "missing UNIT_MULT", "missing OBS_VALUE", "missing Counterpart area",
    "UNIT_MULT = 'abc'", "UNIT_MULT = '1.5'", "UNIT_MULT = '99999999999999999999'",
    "UNIT_MULT = '-400'", "UNIT_MULT = '400'", "OBS_VALUE = 'n/a'", "OBS_VALUE = 'inf'",
    "OBS_VALUE = 'nan'", "TIME_PERIOD = '2020-Q1'", "TIME_PERIOD = 'abcd'",
    "truncated mid-row", "XML where CSV expected", "non-UTF-8",
]  # fmt: skip


def _imf_body(fault: str) -> bytes:
    """The recorded IMF IMTS response (SDMX-ML 3.0), one thing broken."""
    real, _ = _real("imf_imts")
    wb = need(
        SHARED / "api_fixtures" / "worldbank" / "wdi_v2_IDN_NY.GDP.MKTP.CD_2020-2024_annotated.json"
    )
    return {
        "JSON where XML expected": wb.read_bytes(),
        "truncated XML": real[: len(real) // 2],
        "OBS_VALUE abc": real.replace(b'OBS_VALUE="2019551635133"', b'OBS_VALUE="abc"'),
        "OBS_VALUE inf": real.replace(b'OBS_VALUE="2019551635133"', b'OBS_VALUE="inf"'),
        "TIME_PERIOD missing": real.replace(b' TIME_PERIOD="2023"', b""),
        "Series lacks COUNTRY": real.replace(b'COUNTRY="USA" INDICATOR', b"INDICATOR"),
        "FREQUENCY M": real.replace(b'FREQUENCY="A"', b'FREQUENCY="M"'),
        "non-UTF-8": real.replace(b'OVERLAP="OL"', b'OVERLAP="\xe9\xff"'),
        "entity expansion": b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "xxxxxxxxxx">'
        b'<!ENTITY y "&x;&x;&x;&x;&x;&x;&x;&x;&x;&x;">]><a>&y;</a>',
        "nested 200000 deep": b"<a>" * 200_000 + b"</a>" * 200_000,
    }[fault]


IMF_FAULTS = [
    "JSON where XML expected", "truncated XML", "OBS_VALUE abc", "OBS_VALUE inf",
    "TIME_PERIOD missing", "Series lacks COUNTRY", "FREQUENCY M", "non-UTF-8",
    "entity expansion", "nested 200000 deep",
]  # fmt: skip

BODY_CASES = (
    [("worldbank_wdi", f, _wb_body) for f in WB_FAULTS]
    + [("oecd_fdi", f, _oecd_body) for f in OECD_FAULTS]
    + [("oecd_dac2a", f, _oecd_body) for f in ("missing UNIT_MULT", "UNIT_MULT = 'abc'")]
    + [("imf_imts", f, _imf_body) for f in IMF_FAULTS]
    + [("imf_dip", f, _imf_body) for f in ("JSON where XML expected", "OBS_VALUE abc")]
)


@pytest.mark.parametrize(
    ("source", "fault", "body"), BODY_CASES, ids=[f"{s}-{f}" for s, f, _ in BODY_CASES]
)
def test_malformed_body_is_one_paragraph(
    source: str, fault: str, body, data_dir: Path, monkeypatch, capsys
) -> None:
    """A malformed answer with status 200: exit 1, the source and request named, nothing kept."""
    _, ctype = _real(source)
    server = ReplayServer()
    server.default = [Reply(200, body(fault), ctype)]
    server.start()
    try:
        monkeypatch.setenv(BASE_ENV[source], server.url + "/api")
        before = _checksums(data_dir)
        rc, err = _run(["fetch", source], capsys)
    finally:
        server.stop()
    intact = _record(source, fault, before, data_dir)
    assert rc == 1, (fault, rc, err)
    _one_paragraph(err)
    assert f"[{source}]" in err and "/api" in err, err
    assert intact and not (data_dir / "raw" / source).exists()
