"""Partner labels of the national and FDI tables (UNCTAD, JETRO, SingStat, BACI ...) -> codes,
from data/partner_names.csv then pycountry."""

from __future__ import annotations

import unicodedata

from .countries import Entity, resolve_labels


def clean_label(text: str) -> str:
    """Labels come indented with ideographic or ordinary spaces; only the words count."""
    return unicodedata.normalize("NFC", str(text)).replace("\u3000", " ").strip()


def resolve(labels, source: str, where: str) -> dict[str, Entity]:
    """Partner labels -> Entity (kind country | historical | bloc | total | aggregate)."""
    return resolve_labels(labels, "partner_names.csv", source, where, what="partner label")


def labelled(df, source: str):
    """Resolve a frame's ``partner`` labels; keep countries, blocs and the World total."""
    table = resolve(df["partner"].unique(), source, "partner labels")
    code = df["partner"].map({k: v[0] for k, v in table.items()})
    kind = df["partner"].map({k: v[1] for k, v in table.items()})
    keep = kind.isin(["country", "historical", "bloc", "total"])
    return df[keep].assign(partner=code[keep], kind=kind[keep])
