"""The OECD and World Bank fetchers, replayed through a real HTTP server on 127.0.0.1.

Success paths run on the real recorded responses (OECD FDI by counterpart, World Bank API v2);
the DAC2A query has no recorded response of its own, so it is proven on the shared SDMX-CSV
layout and on its bad-input paths.
"""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

import pytest

from analysis.errors import SourceError
from analysis.http import HttpClient
from analysis.rawstore import RawStore
from analysis.sources import imf_dip, oecd_dac2a, oecd_fdi, worldbank_wdi
from analysis.sources.oecd_sdmx import parse_csv

from ..conftest import SHARED, need
from ..replay import ReplayServer, Reply

CSV = {"Content-Type": "application/vnd.sdmx.data+csv; charset=utf-8"}


OECD = SHARED / "api_fixtures" / "oecd_sdmx"


@pytest.fixture(scope="module")
def fdi_flows() -> bytes:
    return need(OECD / "DF_FDI_FLOW_CTRY_12reporters_to_ASEAN_2010-2024.csv").read_bytes()


@pytest.fixture(scope="module")
def fdi_positions() -> bytes:
    return need(OECD / "DF_FDI_POS_CTRY_12reporters_to_ASEAN_2010-2024.csv").read_bytes()


@pytest.fixture(scope="module")
def wb_json() -> bytes:
    return need(
        SHARED / "api_fixtures" / "worldbank" / "wdi_v2_IDN_NY.GDP.MKTP.CD_2020-2024_annotated.json"
    ).read_bytes()


def _tree(root: Path) -> dict[str, str]:
    if not root.exists():
        return {}
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != ".lock"  # a fetch's lock holds nothing
    }


def _client(source: str, sleeps: list[float] | None = None, **kw) -> HttpClient:
    return HttpClient(source, sleep=(sleeps if sleeps is not None else []).append, **kw)


@pytest.fixture()
def oecd(server: ReplayServer, monkeypatch: pytest.MonkeyPatch) -> ReplayServer:
    monkeypatch.setenv("ASEAN_JAPAN_OECD_BASE_URL", server.url + "/public/rest")
    return server


def _route(server: ReplayServer, req, *replies: Reply) -> None:
    server.routes["/" + req.url.split("/", 3)[3]] = list(replies)


def test_sdmx_csv_parser_on_real_bytes(fdi_flows: bytes) -> None:
    df = parse_csv(fdi_flows, "oecd_fdi", "fixture", ("REF_AREA", "COUNTERPART_AREA", "MEASURE"))
    rows = [r for r in csv.DictReader(io.StringIO(fdi_flows.decode())) if r["OBS_VALUE"]]
    assert len(df) == len(rows) == 1016
    kr = next(
        r
        for r in rows
        if r["REF_AREA"] == "KOR" and r["COUNTERPART_AREA"] == "VNM" and r["TIME_PERIOD"] == "2019"
    )
    hit = df[(df["REF_AREA"] == "KOR") & (df["COUNTERPART_AREA"] == "VNM") & (df["year"] == 2019)]
    assert hit["value_usd_m"].tolist() == [float(kr["OBS_VALUE"])]  # UNIT_MULT 6: already millions
    assert hit["COUNTERPART_AREA_label"].tolist() == ["Viet Nam"]


def test_oecd_fdi_fetch_end_to_end_and_conditional(
    oecd, fdi_flows, fdi_positions, tmp_path
) -> None:
    flows_req, pos_req, into_req, in_req = oecd_fdi.requests_for()
    _route(oecd, flows_req, Reply(200, fdi_flows, CSV, etag='"f1"'))
    _route(oecd, pos_req, Reply(200, fdi_positions, CSV, etag='"p1"'))
    _route(oecd, into_req, Reply(200, fdi_flows, CSV, etag='"f2"'))
    _route(oecd, in_req, Reply(200, fdi_positions, CSV, etag='"p2"'))
    store = RawStore("oecd_fdi", root=tmp_path)
    paths = oecd_fdi.fetch(store=store, client=_client("oecd_fdi"), vintage="2026-11-01")
    assert sorted(p.name for p in paths) == [
        "flows.csv",
        "flows_into_asean.csv",
        "positions.csv",
        "positions_in_asean.csv",
    ]
    assert {p.read_bytes() for p in paths} == {fdi_flows, fdi_positions}
    # every OECD reporter in the ten members: the reporter slot empty, the hosts named
    assert "/.LE_FA_F.USD_EXC.DO.NET_FDI.ROU.D.S1.BRN+IDN+KHM" in in_req.url
    first = oecd.log[0]
    assert (
        "DSD_FDI@DF_FDI_FLOW_CTRY" in first["path"] and "/JPN.T_FA_F.USD_EXC.DO." in first["path"]
    )
    assert "format=csvfilewithlabels" in first["query"]
    parsed = oecd_fdi.parse(fdi_positions)
    assert set(parsed["measure"]) == {"fdi_outward_stock"}
    # a second refresh asks conditionally and downloads nothing
    before = _tree(tmp_path)
    oecd.log.clear()
    paths2 = oecd_fdi.fetch(store=store, client=_client("oecd_fdi"), vintage="2026-11-02")
    assert [r["headers"].get("If-None-Match") for r in oecd.log] == ['"f1"', '"p1"', '"f2"', '"p2"']
    assert sorted(paths2) == sorted(paths) and _tree(tmp_path) == before


def test_dac2a_rejects_a_response_of_another_dataflow(oecd, fdi_flows, tmp_path) -> None:
    for req in oecd_dac2a.requests_for():
        _route(oecd, req, Reply(200, fdi_flows, CSV))
    with pytest.raises(SourceError, match=r"changed columns: missing \['DONOR', 'RECIPIENT'"):
        oecd_dac2a.fetch(store=RawStore("oecd_dac2a", root=tmp_path), client=_client("oecd_dac2a"))
    assert _tree(tmp_path) == {}


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (
            Reply(
                200,
                b"Rate limit exceeded. Too many requests, please retry later.",
                {"Content-Type": "text/plain"},
            ),
            "rate-limit message",
        ),
        (
            Reply(
                200,
                b"<!DOCTYPE html><html><body>Service unavailable</body></html>",
                {"Content-Type": "text/html"},
            ),
            "HTML page",
        ),
        (Reply(204, b"", {}), "empty response"),
    ],
    ids=["rate-limit-text", "html", "204"],
)
def test_dac2a_bad_inputs_lose_nothing(oecd, tmp_path, reply: Reply, message: str) -> None:
    for req in oecd_dac2a.requests_for():
        _route(oecd, req, reply)
    with pytest.raises(SourceError, match=message):
        oecd_dac2a.fetch(store=RawStore("oecd_dac2a", root=tmp_path), client=_client("oecd_dac2a"))
    assert _tree(tmp_path) == {}


def test_oecd_429_with_retry_after(oecd, fdi_flows, fdi_positions, tmp_path) -> None:
    flows_req, pos_req, into_req, in_req = oecd_fdi.requests_for()
    limited = Reply(429, b"Too Many Requests", {"Retry-After": "60", "Content-Type": "text/plain"})
    _route(oecd, flows_req, limited, Reply(200, fdi_flows, CSV))
    _route(oecd, pos_req, Reply(200, fdi_positions, CSV))
    _route(oecd, into_req, Reply(200, fdi_flows, CSV))
    _route(oecd, in_req, Reply(200, fdi_positions, CSV))
    sleeps: list[float] = []
    oecd_fdi.fetch(store=RawStore("oecd_fdi", root=tmp_path), client=_client("oecd_fdi", sleeps))
    assert sleeps == [60.0]


def test_worldbank_paging_and_parse(
    server: ReplayServer, monkeypatch, wb_json: bytes, tmp_path
) -> None:
    monkeypatch.setenv(worldbank_wdi.BASE_URL_ENV, server.url + "/v2")
    path = "/" + worldbank_wdi._request(1).url.split("/", 3)[3]
    server.routes[path] = [Reply(200, wb_json, {"Content-Type": "application/json"})]
    paths = worldbank_wdi.fetch(
        store=RawStore("worldbank_wdi", root=tmp_path),
        client=_client("worldbank_wdi"),
        vintage="2026-11-01",
    )
    assert [p.name for p in paths] == ["page1.json"] and paths[0].read_bytes() == wb_json
    assert all("page=1" in r["query"] and "per_page=20000" in r["query"] for r in server.log)
    header, rows = worldbank_wdi.parse(wb_json)
    assert header["pages"] == 1 and len(rows) == 5
    assert rows.loc[rows["year"] == 2024, "value_usd_m"].iat[0] == pytest.approx(1396300.09819097)


def test_worldbank_error_message(server: ReplayServer, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv(worldbank_wdi.BASE_URL_ENV, server.url + "/v2")
    path = "/" + worldbank_wdi._request(1).url.split("/", 3)[3]
    server.routes[path] = [
        Reply(
            200,
            b'[{"message":[{"id":"120","key":"Invalid value"}]}]',
            {"Content-Type": "application/json"},
        )
    ]
    with pytest.raises(SourceError, match="the API answered with an error"):
        worldbank_wdi.fetch(
            store=RawStore("worldbank_wdi", root=tmp_path), client=_client("worldbank_wdi")
        )
    assert _tree(tmp_path) == {}


def test_imf_dip_requests_and_layout_check(server: ReplayServer, monkeypatch, tmp_path) -> None:

    monkeypatch.setenv(imf_dip.BASE_URL_ENV, server.url + "/sdmx")
    reqs = imf_dip.requests_for()
    assert len(reqs) == 2
    assert reqs[0].url.endswith(
        "/IMF.STA/DIP/+/BRN+IDN+KHM+LAO+MMR+MYS+PHL+SGP+THA+VNM.O+SCC.INWD_D_NETLA_FALL_ALL.*.A"
    )
    assert reqs[1].url.endswith("/IMF.STA/DIP/+/JPN.O.OTWD_D_NETAL_FALL_ALL.*.A")
    # a real IMF message of another dataflow (IMTS) has no DV_TYPE: refused, nothing saved
    imts = need(
        SHARED
        / "api_fixtures"
        / "imf_sdmx3"
        / "openbb_imts_data_USA.XG_FOB_USD.G001+G998.A_2023-2024.xml"
    ).read_bytes()
    server.default = [Reply(200, imts, {"Content-Type": "application/xml"})]
    with pytest.raises(SourceError, match=r"lacks the dimension\(s\) \['DV_TYPE'\]"):
        imf_dip.fetch(store=RawStore("imf_dip", root=tmp_path), client=_client("imf_dip"))
    assert _tree(tmp_path) == {}
