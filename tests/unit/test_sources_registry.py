"""Pure logic (hand-made inputs, no real files) beside tests/integration/test_sources_registry.py: One
source, one module: the registry, where raw files come from, complete vintages, one schema."""

from __future__ import annotations

import pytest

from analysis.schema import OBSERVATIONS, RANKINGS, dtypes
from analysis.sources import REGISTRY, datasets


# --- the registry -------------------------------------------------------------------------
def test_every_source_declares_itself_once() -> None:
    names = datasets()  # raises if two sources declare one dataset
    for name, src in REGISTRY.items():
        assert src.name == name and src.title and src.licence and src.citation and src.coverage
        # a source with neither is read only from a user's own copy in data/raw/<name>/
        own_copy_only = any(f"data/raw/{name}/" in n for n in src.notes)
        assert src.recorded or src.fetch or own_copy_only, f"{name}: no origin of raw files"
        for d in src.datasets:
            assert d.dimension in ("trade", "oda", "fdi") and d.measures
    assert {"vietnam_gso", "imf_dip_vnm"} <= set(names)  # one source, two datasets


def test_rank_dataset_choices_are_the_declared_datasets() -> None:
    """--dataset takes exactly the declared datasets (checked when given, so --help stays
    light), and names the nearest one for a typo."""
    import argparse

    from analysis.cli import build_parser

    parser = build_parser()
    rank = next(
        a
        for a in parser._subparsers._group_actions[0].choices["rank"]._actions
        if a.dest == "dataset"
    )
    assert all(rank.type(name) == name for name in datasets())
    with pytest.raises(argparse.ArgumentTypeError, match="did you mean imf_imts"):
        rank.type("imf_imst")


def test_snapshot_dtypes_and_validation_come_from_the_schema() -> None:
    from analysis import snapshot, validate

    assert dtypes(OBSERVATIONS) == snapshot.OBS_DTYPES
    assert dtypes(RANKINGS) == snapshot.RANK_DTYPES
    assert validate.OBSERVATIONS is OBSERVATIONS and validate.RANKINGS is RANKINGS


def test_schema_refuses_non_finite_and_impossible_years() -> None:
    """Hand-built rows (not data): the one validation tail catches what a parser let through."""
    from analysis.errors import ValidationError
    from analysis.observations import make

    ok = make("x", "exports", "JPN", "THA", 2020, 1.0, "reported", "", "ref")
    assert len(ok) == 1
    with pytest.raises(ValidationError, match="non-finite"):
        make("x", "exports", "JPN", "THA", 2020, float("inf"), "reported", "", "ref")
    with pytest.raises(ValidationError, match="above 2100"):
        make("x", "exports", "JPN", "THA", 3000, 1.0, "reported", "", "ref")


def test_the_fingerprint_covers_the_build_not_the_presentation() -> None:
    """A chart colour change must not make the committed snapshot stale; a parser change must:
    the observations' allow-list holds every source module and the mapping data, the
    rankings' the ranking code, and neither a presentation module."""
    from analysis import fingerprint
    from analysis.paths import PACKAGE_DIR

    def named(artefact: str) -> set[str]:
        found = fingerprint.files(fingerprint.ARTEFACTS[artefact])
        return {p.relative_to(PACKAGE_DIR).as_posix() for p in found}

    obs, ranks = named("observations"), named("rankings")
    for files in (obs, ranks):
        assert not {f for f in files if f.startswith("plots/")}
        assert not files & {"cli.py", "jobs.py", "report.py", "query.py", "catalog.py", "http.py"}
        assert "data/blocs.csv" in files and "data/names.csv" not in files
    assert {"pipeline.py", "schema.py", "observations.py", "fx.py", "oda_prices.py"} <= obs
    assert {f"sources/{name}.py" for name in REGISTRY} <= obs
    assert "data/imf_names.csv" in obs
    assert {"rank.py", "rank_trade.py", "donors.py", "countries.py"} <= ranks
