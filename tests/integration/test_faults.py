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

from analysis import claims as claims_mod
from analysis import cli
from analysis.errors import SourceError
from analysis.paths import PROJECT_ROOT

from ..conftest import SHARED, need
from ..replay import ReplayServer, Reply

RESULTS: list[tuple[str, str, bool]] = []  # (source, fault, data intact)

XML = {"Content-Type": "application/vnd.sdmx.structurespecificdata+xml;version=3.0.0"}
CSV = {"Content-Type": "application/vnd.sdmx.data+csv; charset=utf-8"}
JSON = {"Content-Type": "application/json"}


def _base_env() -> dict[str, str]:
    """Every live source (one with a fetcher in the registry) and its base-URL setting."""
    import importlib

    from analysis.sources import REGISTRY

    return {
        name: importlib.import_module(f"analysis.sources.{name}").BASE_URL_ENV
        for name, src in REGISTRY.items()
        if src.fetch is not None
    }


BASE_ENV = _base_env()


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
        if p.is_file() and not p.name.endswith(".lock")  # a build's lock holds nothing
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
        if fault == "timeout":  # the answer comes 1.5 s late: a 0.2 s read timeout gives up
            monkeypatch.setenv("ASEAN_JAPAN_HTTP_TIMEOUT", "0.2")  # sooner, on the same path
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
    if fault == "timeout":  # the setting as given, not rounded to "0 s"
        assert "no answer within 0.2 s" in err, err


# --- hostile inputs: malformed bodies, settings, files, claims, folders, arguments -------------
# Each case runs the real command in-process against a copy of the committed snapshot (a real
# server on 127.0.0.1 replaying a real recorded response with one thing broken where a source is
# asked), and checks: the exit code, one paragraph naming the source and the request or file, no
# traceback, data/raw and data/processed unchanged. Every case is counted in RESULTS.


def _run(argv: list[str], capsys) -> tuple[int, str]:
    rc = cli.main(argv)
    return rc, capsys.readouterr().err.strip()


def _one_paragraph(err: str) -> None:
    """stderr ends in one paragraph; before it only `fetch`'s progress log lines (HH:MM:SS)."""
    import re

    assert err and "Traceback" not in err, err
    text = "\n".join(x for x in err.splitlines() if not re.match(r"\d\d:\d\d:\d\d ", x))
    assert text and "\n\n" not in text, err
    assert text.startswith("asean-japan ") and " failed: " in text, err


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
    kept = [p for p in (data_dir / "raw").rglob("*") if p.is_file() and p.name != ".lock"]
    assert intact and not kept


SETTING_CASES = [
    ("ASEAN_JAPAN_HTTP_TIMEOUT", "1e300"),
    ("ASEAN_JAPAN_HTTP_DEADLINE", "1e12"),
    ("ASEAN_JAPAN_HTTP_RETRIES", "1e300"),
    ("ASEAN_JAPAN_HTTP_BACKOFF", "1e300"),
    ("ASEAN_JAPAN_HTTP_MAX_PAGES", "1e300"),
    ("ASEAN_JAPAN_WORLDBANK_BASE_URL", "not a url"),
    ("ASEAN_JAPAN_WORLDBANK_BASE_URL", "http://[::1"),
    ("ASEAN_JAPAN_WORLDBANK_BASE_URL", "http://127.0.0.1:99999/v2"),
    ("ASEAN_JAPAN_WORLDBANK_BASE_URL", "ftp://example.org/v2"),
    ("ASEAN_JAPAN_WORLDBANK_BASE_URL", "http://"),
]


@pytest.mark.parametrize(("var", "value"), SETTING_CASES)
def test_bad_setting_is_a_usage_error(
    var: str, value: str, data_dir: Path, monkeypatch, capsys
) -> None:
    """A setting no socket, timer or URL parser can take: exit 2 naming the variable, before any
    request is made (the server would answer, with the real recorded response)."""
    real, ctype = _real("worldbank_wdi")
    server = ReplayServer()
    server.default = [Reply(200, real, ctype)]
    server.start()
    try:
        monkeypatch.setenv(BASE_ENV["worldbank_wdi"], server.url + "/api")
        monkeypatch.setenv(var, value)
        before = _checksums(data_dir)
        rc, err = _run(["fetch", "worldbank_wdi"], capsys)
    finally:
        server.stop()
    intact = _record("settings", f"{var}={value}", before, data_dir)
    assert rc == 2, (var, value, rc, err)
    _one_paragraph(err)
    assert f"{var}={value}" in err and "Unset" in err, err
    assert intact and server.log == []


@pytest.mark.parametrize("value", ["1e400", "inf", "nan", "-1", "abc"])
def test_bad_lock_timeout_is_a_usage_error(value: str, data_dir: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("ASEAN_JAPAN_LOCK_TIMEOUT", value)
    before = _checksums(data_dir)
    rc, err = _run(["build", "--force"], capsys)
    intact = _record("settings", f"ASEAN_JAPAN_LOCK_TIMEOUT={value}", before, data_dir)
    assert rc == 2, (value, rc, err)
    _one_paragraph(err)
    assert f"ASEAN_JAPAN_LOCK_TIMEOUT={value}" in err and intact


@pytest.mark.parametrize(
    "value", ["1e12", "99999999999999999999999", "Fri, 31 Dec 9999 23:59:59 GMT"]
)
def test_retry_after_beyond_the_wait_gives_up_at_once(
    value: str, data_dir: Path, monkeypatch, capsys
) -> None:
    """A server asking to come back in years: no wait at all, exit 75 saying what it asked."""
    import time

    server = ReplayServer()
    server.default = [
        Reply(429, b"Too Many Requests", {"Retry-After": value, "Content-Type": "text/plain"})
    ]
    server.start()
    try:
        monkeypatch.setenv(BASE_ENV["worldbank_wdi"], server.url + "/api")
        monkeypatch.setenv("ASEAN_JAPAN_HTTP_BACKOFF", "600")  # were it honoured, the test hangs
        before = _checksums(data_dir)
        start = time.monotonic()
        rc, err = _run(["fetch", "worldbank_wdi"], capsys)
        waited = time.monotonic() - start
    finally:
        server.stop()
    intact = _record("worldbank_wdi", f"Retry-After {value}", before, data_dir)
    assert rc == 75, (value, rc, err)
    _one_paragraph(err)
    assert "[worldbank_wdi]" in err and "asks to wait" in err and "/api" in err, err
    assert len(server.log) == 1 and waited < 60 and intact


# --- recorded files: a copy of one source's folder with one file damaged ----------------------


def _file_sources() -> dict[str, str]:
    """Every source the build reads from recorded files, with its (first) recorded folder:
    from the registry, so a new source is damaged here without a line of this file."""
    from analysis.sources import REGISTRY

    return {n: s.recorded_folders[0] for n, s in REGISTRY.items() if s.recorded_folders}


FILE_SOURCES = _file_sources()
# the damage each file source is tested with: every source with an empty file; the four whose
# CSV readers ended in a traceback with every kind
DAMAGE = [(s, "empty") for s in FILE_SOURCES] + [
    (s, how)
    for s in ("baci_major_partners", "unctad_bilateral_fdi", "vietnam_fdi", "abn2018_fdi")
    for how in ("UTF-16", "binary garbage")
]


def _damage(data: bytes, how: str) -> bytes:
    if how == "empty":
        return b""
    if how == "UTF-16":  # the same text in another encoding, as a spreadsheet might save it
        return data.decode("utf-8", "replace").encode("utf-16")
    return bytes(range(256)) * 64


@pytest.mark.parametrize(("source", "how"), DAMAGE, ids=[f"{s}-{h}" for s, h in DAMAGE])
def test_damaged_recorded_file_names_itself(
    source: str, how: str, data_dir: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    """The build reads a copy of the source's recorded folder (only that source) with one real
    file damaged: exit 1, the error names the source and that file, nothing is written."""
    from analysis.sources import REGISTRY

    shared = tmp_path / "shared"
    folder = shared / FILE_SOURCES[source]
    original = need(SHARED / FILE_SOURCES[source])
    if source == "imf_dots_xlsx":  # six of the 235 workbooks are enough to build from
        folder.mkdir(parents=True)
        for n in (1, 2, 3, 50, 110, 120):
            shutil.copy(original / f"DOTS_{n}.xlsx", folder)
    else:  # every recorded folder of the source (a table and, apart, its editions)
        for name in REGISTRY[source].recorded_folders:
            shutil.copytree(need(SHARED / name), shared / name)
    if REGISTRY[source].role == "context":  # read beside observations only: add the smallest
        beside = min(
            (s for s in FILE_SOURCES if REGISTRY[s].role != "context" and s != "imf_dots_xlsx"),
            key=lambda s: sum(f.stat().st_size for f in need(SHARED / FILE_SOURCES[s]).rglob("*")),
        )
        for name in REGISTRY[beside].recorded_folders:
            shutil.copytree(need(SHARED / name), shared / name)
    for p in [shared, *shared.rglob("*")]:
        p.chmod(0o755 if p.is_dir() else 0o644)  # the recorded files are read-only
    files = REGISTRY[source].files_in(folder)
    target = files[len(files) // 2]
    target.write_bytes(_damage(target.read_bytes(), how))
    monkeypatch.setenv("ASEAN_JAPAN_SHARED", str(shared))
    before = _checksums(data_dir)
    rc, err = _run(["build", "--force"], capsys)
    intact = _record(f"file:{source}", how, before, data_dir)
    assert rc == 1, (source, how, rc, err)
    _one_paragraph(err)
    assert f"[{source}]" in err and target.name in err, err
    assert intact


# --- claim files, folders and arguments ------------------------------------------------------


def _claim(**change: str) -> str:
    """The first claim of the project's own claim file, with fields replaced (None: removed)."""
    text = claims_mod.DEFAULT_FILE.read_text(encoding="utf-8")
    lines = text[text.index("[[claim]]") :].split("[[claim]]")[1].strip().splitlines()
    out = []
    for line in lines:
        key = line.split("=", 1)[0].strip()
        if key in change:
            if change[key] is None:
                continue
            line = f"{key} = {change.pop(key)}"
        out.append(line)
    out += [f"{k} = {v}" for k, v in change.items() if v is not None]  # new fields
    return "[[claim]]\n" + "\n".join(out) + "\n"


CLAIM_CASES = {
    "measure a list": _claim(measure='["trade"]'),
    "variant a table": _claim(variant="{a = 1}"),
    "countries a number": _claim(countries="5"),
    "countries a string": _claim(countries='"JPN"'),
    "countries empty": _claim(countries="[]"),
    "partner a list": _claim(partner='["JPN"]'),
    "years reversed": _claim(years='"2010-2000"'),
    "years as text": _claim(years='["2008"]'),
    "years a number": _claim(years="2008"),
    "years empty": _claim(years="[]"),
    "years fractional": _claim(years="[2008.5]"),
    "predicate a number": _claim(predicate="5"),
    "predicate 1.2.3": _claim(predicate='"rank <= 1.2.3"'),
    "share above 1": _claim(predicate='"share >= 5"'),
    "quantifier a number": _claim(quantifier="5"),
    "at_least 0": _claim(quantifier='"at_least 0"'),
    "at_least above the countries": _claim(quantifier='"at_least 99999999999999999999"'),
    "id a number": _claim(id="5"),
    "sentence a table": _claim(sentence="{x = 1}"),
    "misspelt field": _claim(colour='"red"'),
}


@pytest.mark.parametrize("fault", list(CLAIM_CASES))
def test_wrongly_typed_claim_file_is_one_paragraph(
    fault: str, data_dir: Path, tmp_path: Path, capsys
) -> None:
    path = tmp_path / "claims.toml"
    path.write_text(CLAIM_CASES[fault], encoding="utf-8")
    before = _checksums(data_dir)
    rc, err = _run(["claims", "--file", str(path)], capsys)
    intact = _record("claims", fault, before, data_dir)
    assert rc == 1, (fault, rc, err)
    _one_paragraph(err)
    assert "field '" in err and intact, err


@pytest.mark.parametrize("command", [["fetch", "worldbank_wdi"], ["build", "--force"]])
def test_data_folder_that_is_a_file_is_a_usage_error(
    command: list[str], tmp_path: Path, monkeypatch, capsys
) -> None:
    real, ctype = _real("worldbank_wdi")
    server = ReplayServer()
    server.default = [Reply(200, real, ctype)]
    server.start()
    a_file = tmp_path / "data"
    a_file.write_text("not a folder")
    monkeypatch.setenv("ASEAN_JAPAN_DATA", str(a_file))
    monkeypatch.setenv(BASE_ENV["worldbank_wdi"], server.url + "/api")
    try:
        rc, err = _run(command, capsys)
    finally:
        server.stop()
    intact = a_file.read_text() == "not a folder"
    RESULTS.append(("folders", f"ASEAN_JAPAN_DATA is a file ({command[0]})", intact))
    assert rc == 2, (rc, err)
    _one_paragraph(err)
    assert f"ASEAN_JAPAN_DATA={a_file}" in err and "expected a folder" in err and intact


def _unprivileged(argv: list[str]) -> list[str]:
    """The command as a process the file permissions apply to. Root ignores them through two
    capabilities (override and read-search of permissions; and owner's rights on others' files):
    it keeps its identity but loses those from the bounding set, so it still reaches the
    interpreter, .venv and source wherever the clone sits (a private home folder too), and
    the data folder's own mode bits decide."""
    import os
    import sys

    cmd = [sys.executable, "-m", "analysis", *argv]
    if os.geteuid() != 0:
        return cmd
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.fail(
            "running as root, the permission cases need setpriv (util-linux) to drop capabilities"
        )
    return [setpriv, "--bounding-set", "-dac_override,-dac_read_search,-fowner", "--", *cmd]


@pytest.mark.parametrize(
    ("mode", "command"),
    [
        (0o555, ["build", "--force"]),
        (0o555, ["claims"]),
        (0o555, ["fetch", "worldbank_wdi"]),
        (0o000, ["rank", "JPN"]),
    ],
)
def test_read_only_or_forbidden_data_folder(mode: int, command: list[str]) -> None:
    """A real process against a data folder it may not write (or read): exit 1, the path named,
    nothing changed. In a folder under /tmp every user can reach (pytest's own is private)."""
    import os
    import subprocess
    import tempfile

    top = Path(tempfile.mkdtemp(prefix="asean-japan-perm-"))
    top.chmod(0o755)
    data = top / "data"
    try:
        shutil.copytree(PROJECT_ROOT / "data" / "processed", data / "processed")
        (data / "raw").mkdir()
        before = _checksums(data)
        for p in [data, *data.rglob("*")]:
            p.chmod(mode if p.is_dir() else mode & 0o444)
        real, ctype = _real("worldbank_wdi")
        server = ReplayServer()
        server.default = [Reply(200, real, ctype)]
        server.start()
        env = {k: v for k, v in os.environ.items() if not k.startswith("ASEAN_JAPAN_")}
        env.update(
            ASEAN_JAPAN_DATA=str(data),
            ASEAN_JAPAN_REPORTS=str(top / "reports"),
            ASEAN_JAPAN_LOCK_TIMEOUT="5",
            PYTHONPATH=str(PROJECT_ROOT / "src"),
            **{BASE_ENV["worldbank_wdi"]: server.url + "/api"},
        )
        try:
            p = subprocess.run(
                _unprivileged(command),
                env=env,
                capture_output=True,
                text=True,
                cwd=top,
                timeout=300,
            )
        finally:
            server.stop()
        for q in [data, *data.rglob("*")]:
            q.chmod(0o755 if q.is_dir() else 0o644)
        intact = _checksums(data) == before
        RESULTS.append(("folders", f"data folder mode {mode:o} ({command[0]})", intact))
        err = p.stderr.strip()
        assert p.returncode == 1, (p.returncode, err)
        _one_paragraph(err)
        assert "[file system]" in err and str(data) in err and "Permission denied" in err, err
        assert intact
    finally:
        for q in [top, *top.rglob("*")]:
            if q.is_dir():
                q.chmod(0o755)
        shutil.rmtree(top, ignore_errors=True)


@pytest.mark.parametrize(
    "argv",
    [
        ["fetch", "nope"],
        ["fetch", "../x"],
        ["chart", "JPN", "--start", "3000", "--end", "1000"],
        ["chart", "JPN", "--out", "@file"],
        ["claims", "--file", ""],
    ],
    ids=["unknown source", "path as source", "start after end", "out is a file", "empty claims"],
)
def test_odd_arguments_are_one_paragraph(argv: list[str], data_dir: Path, tmp_path, capsys) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    argv = [str(a_file) if a == "@file" else a for a in argv]
    before = _checksums(data_dir)
    rc, err = _run(argv, capsys)
    intact = _record("arguments", " ".join(argv), before, data_dir) and a_file.read_text() == "x"
    # 2: a bad flag or value; 1: a file that cannot be used (the claim path, the output folder)
    assert rc == (1 if argv[0] == "claims" or "--out" in argv else 2), (argv, rc, err)
    _one_paragraph(err)
    assert intact


# --- the snapshot, the rankings cache, vintages and raw files (#23 items 1, 2, 5, 6, 7) ------
# The real command against a copy of the committed snapshot with one file damaged, forged or
# replaced at the worst moment: exit code, one paragraph (or the right answer), and the data
# unchanged (or repaired). Every case is counted in RESULTS.


def _flat(err: str) -> str:
    """The paragraph as one line (it is wrapped at 100 columns; paths are never broken)."""
    return " ".join(err.split())


def _rank_out(argv: list[str], capsys) -> tuple[int, str, str]:
    rc = cli.main(argv)
    out, err = capsys.readouterr()
    return rc, out, err.strip()


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("ASEAN_JAPAN_CACHE", str(folder))
    return folder


def test_a_build_swapping_the_snapshot_mid_read_never_poisons_the_cache(
    data_dir: Path, cache: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    """A build replaces observations.csv.gz (and its manifest) right after a reader has read
    and verified the old file: the reader ranks the bytes it verified, the cache key names
    them, and when the old snapshot is back every reader gets the old snapshot's rankings
    (before, `export` then wrote the new snapshot's rows under the old key)."""
    from analysis import snapshot

    processed = data_dir / "processed"
    old_rows = snapshot.read_manifest(processed)["rows"]["rankings"]
    # the other snapshot: the committed one without one dataset, written as a build writes it
    other = tmp_path / "other"
    obs = snapshot.load_observations(processed)
    obs = obs[obs["dataset"] != "abn2018_fdi"].reset_index(drop=True)
    manifest = {k: v for k, v in snapshot.read_manifest(processed).items() if k != "files"}
    snapshot.write(other, obs, None, manifest)
    real = snapshot.read_checked
    swapped = []

    def read_then_swap(folder, name):
        got = real(folder, name)
        if name == snapshot.OBSERVATIONS_FILE and not swapped:  # the build's swap, now
            for f in (snapshot.OBSERVATIONS_FILE, snapshot.MANIFEST_FILE):
                shutil.copy(other / f, processed / f)
            swapped.append(name)
        return got

    monkeypatch.setattr(snapshot, "read_checked", read_then_swap)
    rc, out, err = _rank_out(["export", str(tmp_path / "during.csv")], capsys)
    monkeypatch.setattr(snapshot, "read_checked", real)
    assert swapped and rc == 0, err
    assert out.startswith(f"Wrote {old_rows:,} ranking rows"), out  # the bytes it verified
    for f in (snapshot.OBSERVATIONS_FILE, snapshot.MANIFEST_FILE):  # the old snapshot is back
        shutil.copy(PROJECT_ROOT / "data" / "processed" / f, processed / f)
    before = _checksums(data_dir)
    rc, out, err = _rank_out(["export", str(tmp_path / "after.csv")], capsys)
    intact = _record("snapshot", "a build swaps the snapshot mid-read", before, data_dir)
    assert rc == 0 and out.startswith(f"Wrote {old_rows:,} ranking rows"), (out, err)
    assert intact


@pytest.mark.parametrize(
    ("name", "how"),
    [
        ("gaps.csv", "cut to its header"),
        ("gaps.csv", "binary garbage"),
        ("gaps.csv", "emptied"),
        ("observations.csv.gz", "cut in half"),
    ],
)
def test_a_snapshot_file_unlike_its_manifest_is_refused(
    name: str, how: str, data_dir: Path, cache: Path, capsys
) -> None:
    """`claims` reads the gaps (the claims' caveats) and the rankings: a side file that is not
    the one the manifest lists is refused, never read as "no gaps"."""
    path = data_dir / "processed" / name
    data = path.read_bytes()
    path.write_bytes(
        {
            "cut to its header": data.split(b"\n", 1)[0] + b"\n",
            "binary garbage": bytes(range(256)) * 64,
            "emptied": b"",
            "cut in half": data[: len(data) // 2],
        }[how]
    )
    before = _checksums(data_dir)
    rc, err = _run(["claims"], capsys)
    intact = _record("snapshot", f"{name} {how}", before, data_dir)
    assert rc == 1, (rc, err)
    _one_paragraph(err)
    assert name in err and "not the one the snapshot's manifest lists" in _flat(err), err
    assert intact


MANIFESTS = {
    "a list": b"[]",
    "no files": b'{"scope": "focus"}',
    "files empty": b'{"files": {}}',
    "no sha256": b'{"files": {"observations.csv.gz": {"bytes": 5}}}',
    "sha256 a number": b'{"files": {"observations.csv.gz": {"sha256": 5, "bytes": 5}}}',
    "a path as a file name": (
        b'{"files": {"../../etc/passwd": {"sha256": "' + b"0" * 64 + b'", "bytes": 1}}}'
    ),
    "nested 100000 deep": b"[" * 100_000 + b"]" * 100_000,
    "not JSON": b"{not json",
    "non-UTF-8": b'{"files": "\xff\xfe"}',
}


@pytest.mark.parametrize("how", list(MANIFESTS))
@pytest.mark.parametrize("command", [["rank", "JPN"], ["export", "@out"]])
def test_a_malformed_snapshot_manifest_is_one_paragraph(
    how: str, command: list[str], data_dir: Path, cache: Path, tmp_path: Path, capsys
) -> None:
    (data_dir / "processed" / "manifest.json").write_bytes(MANIFESTS[how])
    argv = [str(tmp_path / "out.csv") if a == "@out" else a for a in command]
    before = _checksums(data_dir)
    rc, err = _run(argv, capsys)
    intact = _record("snapshot", f"manifest {how} ({command[0]})", before, data_dir)
    assert rc == 1, (how, rc, err)
    _one_paragraph(err)
    assert "manifest.json" in _flat(err) and "not readable as the snapshot's manifest" in _flat(
        err
    ), err
    assert intact and not (tmp_path / "out.csv").exists()


def test_a_malformed_snapshot_manifest_is_repaired_by_build(data_dir: Path, capsys) -> None:
    """`build` (not forced) takes a manifest it cannot read for a reason to rebuild, and
    writes the whole snapshot again: the committed files, byte for byte, and the committed
    manifest but for the claims' outputs, which are carried unlisted (nothing vouches for
    them now: every reader refuses them until `asean-japan claims` writes them again)."""
    import json

    from analysis import snapshot

    manifest = data_dir / "processed" / "manifest.json"
    committed = _checksums(data_dir)
    was = json.loads(manifest.read_bytes())
    manifest.write_bytes(b"[]")
    rc, err = _run(["build"], capsys)
    now = _checksums(data_dir)
    same = {k: v for k, v in now.items() if not k.endswith("manifest.json")} == {
        k: v for k, v in committed.items() if not k.endswith("manifest.json")
    }
    built = {k for k in was["files"] if snapshot.built_by_build(k)}
    listed = json.loads(manifest.read_bytes())["files"]
    repaired = same and listed == {k: was["files"][k] for k in built}
    RESULTS.append(("snapshot", "manifest a list (build repairs)", repaired))
    assert rc == 0, err
    assert repaired and snapshot.verify(data_dir / "processed") == []
    with pytest.raises(SourceError, match="not listed in the snapshot's manifest"):
        snapshot.load_table("claims.csv", data_dir / "processed")


def _forge_cache(cache: Path, change: str) -> Path:
    """The cache file the first load wrote, with one thing changed (``rankcache``'s own
    format: arrays of an .npz; 'recomputed': the stored checksum made to fit again)."""
    import io
    import zipfile

    import numpy as np

    from analysis import rankcache

    (path,) = cache.glob("rankings-*.npz")
    with np.load(path, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    checksum = arrays.pop(rankcache.CHECKSUM)
    if change.startswith("ranks negated"):
        arrays["rank.values"] = -arrays["rank.values"]
    elif change.startswith("China and Japan swapped"):
        cats = arrays["partner.categories"].copy()
        i, j = list(cats).index("CHN"), list(cats).index("JPN")
        cats[i], cats[j] = cats[j], cats[i]
        arrays["partner.categories"] = cats
    elif change.startswith("shares doubled"):
        arrays["share"] = arrays["share"] * 2
    elif change.startswith("rows dropped"):
        arrays = {k: (v[:-1000] if v.ndim and len(v) > 100_000 else v) for k, v in arrays.items()}
    if change.endswith("recomputed"):
        checksum = np.asarray(rankcache._digest(arrays))
    arrays[rankcache.CHECKSUM] = checksum
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    data = buf.getvalue()
    if change == "a forged array header (2**40 rows)":
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
            for info in zin.infolist():
                body = zin.read(info)
                if info.filename == "year.npy":  # the header's shape, its length kept
                    was, now = f"({len(arrays['year'])},)".encode(), b"(1099511627776,)"
                    size = int.from_bytes(body[8:10], "little")  # format 1.0
                    header = body[10 : 10 + size].replace(was, now, 1)
                    header = header[:-1].removesuffix(b" " * (len(now) - len(was))) + b"\n"
                    assert len(header) == size and now in header
                    body = body[:10] + header + body[10 + size :]
                zout.writestr(info, body)
        data = out.getvalue()
    path.write_bytes(data)
    return path


CACHE_FORGERIES = [
    "ranks negated, checksum recomputed",
    "China and Japan swapped",
    "shares doubled, checksum recomputed",
    "rows dropped, checksum recomputed",
    "ranks negated",
    "a forged array header (2**40 rows)",
    "group-writable (another user could have written it)",
    "MemoryError while loading",
]


@pytest.mark.parametrize("change", CACHE_FORGERIES)
def test_a_forged_cache_is_never_served(
    change: str, data_dir: Path, cache: Path, monkeypatch, capsys
) -> None:
    """The rankings cache is untrusted input (its folder may be shared): a forged or damaged
    entry is ranked again, so `rank THA --year 2013` prints what the snapshot holds, never
    Timor-Leste at rank -183, and never a traceback or a 7 TiB allocation."""
    argv = ["rank", "THA", "--year", "2013", "--dataset", "imf_dots_xlsx", "--top", "200"]
    rc, reference, err = _rank_out(argv, capsys)  # ranked, then cached
    assert rc == 0, err
    if change.startswith("group-writable"):
        _forge_cache(cache, "ranks negated, checksum recomputed").chmod(0o664)
    elif change.startswith("MemoryError"):
        import numpy as np

        def no_memory(*args, **kwargs):
            raise MemoryError

        monkeypatch.setattr(np, "load", no_memory)
    else:
        _forge_cache(cache, change)
    before = _checksums(data_dir)
    rc, out, err = _rank_out(argv, capsys)
    intact = _record("rankings cache", change, before, data_dir)
    assert rc == 0 and "Traceback" not in err, err
    assert out == reference  # what the snapshot holds, ranked again
    assert " -1" not in out and intact


def test_an_unexpected_error_is_one_paragraph(data_dir: Path, monkeypatch, capsys) -> None:
    """The last resort: an error nothing foresaw (here MemoryError while ranking) ends in one
    paragraph, exit 1, no traceback."""
    from analysis import query

    def no_memory(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(query, "rank_table", no_memory)
    before = _checksums(data_dir)
    rc, err = _run(["rank", "JPN"], capsys)
    intact = _record("cli", "MemoryError while ranking", before, data_dir)
    assert rc == 1, (rc, err)
    _one_paragraph(err)
    assert "MemoryError" in _flat(err) and "--debug" in _flat(err) and intact


def _vintage(data_dir: Path, xml: bytes, name: str = "2026-11-29") -> Path:
    from analysis.rawstore import RawRecord, RawStore, sha256_bytes

    rec = RawRecord("reported.xml", "u", {}, "t", 200, sha256_bytes(xml), len(xml), "", "", "")
    return RawStore("imf_imts").write_vintage(name, [(rec, xml)], [])


@pytest.mark.parametrize("force", [False, True], ids=["build", "build --force"])
def test_a_replaced_fetched_file_is_refused(
    force: bool, data_dir: Path, imts_xml: bytes, capsys
) -> None:
    """A fetched raw file replaced by other valid bytes (one value changed): neither "up to
    date" nor built under the old checksum; the build names the file and changes nothing."""
    folder = _vintage(data_dir, imts_xml)
    target = folder / "reported.xml"
    target.chmod(0o644)
    target.write_bytes(imts_xml.replace(b'OBS_VALUE="2019551635133"', b'OBS_VALUE="1"', 1))
    before = _checksums(data_dir)
    rc, err = _run(["build", "--force"] if force else ["build"], capsys)
    intact = _record(
        "raw", f"fetched file replaced ({'--force' if force else 'build'})", before, data_dir
    )
    assert rc == 1, (rc, err)
    _one_paragraph(err)
    assert str(target) in err and "not the one vintage 2026-11-29 recorded" in _flat(err), err
    assert intact


VINTAGE_MANIFESTS = {
    "not JSON": b"{not json",
    "a list": b"[]",
    "no sha256": b'{"files": [{"file": "reported.xml", "url": "u", "fetched_at": "t", "bytes": 1}]}',
    "a path as a file name": (
        b'{"files": [{"file": "../x", "url": "u", "fetched_at": "t", "bytes": 1, "sha256": "'
        + b"0" * 64
        + b'"}]}'
    ),
    "nested 100000 deep": b"[" * 100_000 + b"]" * 100_000,
}


@pytest.mark.parametrize("how", list(VINTAGE_MANIFESTS))
@pytest.mark.parametrize(
    "command",
    [
        ["build"],
        ["vintages"],
        ["diff", "imf_imts", "2026-11-28", "2026-11-29"],
        ["run", "--no-notebooks"],
    ],
    ids=["build", "vintages", "diff", "run"],
)
def test_a_damaged_vintage_manifest_is_one_paragraph(
    how: str, command: list[str], data_dir: Path, imts_xml: bytes, monkeypatch, capsys
) -> None:
    monkeypatch.setenv("ASEAN_JAPAN_REPORTS", str(data_dir.parent / "reports"))
    _vintage(data_dir, imts_xml, "2026-11-28")
    manifest = _vintage(data_dir, imts_xml) / "manifest.json"
    manifest.chmod(0o644)
    manifest.write_bytes(VINTAGE_MANIFESTS[how])
    before = _checksums(data_dir)
    rc, err = _run(command, capsys)
    intact = _record("vintages", f"vintage manifest {how} ({command[0]})", before, data_dir)
    assert rc == 1, (how, command, rc, err)
    _one_paragraph(err)
    assert str(manifest) in err and "not readable as a vintage manifest" in _flat(err), err
    assert "mv " in _flat(err) and intact


@pytest.mark.parametrize("how", ["not JSON", "nested 100000 deep"])
def test_fetch_goes_past_a_damaged_vintage(
    how: str, data_dir: Path, imts_xml: bytes, monkeypatch, capsys
) -> None:
    """A damaged vintage is not a vintage to fetch against: `fetch` writes a whole new one
    (the real recorded response replayed) and leaves the damaged one as it was."""
    manifest = _vintage(data_dir, imts_xml) / "manifest.json"
    manifest.chmod(0o644)
    manifest.write_bytes(VINTAGE_MANIFESTS[how])
    before = _checksums(data_dir)
    server = ReplayServer()
    server.default = [Reply(200, imts_xml, XML)]
    server.start()
    try:
        monkeypatch.setenv(BASE_ENV["imf_imts"], server.url + "/api")
        rc, err = _run(["fetch", "imf_imts"], capsys)
    finally:
        server.stop()
    after = _checksums(data_dir)
    kept = all(after.get(k) == v for k, v in before.items())  # nothing changed, one vintage added
    RESULTS.append(("imf_imts", f"fetch past a vintage manifest {how}", kept))
    assert rc == 0, err
    assert "Traceback" not in err and kept
    assert any(
        k.startswith("raw/imf_imts/2026-")
        and k.endswith("/manifest.json")
        and "2026-11-29/" not in k
        for k in after
    ), sorted(after)


def test_a_full_disk_mid_build_changes_nothing(data_dir: Path, monkeypatch, capsys) -> None:
    """The disk fills while the new snapshot is written (its manifest, the last file): the
    old snapshot is untouched, no half-written folder is left, and the message says so."""
    import errno

    from analysis import snapshot

    real = snapshot._write_new

    def full(path: Path, data: bytes) -> None:
        if path.name == snapshot.MANIFEST_FILE:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        real(path, data)

    monkeypatch.setattr(snapshot, "_write_new", full)
    before = _checksums(data_dir)
    rc, err = _run(["build", "--force"], capsys)
    intact = _record("snapshot", "disk full mid-build", before, data_dir)
    assert rc == 1, (rc, err)
    _one_paragraph(err)
    assert (
        "No space left on device" in _flat(err)
        and "Nothing in" in _flat(err)
        and "was changed" in _flat(err)
    )
    assert intact and not list(data_dir.glob(".processed.*-*"))


def test_a_full_disk_while_claims_are_written_changes_nothing(
    data_dir: Path, cache: Path, monkeypatch, capsys
) -> None:
    import errno

    from analysis import snapshot

    def full(path: Path, data: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(snapshot, "_write_new", full)
    before = _checksums(data_dir)
    rc, err = _run(["claims"], capsys)
    intact = _record("snapshot", "disk full while claims are written", before, data_dir)
    assert rc == 1, (rc, err)
    _one_paragraph(err)
    assert "No space left on device" in _flat(err) and "was changed" in _flat(err)
    assert intact and not list(data_dir.glob(".processed.*-*"))


CLAIM_FILE_DAMAGE = {
    "nested 5000 deep": b"x = " + b"[" * 5000 + b"]" * 5000 + b"\n",
    "inline tables 5000 deep": b"x = " + b"{a = " * 5000 + b"1" + b"}" * 5000 + b"\n",
    "over 1 MB": b"# " + b"x" * 1_100_000 + b"\n",
    "UTF-16": "[[claim]]\nid = 'x'\n".encode("utf-16"),
    "binary garbage": bytes(range(256)) * 64,
}


@pytest.mark.parametrize("how", list(CLAIM_FILE_DAMAGE))
def test_a_damaged_claim_file_is_one_paragraph(
    how: str, data_dir: Path, cache: Path, tmp_path: Path, capsys
) -> None:
    """Claim files go through the one loader: whatever the bytes (deep nesting included, which
    ends in RecursionError inside the TOML parser), one paragraph naming the file, exit 1."""
    path = tmp_path / "claims.toml"
    path.write_bytes(CLAIM_FILE_DAMAGE[how])
    before = _checksums(data_dir)
    rc, err = _run(["claims", "--file", str(path)], capsys)
    intact = _record("claims", f"claim file {how}", before, data_dir)
    assert rc == 1, (how, rc, err)
    _one_paragraph(err)
    assert f"claim file {path}" in _flat(err) and "not readable as a claim file" in _flat(err)
    assert intact
