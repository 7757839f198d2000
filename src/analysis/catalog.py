"""What the snapshot holds, per dataset: from its manifest (written by the build from the source
declarations). Charts, tables and the report ask here which dataset to draw and what to say
about it, so they follow the data: after a fetch the newest dataset is drawn, and every source
note names the producer, the title and the vintage actually in the snapshot.
"""

from __future__ import annotations

from .paths import processed_dir
from .snapshot import MANIFEST_FILE, read_manifest

_SEEN: dict = {}  # the manifest's datasets, and which version of the file they were read from


def _entries() -> dict[str, dict]:
    """The snapshot manifest's datasets, parsed once per version of the file (its path, size,
    mtime and inode): charts ask per line and label, thousands of times in a run, and parsing
    the JSON each time cost seconds. A rebuild replaces the file (a new inode), so it is read
    again."""
    path = processed_dir() / MANIFEST_FILE
    try:
        st = path.stat()
    except OSError:
        return read_manifest().get("datasets", {})
    stamp = (str(path), st.st_mtime_ns, st.st_size, st.st_ino)
    if _SEEN.get("stamp") != stamp:
        _SEEN.clear()
        _SEEN.update(stamp=stamp, entries=read_manifest().get("datasets", {}))
    return _SEEN["entries"]


def datasets(dimension: str | None = None, *, all_partners: bool = False) -> dict[str, dict]:
    """Datasets in the snapshot (name -> manifest entry), newest last year first.

    ``all_partners``: only datasets that rank every partner of every reporter they cover (not a
    restricted partner set such as 13 major partners or 39 source countries).
    """
    entries = _entries()
    out = {
        name: e
        for name, e in entries.items()
        if (dimension is None or e["dimension"] == dimension)
        and (not all_partners or e.get("partners", "all") == "all")
    }
    return dict(sorted(out.items(), key=lambda kv: (-kv[1]["last_year"], kv[0])))


def describe(name: str) -> str:
    """``Producer, title (vintage ...)`` for one dataset, from the manifest."""
    return _describe([name])


def _describe(names: list[str]) -> str:
    """``Producer, title and title (vintage ...)`` for datasets of one producer and vintage
    (one source's datasets: its vintage said once), from the manifest."""
    entries = _entries()
    e = entries.get(names[0])
    if e is None:
        return names[0]
    vintage = e.get("vintage") or "no vintage recorded"
    label = "fetched" if e.get("origin") == "fetched" else "vintage"
    titles = " and ".join(entries[n]["title"] for n in names)
    return f"{e['producer']}, {titles} ({label} {vintage})"


def breaks(name: str) -> list[dict]:
    """The recorded breaks in a dataset's definition (year, previous_year, before, after,
    ref), as the build found them in its raw files (``breaks.py``); [] for none."""
    return list(_entries().get(name, {}).get("breaks", []))


def note(*names: str) -> str:
    """A chart's source line for the datasets drawn, from the snapshot manifest."""
    names = tuple(dict.fromkeys(n for n in names if n))
    if not names:
        return "Source: no dataset in the snapshot."
    entries = _entries()
    groups: dict[tuple, list[str]] = {}  # datasets of one producer and vintage said together
    for n in names:
        e = entries.get(n)
        key = (e["producer"], e.get("origin"), e.get("vintage")) if e else (n,)
        groups.setdefault(key, []).append(n)
    return (
        "Source: " + "; ".join(_describe(g) for g in groups.values()) + ". Rankings: asean-japan."
    )


# Each measure in words, as what follows "<economy>'s top ...": every table title says this,
# never the measure id (a reader should not need to know that `oda_received_net_current` means
# net ODA received in current dollars). A test checks every measure of the schema has words.
_PRICES = {"current": "current US$", "const2022": "constant 2022 US$"}
TOP_WORDS: dict[str, str] = {
    "trade": "trade partners (exports + imports)",
    "exports": "export markets",
    "imports": "import sources",
    **{
        f"oda_received_{flow}_{price}": f"donors by {flow} ODA received ({words})"
        for flow in ("net", "gross")
        for price, words in _PRICES.items()
    },
    **{
        f"oda_given_{flow}_{price}": f"recipients of its {flow} ODA ({words})"
        for flow in ("net", "gross")
        for price, words in _PRICES.items()
    },
    "fdi_inflow": "investors by direct investment inflows",
    "fdi_inward_stock": "investors by inward direct investment position",
    "fdi_registered": "investors by registered direct investment capital",
    "fdi_outflow": "destinations of its direct investment outflows",
    "fdi_outward_stock": "destinations by outward direct investment position",
}


def top_words(measure: str) -> str:
    """What ``measure`` ranks, in words: ``Thailand's top <this>, 2019``."""
    return TOP_WORDS.get(measure, f"partners by {measure}")
