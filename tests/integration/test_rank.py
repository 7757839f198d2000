"""Ranking logic on tiny hand-built frames (not data: made-up numbers to test the rules)."""

from __future__ import annotations


def test_the_settings_come_from_a_manifest_alone() -> None:
    """One builder for every caller: a hand-made manifest's dataset entries give each setting
    (entries of the keys the build writes; absent keys mean all partners, all reporters)."""
    from analysis.countries import ASEAN, FOCUS
    from analysis.rank import RankSettings

    hand_made = {
        "scope": "focus",
        "datasets": {
            "d_all": {},
            "d_major": {
                "partners": "13 major partners",
                "variant": "major_partners",
                "partner_set": "major_13",
                "reporters": "Indonesia only",
            },
            "d_own": {"reporters": "Singapore only", "ranked": False},
            "d_blocs": {
                "partners": "its listed partners",
                "partner_set": "mof",
                "aggregation": "blocs",
            },
        },
    }
    s = RankSettings.from_manifest(hand_made)
    assert s.countries == frozenset((*FOCUS, ASEAN))
    assert s.restricted == (("d_major", "major_partners"),)
    assert s.single_reporter == {"d_major", "d_own"}
    assert s.partial == {"d_major", "d_blocs"}
    assert s.partner_sets == (("d_blocs", "mof", "blocs"), ("d_major", "major_13", ""))
    assert s.unranked == {"d_own"}
    assert RankSettings.from_manifest({**hand_made, "scope": "world"}).countries is None
    assert s.only(["VNM"]).countries == {"VNM"} and s.only(["VNM"]).unranked == s.unranked
