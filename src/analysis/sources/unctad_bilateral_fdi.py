"""UNCTAD bilateral FDI statistics 2001-2012: inflows and inward stocks by origin (CSV tables),
and the whole bilateral matrix (R data) for Japan's outward flows and stocks by destination.

The CSV tables are UNCTAD's per-economy workbooks written out by R: a row index, the partner's
name in the column that encodes its depth in the region/economy tree, then one column per year.
Numbers are hostile and read by rule: spaces as thousands separators (``5 060``), minus signs
mangled as ``- -10``, ``--6 506`` or ``-- 195`` (every leading run of dashes and spaces is one
minus), ``..`` not available. Negative flows are disinvestment and stay negative. Every cell that
is neither a number nor a known "no value" marker is counted as unread (the target is zero).
A table of "Reporting economy" rows, or whose note says it is based on information reported by
the economies listed, holds partners' reports: basis ``mirror`` (Viet Nam, Laos, Myanmar and
Brunei's stock tables).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..countries import JAPAN
from ..errors import SourceError
from ..observations import concat, make
from ..partner_names import clean_label, labelled
from .spec import Dataset, RawFiles, Source

NAME = "unctad_bilateral_fdi"
TABLES = {"flows_inward": "fdi_inflow", "stock_inward": "fdi_inward_stock"}
NO_VALUE = {"", "..", "NA", "-"}
_NUMBER = re.compile(r"^(?P<neg>[-\s]*-[-\s]*)?(?P<digits>\d{1,3}(?: \d{3})*|\d+)(?P<frac>\.\d+)?$")
HEADERS = ("Region / economy", "Reporting economy")
MIRROR_NOTES = ("reported by the economies listed above",)


@dataclass
class CellCount:
    numbers: int = 0
    no_value: int = 0
    unread: list[str] = field(default_factory=list)


def read_number(text: str) -> float | None:
    """UNCTAD's number text -> float; None for a known 'no value' marker; ValueError otherwise."""
    t = text.strip()
    if t in NO_VALUE:
        return None
    m = _NUMBER.match(t)
    if m is None:
        raise ValueError(t)
    value = float(m.group("digits").replace(" ", "") + (m.group("frac") or ""))
    return -value if m.group("neg") else value


def parse_table(path: Path, counts: CellCount | None = None) -> tuple[pd.DataFrame, str, str]:
    """One host table -> (rows: partner label, year, value_usd_m; basis; flag of the table).

    The flag is ``approval`` where the table's note says its data are on an approval basis
    (Myanmar's inflows): approved investment, not balance-of-payments flows."""
    counts = counts if counts is not None else CellCount()
    rows = list(csv.reader(path.open(encoding="utf-8")))
    header_i = next((i for i, r in enumerate(rows) if len(r) > 1 and r[1].strip() in HEADERS), None)
    if header_i is None or "Millions of US dollars" not in " ".join(rows[header_i - 1]):
        raise SourceError(
            NAME,
            str(path),
            f"no header row ({' or '.join(repr(h) for h in HEADERS)}) under a US$ million unit line",
        )
    years = {j: int(c) for j, c in enumerate(rows[header_i]) if re.fullmatch(r"\d{4}", c.strip())}
    if not years:
        raise SourceError(NAME, str(path), "no year columns in the header")
    notes = " ".join(r[1] for r in rows if len(r) > 1 and r[1].startswith(("Note", "Source")))
    # "Reporting economy" tables list the partners that reported their positions in the host
    partner_reported = rows[header_i][1].strip() == "Reporting economy"
    basis = "mirror" if partner_reported or any(n in notes for n in MIRROR_NOTES) else "reported"
    out = []
    for r in rows[header_i + 1 :]:
        names = [clean_label(c) for c in r[1:6] if c.strip() and c.strip() != "NA"]
        if not names:
            continue  # layout rows (page continuation marks such as "/...")
        label = names[0]
        if label.startswith(("Source", "Note", "Table", "(Millions", *HEADERS)):
            continue
        for j, year in years.items():
            cell = r[j] if j < len(r) else ""
            try:
                v = read_number(cell)
            except ValueError:
                counts.unread.append(f"{path.parent.name}/{path.name}: {label!r} {year}: {cell!r}")
                continue
            if v is None:
                counts.no_value += 1
            else:
                counts.numbers += 1
                out.append((label, year, v))
    flag = "approval" if "approval basis" in notes else ""
    return pd.DataFrame(out, columns=["partner", "year", "value_usd_m"]), basis, flag


def read_tables(folder: Path) -> tuple[pd.DataFrame, CellCount]:
    """Every host table -> host, measure, partner label, year, value, basis, file; and the counts."""
    counts = CellCount()
    frames = []
    for sub, measure in TABLES.items():
        for path in sorted((folder / sub).glob("*.csv")):
            df, basis, flag = parse_table(path, counts)
            frames.append(
                df.assign(
                    host=path.stem,
                    measure=measure,
                    basis=basis,
                    flag=flag,
                    file=f"{sub}/{path.name}",
                )
            )
    if not frames:
        raise SourceError(NAME, str(folder), "no flows_inward/*.csv or stock_inward/*.csv tables")
    return pd.concat(frames, ignore_index=True), counts


def read_matrix(path: Path, reporter: str = "JPN") -> pd.DataFrame:
    """The bilateral matrix -> the reporter's outward flows and stocks by destination."""
    import pyreadr

    try:
        frames = pyreadr.read_r(str(path))
    except Exception as exc:  # pyreadr's own error types
        raise SourceError(NAME, str(path), f"not a readable R data file ({exc})") from exc
    df = frames.get("FDI")
    need = {"CountryPair", "year", "FDI_outflows", "FDI_outstock"}
    if df is None or not need <= set(df.columns):
        raise SourceError(NAME, str(path), f"expected table FDI with columns {sorted(need)}")
    pair = df["CountryPair"].astype(str).str.split("-", n=1, expand=True)
    mine = pair[0] == reporter
    long = []
    for col, measure in (("FDI_outflows", "fdi_outflow"), ("FDI_outstock", "fdi_outward_stock")):
        sub = df[mine & df[col].notna()]
        long.append(
            pd.DataFrame(
                {
                    "partner": pair.loc[sub.index, 1].to_numpy(),
                    "year": sub["year"].astype(int).to_numpy(),
                    "value_usd_m": sub[col].astype(float).to_numpy(),
                    "measure": measure,
                }
            )
        )
    return pd.concat(long, ignore_index=True)


MATRIX = "all_pairs_FDI.RData"


def parse(raw: RawFiles) -> pd.DataFrame:
    """The host tables (every cell read or the build stops) and Japan's row of the matrix."""

    tables, counts = read_tables(raw.folder)
    if counts.unread:
        raise SourceError(
            NAME,
            "; ".join(counts.unread[:5]),
            f"{len(counts.unread)} cell(s) could not be read",
            "Check the table's layout against the parser (sources/unctad_bilateral_fdi.py).",
        )
    tables = tables.assign(part="tables")
    if (raw.folder / MATRIX).is_file():
        m = read_matrix(raw.folder / MATRIX, JAPAN)
        m = m.assign(host=JAPAN, basis="reported", flag="", file=MATRIX, part="matrix")
        tables = pd.concat([tables, m], ignore_index=True)
    return tables


def to_observations(
    parsed: pd.DataFrame, raw: RawFiles, countries: frozenset[str] | None = None
) -> pd.DataFrame:

    t = labelled(parsed[parsed["part"] == "tables"], NAME)
    m = parsed[parsed["part"] == "matrix"]
    return concat(
        [
            make(
                NAME,
                d["measure"],
                d["host"],
                d["partner"],
                d["year"],
                d["value_usd_m"],
                d["basis"],
                d["flag"],
                raw.label + "/" + d["file"].astype(str),
            )
            for d in (t, m)
            if len(d)
        ]
    )


SOURCE = Source(
    name=NAME,
    title="UNCTAD bilateral FDI statistics: inflows and inward stock by origin; the bilateral matrix",
    producer="UNCTAD",
    url="https://unctad.org/topic/investment/investment-statistics-and-trends",
    licence="UNCTAD terms of use",
    citation="UNCTAD, Bilateral FDI Statistics 2014 (FDI/TNC database), tables 1 and 3 by "
    "geographical origin, US$ million.",
    coverage="2001-2012; hosts ASEAN-10 and Japan (host-reported inflows: KHM, LAO, MMR, PHL, THA "
    "2001-2012, MYS, SGP 2001-2011, IDN 2004-2012, BRN 2007-2011, VNM 2011-2012); Japan's outward "
    "flows and stocks by destination from the matrix",
    datasets=(
        Dataset(
            NAME,
            "fdi",
            ("fdi_inflow", "fdi_inward_stock", "fdi_outflow", "fdi_outward_stock"),
            "UNCTAD Bilateral FDI Statistics 2014",
            label="UNCTAD",
        ),
    ),
    parse=parse,
    to_observations=to_observations,
    pattern="**/*.*",
    recorded="unctad_bilateral_fdi_2001_2012",
    recorded_vintage="UNCTAD bilateral FDI 2014",
)
