"""FDI: the recorded FDI sources -> observations and rankings.

Measures (``country``'s point of view): ``fdi_inflow`` and ``fdi_inward_stock`` (host with its
investors as partners), ``fdi_outflow`` and ``fdi_outward_stock`` (investor with its host
economies as partners), ``fdi_registered`` (Viet Nam's licensed capital: not a balance-of-payments
flow, never ranked with flows). Each source is its own dataset, so definitions (flows vs
positions, host- vs partner-reported, directional basis) never mix in one ranking.

Ranking: values above zero are ranked; negative flows (disinvestment, repatriation) stay in the
table with no rank and no share, zeros are dropped. Variant ``countries`` ranks economies;
JETRO's own ASEAN and EU rows are ranked in variant ``blocs`` beside the countries outside them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .countries import JAPAN, WORLD, bloc_members
from .fdi_names import resolve
from .rank import COLUMNS as RANK_COLUMNS
from .rank import rank_simple
from .sources import (
    abn2018_fdi,
    bank_indonesia_fdi,
    jetro_outward_fdi,
    unctad_bilateral_fdi,
    vietnam_fdi,
)
from .validate import OBSERVATION_KEY, OBSERVATIONS, RANKING_KEY, RANKINGS, check

CODE_FIXES = {"KOS": "XKX"}  # IMF/GSO spelling of Kosovo


def _frame(dataset, measure, country, partner, year, value, basis, flag, ref) -> pd.DataFrame:
    n = len(np.asarray(value))

    def col(x):
        return np.asarray(x, dtype=object) if np.ndim(x) else np.full(n, x, dtype=object)

    return pd.DataFrame(
        {
            "dataset": col(dataset),
            "measure": col(measure),
            "country": col(country),
            "partner": col(partner),
            "year": np.asarray(year).astype("int16"),
            "value_usd_m": np.asarray(value, dtype=float),
            "basis": col(basis),
            "flag": col(flag),
            "source_ref": col(ref),
        }
    )


def _labelled(df: pd.DataFrame, source: str) -> pd.DataFrame:
    """Resolve partner labels; keep countries, blocs and the World total."""
    table = resolve(df["partner"].unique(), source, "partner labels")
    code = df["partner"].map({k: v[0] for k, v in table.items()})
    kind = df["partner"].map({k: v[1] for k, v in table.items()})
    keep = kind.isin(["country", "historical", "bloc", "total"])
    return df[keep].assign(partner=code[keep], kind=kind[keep])


def observations(shared: Path) -> tuple[pd.DataFrame, dict]:
    """Every recorded FDI source under ``shared`` (the ../shared/data layout) -> observations."""
    parts, unread = [], {}
    folder = shared / "unctad_bilateral_fdi_2001_2012"
    if folder.is_dir():
        tables, counts = unctad_bilateral_fdi.read_tables(folder)
        unread[unctad_bilateral_fdi.NAME] = counts.unread
        t = _labelled(tables, unctad_bilateral_fdi.NAME)
        parts.append(
            _frame(
                unctad_bilateral_fdi.NAME,
                t["measure"],
                t["host"],
                t["partner"],
                t["year"],
                t["value_usd_m"],
                t["basis"],
                t["flag"],
                folder.name + "/" + t["file"],
            )
        )
        if (folder / "all_pairs_FDI.RData").is_file():
            m = unctad_bilateral_fdi.read_matrix(folder / "all_pairs_FDI.RData", JAPAN)
            parts.append(
                _frame(
                    unctad_bilateral_fdi.NAME,
                    m["measure"],
                    JAPAN,
                    m["partner"],
                    m["year"],
                    m["value_usd_m"],
                    "reported",
                    "",
                    f"{folder.name}/all_pairs_FDI.RData",
                )
            )
    folder = shared / "jetro_outward_fdi"
    if folder.is_dir():
        j, counts = jetro_outward_fdi.read_folder(folder)
        unread[jetro_outward_fdi.NAME] = counts["unread"]
        j = _labelled(j, jetro_outward_fdi.NAME)
        parts.append(
            _frame(
                jetro_outward_fdi.NAME,
                j["measure"],
                JAPAN,
                j["partner"],
                j["year"],
                j["value_usd_m"],
                "reported",
                j["flag"],
                folder.name + "/" + j["file"],
            )
        )
    folder = shared / "vietnam_fdi"
    if folder.is_dir():
        r = vietnam_fdi.read_registered(folder)
        parts.append(
            _frame(
                "vietnam_gso",
                "fdi_registered",
                "VNM",
                r["partner"].replace(CODE_FIXES),
                r["year"],
                r["value_usd_m"],
                "reported",
                "",
                f"{folder.name}/{vietnam_fdi.REGISTERED}",
            )
        )
        d = vietnam_fdi.read_dip(folder)
        parts.append(
            _frame(
                "imf_dip_vnm",
                "fdi_inward_stock",
                "VNM",
                d["partner"].replace(CODE_FIXES),
                d["year"],
                d["value_usd_m"],
                "mirror",
                "",
                f"{folder.name}/{vietnam_fdi.DIP}",
            )
        )
    folder = shared / "indonesia_fdi"
    if folder.is_dir():
        b, bad = bank_indonesia_fdi.read(folder)
        unread[bank_indonesia_fdi.NAME] = bad
        b = _labelled(b, bank_indonesia_fdi.NAME)
        parts.append(
            _frame(
                bank_indonesia_fdi.NAME,
                "fdi_inflow",
                "IDN",
                b["partner"],
                b["year"],
                b["value_usd_m"],
                "reported",
                "",
                f"{folder.name}/{bank_indonesia_fdi.FILE}#" + b["sheet"],
            )
        )
    folder = shared / "bilateral_fdi_abn2018"
    if folder.is_dir():
        a = abn2018_fdi.read_csv(folder)
        parts.append(
            _frame(
                abn2018_fdi.NAME,
                "fdi_inflow",
                a["host"],
                a["partner"],
                a["year"],
                a["value_usd_m"],
                "mirror",
                "",
                f"{folder.name}/{abn2018_fdi.FILE}",
            )
        )
    if not parts:
        return pd.DataFrame(columns=list(OBSERVATIONS)), unread
    obs = pd.concat(parts, ignore_index=True)
    obs = obs[obs["country"] != obs["partner"]]
    for col in ("dataset", "measure", "country", "partner", "basis", "flag", "source_ref"):
        obs[col] = obs[col].astype(str).astype("category")
    obs = obs.reset_index(drop=True)
    return check(obs, OBSERVATIONS, OBSERVATION_KEY, "observations"), unread


def rankings(obs: pd.DataFrame, countries: frozenset[str] | None = None) -> pd.DataFrame:
    if countries is not None:
        obs = obs[obs["country"].astype(str).isin(countries)]
    if obs.empty:
        return pd.DataFrame(columns=RANK_COLUMNS)
    obs = obs.assign(
        country=obs["country"].astype(str),
        partner=obs["partner"].astype(str),
        measure=obs["measure"].astype(str),
        dataset=obs["dataset"].astype(str),
    )
    keys = ["dataset", "measure", "country", "year"]
    totals = obs[obs["partner"] == WORLD][keys + ["value_usd_m"]].rename(
        columns={"value_usd_m": "total_usd_m"}
    )
    totals = totals.groupby(keys, as_index=False)["total_usd_m"].sum()
    rows = obs[obs["partner"] != WORLD].merge(totals, on=keys, how="left")
    rows["value_basis"] = np.where(rows["basis"].astype(str) == "mirror", "mirror", "reported")
    rows["estimated_share"] = 0.0
    blocs = set(bloc_members())
    members = set().union(*bloc_members().values())
    is_bloc = rows["partner"].isin(blocs)
    parts = []
    for (_dataset, basis), d in rows.groupby(["dataset", rows["basis"].astype(str)], sort=True):
        parts.append(rank_simple(d[~d["partner"].isin(blocs)], "countries", basis))
        if is_bloc[d.index].any():
            bl = d[d["partner"].isin(blocs) | ~d["partner"].isin(members)]
            parts.append(rank_simple(bl, "blocs", basis))
    parts = [p for p in parts if len(p)]
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=RANK_COLUMNS)
    for col in ("dataset", "measure", "variant", "basis", "country", "partner", "value_basis"):
        out[col] = out[col].astype("category")
    return check(out, RANKINGS, RANKING_KEY, "rankings")


def observations_oecd(parsed: pd.DataFrame, ref: pd.Series | str) -> pd.DataFrame:
    """OECD FDI by counterpart (parsed by sources.oecd_fdi) -> observations, dataset oecd_fdi.

    Counterpart ``W`` (world) becomes ``WLD``; ISO3 countries stay; OECD groupings are dropped.
    """
    import pycountry

    ref = ref if isinstance(ref, pd.Series) else pd.Series(ref, index=parsed.index)
    cp = parsed["counterpart"].astype(str)
    is_country = cp.map(lambda c: pycountry.countries.get(alpha_3=c) is not None)
    partner = cp.where(is_country, np.where(cp == "W", WORLD, None))
    keep = partner.notna()
    obs = _frame(
        "oecd_fdi",
        parsed["measure"][keep],
        parsed["reporter"][keep],
        partner[keep],
        parsed["year"][keep],
        parsed["value_usd_m"][keep],
        "reported",
        "",
        ref[keep],
    )
    obs = obs[obs["country"] != obs["partner"]]
    for col in ("dataset", "measure", "country", "partner", "basis", "flag", "source_ref"):
        obs[col] = obs[col].astype(str).astype("category")
    return check(obs.reset_index(drop=True), OBSERVATIONS, OBSERVATION_KEY, "observations")


def observations_dip(parsed: pd.DataFrame, ref: pd.Series | str) -> pd.DataFrame:
    """IMF DIP rows (sources.imf_dip) -> observations, dataset imf_dip (IMF codes resolved)."""
    from .countries import resolve_imts_codes

    ref = ref if isinstance(ref, pd.Series) else pd.Series(ref, index=parsed.index)
    codes = set(parsed["country"]) | set(parsed["partner"])
    table = resolve_imts_codes(codes, "imf_dip", "DIP codes")
    code = {k: e.code for k, e in table.items()}
    kind = {k: e.kind for k, e in table.items()}
    keep = parsed["partner"].map(kind).isin(["country", "historical", "total"])
    p = parsed[keep]
    obs = _frame(
        "imf_dip",
        p["measure"],
        p["country"].map(code),
        p["partner"].map(code),
        p["year"],
        p["value_usd_m"],
        p["basis"],
        "",
        ref[keep],
    )
    obs = obs[obs["country"] != obs["partner"]]
    for col in ("dataset", "measure", "country", "partner", "basis", "flag", "source_ref"):
        obs[col] = obs[col].astype(str).astype("category")
    return check(obs.reset_index(drop=True), OBSERVATIONS, OBSERVATION_KEY, "observations")
