"""ASEANstats (ASEAN Secretariat data portal): inward FDI stocks by host x source, and inward FDI
flows into ASEAN as a whole by source.

Two of the portal's pivot exports are read (US$ million, current prices):
- ``Stocks_of_Inward_..._by_source_country``: year-end inward stocks of eight hosts (Brunei,
  Cambodia, Indonesia, Malaysia, Myanmar, Philippines, Singapore, Thailand; no Lao PDR or
  Viet Nam), 2014-2022 -> measure ``fdi_inward_stock``, country = the host;
- ``Flows_..._into_ASEAN_by_Source_Country``: inflows into ASEAN as a whole, 2010-2022 ->
  measure ``fdi_inflow``, country ``ASEAN``.
The per-host inflow totals (``..._to_ASEAN_Countries``) are a cross-check only (tests): their
Grand Total equals ASEAN's ``Total countries`` row and the sum of the ten hosts.

Raw format: each table exists as the portal's CSV and Excel export. The Excel file is read: its
cells are numbers at full precision, while the CSV is text rounded to 2 decimals (the per-host
totals to 1) with a space as thousands separator (``15 572.76``). The tests read the CSV with
the csv module as the independent reader.

Rules (each tested on the real files):
- Header: the row whose first cells are ``Host Country``, ``Source Country``, followed by
  four-digit years; anything else is a changed layout (SourceError).
- Host carried down: the host is written on the first row of its block only; an empty host
  cell belongs to the host above. A data row before any host, or a host whose block appears
  twice, is an error.
- Numbers: numeric cells as they are; an empty cell is not available (no row); text is read
  only in the portal's own number format (optional minus, digit groups separated by a space,
  optional decimals: ``-2 162.63``); any other text is an error naming the cells.
- Zero is not reported: the portal writes ``0`` for cells it has no figure for (every source of
  the Philippines 2020-2022; Singapore's China and ASEAN rows in 2022, which were large the year
  before), indistinguishable from a true nil, so a cell equal to 0 is no observation (ranks
  ignore zeros in any case).
- No breakdown: a host-year with no reported partner economy (every country row empty or 0)
  while its total is reported has no breakdown; only its total (partner ``WLD``) is kept, never
  its bloc rows, so it has no ranking and shows as a gap (the Philippines every year, Myanmar
  2014-2015).
- Partners: labels are ``Name [ISO2]``; the name (whitespace collapsed) is resolved through
  ``data/partner_names.csv`` then pycountry, and a resolved country's ISO2 must equal the code in
  brackets. Aggregates: ``Total countries`` is the total (``WLD``, never ranked); ``Total ASEAN``
  is the bloc ``ASEAN``; ``Unspecified`` and ``International organisations`` are aggregates,
  dropped.
- The EU of a year is the row whose membership matches the EU's membership in that year:
  ASEANstats publishes two EU rows, ``Total EU-27 [EU27]`` (the 27 members of 2020 in every
  year) and ``Total EU-28 [EU28]`` (those 27 and the UK, 2010-2019), each described in
  ``data/bloc_rows.csv``. For each host-year, among the EU rows it publishes (a value, not 0),
  ``countries.bloc_row_of_year`` picks the one whose members equal the EU's members on 1 July
  of that year (``data/blocs.csv``: the UK a member to 31 January 2020), else the nearest
  (fewest economies apart): EU-28 to 2019 (in 2010-2012 it also holds Croatia, a member from
  July 2013, and says so under the answer), EU-27 from 2020. The other row is dropped; the
  value is partner ``EU`` with its row's code as flag (``EU28``/``EU27``), and variant
  ``blocs`` leaves out of the ranking the members of that row (the UK inside the EU in 2015,
  a partner of its own in 2021). No list of years: a row with no value in a host-year is not
  published there, and a row the file adds must be described in ``bloc_rows.csv`` (else
  SourceError).
- Own row: a country equal to the host is no partner of it and is dropped; the one bloc host,
  ASEAN as a whole (inflows), keeps its own ``Total ASEAN`` row, partner ``ASEAN``: investment
  by ASEAN members in ASEAN (intra-ASEAN). It is kept and shown but never ranked, as trade keeps
  ASEAN's intra-ASEAN trade (``rank.rank_simple``: a row whose partner is its economy has no
  rank), and ``rank ASEAN`` states its value and the rank it would have beside the ranked
  sources (``query.rank_notes``), so "Japan is ASEAN's 2nd source" is never read without it;
  the members' own rows (Singapore into ASEAN ...) are inside it (variant ``blocs``).
- Singapore reports rounded to US$ million (to thousands in 2022) and, in 2022, ten sources
  only: its 2022 ranking is among those ten (``n_partners`` says so).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..countries import bloc_row_codes, bloc_row_of_year
from ..errors import SourceError
from ..limits import check_workbook
from ..observations import make
from ..partner_names import clean_label
from ..partner_names import resolve as resolve_names
from .spec import Dataset, RawFiles, Source

NAME = "aseanstats_fdi"
STOCKS = "Stocks_of_Inward_Foreign_Direct_Investment_FDI_at_year-end,_by_source_country_in_million_US_.xlsx"
FLOWS = (
    "Flows_of_Inward_Foreign_Direct_Investment_FDI_into_ASEAN_by_Source_Country_in_million_US_.xlsx"
)
HOST_TOTALS = "Flows_of_Inward_Foreign_Direct_Investment_FDI_to_ASEAN_Countries_in_million_US_.xlsx"
TABLES = {STOCKS: "fdi_inward_stock", FLOWS: "fdi_inflow"}
HEADER = ("Host Country", "Source Country")

_NUMBER = re.compile(r"-?\d{1,3}( \d{3})*(\.\d+)?")
_LABEL = re.compile(r"(.*?)\s*\[([^\]]*)\]")
_KEEP = ("country", "historical", "bloc", "total")


def number(v: object) -> float | None:
    """A cell as a number: numeric as is, empty = None, the portal's text format read by rule."""
    if isinstance(v, bool):
        raise ValueError(repr(v))
    if isinstance(v, int | float):
        return float(v)
    t = "" if v is None else str(v).strip()
    if t == "":
        return None
    if _NUMBER.fullmatch(t):
        return float(t.replace(" ", ""))
    raise ValueError(repr(v))


def split_label(label: str) -> tuple[str, str]:
    """``Name [ISO2]`` -> (name with whitespace collapsed, code); no brackets -> (name, '')."""
    text = " ".join(clean_label(label).split())
    m = _LABEL.fullmatch(text)
    return (m.group(1), m.group(2)) if m else (text, "")


def read_rows(path: Path) -> list[list]:
    """The first sheet's cells (python-calamine), or SourceError naming the file."""
    from python_calamine import CalamineWorkbook

    if not path.is_file():
        raise SourceError(
            NAME,
            str(path),
            "the file is missing",
            "Put the portal's Excel export under this name (see PROVENANCE.md, section 13).",
        )
    check_workbook(path, NAME)  # its declared sizes, before it is inflated
    try:
        wb = CalamineWorkbook.from_path(str(path))
        rows = wb.get_sheet_by_index(0).to_python() if wb.sheet_names else []
    except Exception as exc:
        raise SourceError(NAME, str(path), f"not a readable workbook ({exc})") from exc
    return rows


def parse_table(rows: list[list], path: Path) -> pd.DataFrame:
    """One pivot export -> host, label, year, value (zeros kept; empty cells are no row)."""
    header = next(
        (
            i
            for i, r in enumerate(rows[:10])
            if tuple(str(x).strip() for x in r[:2]) == HEADER
            and len(r) > 2
            and all(re.fullmatch(r"\d{4}", str(x).strip()) for x in r[2:] if str(x).strip())
            and any(str(x).strip() for x in r[2:])
        ),
        None,
    )
    if header is None:
        raise SourceError(
            NAME,
            str(path),
            f"no header row {HEADER[0]!r}, {HEADER[1]!r} followed by years in the first 10 rows "
            "(empty file or changed columns)",
        )
    years = {
        j: int(str(x).strip()) for j, x in enumerate(rows[header]) if j >= 2 and str(x).strip()
    }
    out, bad, seen = [], [], set()
    host = None
    for i, r in enumerate(rows[header + 1 :], start=header + 2):
        cells = list(r) + [""] * (len(rows[header]) - len(r))
        if not any(str(x).strip() for x in cells if x is not None):
            continue
        h = clean_label(cells[0] or "")
        if h:
            if h in seen:
                raise SourceError(NAME, f"{path}, row {i}", f"host {h!r} starts a second block")
            seen.add(h)
            host = h
        if host is None:
            raise SourceError(NAME, f"{path}, row {i}", "a data row before any host")
        label = clean_label(cells[1] or "")
        if not label:
            raise SourceError(NAME, f"{path}, row {i}", f"a row of {host!r} without a source")
        for j, year in years.items():
            try:
                v = number(cells[j])
            except ValueError:
                bad.append(f"row {i} ({host}, {label}, {year}): {cells[j]!r}")
                continue
            if v is not None:
                out.append((host, label, year, v))
    if bad:
        raise SourceError(
            NAME,
            str(path),
            f"{len(bad)} cell(s) are not numbers: " + "; ".join(bad[:5]),
            "Check the export (numbers, empty cells or '1 234.5' text only).",
        )
    if not out:
        raise SourceError(NAME, str(path), "no data rows under the header")
    return pd.DataFrame(out, columns=["host", "label", "year", "value_usd_m"])


def parse(raw: RawFiles) -> pd.DataFrame:
    parts = []
    for file, measure in TABLES.items():
        path = raw.folder / file
        parts.append(parse_table(read_rows(path), path).assign(file=file, measure=measure))
    return pd.concat(parts, ignore_index=True)


def resolve(parsed: pd.DataFrame, folder: Path) -> pd.DataFrame:
    """Hosts and partner labels -> codes and kinds, file by file (unknown labels and ISO2
    clashes raise, naming the file)."""
    return pd.concat(
        [_resolve_file(part, folder / file) for file, part in parsed.groupby("file", sort=True)]
    ).loc[parsed.index]


def _resolve_file(parsed: pd.DataFrame, path: Path) -> pd.DataFrame:
    import pycountry

    split = {lab: split_label(lab) for lab in parsed["label"].unique()}
    names = resolve_names({n for n, _ in split.values()}, NAME, f"{path}, source labels")
    clash = []
    for lab, (name, iso2) in split.items():
        e = names[name]
        hit = pycountry.countries.get(alpha_3=e.code) if e.kind == "country" else None
        if hit is not None and iso2 != hit.alpha_2:
            clash.append(f"{lab!r} -> {e.code} (ISO2 {hit.alpha_2})")
    if clash:
        raise SourceError(
            NAME,
            f"{path}, source labels",
            f"{len(clash)} label(s) resolve to a country whose ISO2 is not the code in brackets: "
            + "; ".join(sorted(clash)),
            "Fix the row of src/analysis/data/partner_names.csv for each name.",
        )
    hosts = resolve_names(parsed["host"].unique(), NAME, f"{path}, host labels")
    bad = [h for h, e in hosts.items() if e.kind != "country" and e.code != "ASEAN"]
    if bad:
        raise SourceError(NAME, f"{path}, host labels", f"not an economy: {sorted(bad)}")
    lab = parsed["label"].map(lambda x: names[split[x][0]])
    return parsed.assign(
        country=parsed["host"].map(lambda h: hosts[h].code),
        partner=lab.map(lambda e: e.code),
        kind=lab.map(lambda e: e.kind),
    )


def to_observations(
    parsed: pd.DataFrame, raw: RawFiles, countries: frozenset[str] | None = None
) -> pd.DataFrame:

    b = resolve(parsed, raw.folder)
    b = b[b["kind"].isin(_KEEP) & (b["value_usd_m"] != 0)]  # zero is not reported
    # a country is never its own partner; ASEAN's own bloc row (intra-ASEAN) is kept
    b = b[(b["partner"] != b["country"]).to_numpy() | (b["kind"] == "bloc").to_numpy()]
    key = ["measure", "country", "year"]
    has_partner = b[b["kind"].isin(["country", "historical"]) & (b["partner"] != b["country"])]
    broken = b[key].merge(has_partner[key].drop_duplicates(), how="left", indicator=True)
    b = b[(broken["_merge"] == "both").to_numpy() | (b["kind"] == "total").to_numpy()]
    b, row = bloc_rows_of_year(b, raw.folder)
    dup = b.duplicated(key + ["partner"], keep=False)
    if dup.any():
        rows = b[dup].sort_values(key + ["partner"])
        raise SourceError(
            NAME,
            ", ".join(str(raw.folder / f) for f in sorted(set(rows["file"]))),
            "two source labels give one partner: "
            + "; ".join(
                f"{r.country} {r.year} {r.partner} <- {r.label!r}"
                for r in rows.head(6).itertuples()
            ),
            "Fix the mapping rows in src/analysis/data/partner_names.csv.",
        )
    return make(
        NAME,
        b["measure"],
        b["country"],
        b["partner"],
        b["year"],
        b["value_usd_m"],
        "reported",
        row,
        b["file"].map(raw.ref),
        drop_self=False,
    )


def bloc_rows_of_year(b: pd.DataFrame, folder: Path) -> tuple[pd.DataFrame, pd.Series]:
    """Where the source publishes several rows of one bloc (EU-27 and EU-28), keep in each
    host-year the row that is the bloc of that year (``countries.bloc_row_of_year``) and return
    each kept row's code (the flag of its value; '' for a bloc's only row and for countries)."""

    code = b["label"].map(lambda x: split_label(x)[1])
    row = pd.Series("", index=b.index, dtype=object)
    is_bloc = (b["kind"] == "bloc").to_numpy()
    for bloc in sorted(set(b.loc[is_bloc, "partner"])):
        sel = is_bloc & (b["partner"] == bloc).to_numpy()
        listed, codes = bloc_row_codes(NAME, bloc), set(code[sel])
        if not listed and len(codes) == 1:
            continue
        if codes - listed:
            labels = sorted(set(b.loc[sel & ~code.isin(listed).to_numpy(), "label"]))
            raise SourceError(
                NAME,
                ", ".join(str(folder / f) for f in sorted(set(b.loc[sel, "file"]))),
                f"row(s) {labels} of bloc {bloc} are not described in data/bloc_rows.csv "
                f"(described: {sorted(listed) or 'none'}), so which members they hold, and in "
                "which year each is the bloc, is not known",
                "Add a row of src/analysis/data/bloc_rows.csv for each (its code, membership "
                "and the economies it also holds).",
            )
        row[sel] = code[sel]
    keep = pd.Series(True, index=b.index)
    several = b[(row != "").to_numpy()]
    for (measure, country, year, bloc), g in several.groupby(
        ["measure", "country", "year", "partner"], sort=True
    ):
        published = set(row[g.index])
        if len(published) < 2:
            continue
        try:
            chosen = bloc_row_of_year(NAME, bloc, int(year), published)
        except ValueError as exc:
            raise SourceError(
                NAME,
                ", ".join(str(folder / f) for f in sorted(set(g["file"]))),
                f"{country} {year} {measure}: {exc}",
                "Describe the rows' membership in src/analysis/data/bloc_rows.csv.",
            ) from exc
        keep[g.index[(row[g.index] != chosen).to_numpy()]] = False
    return b[keep.to_numpy()], row[keep.to_numpy()]


SOURCE = Source(
    name=NAME,
    title="ASEANstats: inward FDI stocks by host and source; FDI inflows into ASEAN by source",
    producer="ASEAN Secretariat (ASEANstats)",
    url="https://data.aseanstats.org/",
    licence="ASEAN Secretariat terms of use (ASEANstats data portal)",
    citation="ASEAN Secretariat, ASEANstats data portal: Stocks of Inward Foreign Direct "
    "Investment (FDI) at year-end, by source country; Flows of Inward FDI into ASEAN by Source "
    "Country (US$ million); exports crawled 2024-01-05.",
    coverage="inward stocks 2014-2022 by source for Brunei, Cambodia, Indonesia, Malaysia, "
    "Myanmar (breakdown from 2016), Singapore and Thailand (the Philippines: totals only, no "
    "breakdown; no Lao PDR or Viet Nam); inflows into ASEAN as a whole by source 2010-2022; "
    "about 250 sources, with ASEAN rows (intra-ASEAN into ASEAN: shown, not ranked) and EU rows "
    "(EU-28 with the UK, EU-27 without: the one that is the EU of the year)",
    datasets=(
        Dataset(
            NAME,
            "fdi",
            ("fdi_inward_stock", "fdi_inflow"),
            "ASEANstats, FDI inward stocks by source (hosts) and inflows into ASEAN by source",
            reporters="8 members (stocks; the Philippines with totals only), ASEAN (inflows)",
            label="ASEANstats",
        ),
    ),
    parse=parse,
    to_observations=to_observations,
    pattern="*_of_Inward_*_by_[sS]ource_[cC]ountry_in_*.xlsx",
    recorded="aseanstats_fdi",
    recorded_vintage="crawled 2024-01-05",
)
