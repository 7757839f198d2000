"""Pure logic (hand-made inputs, no real files) beside tests/integration/test_headline.py: The headline
rule (which dataset answers), partner sets and shares, and the caveats an answer carries: on the
committed snapshot (real data), with reference values read from the recorded files by an independent
reader where the published file holds the case."""

from __future__ import annotations

from analysis.countries import economy_code


def test_names_and_lower_case_codes_resolve() -> None:
    assert [economy_code(t) for t in ("vnm", "Viet Nam", "Vietnam", "laos", "us")] == [
        "VNM",
        "VNM",
        "VNM",
        "LAO",
        "USA",
    ]
    assert economy_code("Atlantis") is None


def test_presentation_code_names_no_dataset() -> None:
    """Charts, findings, the main job and the ODA price step follow the datasets' declarations
    (headline order, label, partner set, prices_from): no dataset name is written in them, so
    a new dataset reaches them without a code change."""
    from analysis.paths import PACKAGE_DIR
    from analysis.sources import REGISTRY

    names = {d.name for src in REGISTRY.values() for d in src.datasets}
    files = [*sorted((PACKAGE_DIR / "plots").glob("*.py"))]
    files += [PACKAGE_DIR / f for f in ("findings.py", "jobs.py", "oda_prices.py", "explore.py")]
    found = [
        (f.name, n) for f in files for n in sorted(names) if n in f.read_text(encoding="utf-8")
    ]
    assert not found
