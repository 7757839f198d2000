"""Vintages of the live sources, and what changed between two of them.

Every fetch that brings new data writes a dated vintage (``data/raw/<source>/<date>/``). ``diff``
parses two vintages of one source into observations and rankings and reports how many values
changed, appeared or disappeared, the largest revisions, and every rank that changed for Japan,
the ASEAN members and ASEAN.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import fdi, oda
from .countries import ASEAN, FOCUS
from .errors import SourceError
from .rank import rank_observations
from .rawstore import RawStore
from .sources import imf_dip, imf_imts, oecd_dac2a, oecd_fdi, worldbank_wdi

KEY = ["dataset", "measure", "country", "partner", "year", "basis"]


def _imts(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    from .observations import from_imts

    obs = from_imts(imf_imts.read_vintage(folder), folder.name)
    return obs, rank_observations(obs, frozenset(FOCUS))


def _dac2a(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    long = pd.concat(
        [oecd_dac2a.parse(p.read_bytes(), str(p)) for p in sorted(folder.glob("*.csv"))],
        ignore_index=True,
    )
    obs = oda.observations(long, oecd_dac2a.NAME, oecd_dac2a.NAME, "current", folder.name)
    return obs, oda.rankings(obs, frozenset(FOCUS))


def _wdi(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = pd.concat(
        [worldbank_wdi.parse(p.read_bytes(), str(p))[1] for p in sorted(folder.glob("*.json"))],
        ignore_index=True,
    )
    obs = oda.observations_wdi(rows, folder.name)
    return obs, oda.rankings(obs, frozenset(FOCUS))


def _oecd_fdi(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    parsed = pd.concat(
        [oecd_fdi.parse(p.read_bytes(), str(p)) for p in sorted(folder.glob("*.csv"))],
        ignore_index=True,
    )
    obs = fdi.observations_oecd(parsed, folder.name)
    return obs, fdi.rankings(obs, frozenset(FOCUS))


def _dip(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    parsed = pd.concat(
        [imf_dip.parse(p.read_bytes(), str(p)) for p in sorted(folder.glob("*.xml"))],
        ignore_index=True,
    )
    obs = fdi.observations_dip(parsed, folder.name)
    return obs, fdi.rankings(obs, frozenset(FOCUS))


READERS: dict[str, Callable[[Path], tuple[pd.DataFrame, pd.DataFrame]]] = {
    imf_dip.NAME: _dip,
    imf_imts.NAME: _imts,
    oecd_dac2a.NAME: _dac2a,
    worldbank_wdi.NAME: _wdi,
    oecd_fdi.NAME: _oecd_fdi,
}


def list_vintages(root: Path | None = None) -> pd.DataFrame:
    rows = []
    for source in READERS:
        store = RawStore(source, root=root)
        for v in store.vintages():
            files = store.manifest(v)
            rows.append(
                {
                    "source": source,
                    "vintage": v,
                    "files": len(files),
                    "bytes": sum(f["bytes"] for f in files),
                    "fetched_at": max(f["fetched_at"] for f in files) if files else "",
                }
            )
    return pd.DataFrame(rows, columns=["source", "vintage", "files", "bytes", "fetched_at"])


@dataclass
class Diff:
    source: str
    old: str
    new: str
    changed: int
    added: int
    removed: int
    revisions: pd.DataFrame  # largest first
    rank_changes: pd.DataFrame

    def text(self, top: int = 10) -> str:
        lines = [
            f"{self.source}: vintage {self.old} -> {self.new}",
            f"  values revised: {self.changed}, new: {self.added}, dropped: {self.removed}",
        ]
        if len(self.revisions):
            lines.append(
                "  largest revisions (US$ million):\n"
                + self.revisions.head(top).to_string(index=False)
            )
        lines.append(
            f"  rank changes for Japan, the ASEAN members and ASEAN: {len(self.rank_changes)}"
        )
        if len(self.rank_changes):
            lines.append(self.rank_changes.to_string(index=False))
        return "\n".join(lines)


def diff(source: str, old: str, new: str, root: Path | None = None) -> Diff:
    if source not in READERS:
        raise SourceError(
            source,
            "asean-japan diff",
            "not a live source with vintages",
            f"Known: {', '.join(READERS)}.",
        )
    store = RawStore(source, root=root)
    for v in (old, new):
        if v not in store.vintages():
            raise SourceError(
                source,
                str(store.vintage_dir(v)),
                f"no vintage {v!r}",
                f"Vintages: {', '.join(store.vintages()) or 'none'}.",
            )
    (o_obs, o_rank), (n_obs, n_rank) = (READERS[source](store.vintage_dir(v)) for v in (old, new))

    def keyed(obs: pd.DataFrame) -> pd.DataFrame:
        k = obs[KEY + ["value_usd_m"]].copy()
        for c in KEY:
            k[c] = k[c].astype(str)
        return k

    m = keyed(o_obs).merge(
        keyed(n_obs), on=KEY, how="outer", suffixes=("_old", "_new"), indicator=True
    )
    both = m[m["_merge"] == "both"].copy()
    both["revision"] = both["value_usd_m_new"] - both["value_usd_m_old"]
    changed = both[both["revision"].abs() > 1e-9]
    revisions = changed.reindex(changed["revision"].abs().sort_values(ascending=False).index)
    rkey = ["dataset", "measure", "variant", "basis", "country", "year", "partner"]

    def ranks(r: pd.DataFrame) -> pd.DataFrame:
        r = r[r["country"].astype(str).isin(set(FOCUS) | {ASEAN})][rkey + ["rank"]].copy()
        for c in rkey:
            r[c] = r[c].astype(str)
        return r

    rm = ranks(o_rank).merge(ranks(n_rank), on=rkey, how="outer", suffixes=("_old", "_new"))
    moved = rm[rm["rank_old"].fillna(-1) != rm["rank_new"].fillna(-1)]
    return Diff(
        source,
        old,
        new,
        len(changed),
        int((m["_merge"] == "right_only").sum()),
        int((m["_merge"] == "left_only").sum()),
        revisions[KEY + ["value_usd_m_old", "value_usd_m_new", "revision"]].reset_index(drop=True),
        moved.sort_values(rkey).reset_index(drop=True),
    )
