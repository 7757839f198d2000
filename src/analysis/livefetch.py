"""The fetch step every live source shares: declared requests in, verbatim raw files out.

A source declares its requests (:class:`Request`: a file name, URL, parameters, headers) and a
``validate`` function (its parser). This module then:
- asks conditionally (``If-None-Match`` / ``If-Modified-Since`` from the last kept copy), so an
  unchanged upstream costs no download, which matters under the OECD's ~20 downloads an hour;
- validates every new body with the source's parser before anything is written, so one bad
  response leaves the raw folder exactly as it was;
- keeps each new body verbatim, write-once, in a new complete vintage
  ``data/raw/<source>/<vintage>/`` with its provenance in the vintage's manifest; files that did
  not change are carried into it from the earlier vintage (hard links, ``carried_from`` in the
  manifest), so the latest vintage always holds the whole source.

Progress goes to the ``analysis.fetch`` logger (the CLI shows it on stderr): one line per request
(source, request n of N, what came back, bytes, elapsed time) and one for the vintage written, so
a fetch that waits minutes on a slow API is never silent. Library code never prints.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from .errors import PARSE_ERRORS, SourceError, ValidationError, unreadable
from .http import HttpClient
from .rawstore import RawRecord, RawStore, sha256_bytes

# parsed rows -> the source's observations (``spec.observer``: its ``to_observations``)
Observe = Callable[[pd.DataFrame], object]

log = logging.getLogger("analysis.fetch")


@dataclass(frozen=True)
class Request:
    file: str
    url: str
    params: dict = field(default_factory=dict)
    headers: dict = field(default_factory=dict)
    expect: str = "data"


@dataclass
class FetchResult:
    paths: list[Path]  # every file of the source as of this fetch
    downloaded: int  # bodies that came over the wire
    unchanged: int  # 304 answers or bytes already kept
    new_files: int  # files written now
    vintage: str | None  # the vintage written, None when nothing changed


def _latest_entry(store: RawStore, url_prefix: str, file: str) -> tuple[str, dict] | None:
    """(vintage, entry) of the newest kept copy of this request's file."""
    for vintage in reversed(store.vintages()):
        for entry in store.manifest(vintage):
            if entry["file"] == file and entry["url"].startswith(url_prefix):
                return vintage, entry
    return None


def fetch(
    source: str,
    requests: Iterable[Request],
    validate: Callable[[bytes, str], object],
    *,
    licence: str,
    citation: str,
    store: RawStore | None = None,
    client: HttpClient | None = None,
    vintage: str | None = None,
    observe: Observe | None = None,
) -> FetchResult:
    """Ask every request (conditionally), validate every new body, then write one complete
    vintage, or nothing at all when nothing changed upstream. ``vintage``: the name the caller
    chose, checked (safe, not taken) before the first request; default today's date.
    ``observe``: the source's ``to_observations`` (``spec.observer``), through which every
    parsed body passes before it is stored (``check_values``)."""
    store = store or RawStore(source)
    if vintage is not None:
        store.check_new_name(vintage)
    client = client or HttpClient(source)
    new: list[tuple[RawRecord, bytes]] = []
    carried: list[tuple[dict, Path]] = []
    unchanged = downloaded = 0
    requests = list(requests)
    started = time.monotonic()
    for n, req in enumerate(requests, 1):
        headers = dict(req.headers)
        previous = _latest_entry(store, req.url, req.file)
        if previous is not None:
            etag, modified = previous[1].get("etag"), previous[1].get("last_modified")
            if etag:
                headers["If-None-Match"] = etag
            if modified:
                headers["If-Modified-Since"] = modified
        step = _step(source, n, len(requests), req.file)
        resp = client.get(req.url, params=req.params, headers=headers, expect=req.expect)
        elapsed = time.monotonic() - started
        if resp.status == 304 and previous is not None:
            log.info("%s: unchanged upstream (HTTP 304), elapsed %.1f s", step, elapsed)
            carried.append(_carry(store, *previous))
            unchanged += 1
            continue
        log.info(
            "%s: HTTP %s, %s bytes, elapsed %.1f s",
            step,
            resp.status,
            f"{len(resp.content):,}",
            elapsed,
        )
        downloaded += 1
        parsed = parse_response(source, validate, resp.content, resp.url, req.expect)
        if observe is not None:
            check_values(source, req.file, resp.url, parsed, observe)
        digest = sha256_bytes(resp.content)
        kept = store.find(digest, req.file)
        if kept is not None:
            log.info("%s: same bytes as vintage %s, kept once", step, kept[0])
            carried.append(_carry(store, *kept))  # same bytes as a kept copy: not stored twice
            unchanged += 1
            continue
        new.append(
            (
                RawRecord(
                    file=req.file,
                    url=resp.url,
                    params=req.params,
                    fetched_at=datetime.now(UTC).isoformat(timespec="seconds"),
                    status=resp.status,
                    sha256=digest,
                    bytes=len(resp.content),
                    content_type=resp.headers.get("Content-Type", ""),
                    licence=licence,
                    citation=citation,
                    etag=resp.headers.get("ETag", ""),
                    last_modified=resp.headers.get("Last-Modified", ""),
                ),
                resp.content,
            )
        )
    if not new:  # nothing changed: the latest vintage is still complete and current
        log.info(
            "%s: nothing changed upstream; no vintage written (latest: %s)",
            source,
            (store.vintages() or ["none"])[-1],
        )
        return FetchResult([path for _, path in carried], downloaded, unchanged, 0, None)
    name = vintage or store.new_vintage_name(datetime.now(UTC).strftime("%Y-%m-%d"))
    folder = store.write_vintage(name, new, carried)
    log.info(
        "%s: wrote vintage %s (%d new file(s), %s bytes; %d carried unchanged) in %.1f s",
        source,
        name,
        len(new),
        f"{sum(len(body) for _, body in new):,}",
        len(carried),
        time.monotonic() - started,
    )
    paths = sorted(folder / r.file for r, _ in new) + sorted(folder / e["file"] for e, _ in carried)
    return FetchResult(paths, downloaded, unchanged, len(new), name)


def _step(source: str, n: int, total: int, file: str) -> str:
    """``source: page 2 of 5`` for a paged API's pages, else ``source: request 2 of 5 (file)``."""
    if re.fullmatch(r"page\d+\.\w+", file):
        return f"{source}: page {n} of {total}"
    return f"{source}: request {n} of {total} ({file})"


def parse_response(
    source: str, validate: Callable[[bytes, str], object], data: bytes, url: str, expect: str
) -> object:
    """A response through the source's parser; whatever the parser did not foresee becomes a
    SourceError naming the source and the request (nothing is written)."""
    try:
        return validate(data, url)
    except (SourceError, ValidationError):
        raise
    except PARSE_ERRORS as exc:
        raise unreadable(
            source,
            url,
            exc,
            f"{expect} in the layout this source's parser reads",
            "Nothing was saved; existing raw and processed files are unchanged. The source may "
            "have changed its format: check the response before fetching again.",
        ) from exc


def check_values(source: str, file: str, url: str, parsed: object, observe: Observe) -> None:
    """A parsed response goes through the source's own ``to_observations`` (``observe``) and so
    through the one schema (finite values, plausible sizes and years, known codes) before it is
    stored: a response that would break every later build is refused now, and nothing is
    written."""
    frames = [
        p
        for p in (parsed if isinstance(parsed, tuple) else (parsed,))
        if isinstance(p, pd.DataFrame)
    ]
    if not frames:
        return
    try:
        observe(frames[0].assign(file=file))
    except (ValidationError, *PARSE_ERRORS) as exc:
        refused = isinstance(exc, ValidationError)
        what = "holds values the schema refuses" if refused else "cannot become observations"
        raise SourceError(
            source,
            url,
            f"the response {what} ({'' if refused else type(exc).__name__ + ': '}{exc})",
            "Nothing was saved; existing raw and processed files are unchanged. The source may "
            "have changed its units or codes: check the response before fetching again.",
        ) from exc


def _carry(store: RawStore, vintage: str, entry: dict) -> tuple[dict, Path]:
    """An unchanged file's manifest entry for the next vintage, and the kept copy to link."""
    origin = entry.get("carried_from") or vintage
    return {**entry, "carried_from": origin}, store.vintage_dir(vintage) / entry["file"]


def fetcher(
    source: str,
    requests_for: Callable[[], list[Request]],
    parse: Callable[[bytes, str], object],
    *,
    licence: str,
    citation: str,
    observe: Observe | None = None,
) -> Callable[..., list[Path]]:
    """The ``fetch`` function of a source whose requests are known up front (no paging)."""

    def fetch(
        store: RawStore | None = None, client: HttpClient | None = None, vintage: str | None = None
    ) -> list[Path]:
        return globals()["fetch"](
            source,
            requests_for(),
            parse,
            licence=licence,
            citation=citation,
            store=store,
            client=client,
            vintage=vintage,
            observe=observe,
        ).paths

    fetch.__doc__ = f"Fetch {source} into data/raw/{source}/<vintage>/ (conditional, validated)."
    return fetch
