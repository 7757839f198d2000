"""DAC Table 2a in long form -> ODA observations: shared by every DAC2a source.

Observations: ``oda_received_*`` has the recipient as ``country`` and the donor as ``partner``
(basis ``mirror``: DAC figures are reported by donors); ``oda_given_*`` has the donor as
``country`` (basis ``reported``). Net and gross, and the price base (current vs constant 2022
US$), are part of the measure name, so they are never mixed in one ranking. Partner ``WLD`` holds
the source's own total where it has one: for a recipient, Official Donors Total plus Private
Donors Total; for a donor, its ODA to All Developing Countries.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..countries import WORLD
from ..donors import resolve_donors, resolve_recipients
from ..observations import TEXT_COLUMNS, validate
from ..schema import OBSERVATIONS

RECIPIENT_TOTAL = "All Developing Countries, Total"
DONOR_TOTALS = ("Official Donors, Total", "Private Donors, Total")


def _obs(dataset, measure, country, partner, year, value, basis, ref) -> pd.DataFrame:
    df = pd.DataFrame(
        {
            "dataset": dataset,
            "measure": measure,
            "country": country,
            "partner": partner,
            "year": np.asarray(year).astype("int16"),
            "value_usd_m": np.asarray(value, dtype=float),
            "basis": basis,
            "flag": "",
            "source_ref": ref,
        }
    )
    return df[list(OBSERVATIONS)]


def observations(
    long: pd.DataFrame, dataset: str, source: str, price: str, ref: pd.Series | str
) -> pd.DataFrame:
    """``long``: recipient, donor, year, value_usd_m and optionally flow (net|gross; default net).

    ``price``: ``current`` or ``const2022``, written into the measure name.
    """
    donors = resolve_donors(long["donor"].unique(), source, "donor labels")
    recips = resolve_recipients(long["recipient"].unique(), source, "recipient names")
    d_code = long["donor"].map({k: v.code for k, v in donors.items()})
    d_type = long["donor"].map({k: v.donor_type for k, v in donors.items()})
    r_code = long["recipient"].map({k: v[0] for k, v in recips.items()})
    r_kind = long["recipient"].map({k: v[1] for k, v in recips.items()})
    flow = long["flow"] if "flow" in long else pd.Series("net", index=long.index)
    ref = ref if isinstance(ref, pd.Series) else pd.Series(ref, index=long.index)
    parts = []
    for f in sorted(flow.unique()):
        m_flow = (flow == f).to_numpy()
        # recipient's view: every donor (totals as WLD), recipients that are countries
        rec_ok = m_flow & r_kind.isin(["country", "historical"]).to_numpy()
        donor_rows = rec_ok & (d_type != "total").to_numpy()
        parts.append(
            _obs(
                dataset,
                f"oda_received_{f}_{price}",
                r_code[donor_rows],
                d_code[donor_rows],
                long["year"][donor_rows],
                long["value_usd_m"][donor_rows],
                "mirror",
                ref[donor_rows],
            )
        )
        tot = rec_ok & long["donor"].isin(DONOR_TOTALS).to_numpy()
        if tot.any():
            t = long[tot].assign(code=r_code[tot]).groupby(["code", "year"])["value_usd_m"].sum()
            t = t.reset_index()
            refs = ref[tot].groupby([r_code[tot], long["year"][tot]]).first().to_numpy()
            parts.append(
                _obs(
                    dataset,
                    f"oda_received_{f}_{price}",
                    t["code"],
                    WORLD,
                    t["year"],
                    t["value_usd_m"],
                    "mirror",
                    refs,
                )
            )
        # donor's view: donors that are countries, to recipient countries (+ WLD total)
        giv = m_flow & d_type.isin(["bilateral_dac", "bilateral_non_dac"]).to_numpy()
        to_country = giv & r_kind.isin(["country", "historical"]).to_numpy()
        parts.append(
            _obs(
                dataset,
                f"oda_given_{f}_{price}",
                d_code[to_country],
                r_code[to_country],
                long["year"][to_country],
                long["value_usd_m"][to_country],
                "reported",
                ref[to_country],
            )
        )
        to_total = giv & (long["recipient"] == RECIPIENT_TOTAL).to_numpy()
        if to_total.any():
            parts.append(
                _obs(
                    dataset,
                    f"oda_given_{f}_{price}",
                    d_code[to_total],
                    WORLD,
                    long["year"][to_total],
                    long["value_usd_m"][to_total],
                    "reported",
                    ref[to_total],
                )
            )
    obs = pd.concat(parts, ignore_index=True)
    # the R extract names some donors twice over the years (Turkey/Türkiye): same code, summed
    keys = ["dataset", "measure", "country", "partner", "year", "basis"]
    obs = obs.groupby(keys, as_index=False, sort=True).agg(
        value_usd_m=("value_usd_m", "sum"),
        flag=("flag", "first"),
        source_ref=("source_ref", "first"),
    )
    for col in TEXT_COLUMNS:
        obs[col] = obs[col].astype("category")
    return validate(obs)
