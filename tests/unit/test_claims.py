"""Pure logic (hand-made inputs, no real files) beside tests/integration/test_claims.py: Claims: the
rules on hand-built rankings, the shipped claims on the committed snapshot."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis import claims
from analysis.errors import ValidationError


def handmade_rankings() -> pd.DataFrame:
    """Hand-built ranking rows (not data): Japan's rank in three economies over two years."""
    rows = [
        ("VNM", 2008, "JPN", 1, 0.3),
        ("THA", 2008, "JPN", 1, 0.2),
        ("IDN", 2008, "JPN", 2, 0.1),
        ("VNM", 2009, "JPN", 1, 0.3),
        ("THA", 2009, "JPN", 3, 0.1),
        ("IDN", 2009, "CHN", 1, 0.4),
        ("IDN", 2009, "JPN", None, None),  # e.g. net ODA below zero: present, no rank
    ]
    df = pd.DataFrame(rows, columns=["country", "year", "partner", "rank", "share"])
    return df.assign(
        dataset="d",
        measure="trade",
        variant="countries",
        basis="best",
        value_usd_m=1.0,
        n_partners=3,
        value_basis="reported",
        rank=df["rank"].astype("Int32"),
    )


def _claim(tmp_path: Path, **over) -> Path:
    rec = {
        "id": "c",
        "sentence": "s",
        "interpretation": "i",
        "dataset": "d",
        "measure": "trade",
        "variant": "countries",
        "basis": "best",
        "countries": '["VNM", "THA", "IDN"]',
        "partner": "JPN",
        "years": "[2008, 2009]",
        "predicate": "rank <= 1",
        "quantifier": "at_least 2",
    }
    rec.update(over)
    text = "[[claim]]\n" + "".join(
        f"{k} = {v}\n" if k in ("countries", "years") and v.startswith("[") else f'{k} = "{v}"\n'
        for k, v in rec.items()
    )
    path = tmp_path / "c.toml"
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"measure": "tarde"}, "measure"),
        ({"countries": '["VNM", "XYZ"]'}, "countries"),
        ({"years": "[1900]"}, "years"),
        ({"predicate": "rank is 1"}, "predicate"),
        ({"quantifier": "many"}, "quantifier"),
        ({"dataset": "nope"}, "dataset"),
    ],
)
def test_bad_claims_name_the_field(tmp_path: Path, over: dict, field: str) -> None:
    with pytest.raises(ValidationError, match=f"field '{field}'"):
        claims.check_all(_claim(tmp_path, **over), handmade_rankings())


@pytest.mark.parametrize(
    ("text_or_path", "message"),
    [
        ("/dev/zero", "not a regular file"),  # a device: refused before it is read
        ("claim = 5\n", "must be a list"),
        (b"\xff\xfe not utf-8", "claim file"),
    ],
)
def test_hostile_claim_files_are_clear_errors(tmp_path: Path, text_or_path, message) -> None:
    if text_or_path == "/dev/zero":
        path = Path("/dev/zero")
    else:
        path = tmp_path / "c.toml"
        data = text_or_path if isinstance(text_or_path, bytes) else text_or_path.encode()
        path.write_bytes(data)
    with pytest.raises(ValidationError, match=message):
        claims.check_all(path, handmade_rankings())
