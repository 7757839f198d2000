"""``asean-japan fetch`` as a user runs it: progress on stderr, a summary table, ``--all`` past a
failing source, ``--vintage NAME``. Real recorded responses replayed through a real HTTP server
on 127.0.0.1 (the IMF's SDMX-ML, the OECD's SDMX-CSV, the World Bank's JSON)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from importlib import import_module
from pathlib import Path

import pytest

from analysis import cli
from analysis.rawstore import RawStore
from analysis.sources import REGISTRY

from ..replay import ReplayServer, Reply
from .test_faults import BASE_ENV, _real


@pytest.fixture()
def fetch_env(isolated_data: Path, monkeypatch: pytest.MonkeyPatch, server: ReplayServer):
    """Every live source pointed at the replay server (the two IMF sources share one base URL
    variable); quick retries."""
    for source, env in BASE_ENV.items():
        monkeypatch.setenv(env, server.url + "/" + source)
    monkeypatch.setenv("ASEAN_JAPAN_HTTP_RETRIES", "1")
    monkeypatch.setenv("ASEAN_JAPAN_HTTP_BACKOFF", "0")
    return isolated_data


def test_fetch_logs_each_request_and_prints_a_summary(
    fetch_env: Path, server: ReplayServer, capsys
) -> None:
    real, ctype = _real("imf_imts")
    assert real is not None
    server.default = [Reply(200, real, ctype, etag='"v1"')]
    assert cli.main(["fetch", "imf_imts"]) == 0
    out, err = capsys.readouterr()
    # one progress line per request: source, request n of N, status, bytes, elapsed
    for n, file in ((1, "reported.xml"), (2, "mirror.xml")):
        assert re.search(
            rf"imf_imts: request {n} of 2 \({file}\): HTTP 200, {len(real):,} bytes, "
            r"elapsed \d+\.\d s",
            err,
        ), err
    assert err.count("imf_imts: GET http://127.0.0.1") == 2
    assert "imf_imts: wrote vintage" in err
    # the summary: a title line, then the source's row
    lines = out.splitlines()
    assert lines[0].startswith("Fetched 1 source(s): 1 fine, 0 failed")
    row = lines[2].split()
    vintage = RawStore("imf_imts").vintages()[-1]
    assert row[:3] == ["imf_imts", "ok", vintage]
    # both files new (this replay sends the same real body to both requests)
    assert "2 new / 2" in lines[2] and f"{2 * len(real):,}" in lines[2]

    # again: the server answers 304 to the ETag, nothing is written, the summary says so
    assert cli.main(["fetch", "imf_imts"]) == 0
    out, err = capsys.readouterr()
    assert "unchanged upstream (HTTP 304)" in err and "no vintage written" in err
    assert out.splitlines()[2].split()[:3] == ["imf_imts", "unchanged", vintage]
    assert RawStore("imf_imts").vintages() == [vintage]


def test_quiet_fetch_has_no_progress_lines(fetch_env: Path, server: ReplayServer, capsys) -> None:
    real, ctype = _real("imf_imts")
    server.default = [Reply(200, real, ctype)]
    assert cli.main(["fetch", "imf_imts", "--quiet"]) == 0
    out, err = capsys.readouterr()
    assert err == "" and "imf_imts" in out


def test_retry_and_its_wait_are_logged(fetch_env: Path, server: ReplayServer, capsys) -> None:
    real, ctype = _real("imf_imts")
    server.default = [
        Reply(429, b"Too Many Requests", {"Retry-After": "0", "Content-Type": "text/plain"}),
        Reply(200, real, ctype),
    ]
    assert cli.main(["fetch", "imf_imts"]) == 0
    err = capsys.readouterr().err
    assert (
        "imf_imts: attempt 1 of 2 failed: HTTP 429 Too Many Requests (rate limit); retrying in "
        "0.0 s (the server's Retry-After: 0)"
    ) in err
    assert "(attempt 2 of 2)" in err


def test_worldbank_pages_are_counted(fetch_env: Path, server: ReplayServer, capsys) -> None:
    real, ctype = _real("worldbank_wdi")
    server.default = [Reply(200, real, ctype)]
    assert cli.main(["fetch", "worldbank_wdi"]) == 0
    err = capsys.readouterr().err
    assert re.search(r"worldbank_wdi: page 1 of 1: HTTP 200, [\d,]+ bytes, elapsed", err), err


def test_fetch_all_goes_on_past_failures_and_ends_with_a_summary(
    fetch_env: Path, server: ReplayServer, capsys
) -> None:
    """imf_imts and oecd_fdi answer with real data; imf_dip's server sends an HTML page (a data
    problem), the World Bank is down (503: the network) and the DAC2A route has no data (404).
    Every source is tried; the two good ones are written; the exit code is 1 (not every failure
    was the network)."""
    imts, xml = _real("imf_imts")
    fdi, csv = _real("oecd_fdi")
    html = b"<!DOCTYPE html><html><body>maintenance</body></html>"
    for source, reply in {
        "imf_imts": Reply(200, imts, xml),
        "oecd_fdi": Reply(200, fdi, csv),
        "imf_dip": Reply(200, html, {"Content-Type": "text/html"}),
        "worldbank_wdi": Reply(503, b"Service Unavailable", {"Content-Type": "text/plain"}),
    }.items():
        for req_path in _paths(server, source):
            server.routes[req_path] = [reply]
    rc = cli.main(["fetch", "--all"])
    out, err = capsys.readouterr()
    live = [n for n, s in REGISTRY.items() if s.fetch]
    assert rc == 1, (out, err)
    lines = out.splitlines()
    assert lines[0] == (
        f"Fetched {len(live)} source(s): 2 fine, {len(live) - 2} failed "
        "(files: written now / in the vintage; bytes written now):"
    )
    rows = {line.split()[0]: line for line in lines[2:]}
    assert set(rows) == set(live)
    for ok in ("imf_imts", "oecd_fdi"):
        assert rows[ok].split()[1] == "ok" and RawStore(ok).vintages()
    assert "HTML page" in rows["imf_dip"] and rows["imf_dip"].split()[1] == "failed"
    assert "gave up after 2 attempts: HTTP 503" in rows["worldbank_wdi"]
    assert "HTTP 404" in rows["oecd_dac2a"]
    for bad in ("imf_dip", "worldbank_wdi", "oecd_dac2a"):
        assert not [p for p in RawStore(bad).root.rglob("*") if p.name != ".lock"]
    assert "retrying in 0.0 s" in err  # the 503 was retried, and said so


def test_fetch_all_exits_75_when_only_the_network_failed(
    fetch_env: Path, server: ReplayServer, capsys
) -> None:
    server.default = [Reply(503, b"Service Unavailable", {"Content-Type": "text/plain"})]
    assert cli.main(["fetch", "--all"]) == 75
    out = capsys.readouterr().out
    assert out.count(" failed ") >= len([s for s in REGISTRY.values() if s.fetch])


def test_vintage_name_is_used_checked_and_never_reused(
    fetch_env: Path, server: ReplayServer, capsys
) -> None:
    real, ctype = _real("imf_imts")
    server.default = [Reply(200, real, ctype)]
    assert cli.main(["fetch", "imf_imts", "--vintage", "2026-11-29-revised"]) == 0
    assert RawStore("imf_imts").vintages() == ["2026-11-29-revised"]
    assert "imf_imts ok 2026-11-29-revised" in " ".join(capsys.readouterr().out.split())
    asked = len(server.log)
    # a taken name: a usage error, before any request
    assert cli.main(["fetch", "imf_imts", "--vintage", "2026-11-29-revised"]) == 2
    err = capsys.readouterr().err
    assert "a vintage named '2026-11-29-revised' already exists" in err
    assert "existing: 2026-11-29-revised" in err and "Traceback" not in err
    for bad in ("../elsewhere", ".hidden", "a/b", "", "x" * 65, "name with space"):
        assert cli.main(["fetch", "imf_imts", "--vintage", bad]) == 2
        assert "not a safe vintage name" in capsys.readouterr().err
    assert len(server.log) == asked  # nothing was asked of the network
    assert RawStore("imf_imts").vintages() == ["2026-11-29-revised"]
    assert not (fetch_env / "raw" / "elsewhere").exists()


def _paths(server: ReplayServer, source: str) -> list[str]:
    """The request paths of a live source as the replay server sees them (base URL moved)."""
    mod = import_module(f"analysis.sources.{source}")
    reqs = (
        [mod._request(1)]  # the World Bank: the first page (it announces the others)
        if source == "worldbank_wdi"
        else mod.requests_for()
    )
    return ["/" + r.url.split("/", 3)[3] for r in reqs]


def test_progress_reaches_stderr_of_the_real_command(
    isolated_data: Path, server: ReplayServer
) -> None:
    real, ctype = _real("imf_imts")
    server.default = [Reply(200, real, ctype)]
    env = {
        **os.environ,
        BASE_ENV["imf_imts"]: server.url + "/imf",
        "ASEAN_JAPAN_HTTP_RETRIES": "0",
    }
    p = subprocess.run(
        [sys.executable, "-m", "analysis", "fetch", "imf_imts"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert p.returncode == 0, p.stderr
    assert re.search(r"^\d\d:\d\d:\d\d imf_imts: request 2 of 2 \(mirror\.xml\)", p.stderr, re.M)
    assert p.stdout.startswith("Fetched 1 source(s): 1 fine, 0 failed")
