"""Country codes, names and blocs: the one place where a name becomes a code.

The mappings are data files (``data/imf_names.csv``, ``data/imts_codes.csv``, ``data/blocs.csv``)
so that a new IMF spelling is a one-line change that a reviewer can read, not a code change.
Library first: ``pycountry`` resolves ordinary English names exactly (no fuzzy matching, which
maps Czechoslovakia to Czechia); the IMF's own names, historical entities and aggregates come from
the mapping file, which wins where both know a name.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from functools import cache
from typing import NamedTuple

import pycountry

from .errors import SourceError
from .paths import PACKAGE_DATA

ASEAN = "ASEAN"
EU = "EU"
WORLD = "WLD"
JAPAN = "JPN"


class Entity(NamedTuple):
    """What a source's partner or reporter label stands for."""

    code: str  # ISO3 (or ISO 3166-3 / user-assigned for historical entities); "" for aggregates
    kind: str  # country | historical | bloc | total | aggregate

    @property
    def rankable(self) -> bool:
        return self.kind in ("country", "historical")


@cache
def label_table(filename: str, key: str = "label") -> dict[str, Entity]:
    """A mapping file of data/: label -> Entity (columns ``key``, code, kind)."""
    with open(PACKAGE_DATA / filename, newline="", encoding="utf-8") as fh:
        return {r[key]: Entity(r["code"], r["kind"]) for r in csv.DictReader(fh)}


@cache
def _pycountry_lookup(name: str) -> str | None:
    for field in ("name", "common_name", "official_name"):
        hit = pycountry.countries.get(**{field: name})
        if hit is not None:
            return hit.alpha_3
    return None


def resolve_labels(
    labels: Iterable[str],
    filename: str,
    source: str,
    where: str,
    *,
    key: str = "label",
    what: str = "name",
) -> dict[str, Entity]:
    """Map source labels to Entities: the mapping file first (the source's own spellings,
    historical entities and aggregates), then pycountry's exact English names. Fails listing
    *every* unknown label, never dropping one silently."""
    table = label_table(filename, key)
    out: dict[str, Entity] = {}
    unknown: list[str] = []
    for label in set(labels):
        if label in table:
            out[label] = table[label]
        elif (code := _pycountry_lookup(label)) is not None:
            out[label] = Entity(code, "country")
        else:
            unknown.append(label)
    if unknown:
        raise SourceError(
            source,
            where,
            f"{len(unknown)} {what}(s) are neither countries nor known aggregates: "
            + "; ".join(repr(u) for u in sorted(unknown)),
            f"Add each to src/analysis/data/{filename} with its code and kind "
            "(country, historical, bloc, total or aggregate).",
        )
    return out


def resolve_imf_names(names: Iterable[str], source: str, where: str) -> dict[str, Entity]:
    """IMF DOTS partner and reporter names (data/imf_names.csv)."""
    return resolve_labels(
        names, "imf_names.csv", source, where, key="imf_name", what="partner/reporter name"
    )


@cache
def _historic_alpha3() -> frozenset[str]:
    return frozenset(c.alpha_3 for c in pycountry.historic_countries)


def resolve_imts_codes(codes: Iterable[str], source: str, where: str) -> dict[str, Entity]:
    """Map IMF SDMX country codes (ISO3 plus G/GX/TX groups) to Entities, failing on unknowns."""
    table = label_table("imts_codes.csv", key="imf_code")
    out: dict[str, Entity] = {}
    unknown: list[str] = []
    for code in set(codes):
        if code in table:
            out[code] = table[code]
        elif pycountry.countries.get(alpha_3=code) is not None:
            out[code] = Entity(code, "country")
        elif code in _historic_alpha3():
            out[code] = Entity(code, "historical")
        elif code.startswith(("G", "TX")) and any(ch.isdigit() for ch in code):
            out[code] = Entity("", "aggregate")  # IMF country groups: G001, GX170, TX910 ...
        else:
            unknown.append(code)
    if unknown:
        raise SourceError(
            source,
            where,
            f"{len(unknown)} unknown IMF country code(s): {', '.join(sorted(unknown))}",
            "Add each to src/analysis/data/imts_codes.csv.",
        )
    return out


@cache
def bloc_members() -> dict[str, frozenset[str]]:
    """Bloc -> member codes, from data/blocs.csv (fixed membership for every year)."""
    members: dict[str, set[str]] = {}
    with open(PACKAGE_DATA / "blocs.csv", newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            members.setdefault(r["bloc"], set()).add(r["member"])
    return {k: frozenset(v) for k, v in members.items()}


def asean_members() -> tuple[str, ...]:
    return tuple(sorted(bloc_members()[ASEAN]))


FOCUS = (JAPAN, *sorted(("BRN", "IDN", "KHM", "LAO", "MMR", "MYS", "PHL", "SGP", "THA", "VNM")))

_SHORT_NAMES = {
    "BRN": "Brunei",
    "IDN": "Indonesia",
    "KHM": "Cambodia",
    "LAO": "Laos",
    "MMR": "Myanmar",
    "MYS": "Malaysia",
    "PHL": "Philippines",
    "SGP": "Singapore",
    "THA": "Thailand",
    "VNM": "Viet Nam",
    "JPN": "Japan",
    "CHN": "China",
    "KOR": "Korea, Rep.",
    "USA": "United States",
    "HKG": "Hong Kong SAR",
    "TWN": "Taiwan",
    "GBR": "United Kingdom",
    "DEU": "Germany",
    "RUS": "Russia",
    "SUN": "USSR",
    "ASEAN": "ASEAN",
    "EU": "EU-27",
    "WLD": "World",
    "XBL": "Belgium-Luxembourg",
    "CSK": "Czechoslovakia",
    "YUG": "Yugoslavia",
    "DDR": "East Germany",
    "SCG": "Serbia and Montenegro",
    "ANT": "Netherlands Antilles",
    "XKX": "Kosovo",
    "XYA": "Yemen Arab Rep.",
    "YMD": "Yemen, PDR",
    "XMW": "Malaysia, West",
}


def short_name(code: str) -> str:
    """A short display name for charts; falls back to pycountry, then to the code itself."""
    if code in _SHORT_NAMES:
        return _SHORT_NAMES[code]
    hit = pycountry.countries.get(alpha_3=code)
    if hit is None:
        return code
    return getattr(hit, "common_name", None) or hit.name
