"""OECD DAC Table 2a exports from QWIDS (retired 2024): net ODA disbursements, current US$ million.

One CSV per year (``ODA-<year>-DAC2a.csv``), one row per recipient and one column per donor. The
files were hand-edited: the first header cells were renamed, and some years carry one header cell
more than their rows (a stray ``Donor(s)``), which shifts every donor label by one. The header is
reconciled by rule, not by a list of years: every way of dropping surplus header cells is tried,
and the one kept must (1) label every data column with a known donor and (2) satisfy the table's
own identity, Official Donors Total = DAC + non-DAC + multilateral totals, on the recipients
where all four are given. A header that no alignment reconciles is an error.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from pathlib import Path

import pandas as pd

from ..donors import donor_table
from ..errors import SourceError
from .dac_table import observations
from .spec import Dataset, RawFiles, Source

NAME = "oecd_dac2a_qwids"
FILE_RE = re.compile(r"ODA-(\d{4})-DAC2a\.csv$")
IDENTITY = (
    "Official Donors, Total",
    "DAC Countries, Total",
    "Non-DAC Countries, Total",
    "Multilateral Agencies, Total",
)
LICENCE = "OECD terms and conditions (https://www.oecd.org/termsandconditions/)"
CITATION = (
    "OECD (2021), Creditor Reporting System / DAC Table 2a: Aid (ODA) disbursements to "
    "countries and regions, net disbursements, current prices, US$ million, via QWIDS."
)


def _number(text: str, where: str) -> float | None:
    t = text.strip()
    if t in ("", ".."):
        return None
    try:
        return float(t)
    except ValueError as exc:
        raise SourceError(NAME, where, f"cell {text!r} is not a number") from exc


def _identity_holds(labels: list[str], rows: list[list[str]], where: str) -> tuple[bool, int]:
    if not all(lbl in labels for lbl in IDENTITY):
        return False, 0
    idx = [labels.index(lbl) for lbl in IDENTITY]
    checked = ok = 0
    for r in rows:
        vals = [_number(r[i], where) if i < len(r) else None for i in idx]
        if any(v is None for v in vals):
            continue
        checked += 1
        total, parts = vals[0], sum(vals[1:])
        if abs(total - parts) <= max(0.5, 0.005 * abs(total)):
            ok += 1
    return checked >= 5 and ok >= 0.95 * checked, checked


def reconcile_header(header: list[str], rows: list[list[str]], where: str) -> list[str]:
    """Labels for the data columns (index 0: recipient, 1: the empty placeholder column)."""
    width = max(len(r) for r in rows)
    if len(header) < width:
        raise SourceError(
            NAME,
            where,
            f"the header ({len(header)} cells for rows of {width}) cannot be reconciled with its "
            "rows: fewer labels than columns",
        )
    known = donor_table()
    extra = len(header) - width
    fits = []
    for drop in itertools.combinations(range(len(header)), extra):
        labels = [h for i, h in enumerate(header) if i not in drop]
        if not all(lbl in known for lbl in labels[2:]):
            continue
        holds, _ = _identity_holds(labels, rows, where)
        if holds and labels[2:] not in [f[2:] for f in fits]:
            fits.append(labels)  # alignments differing only in the first two cells are one
        if extra > 2:
            break
    if len(fits) != 1:
        raise SourceError(
            NAME,
            where,
            f"the header ({len(header)} cells for rows of {width}) cannot be reconciled with its "
            f"rows: {len(fits)} alignments satisfy the donor list and the table's own totals",
            "Expected a QWIDS DAC2a export: recipient, placeholder, then one column per donor.",
        )
    return fits[0]


def parse_file(path: Path) -> pd.DataFrame:
    """One yearly file -> long rows: recipient, donor, year, value (net, current US$ million)."""
    m = FILE_RE.search(path.name)
    if m is None:
        raise SourceError(
            NAME, str(path), "file name does not carry the year (ODA-<year>-DAC2a.csv)"
        )
    year = int(m.group(1))
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(NAME, str(path), f"not UTF-8 text ({exc})") from exc
    table = list(csv.reader(io.StringIO(text)))
    if len(table) < 10:
        raise SourceError(NAME, str(path), f"only {len(table)} lines; expected ~270 recipients")
    header, rows = table[0], [r for r in table[1:] if r and r[0].strip()]
    labels = reconcile_header(header, rows, path.name)
    out = []
    for r in rows:
        recipient = r[0].strip()
        if len(r) > 1 and r[1].strip():
            raise SourceError(
                NAME,
                f"{path.name}, recipient {recipient!r}",
                f"the placeholder column holds {r[1]!r}; columns have moved",
            )
        for j in range(2, len(r)):
            v = _number(r[j], f"{path.name}, recipient {recipient!r}, donor {labels[j]!r}")
            if v is not None:
                out.append((recipient, labels[j], year, v))
    return pd.DataFrame(out, columns=["recipient", "donor", "year", "value_usd_m"])


def read_files(files) -> pd.DataFrame:
    """Every yearly file -> long rows with the file name."""
    return pd.concat([parse_file(p).assign(file=p.name) for p in files], ignore_index=True)


def read_folder(folder: Path) -> pd.DataFrame:
    files = sorted(p for p in folder.glob("ODA-*-DAC2a.csv"))
    if not files:
        raise SourceError(NAME, str(folder), "no ODA-<year>-DAC2a.csv files found")
    return read_files(files)


def parse(raw: RawFiles) -> pd.DataFrame:
    return read_files(raw.files)


def to_observations(
    parsed: pd.DataFrame, raw: RawFiles, countries: frozenset[str] | None = None
) -> pd.DataFrame:

    return observations(parsed, NAME, NAME, "current", raw.label + "/" + parsed["file"])


SOURCE = Source(
    name=NAME,
    title="OECD DAC Table 2a, net ODA disbursements by donor and recipient (QWIDS exports)",
    producer="OECD Development Assistance Committee",
    url="https://stats.oecd.org/qwids/ (retired 2024); today: OECD Data Explorer, DAC2A",
    licence=LICENCE,
    citation=CITATION,
    coverage="2002-2019; every recipient and 154 donor columns (DAC, non-DAC, multilateral, "
    "private); China not a reporter; Brunei and Singapore not ODA recipients",
    datasets=(
        Dataset(
            NAME,
            "oda",
            ("oda_received_net_current", "oda_given_net_current"),
            "OECD DAC Table 2a (QWIDS export), net ODA, current US$",
            label="OECD DAC (QWIDS)",
        ),
    ),
    parse=parse,
    to_observations=to_observations,
    pattern="ODA-*-DAC2a.csv",
    recorded="oecd_dac2a_2002_2019",
    recorded_vintage="QWIDS export, 2002-2019",
    notes=("Read from ../shared/data/oecd_dac2a_2002_2019/ or data/raw/oecd_dac2a_qwids/.",),
)
