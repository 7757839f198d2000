"""Pure logic (hand-made inputs, no real files) beside tests/integration/test_countries.py: Name and
code mapping: every IMF name in the 235 files maps, aggregates are never partners."""

from __future__ import annotations

import pytest

from analysis.countries import bloc_members, resolve_imf_names
from analysis.errors import SourceError


@pytest.mark.parametrize(
    ("name", "code", "kind"),
    [
        ("Czechoslovakia", "CSK", "historical"),
        ("USSR", "SUN", "historical"),
        ("Eastern Germany", "DDR", "historical"),
        ("Yugoslavia", "YUG", "historical"),
        ("Belgium-Luxembourg", "XBL", "historical"),
        ("China, P.R.: Mainland", "CHN", "country"),
        ("China, P.R.: Hong Kong", "HKG", "country"),
        ("Taiwan Province of China", "TWN", "country"),
        ("Vietnam", "VNM", "country"),
        ("Lao People's Dem. Rep.", "LAO", "country"),
        ("Korea, Rep. of", "KOR", "country"),
        ("Brunei Darussalam", "BRN", "country"),
        ("Czech Rep.", "CZE", "country"),
        ("World", "WLD", "total"),
        ("Euro Area", "", "aggregate"),
        ("Countries & Areas not specified", "", "aggregate"),
    ],
)
def test_imf_names(name: str, code: str, kind: str) -> None:
    e = resolve_imf_names([name], "imf_dots_xlsx", "test")[name]
    assert (e.code, e.kind) == (code, kind)


def test_unknown_names_listed_together() -> None:
    with pytest.raises(SourceError) as err:
        resolve_imf_names(["Japan", "Atlantis", "Freedonia"], "imf_dots_xlsx", "file X")
    text = str(err.value)
    assert "2 partner/reporter name(s)" in text and "'Atlantis'" in text and "'Freedonia'" in text


def test_blocs() -> None:
    blocs = bloc_members()
    assert len(blocs["ASEAN"]) == 10 and len(blocs["EU"]) == 27
    assert "GBR" not in blocs["EU"] and "VNM" in blocs["ASEAN"]


def test_every_donor_code_has_a_name() -> None:
    """A donor the DAC files may bring in a later fetch is named before it first ranks."""
    from analysis.countries import has_name
    from analysis.donors import donor_table

    codes = {d.code for d in donor_table().values() if d.code}
    assert sorted(c for c in codes if not has_name(c)) == []
    assert not has_name("NO_SUCH_DONOR")
