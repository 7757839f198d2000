"""Country codes, names and blocs: the one place where a name becomes a code.

The mappings are data files (``data/imf_names.csv``, ``data/imts_codes.csv``, ``data/blocs.csv``;
``data/names.csv`` for the names readers see) so that a new IMF spelling or a new donor is a
one-line change that a reviewer can read, not a code change.
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
    """Map source labels to Entities: the mapping file first (a row for this source alone,
    ``<source>:<label>``, then the source's own spellings, historical entities and aggregates),
    then pycountry's exact English names. Fails listing
    *every* unknown label, never dropping one silently."""
    table = label_table(filename, key)
    out: dict[str, Entity] = {}
    unknown: list[str] = []
    for label in set(labels):
        # a row keyed ``<source>:<label>`` is that source's own meaning of a shared label
        # (Bank Indonesia's "European Union" is its EU row, UNCTAD's a region): it wins there
        if f"{source}:{label}" in table:
            out[label] = table[f"{source}:{label}"]
        elif label in table:
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


# A year counts a member of a bloc if the economy was a member on 1 July of that year (the
# middle of the year): accessions on 1 January (EEC/EU enlargements) count from that year,
# Viet Nam (28 July 1995) from 1996, Laos and Myanmar (23 July 1997) from 1998, Cambodia (30 April
# 1999) from 1999, Croatia (1 July 2013) from 2013; the UK (out on 31 January 2020) to 2019.
# data/blocs.csv keeps the published dates (joined, left) and the years they give (from_year,
# to_year); tests/integration/test_blocs_dated.py checks that the years follow this rule from the dates.

# Reporting entities made of several economies count as a member of a bloc in a year in which
# every one of their parts is a member: the IMF's (and JETRO's) Belgium-Luxembourg.
COMPOSITES = {"XBL": ("BEL", "LUX")}


class Membership(NamedTuple):
    """One economy's membership of a bloc: the years it counts (``to_year`` None: to date)."""

    bloc: str
    member: str
    from_year: int
    to_year: int | None

    def covers(self, year: int) -> bool:
        return self.from_year <= year and (self.to_year is None or year <= self.to_year)


@cache
def bloc_table() -> tuple[Membership, ...]:
    """Dated membership from data/blocs.csv, plus the composites (``COMPOSITES``) over the years
    in which all their parts are members."""
    rows: list[Membership] = []
    with open(PACKAGE_DATA / "blocs.csv", newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            to = int(r["to_year"]) if r["to_year"] else None
            rows.append(Membership(r["bloc"], r["member"], int(r["from_year"]), to))
    for code, parts in COMPOSITES.items():
        for bloc in sorted({m.bloc for m in rows}):
            spans = [m for m in rows if m.bloc == bloc and m.member in parts]
            if {m.member for m in spans} != set(parts):
                continue
            tos = [m.to_year for m in spans if m.to_year is not None]
            rows.append(
                Membership(bloc, code, max(m.from_year for m in spans), min(tos) if tos else None)
            )
    return tuple(rows)


@cache
def bloc_members() -> dict[str, frozenset[str]]:
    """Bloc -> today's member codes (data/blocs.csv rows with no end), composites excluded:
    ASEAN-10, EU-27 (since 1 February 2020)."""
    members: dict[str, set[str]] = {}
    for m in bloc_table():
        if m.to_year is None and m.member not in COMPOSITES:
            members.setdefault(m.bloc, set()).add(m.member)
    return {k: frozenset(v) for k, v in members.items()}


@cache
def members_in(bloc: str, year: int, dated: bool = True) -> frozenset[str]:
    """A bloc's members in a year (composites included): ``dated`` = members on 1 July of that
    year (variant ``blocs``); not dated = today's members in every year (``blocs_fixed``)."""
    return frozenset(
        m.member
        for m in bloc_table()
        if m.bloc == bloc and (m.covers(year) if dated else m.to_year is None)
    )


def ever_members(bloc: str) -> frozenset[str]:
    """Every economy that was ever a member of the bloc (composites excluded)."""
    return frozenset(
        m.member for m in bloc_table() if m.bloc == bloc and m.member not in COMPOSITES
    )


@cache
def _bloc_rows() -> dict[tuple[str, str, str], tuple[str, frozenset[str]]]:
    with open(PACKAGE_DATA / "bloc_rows.csv", newline="", encoding="utf-8") as fh:
        return {
            (r["dataset"], r["bloc"], r["row"]): (r["membership"], frozenset(r["also"].split()))
            for r in csv.DictReader(fh)
        }


@cache
def published_members(dataset: str, bloc: str, year: int, row: str = "") -> frozenset[str]:
    """The members inside a bloc row that a source publishes (FDI): the dated membership of that
    year, unless data/bloc_rows.csv says the source's row is otherwise (``fixed``: today's
    members in every year; ``also``: economies the source lists inside its row in every year).
    ``row``: which of the source's rows of that bloc, where it publishes several (ASEANstats'
    ``EU27`` and ``EU28``, recorded as the flag of each value); a row the file does not list
    (any other flag, or none) is the bloc's only row."""
    table = _bloc_rows()
    key = (dataset, bloc, row) if (dataset, bloc, row) in table else (dataset, bloc, "")
    membership, also = table.get(key, ("dated", frozenset()))
    if membership not in ("dated", "fixed"):
        raise ValueError(f"bloc_rows.csv: membership {membership!r} of {dataset}/{bloc}")
    return members_in(bloc, year, dated=membership == "dated") | also


def bloc_row_codes(dataset: str, bloc: str) -> frozenset[str]:
    """The codes of a source's rows of one bloc that data/bloc_rows.csv describes one by one
    (empty: the source publishes one row of that bloc, or none described)."""
    return frozenset(r for d, b, r in _bloc_rows() if d == dataset and b == bloc and r)


def bloc_row_of_year(dataset: str, bloc: str, year: int, rows: Iterable[str]) -> str:
    """Which of the rows a source publishes for a bloc in a year (``rows``: their codes, as in
    data/bloc_rows.csv) is that bloc of that year: the row whose membership matches the bloc's
    membership in that year (members on 1 July, data/blocs.csv), else the nearest one (the
    fewest economies in one and not the other). ASEANstats 2015: its EU-28 row (the UK a member
    to 31 January 2020); 2021: its EU-27 row. Two rows equally near: ValueError (which one is
    meant cannot be known)."""
    rows = sorted(set(rows))
    if len(rows) == 1:
        return rows[0]
    want = members_in(bloc, year)
    apart = {r: len(published_members(dataset, bloc, year, r) ^ want) for r in rows}
    best = min(apart.values())
    nearest = [r for r in rows if apart[r] == best]
    if len(nearest) > 1:
        raise ValueError(
            f"{dataset}: rows {nearest} of {bloc} are equally near its membership in {year}"
        )
    return nearest[0]


def bloc_row_members_apart(dataset: str, bloc: str, year: int, row: str = "") -> tuple:
    """(economies inside the source's bloc row that were not members that year, members that
    year outside it), each sorted: empty where the row is the bloc of that year."""
    inside = published_members(dataset, bloc, year, row) - set(COMPOSITES)
    want = members_in(bloc, year) - set(COMPOSITES)
    return tuple(sorted(inside - want)), tuple(sorted(want - inside))


def asean_members() -> tuple[str, ...]:
    return tuple(sorted(bloc_members()[ASEAN]))


FOCUS = (JAPAN, *sorted(("BRN", "IDN", "KHM", "LAO", "MMR", "MYS", "PHL", "SGP", "THA", "VNM")))


@cache
def display_names() -> dict[str, str]:
    """code -> the name a reader sees (``data/names.csv``): short forms of country names
    ("Korea, Rep.", "Viet Nam"), historical entities, blocs, and every donor and agency code of
    the ODA sources (EUI, IDA, GLOBAL_FUND ...), so no table or chart shows a bare code. Names
    are data, beside the other mapping files, so a new donor is a one-line change."""
    with open(PACKAGE_DATA / "names.csv", newline="", encoding="utf-8") as fh:
        return {r["code"]: r["name"] for r in csv.DictReader(fh)}


def has_name(code: str) -> bool:
    """Whether ``code`` has a readable name (``data/names.csv`` or an ISO3 code pycountry knows)."""
    return code in display_names() or pycountry.countries.get(alpha_3=code) is not None


def and_list(words: list[str]) -> str:
    """'Brunei, Indonesia and Thailand': words joined for a sentence ('' for none)."""
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def names_text(codes: list[str]) -> str:
    """Economies' short names joined for a sentence ('Cambodia, Myanmar and Viet Nam')."""
    return and_list([short_name(c) for c in codes])


def short_name(code: str) -> str:
    """A short display name for tables and charts: ``data/names.csv``, then pycountry, then the
    code itself (which the test of the committed rankings never lets through)."""
    names = display_names()
    if code in names:
        return names[code]
    hit = pycountry.countries.get(alpha_3=code)
    if hit is None:
        return code
    return getattr(hit, "common_name", None) or hit.name


def economy_code(text: str) -> str | None:
    """The code an analyst means by ``text``: an ISO3 code in any case (``vnm``), ``ASEAN``,
    or a name as readers see it (``data/names.csv``: "Viet Nam", "Laos"), as a source spells it
    (``data/imf_names.csv``: "Vietnam", "Lao P.D.R.") or as ISO 3166 has it (pycountry's
    exact, case-blind lookup; no fuzzy matching). None if nothing matches."""
    t = " ".join(text.split())
    if not t:
        return None
    if t.upper() in (ASEAN, EU):
        return t.upper()
    if len(t) == 3 and t.isalpha() and has_name(t.upper()):
        return t.upper()
    folded = t.casefold()
    for code, name in display_names().items():
        if name.casefold() == folded:
            return code
    for label, entity in label_table("imf_names.csv", key="imf_name").items():
        if label.casefold() == folded and entity.rankable and entity.code:
            return entity.code
    try:
        return pycountry.countries.lookup(t).alpha_3
    except LookupError:
        return None


@cache
def _entity_notes() -> tuple[tuple[str, int, int, str], ...]:
    with open(PACKAGE_DATA / "entity_notes.csv", newline="", encoding="utf-8") as fh:
        return tuple(
            (r["code"], int(r["first_year"]), int(r["last_year"]), r["note"])
            for r in csv.DictReader(fh)
        )


def entity_notes(code: str, first: int, last: int) -> list[str]:
    """What a reader must know about an economy in some years (``data/entity_notes.csv``: a
    historical entity published under today's code), for the years ``first``-``last``."""
    return [note for c, a, b, note in _entity_notes() if c == code and a <= last and first <= b]
