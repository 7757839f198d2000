"""Vintages and revisions, on small hand-built vintages (named as such: not data)."""

from __future__ import annotations

from pathlib import Path

from analysis.vintages import diff, list_vintages

from ..unit.test_vintages import NEW, OLD, _save, handmade_imts


def test_diff_reports_revisions_and_rank_changes(tmp_path: Path) -> None:
    _save(tmp_path, "2026-01-01", handmade_imts(OLD))
    _save(tmp_path, "2026-02-01", handmade_imts(NEW))
    table = list_vintages(tmp_path)
    assert table[table["source"] == "imf_imts"]["vintage"].tolist() == ["2026-01-01", "2026-02-01"]
    d = diff("imf_imts", "2026-01-01", "2026-02-01", root=tmp_path)
    # Korea's exports revised (own report, and Korea's mirror imports from Viet Nam)
    assert d.changed == 2 and d.added == 2 and d.removed == 0
    top = d.revisions.iloc[0]
    assert (top["partner"], top["revision"]) in {("KOR", 15.0), ("VNM", 15.0)}
    moved = d.rank_changes
    vn = moved[
        (moved["country"] == "VNM")
        & (moved["measure"] == "exports")
        & (moved["variant"] == "countries")
        & (moved["basis"] == "reported")
    ]
    got = {p: (o, n) for p, o, n in zip(vn["partner"], vn["rank_old"], vn["rank_new"], strict=True)}
    assert got["KOR"] == (3, 2) and got["JPN"] == (2, 3)
    assert "values revised: 2" in d.text()
