"""Name and code mapping: every IMF name in the 235 files maps, aggregates are never partners."""

from __future__ import annotations

import pytest

from analysis.countries import resolve_imf_names, resolve_imts_codes
from analysis.errors import SourceError


def test_every_name_in_the_235_files_maps(dots_parsed) -> None:
    names = set(dots_parsed["reporter_name"].astype(str)) | set(
        dots_parsed["partner_name"].astype(str)
    )
    table = resolve_imf_names(names, "imf_dots_xlsx", "test")
    assert set(table) == names
    kinds = {e.kind for e in table.values()}
    assert kinds == {"country", "historical", "total", "aggregate"}


def test_aggregates_never_become_partners(world_observations, dots_parsed) -> None:
    names = set(dots_parsed["partner_name"].astype(str))
    table = resolve_imf_names(names, "imf_dots_xlsx", "test")
    allowed = {e.code for e in table.values() if e.kind in ("country", "historical", "total")}
    partners = set(world_observations["partner"].astype(str))
    assert partners <= allowed
    assert "" not in partners
    countries = set(world_observations["country"].astype(str))
    assert "WLD" not in countries  # the World reporter file is an aggregate, never an economy


def test_imts_codes() -> None:
    t = resolve_imts_codes(["G001", "G998", "GX170", "TX126", "USA", "SUN", "KOS"], "imf_imts", "t")
    assert (t["G001"].code, t["G001"].kind) == ("WLD", "total")
    assert t["G998"].kind == "aggregate" and t["GX170"].kind == "aggregate"
    assert t["TX126"].code == "XBL" and t["SUN"].kind == "historical" and t["KOS"].code == "XKX"
    assert t["USA"].code == "USA"
    with pytest.raises(SourceError, match="unknown IMF country code.*QQQ"):
        resolve_imts_codes(["USA", "QQQ"], "imf_imts", "t")


def test_every_code_in_the_committed_rankings_has_a_name() -> None:
    """Tables and charts show names, never bare codes: every partner and economy of the committed
    rankings (donors and agencies such as GLOBAL_FUND, EUI, IDA, ASDB included) is named in
    data/names.csv or is an ISO3 code pycountry knows."""
    from analysis.countries import has_name, short_name
    from analysis.snapshot import load_rankings

    r = load_rankings()
    codes = set(r["country"].astype(str)) | set(r["partner"].astype(str))
    assert len(codes) > 250  # countries, historical entities, blocs, donors and agencies
    unnamed = sorted(c for c in codes if not has_name(c))
    assert unnamed == []
    for code, name in [
        ("GLOBAL_FUND", "Global Fund (AIDS, TB, malaria)"),
        ("EUI", "EU Institutions"),
        ("IDA", "World Bank IDA"),
        ("ASDB", "Asian Development Bank"),
        ("PRV_BILL_MELINDA_GATES_FOUND", "Bill & Melinda Gates Foundation"),
        ("XCHI", "Channel Islands"),
        ("VNM", "Viet Nam"),
        ("FRA", "France"),  # from pycountry
    ]:
        assert short_name(code) == name
