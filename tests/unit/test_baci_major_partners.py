"""Pure logic (hand-made inputs, no real files) beside tests/integration/test_baci_major_partners.py:
CEPII BACI pair sums (ASEAN-10 x 13 major partners) on the real file: layout, one reconciled
observation per flow, the rules for sides and codes, bad inputs, and a real ranking that stays in
the variant ``major_partners``."""

from __future__ import annotations

from analysis.sources import REGISTRY
from analysis.sources.baci_major_partners import NAME, SOURCE


def test_registered_as_restricted_major_partners_dataset() -> None:
    assert REGISTRY[NAME] is SOURCE
    (d,) = SOURCE.datasets
    assert d.variant == "major_partners" and d.partners.startswith("13 major partners")
    assert d.measures == ("exports", "imports", "trade")
