"""Derived step: current-price ODA for a dataset recorded only at constant prices.

Why: a donor's constant-price series is its current-price series divided by the DAC deflator of
that donor and year, which carries the donor's later exchange-rate moves (the yen fell by a
third from 2012). Within one year, constant prices therefore reorder donors against what they
gave at the time, so donors are ranked within a year on current prices (``rank.py``), and
constant prices are kept for trends over time.

The rule (``deflators``): where a dataset recorded only at constant 2022 prices overlaps a
dataset of the same DAC table at current prices (its declaration's ``prices_from`` names them,
in order of preference), the deflator of a donor and year is the ratio of sums over that
donor's recipients that year with a net value above zero in both::

    deflator(donor, year) = sum(net const2022) / sum(net current)

A donor-year takes its deflator from the first dataset of ``prices_from`` that gives one (the
QWIDS export for 2009-2019, then the World Bank's WDI series of the same DAC table for
2020-2021), so a second current-price source extends the years without changing earlier ones.
In the price base year (2022) every donor's deflator is 1 by definition (``base_year``), so
that year is priced for every donor, non-DAC donors included.

(the DAC applies one deflator per donor and year to every flow and recipient, so the ratio is
one number; ``tests/integration/test_oda_prices.py`` checks it is the same, within rounding, across
recipients). Every observation of the constant-price dataset whose donor has a deflator that year
(net and gross, received and given) then gets a current-price twin::

    value_current = round(value_const2022 / deflator, 2)

in the same dataset, under the measure named ``..._current`` and flagged ``derived_current``
(rounded to US$10,000, the precision of both extracts). Years without an overlap (after the
current-price extract ends) get no deflator and stay at constant prices only; the ranking then
uses the constant prices and its measure name says ``const2022``. A recipient's own total
(partner ``WLD``) mixes donors' deflators and is never derived.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .countries import WORLD
from .observations import COLUMNS, TEXT_COLUMNS, concat, text_mask, validate

FLAG = "derived_current"
CONST, CURRENT = "_const2022", "_current"


def _text(df: pd.DataFrame) -> pd.DataFrame:
    return df.assign(**{c: df[c].astype(str) for c in ("dataset", "measure", "country", "partner")})


def deflators(obs: pd.DataFrame, dataset: str, current_dataset: str) -> pd.DataFrame:
    """-> donor, year, deflator (const2022 / current), n (recipients), current_usd_m (overlap).

    Net ODA received, matched on recipient, donor and year; pairs with a value above zero in
    both datasets only (the constant-price extract omits values <= 0); aggregated as the ratio
    of sums over recipients.
    """
    cols = ["country", "partner", "year", "value_usd_m"]
    o = obs[obs["dataset"].isin([dataset, current_dataset])]
    o = _text(o[text_mask(o["measure"], lambda m: m.startswith("oda_received_net_"))])
    o = o[(o["partner"] != WORLD) & (o["value_usd_m"] > 0)]
    cur = o[(o["dataset"] == current_dataset) & (o["measure"] == "oda_received_net" + CURRENT)]
    con = o[(o["dataset"] == dataset) & (o["measure"] == "oda_received_net" + CONST)]
    both = cur[cols].merge(con[cols], on=cols[:3], suffixes=("_cur", "_const"))
    both = both.sort_values(cols[:3], kind="mergesort")
    g = both.groupby(["partner", "year"], sort=True).agg(
        current_usd_m=("value_usd_m_cur", "sum"),
        const_usd_m=("value_usd_m_const", "sum"),
        n=("country", "size"),
    )
    g["deflator"] = g["const_usd_m"] / g["current_usd_m"]
    out = g.reset_index().rename(columns={"partner": "donor"})
    return out[["donor", "year", "deflator", "n", "current_usd_m"]]


BASE_YEAR = int(CONST.removeprefix("_const"))  # constant 2022 US$: the price base year
BASE_NOTE = f"the price base year {BASE_YEAR} (constant {BASE_YEAR} US$ are current US$)"


def base_year(obs: pd.DataFrame, dataset: str) -> pd.DataFrame:
    """Deflator 1 for every donor of ``dataset`` in the price base year: constant 2022 US$ are
    current US$ in 2022 by definition, so every donor is priced there, those no current-price
    source covers (non-DAC donors) included."""
    o = obs[text_mask(obs["dataset"], dataset.__eq__) & (obs["year"] == BASE_YEAR).to_numpy()]
    o = _text(o[text_mask(o["measure"], lambda m: m.endswith(CONST))])
    received = o["measure"].str.startswith("oda_received")
    donors = sorted(set(np.where(received, o["partner"], o["country"])) - {WORLD})
    return pd.DataFrame(
        {
            "donor": donors,
            "year": BASE_YEAR,
            "deflator": 1.0,
            "n": 0,
            "current_usd_m": np.nan,
            "current_dataset": BASE_NOTE,
        }
    )


def deflators_from(obs: pd.DataFrame, dataset: str, current: tuple[str, ...]) -> pd.DataFrame:
    """``deflators`` of ``dataset`` against each dataset of ``current`` in turn, a donor-year
    taking the first that gives it; a ``current_dataset`` column says which."""
    present = {str(d) for d in obs["dataset"].unique()}
    parts = [base_year(obs, dataset)]
    parts += [deflators(obs, dataset, c).assign(current_dataset=c) for c in current if c in present]
    parts = [p for p in parts if not p.empty]
    if not parts:
        return pd.DataFrame(
            columns=["donor", "year", "deflator", "n", "current_usd_m", "current_dataset"]
        )
    d = pd.concat(parts, ignore_index=True).drop_duplicates(["donor", "year"], keep="first")
    return d.sort_values(["donor", "year"], kind="mergesort").reset_index(drop=True)


def derive_current(obs: pd.DataFrame, prices_from: dict[str, tuple[str, ...]]) -> pd.DataFrame:
    """Extra observations: current-price twins of constant-price ODA (see the module's rule).
    ``prices_from``: dataset recorded only at constant 2022 prices -> the datasets of the same
    DAC table at current prices whose overlap gives each donor's deflator, in order."""
    parts = []
    datasets = {str(d) for d in obs["dataset"].unique()}
    for dataset, current in sorted(prices_from.items()):
        if dataset not in datasets:
            continue
        d = deflators_from(obs, dataset, current)
        if d.empty:
            continue
        src = obs[
            text_mask(obs["dataset"], dataset.__eq__)
            & text_mask(obs["measure"], lambda m: m.startswith("oda_") and m.endswith(CONST))
        ]
        src = _text(src)
        received = src["measure"].str.startswith("oda_received")
        # the donor is the partner of a recipient's row and the country of a donor's row
        donor = np.where(received, src["partner"], src["country"])
        src = src.assign(donor=donor)
        src = src[~(received & (src["partner"] == WORLD))]
        # the current-price file each deflator comes from, for the row's source_ref
        cur = obs[
            text_mask(obs["dataset"], set(current).__contains__)
            & text_mask(obs["measure"], ("oda_received_net" + CURRENT).__eq__)
        ]
        refs = (
            _text(cur)
            .assign(source_ref=cur["source_ref"].astype(str))
            .sort_values(["dataset", "partner", "year", "source_ref"], kind="mergesort")
            .groupby(["dataset", "partner", "year"], sort=True)["source_ref"]
            .first()
            .rename("cur_ref")
            .reset_index()
            .rename(columns={"partner": "donor", "dataset": "current_dataset"})
        )
        m = src.merge(
            d[["donor", "year", "deflator", "current_dataset"]], on=["donor", "year"], how="inner"
        )
        m = m.merge(refs, on=["current_dataset", "donor", "year"], how="left")
        if m.empty:
            continue
        out = pd.DataFrame(
            {
                "dataset": m["dataset"],
                "measure": m["measure"].str.slice(0, -len(CONST)) + CURRENT,
                "country": m["country"],
                "partner": m["partner"],
                "year": m["year"].astype("int16"),
                "value_usd_m": np.round(m["value_usd_m"].to_numpy() / m["deflator"].to_numpy(), 2),
                "basis": m["basis"].astype(str),
                "flag": FLAG,
                "source_ref": m["source_ref"].astype(str)
                + "; deflator from "
                + m["cur_ref"].fillna(m["current_dataset"]),
            }
        )
        out = out.sort_values(["measure", "country", "partner", "year"], kind="mergesort")
        parts.append(out.reset_index(drop=True))
    if not parts:
        return obs.iloc[:0]
    out = pd.concat(parts, ignore_index=True)[COLUMNS]
    for c in TEXT_COLUMNS:
        out[c] = out[c].astype(str).astype("category")
    return validate(out)


def with_current(obs: pd.DataFrame, prices_from: dict[str, tuple[str, ...]]) -> pd.DataFrame:
    """``obs`` and its derived current-price observations (the pipeline's derived step)."""
    return concat([obs, derive_current(obs, prices_from)])
