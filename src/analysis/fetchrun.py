"""Fetching several live sources in one go: each on its own, a summary at the end.

``fetch --all`` must not stop at the first source that fails (one API down should not keep the
others stale), and a scheduler must still learn that something failed. So every source is
fetched in turn, its outcome recorded (ok: a new vintage; unchanged: nothing new upstream;
failed: the error's first line), and the outcomes end in one table and one exit code: 0 all
fine, 75 when every failure was the network giving up (worth retrying later), else 1.

What a fetch wrote is read from the raw store itself (the vintage that appeared and its
manifest), not from what the source's fetch function returns, so every source reports alike.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import pandas as pd

from .errors import NetworkError, SettingsError, SourceError, ValidationError
from .rawstore import RawStore
from .sources import REGISTRY

EXIT_OK, EXIT_DATA, EXIT_NETWORK = 0, 1, 75

log = logging.getLogger("analysis.fetch")


@dataclass(frozen=True)
class Outcome:
    """What fetching one source did."""

    source: str
    status: str  # ok | unchanged | failed
    vintage: str  # the vintage written (ok), the latest kept (unchanged), "" (failed, none)
    files: int  # files in that vintage (the whole source)
    new_files: int  # files written now (the rest carried unchanged from earlier vintages)
    bytes: int  # bytes written now
    seconds: float
    error: str = ""  # the error's first line (failed)
    network: bool = False  # the failure was the network giving up


def fetch_source(name: str, vintage: str | None = None, *, raise_errors: bool = False) -> Outcome:
    """Fetch one live source into a new vintage (named ``vintage``, default today's date).

    ``raise_errors``: re-raise a failure (a single-source fetch ends in its one-paragraph error)
    instead of recording it (``--all``)."""

    spec = REGISTRY[name]
    assert spec.fetch is not None, f"{name} has no live fetch"
    store = RawStore(name)
    t0 = time.monotonic()
    try:
        # the source's lock around the whole fetch: what it wrote is told from what was there
        # once the lock was ours (another fetch of the source may have written meanwhile)
        with store.locked():
            before = set(store.vintages())
            spec.fetch(vintage=vintage)
    except SettingsError:
        raise  # a bad setting or vintage name is the same for every source: stop at once
    except (SourceError, ValidationError) as exc:
        if raise_errors:
            raise
        if log.isEnabledFor(logging.INFO):  # the whole paragraph, hint included
            log.warning("%s: failed; going on with the next source. %s", name, exc)
        else:  # --quiet: one short line; the summary table follows
            reason = _first_line(exc.problem if isinstance(exc, SourceError) else str(exc))
            log.warning("%s: failed (%s); going on", name, reason[:100])
        latest = store.vintages()
        return Outcome(
            name,
            "failed",
            latest[-1] if latest else "",
            len(store.manifest(latest[-1])) if latest else 0,
            0,
            0,
            time.monotonic() - t0,
            _first_line(exc.problem if isinstance(exc, SourceError) else str(exc)),
            isinstance(exc, NetworkError),
        )
    seconds = time.monotonic() - t0
    after = store.vintages()
    written = [v for v in after if v not in before]
    if not written:
        latest = after[-1] if after else ""
        files = len(store.manifest(latest)) if latest else 0
        return Outcome(name, "unchanged", latest, files, 0, 0, seconds)
    entries = store.manifest(written[-1])
    new = [e for e in entries if not e.get("carried_from")]
    return Outcome(
        name,
        "ok",
        written[-1],
        len(entries),
        len(new),
        sum(int(e.get("bytes", 0)) for e in new),
        seconds,
    )


def fetch_all(names: list[str], vintage: str | None = None) -> list[Outcome]:
    """Every source in turn; a failure is recorded and the next source fetched."""
    return [fetch_source(n, vintage) for n in names]


def _first_line(text: str, width: int = 80) -> str:
    """The start of an error's first line: enough to tell failures apart in a table (the whole
    message is in the log above it)."""
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= width else line[: width - 3] + "..."


def summary(outcomes: list[Outcome]) -> pd.DataFrame:
    """One row per source: status, vintage, files (new of total), bytes, seconds, error."""
    return pd.DataFrame(
        {
            "source": [o.source for o in outcomes],
            "status": [o.status for o in outcomes],
            "vintage": [o.vintage or "-" for o in outcomes],
            "files": [
                "-" if o.status == "failed" else f"{o.new_files} new / {o.files}" for o in outcomes
            ],
            "bytes": ["-" if o.status == "failed" else f"{o.bytes:,}" for o in outcomes],
            "seconds": [f"{o.seconds:.1f}" for o in outcomes],
            "error": [o.error or "" for o in outcomes],
        }
    )


def summary_text(outcomes: list[Outcome]) -> str:
    """The summary table with its title line (what ``fetch`` prints at the end)."""
    failed = sum(o.status == "failed" for o in outcomes)
    title = (
        f"Fetched {len(outcomes)} source(s): {len(outcomes) - failed} fine, {failed} failed "
        "(files: written now / in the vintage; bytes written now):"
    )
    return title + "\n" + summary(outcomes).to_string(index=False)


def exit_code(outcomes: list[Outcome]) -> int:
    """0 when no source failed; 75 when every failure was the network; else 1."""
    failed = [o for o in outcomes if o.status == "failed"]
    if not failed:
        return EXIT_OK
    return EXIT_NETWORK if all(o.network for o in failed) else EXIT_DATA
