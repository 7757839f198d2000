"""FDI partner labels (UNCTAD, JETRO) -> codes, from data/fdi_names.csv then pycountry."""

from __future__ import annotations

import csv
import unicodedata
from functools import cache

from .countries import _pycountry_lookup
from .errors import SourceError
from .paths import PACKAGE_DATA


def clean_label(text: str) -> str:
    """Labels come indented with ideographic or ordinary spaces; only the words count."""
    return unicodedata.normalize("NFC", str(text)).replace("\u3000", " ").strip()


@cache
def _table() -> dict[str, tuple[str, str]]:
    with open(PACKAGE_DATA / "fdi_names.csv", newline="", encoding="utf-8") as fh:
        return {r["label"]: (r["code"], r["kind"]) for r in csv.DictReader(fh)}


def resolve(labels, source: str, where: str) -> dict[str, tuple[str, str]]:
    """label -> (code, kind): kind country | historical | bloc | total | aggregate."""
    out, unknown = {}, []
    for lbl in set(labels):
        if lbl in _table():
            out[lbl] = _table()[lbl]
        elif (code := _pycountry_lookup(lbl)) is not None:
            out[lbl] = (code, "country")
        else:
            unknown.append(lbl)
    if unknown:
        raise SourceError(
            source,
            where,
            f"{len(unknown)} unknown partner label(s): "
            + "; ".join(repr(u) for u in sorted(unknown)),
            "Add each to src/analysis/data/fdi_names.csv.",
        )
    return out
