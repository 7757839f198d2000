"""OECD FDI statistics by counterpart area (BMD4), live SDMX API: who invests where, to today.

Dataflows ``OECD.DAF.INV,DSD_FDI@DF_FDI_FLOW_CTRY`` (flows, measure T_FA_F) and
``DF_FDI_POS_CTRY`` (positions, LE_FA_F), directional principle outward (DO), US$ at exchange
rates, immediate counterpart, all activities. Four requests: Japan's outward flows and positions
in every counterpart (dataset ``oecd_fdi``), and every OECD reporter's outward flows and
positions in the ten ASEAN members (the layout of the two real responses in
``../shared/data/api_fixtures/oecd_sdmx/``). Read from the host's side, the second pair is each
member's inward FDI by investor as the investors report it (dataset ``oecd_fdi_mirror``, basis
``mirror``): ranked only among the OECD reporters, never as "all investors" (China, Singapore,
Hong Kong and Taiwan do not report to the OECD).
"""

from __future__ import annotations

import pandas as pd

from .. import livefetch
from ..countries import JAPAN, WORLD, asean_members
from ..errors import SourceError
from ..livefetch import Request
from ..observations import concat, make
from ..settings import base_url, join_url
from .oecd_sdmx import BASE_URL_ENV, DEFAULT_BASE_URL, parse_csv
from .spec import Dataset, RawFiles, Source, each_file, observer

NAME = "oecd_fdi"
MIRROR = "oecd_fdi_mirror"
FLOWS = {
    "flows.csv": ("OECD.DAF.INV,DSD_FDI@DF_FDI_FLOW_CTRY,", "T_FA_F", "fdi_outflow"),
    "positions.csv": ("OECD.DAF.INV,DSD_FDI@DF_FDI_POS_CTRY,", "LE_FA_F", "fdi_outward_stock"),
}
MEASURES = {m: measure for _, m, measure in FLOWS.values()}
DIMENSIONS = ("REF_AREA", "MEASURE", "MEASURE_PRINCIPLE", "COUNTERPART_AREA")
LICENCE = "OECD terms and conditions; CC BY 4.0 for OECD data since 2024"
CITATION = "OECD, FDI statistics by counterpart area and by industry (BMD4), OECD Data Explorer."


MIRROR_FILES = {"flows.csv": "flows_into_asean.csv", "positions.csv": "positions_in_asean.csv"}
MIRROR_MEASURES = {"fdi_outflow": "fdi_inflow", "fdi_outward_stock": "fdi_inward_stock"}


def requests_for(reporters: tuple[str, ...] = (JAPAN,), start: int = 2005) -> list[Request]:
    """Japan (``reporters``) to every counterpart, then every reporter to the ASEAN members."""
    params = {
        "startPeriod": str(start),
        "format": "csvfilewithlabels",
        "dimensionAtObservation": "AllDimensions",
    }
    reps, hosts = "+".join(reporters), "+".join(asean_members())
    out = []
    for (rep, host), names in (((reps, ""), None), (("", hosts), MIRROR_FILES)):
        for fname, (flow, m, _) in FLOWS.items():
            out.append(
                Request(
                    names[fname] if names else fname,
                    join_url(
                        base_url(BASE_URL_ENV, DEFAULT_BASE_URL),
                        f"data/{flow}/{rep}.{m}.USD_EXC.DO.NET_FDI.ROU.D.S1.{host}.IMC._T.A",
                    ),
                    params,
                    {},
                    "SDMX-CSV",
                )
            )
    return out


def parse(data: bytes, where: str = "response") -> pd.DataFrame:
    """-> reporter, counterpart (codes and labels), measure, year, value_usd_m."""
    df = parse_csv(data, NAME, where, DIMENSIONS)
    unknown = sorted(set(df["MEASURE"]) - set(MEASURES))
    if unknown:
        raise SourceError(
            NAME, where, f"unexpected MEASURE code(s) {unknown}; expected {list(MEASURES)}"
        )
    if set(df["MEASURE_PRINCIPLE"]) != {"DO"}:
        raise SourceError(NAME, where, "expected the directional principle, outward (DO) only")
    return pd.DataFrame(
        {
            "reporter": df["REF_AREA"],
            "counterpart": df["COUNTERPART_AREA"],
            "counterpart_label": df["COUNTERPART_AREA_label"],
            "measure": df["MEASURE"].map(MEASURES),
            "year": df["year"],
            "value_usd_m": df["value_usd_m"],
        }
    )


def to_observations(
    parsed: pd.DataFrame, raw: RawFiles, countries: frozenset[str] | None = None
) -> pd.DataFrame:
    """Reporters' outward rows (``oecd_fdi``; counterpart ``W`` = world becomes ``WLD``) and the
    same rows read from the host's side (``oecd_fdi_mirror``). OECD groupings are dropped; a
    reporter-counterpart pair found in two responses is kept once."""
    import numpy as np
    import pycountry

    parsed = parsed.drop_duplicates(["reporter", "counterpart", "measure", "year"])
    cp = parsed["counterpart"].astype(str)
    is_country = cp.map(lambda c: pycountry.countries.get(alpha_3=c) is not None)
    partner = cp.where(is_country, np.where(cp == "W", WORLD, None))
    keep = partner.notna()
    ref = raw.label + "/" + parsed["file"].astype(str)
    outward = make(
        NAME,
        parsed["measure"][keep],
        parsed["reporter"][keep],
        partner[keep],
        parsed["year"][keep],
        parsed["value_usd_m"][keep],
        "reported",
        "",
        ref[keep],
    )
    host = is_country.to_numpy(bool)
    mirror = make(
        MIRROR,
        parsed["measure"][host].map(MIRROR_MEASURES),
        cp[host],
        parsed["reporter"][host],
        parsed["year"][host],
        parsed["value_usd_m"][host],
        "mirror",
        "",
        ref[host],
    )
    return concat([outward, mirror])


fetch = livefetch.fetcher(
    NAME,
    requests_for,
    parse,
    licence=LICENCE,
    citation=CITATION,
    observe=observer(NAME, to_observations),
)


SOURCE = Source(
    name=NAME,
    title="OECD FDI flows and positions by counterpart area (BMD4), live SDMX API",
    producer="OECD Investment Division",
    url=DEFAULT_BASE_URL + "/data/OECD.DAF.INV,DSD_FDI@DF_FDI_FLOW_CTRY,",
    licence=LICENCE,
    citation=CITATION,
    coverage="Japan as reporter, all counterparts, and every OECD reporter in the ASEAN members: "
    "outward flows and positions, 2005 to latest (live; a recorded response of 12 reporters in "
    "ASEAN, 2010-2024, is the replay test's)",
    datasets=(
        Dataset(
            NAME,
            "fdi",
            ("fdi_outflow", "fdi_outward_stock"),
            "OECD FDI by counterpart area (BMD4)",
            label="OECD FDI",
            reporters="Japan",
        ),
        Dataset(
            MIRROR,
            "fdi",
            ("fdi_inflow", "fdi_inward_stock"),
            "OECD FDI by counterpart, OECD investors' reports of their FDI in each host",
            label="OECD FDI (investors)",
            partners="OECD reporters only",
            variant="oecd_reporters",
            partner_set="oecd_reporters",
            authority="compiled",
        ),
    ),
    parse=each_file(parse),
    to_observations=to_observations,
    pattern="*.csv",
    fetch=fetch,
    notes=("Base URL from $" + BASE_URL_ENV + " (shared with oecd_dac2a).",),
)
