"""Vintages of the live sources, and what changed between two of them.

Every fetch that brings new data writes a dated vintage (``data/raw/<source>/<date>/``). ``diff``
parses two vintages of one source into observations and rankings and reports how many values
changed, appeared or disappeared, the largest revisions, and every rank that changed for Japan,
the ASEAN members and ASEAN.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .countries import ASEAN, FOCUS
from .errors import SourceError
from .pipeline import declared_datasets, locate
from .rank import RankSettings, rank
from .rawstore import RawStore
from .snapshot import read_manifest
from .sources import REGISTRY

KEY = ["dataset", "measure", "country", "partner", "year", "basis"]


def live_sources() -> list[str]:
    return [name for name, src in REGISTRY.items() if src.fetch is not None]


def settings() -> RankSettings:
    """The snapshot's ranking settings (its manifest's datasets, focus scope), so a diff
    reports changes in the rankings the snapshot has, not in a ranking of its own; a dataset
    the snapshot does not hold yet is ranked as its source declares it."""
    listed = read_manifest().get("datasets", {})
    return RankSettings.from_manifest(
        {"scope": "focus", "datasets": {**declared_datasets(), **listed}}
    )


def _read(source: str, vintage: str, root: Path | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One vintage through the source's own parser and the one ranking entry point."""
    src = REGISTRY[source]
    raw = locate(src, vintage, root)
    obs = src.to_observations(src.parse(raw), raw, None)  # every value, revised or not
    return obs, rank(obs, settings())


def list_vintages(root: Path | None = None) -> pd.DataFrame:
    rows = []
    for source in live_sources():
        store = RawStore(source, root=root)
        for exc in store.damaged().values():  # named, never skipped in silence
            raise exc
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
    if source not in live_sources():
        raise SourceError(
            source,
            "asean-japan diff",
            "not a live source with vintages",
            f"Known: {', '.join(live_sources())}.",
        )
    store = RawStore(source, root=root)
    damaged = store.damaged()
    for v in (old, new):
        if v in damaged:
            raise damaged[v]
        if v not in store.vintages():
            raise SourceError(
                source,
                str(store.vintage_dir(v)),
                f"no vintage {v!r}",
                f"Vintages: {', '.join(store.vintages()) or 'none'}.",
            )
    (o_obs, o_rank), (n_obs, n_rank) = (_read(source, v, root) for v in (old, new))

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
