"""JETRO's workbooks of Japan's outward FDI by country/region: positions (year-ends 1996-2024,
IIP basis) and flows (1983-2025, balance-of-payments basis, net).

Both are JETRO's published layout: a title, a header row of years (``end of 96`` ... or 1983.0 ...
``2023r``), then label rows (countries indented under regions) and notes. ``n.a.`` is not
available, ``-`` is nil; an ``r`` after a year marks revised/preliminary figures. Methodological
breaks travel with every value as its flag: positions and flows are BPM5 to 2013 and BPM6 from
2014; flows have no strict continuity between 1995 and 1996 (``pre1996``).

Principle: JETRO's tables are Japan's balance of payments and international investment
position by region, which from 2014 (BPM6) are on the asset/liability principle (reverse
investment by affiliates in their parents is not netted), so the dataset declares
``asset_liability``; values flagged ``BPM5``/``pre1996`` are on the earlier directional
presentation. The Bank of Japan's tables by region and industry (``boj_japan_fdi``) are on the
directional principle: the two differ in level (Japan's outward position at the end of 2020:
see ``rank`` notes), so they are never mixed in one series.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..countries import JAPAN
from ..errors import SourceError
from ..limits import check_workbook
from ..observations import make
from ..partner_names import clean_label, labelled
from .spec import Dataset, RawFiles, Source

NAME = "jetro_outward_fdi"
FILES = {"stock": "fdi_outward_stock", "flows": "fdi_outflow"}
NO_VALUE = {"n.a.", "-", ""}


def _year(cell: object) -> tuple[int, str] | None:
    text = str(cell).strip()
    m = re.fullmatch(r"end of (\d{2})", text)
    if m:
        yy = int(m.group(1))
        return (1900 + yy if yy >= 50 else 2000 + yy), ""
    m = re.fullmatch(r"(\d{4})(?:\.0)?(r?)", text)
    if m:
        return int(m.group(1)), m.group(2)
    return None


def parse_workbook(path: Path, kind: str) -> tuple[pd.DataFrame, dict]:
    """-> rows: label, year, value_usd_m, flag; and cell counts (numbers, no_value, unread)."""
    from python_calamine import CalamineWorkbook

    check_workbook(path, NAME)  # its declared sizes, before it is inflated
    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:
        raise SourceError(NAME, str(path), f"not a readable workbook ({exc})") from exc
    rows = wb.get_sheet_by_name(wb.sheet_names[0]).to_python()
    header_i = next(
        (i for i, r in enumerate(rows[:10]) if sum(_year(c) is not None for c in r) >= 10), None
    )
    if header_i is None:
        raise SourceError(NAME, str(path), "no header row of years in the first 10 rows")
    years = {j: y for j, c in enumerate(rows[header_i]) if (y := _year(c)) is not None}
    first_value_col = min(years)
    counts = {"numbers": 0, "no_value": 0, "unread": []}
    out = []
    for r in rows[header_i + 1 :]:
        labels = [clean_label(c) for c in r[:first_value_col] if clean_label(c)]
        if not labels:
            continue
        label = labels[0]
        values = [r[j] for j in years]
        if all(isinstance(v, str) and not v.strip() for v in values):
            continue  # a section title ("Reference") or a note
        for j, (year, rev) in years.items():
            v = r[j]
            if isinstance(v, str):
                if v.strip() in NO_VALUE:
                    counts["no_value"] += 1
                    continue
                counts["unread"].append(f"{path.name}: {label!r} {year}: {v!r}")
                continue
            counts["numbers"] += 1
            if kind == "stock":
                flag = "BPM5" if year <= 2013 else "BPM6"
            else:
                # the BoP basis: BPM5 (directional principle) to 2013, BPM6 (asset/liability
                # principle, the dataset's declared one) from 2014; 'r' revised (all BPM6)
                flag = (
                    "pre1996"
                    if year <= 1995
                    else ("BPM5" if year <= 2013 else ("r" if rev else ""))
                )
            out.append((label, year, float(v), flag))
    return pd.DataFrame(out, columns=["partner", "year", "value_usd_m", "flag"]), counts


def read_folder(folder: Path) -> tuple[pd.DataFrame, dict]:
    frames, unread, numbers = [], [], 0
    for kind, measure in FILES.items():
        paths = sorted(folder.glob(f"jetro_outward_fdi_{kind}*"))
        if not paths:
            raise SourceError(NAME, str(folder), f"no jetro_outward_fdi_{kind}* workbook")
        df, counts = parse_workbook(paths[-1], kind)
        unread += counts["unread"]
        numbers += counts["numbers"]
        frames.append(df.assign(measure=measure, file=paths[-1].name))
    return pd.concat(frames, ignore_index=True), {"numbers": numbers, "unread": unread}


def parse(raw: RawFiles) -> pd.DataFrame:
    j, counts = read_folder(raw.folder)
    if counts["unread"]:
        raise SourceError(
            NAME,
            "; ".join(counts["unread"][:5]),
            f"{len(counts['unread'])} cell(s) could not be read",
        )
    return j


def to_observations(
    parsed: pd.DataFrame, raw: RawFiles, countries: frozenset[str] | None = None
) -> pd.DataFrame:

    j = labelled(parsed, NAME)
    return make(
        NAME,
        j["measure"],
        JAPAN,
        j["partner"],
        j["year"],
        j["value_usd_m"],
        "reported",
        j["flag"],
        raw.label + "/" + j["file"].astype(str),
    )


SOURCE = Source(
    name=NAME,
    title="JETRO: Japan's outward FDI by country/region, positions and flows",
    producer="JETRO (from Ministry of Finance and Bank of Japan data)",
    url="https://www.jetro.go.jp/en/reports/statistics/",
    licence="JETRO copyright; all rights reserved (read, not redistributed)",
    citation="JETRO, Japan's Outward FDI by Country/Region (International Investment Position; "
    "Balance of Payments basis, net and flow), US$ million.",
    coverage="positions year-ends 1996-2024, flows 1983-2025 (2023-2025 revised/preliminary); "
    "~45 countries and regions; Brunei, Cambodia, Laos, Myanmar only inside ASEAN",
    datasets=(
        Dataset(
            NAME,
            "fdi",
            ("fdi_outward_stock", "fdi_outflow"),
            "JETRO, Japan's outward FDI by country/region",
            reporters="Japan only",
            label="JETRO",
            authority="national",
            principle="asset_liability",
        ),
    ),
    parse=parse,
    to_observations=to_observations,
    pattern="*.xls*",
    recorded="jetro_outward_fdi",
    recorded_vintage="JETRO, as published 2025-2026",
)
