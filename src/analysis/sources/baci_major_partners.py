"""CEPII BACI (V202601) goods trade of each ASEAN member with 13 major partners, 2010-2024.

Not a CEPII file: a third party (GitHub ``ccmdesign/bfna-indopacific``) summed BACI's HS6 flows
(``BACI_HS07_V202601``) to country-pair totals for the ASEAN-10 and 13 partners: China, Japan,
Korea, the United States, the United Kingdom and 8 EU members (Belgium, France, Germany, Italy,
the Netherlands, Poland, Spain, Sweden). Read: ``baci-asean-bilateral-2010-2024.csv`` (one row
per exporter ``i``, importer ``j`` and year ``t``; ``trade_usd_thousands``; ISO3 and names of both
sides; ``direction`` ``asean_to_partner`` or ``partner_to_asean``). The folder's partner-group
file is the same numbers summed to CHN, EU (the 8 members, not EU-27), GBR, JPN, KOR, USA: it has
no total with all partners, so it is not read.

What the rankings mean (stated on the dataset): Japan ranked AMONG THESE 13 PARTNERS ONLY (no
intra-ASEAN trade, no Taiwan, Hong Kong, India, Australia), in the variant ``major_partners``,
never as ``countries`` or ``blocs``. There is no World total, so no partner ``WLD``: a share is
the partner's part of the member's trade with the 13, not of its total trade.

Rules (each tested on the real file):
- Basis. BACI gives ONE reconciled value per direction: exporter's and importer's declarations
  combined by CEPII (importer's CIF converted to FOB, the two weighted by each reporter's
  reliability), so it is neither the member's own report nor a partner's alone. Each flow becomes
  one observation from the ASEAN member's side: row ``i -> j`` is ``exports`` of ``i`` to ``j``
  when ``i`` is the member, ``imports`` of ``j`` from ``i`` when ``j`` is; never a second,
  mirror row for the same flow. It is basis ``reported`` (the number the source reports for that
  member and flow; ``mirror`` would claim it is the partner's report and make it a fallback)
  with flag ``reconciled``. Imports are therefore FOB, unlike the IMF's CIF imports.
- Units: US$ thousand / 1000 = US$ million (current US$).
- Sides: ``direction`` must agree with ASEAN membership (``data/blocs.csv``): exactly one side of
  a row is an ASEAN member, the exporter for ``asean_to_partner``, the importer for
  ``partner_to_asean``. A row with both or neither side in ASEAN, or a direction that disagrees,
  is an error (the dataset's partner set would silently change).
- Codes: the ISO3 column is the code, and the name beside it must resolve to the same code
  (``data/partner_names.csv``, then pycountry): a disagreement or an unknown name is an error.
  BACI's numeric codes (``i``, ``j``) are its own (842 USA, 251 France), not ISO numeric: unread.
- Cells: every value must be a finite number >= 0 (a blank or text cell is an error, never
  a zero); a flow is absent where the file has no row (a gap). A flow listed twice is an error.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pandas as pd

from ..countries import ASEAN, bloc_members, resolve_labels
from ..errors import SourceError
from ..observations import make
from .spec import Dataset, RawFiles, Source

NAME = "baci_major_partners"
PATTERN = "baci-asean-bilateral-*.csv"
COLUMNS = ("t", "trade_usd_thousands", "i_iso3", "i_name", "j_iso3", "j_name", "direction")
DIRECTIONS = {"asean_to_partner": "exporter", "partner_to_asean": "importer"}
FLAG = "reconciled"
HINT = (
    "Expected the third-party BACI pair file (columns "
    + ", ".join(COLUMNS)
    + "); see ../shared/data/baci_asean_major_partners/NOTES.md."
)


def _fail(path: Path, what: str, hint: str = HINT) -> SourceError:
    return SourceError(NAME, str(path), what, hint)


def _number(text: str, path: Path, line: int, column: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise _fail(path, f"line {line}, column {column!r}: {text!r} is not a number") from None
    if not math.isfinite(v) or v < 0:
        raise _fail(path, f"line {line}, column {column!r}: {text!r} is not a value >= 0")
    return v


def read_file(path: Path) -> pd.DataFrame:
    """One pair file -> year, exporter, importer (ISO3 as in the file), value_usd_m, direction."""
    if not path.is_file():
        raise _fail(path, "file missing")
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        header = reader.fieldnames or []
        missing = [c for c in COLUMNS if c not in header]
        if missing:
            raise _fail(path, f"changed columns: missing {missing}, found {header}")
        rows = []
        for r in reader:
            line = reader.line_num
            if any(r.get(c) is None for c in COLUMNS):
                raise _fail(path, f"line {line} has fewer cells than the header")
            year = r["t"].strip()
            if not (year.isdigit() and len(year) == 4):
                raise _fail(path, f"line {line}, column 't': {r['t']!r} is not a year")
            direction = r["direction"].strip()
            if direction not in DIRECTIONS:
                raise _fail(
                    path, f"line {line}: direction {direction!r} is not one of {list(DIRECTIONS)}"
                )
            value = _number(r["trade_usd_thousands"].strip(), path, line, "trade_usd_thousands")
            rows.append(
                (
                    int(year),
                    r["i_iso3"].strip(),
                    r["i_name"].strip(),
                    r["j_iso3"].strip(),
                    r["j_name"].strip(),
                    value / 1000.0,
                    direction,
                    line,
                )
            )
    if not rows:
        raise _fail(path, "no data rows")
    df = pd.DataFrame(
        rows,
        columns=[
            "year",
            "exporter",
            "exporter_name",
            "importer",
            "importer_name",
            "value_usd_m",
            "direction",
            "line",
        ],
    )
    _check_codes(df, path)
    _check_sides(df, path)
    dup = df[df.duplicated(["year", "exporter", "importer"], keep=False)]
    if len(dup):
        first = dup.iloc[0]
        raise _fail(
            path,
            f"{len(dup)} rows repeat a flow, e.g. {first['exporter']} -> {first['importer']} "
            f"{first['year']} (lines {', '.join(map(str, dup['line'].head(4)))})",
        )
    return df.drop(columns=["exporter_name", "importer_name", "line"]).assign(file=path.name)


def _check_codes(df: pd.DataFrame, path: Path) -> None:
    """Each name resolves (mapping file, then pycountry) to a country with the ISO3 beside it."""

    names = set(df["exporter_name"]) | set(df["importer_name"])
    table = resolve_labels(
        names, "partner_names.csv", NAME, f"{path}, columns i_name/j_name", what="country name"
    )
    bad = []
    for side in ("exporter", "importer"):
        pairs = df[[side, f"{side}_name", "line"]].drop_duplicates([side, f"{side}_name"])
        for code, label, line in pairs.itertuples(index=False):
            e = table[label]
            if e.kind != "country" or e.code != code:
                bad.append(
                    f"line {line}: {label!r} is {e.code or '-'} ({e.kind}), file says {code!r}"
                )
    if bad:
        raise _fail(
            path,
            f"{len(bad)} name(s) disagree with their ISO3 code: " + "; ".join(bad[:5]),
            "Check the file (a shifted column?) or correct src/analysis/data/partner_names.csv.",
        )


def _check_sides(df: pd.DataFrame, path: Path) -> None:
    """Exactly one side of each row is an ASEAN member, the side its direction names."""

    members = bloc_members()[ASEAN]
    exp_in = df["exporter"].isin(members)
    imp_in = df["importer"].isin(members)
    says_exporter = df["direction"] == "asean_to_partner"
    wrong = (exp_in == imp_in) | (exp_in != says_exporter)
    if wrong.any():
        r = df[wrong].iloc[0]
        raise _fail(
            path,
            f"{int(wrong.sum())} row(s) whose direction disagrees with ASEAN membership, e.g. "
            f"line {r['line']}: {r['exporter']} -> {r['importer']} marked {r['direction']!r} "
            "(exactly one side must be an ASEAN member: the exporter for asean_to_partner, the "
            "importer for partner_to_asean)",
        )


def parse(raw: RawFiles) -> pd.DataFrame:
    files = [p for p in raw.files if p.match(PATTERN)]
    if len(files) != 1:
        raise SourceError(
            NAME,
            str(raw.folder),
            f"expected one file {PATTERN!r}, found {[p.name for p in files]}",
            HINT,
        )
    return read_file(files[0])


def to_observations(
    parsed: pd.DataFrame, raw: RawFiles, countries: frozenset[str] | None = None
) -> pd.DataFrame:
    """One observation per flow, from the ASEAN member's side (see the module's rules)."""

    out = parsed["direction"] == "asean_to_partner"
    country = parsed["exporter"].where(out, parsed["importer"])
    partner = parsed["importer"].where(out, parsed["exporter"])
    measure = out.map({True: "exports", False: "imports"})
    keep = country.isin(countries) if countries is not None else pd.Series(True, index=out.index)
    refs = parsed["file"].map(lambda f: raw.ref(raw.folder / f))
    return make(
        NAME,
        measure[keep],
        country[keep],
        partner[keep],
        parsed["year"][keep],
        parsed["value_usd_m"][keep],
        "reported",
        FLAG,
        refs[keep],
    )


PARTNERS = (
    "13 major partners (China, Japan, Korea, United States, United Kingdom, 8 EU members: "
    "Belgium, France, Germany, Italy, Netherlands, Poland, Spain, Sweden)"
)

SOURCE = Source(
    name=NAME,
    title="CEPII BACI V202601 summed to country pairs: ASEAN-10 with 13 major partners",
    producer="CEPII (BACI); pair sums by a third party (ccmdesign/bfna-indopacific)",
    url="https://www.cepii.fr/CEPII/en/bdd_modele/bdd_modele_item.asp?id=37",
    licence="Etalab Open Licence 2.0 (attribution to CEPII)",
    citation="Gaulier, G. and Zignago, S. (2010), BACI: International Trade Database at the "
    "Product-Level, CEPII Working Paper 2010-23; BACI_HS07_V202601 (2026-01-22), summed over HS6 "
    "to country pairs by ccmdesign/bfna-indopacific (commit 148ebf2e), US$ thousand.",
    coverage="ASEAN-10 x 13 partners (BEL CHN DEU ESP FRA GBR ITA JPN KOR NLD POL SWE USA), both "
    "directions, 2010-2024; goods, current US$, reconciled (exports FOB; imports are the "
    "partner's exports FOB). No World total: shares are of trade with the 13 partners only.",
    datasets=(
        Dataset(
            NAME,
            "trade",
            ("exports", "imports", "trade"),
            "CEPII BACI pair sums, ASEAN members with 13 major partners (ranks among the 13)",
            partners=PARTNERS,
            reporters="ASEAN-10",
            variant="major_partners",
            partner_set="major_13",
            label="CEPII BACI",
            authority="compiled",
        ),
    ),
    parse=parse,
    to_observations=to_observations,
    pattern=PATTERN,
    recorded="baci_asean_major_partners",
    recorded_vintage="BACI V202601, repo commit 148ebf2e (2026-05-18)",
    notes=(
        "Ranks among the 13 partners only (variant major_partners); no World total, no WLD.",
        "One reconciled value per flow: basis reported, flag 'reconciled'; no mirror rows.",
    ),
)
