"""Live sources, declared once: how a fetched vintage becomes observations and rankings.

The pipeline (latest vintage of each) and ``diff`` (any two vintages) both read vintages through
this table, so a live source is added in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import fdi, oda
from .rank import rank_observations
from .sources import imf_dip, imf_imts, oecd_dac2a, oecd_fdi, worldbank_wdi


@dataclass(frozen=True)
class Live:
    dimension: str  # trade | oda | fdi: which ranking family the observations join
    pattern: str  # the raw files of a vintage
    parse: Callable[[bytes, str], pd.DataFrame]
    observations: Callable[[pd.DataFrame, str, pd.Series], pd.DataFrame]  # parsed, vintage, ref


def _imts_obs(parsed: pd.DataFrame, vintage: str, ref: pd.Series) -> pd.DataFrame:
    from .observations import from_imts

    # a pair of two focus economies comes back in both requests (own and mirror): keep one
    parsed = parsed.drop_duplicates(["reporter_code", "measure", "partner_code", "year"])
    return from_imts(parsed, vintage)


LIVE: dict[str, Live] = {
    imf_imts.NAME: Live("trade", "*.xml", lambda d, w: imf_imts.parse_xml(d, w), _imts_obs),
    oecd_dac2a.NAME: Live(
        "oda",
        "*.csv",
        oecd_dac2a.parse,
        lambda p, v, ref: oda.observations(p, oecd_dac2a.NAME, oecd_dac2a.NAME, "current", ref),
    ),
    worldbank_wdi.NAME: Live(
        "oda",
        "*.json",
        lambda d, w: worldbank_wdi.parse(d, w)[1],
        lambda p, v, ref: oda.observations_wdi(p, ref),
    ),
    oecd_fdi.NAME: Live(
        "fdi", "*.csv", oecd_fdi.parse, lambda p, v, ref: fdi.observations_oecd(p, ref)
    ),
    imf_dip.NAME: Live(
        "fdi", "*.xml", imf_dip.parse, lambda p, v, ref: fdi.observations_dip(p, ref)
    ),
}


def live_observations(source: str, folder: Path) -> pd.DataFrame:
    """Parse every raw file of one vintage folder of a live source into observations."""
    spec = LIVE[source]
    parts = [
        spec.parse(p.read_bytes(), str(p)).assign(file=p.name)
        for p in sorted(folder.glob(spec.pattern))
    ]
    parsed = pd.concat(parts, ignore_index=True)
    ref = f"{source}/{folder.name}/" + parsed["file"].astype(str)
    return spec.observations(parsed, folder.name, ref)


def rank_live(source: str, obs: pd.DataFrame, countries: frozenset[str] | None) -> pd.DataFrame:
    dimension = LIVE[source].dimension
    if dimension == "trade":
        return rank_observations(obs, countries)
    return (oda.rankings if dimension == "oda" else fdi.rankings)(obs, countries)
