"""The fetch step every live source shares: declared requests in, verbatim raw files out.

A source declares its requests (:class:`Request`: a file name, URL, parameters, headers) and a
``validate`` function (its parser). This module then:
- holds the source's lock for the whole fetch, so two fetches of one source never interleave;
- asks conditionally (``If-None-Match`` / ``If-Modified-Since`` from the last kept copy, when
  short and printable; a 4xx answer is asked again without them), so an unchanged upstream
  costs no download, which matters under the OECD's ~20 downloads an hour;
- streams each body into the new vintage's temporary folder, within a byte cap for the whole
  fetch, and validates it with the source's parser (observations capped, a key given twice
  refused) and the schema; then checks all the vintage's rows together as the build will read
  them, before anything is put in place, so one bad response leaves the raw folder exactly as
  it was;
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
from functools import partial
from pathlib import Path

import pandas as pd

from .errors import PARSE_ERRORS, SourceError, ValidationError, unreadable
from .http import HttpClient, validator
from .limits import max_observations, too_many
from .rawstore import RawRecord, RawStore

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

    Bounded: under the source's lock (one fetch of a source at a time), each body is streamed
    into the vintage's temporary folder and parsed from there one at a time (never every page
    in memory at once), the bodies of one fetch are capped in all (the client's
    ``max_total_bytes``) and so are their observations (``limits.max_observations``); the
    vintage's rows are then checked together as the build will read them (``check_values``)
    before it is renamed into place. ``observe``: the source's ``to_observations``
    (``spec.observer``), through which those checks pass."""
    store = store or RawStore(source)
    if vintage is not None:
        store.check_new_name(vintage)
    client = client or HttpClient(source)
    requests = list(requests)
    limit = max_observations()
    with store.locked(), store.writing() as tmp:
        if vintage is not None:  # again, under the lock: another fetch may have taken it
            store.check_new_name(vintage)
        new: list[RawRecord] = []
        carried: list[tuple[dict, Path]] = []
        tables: list[object] = []  # each response's parsed rows, once its bytes are dropped
        tabled: set[str] = set()  # the files they came from
        unchanged = downloaded = observations = 0
        started = time.monotonic()
        for n, req in enumerate(requests, 1):
            previous = _latest_entry(store, req.url, req.file)
            step = _step(source, n, len(requests), req.file)
            body = tmp / req.file
            resp = _ask(client, req, previous, body)
            elapsed = time.monotonic() - started
            if resp.status == 304:
                if previous is None:
                    raise SourceError(
                        source,
                        resp.url,
                        "HTTP 304 (not modified) to a request that named no kept copy",
                        "Nothing was saved; the server is confused. Try again later.",
                    )
                log.info("%s: unchanged upstream (HTTP 304), elapsed %.1f s", step, elapsed)
                carried.append(_carry(store, *previous))
                unchanged += 1
                continue
            log.info(
                "%s: HTTP %s, %s bytes, elapsed %.1f s",
                step,
                resp.status,
                f"{resp.size:,}",
                elapsed,
            )
            downloaded += 1
            parsed = parse_response(source, validate, body.read_bytes(), resp.url, req.expect)
            observations += _rows(parsed)
            if observations > limit:
                raise too_many(source, resp.url, limit)
            check_values(source, req.file, resp.url, parsed, observe)
            tables.append(_table(parsed, req.file))  # for the vintage's own check
            tabled.add(req.file)
            del parsed
            kept = store.find(resp.sha256, req.file)
            if kept is not None:
                log.info("%s: same bytes as vintage %s, kept once", step, kept[0])
                body.unlink()
                carried.append(_carry(store, *kept))  # same bytes as a kept copy: not stored twice
                unchanged += 1
                continue
            new.append(
                RawRecord(
                    file=req.file,
                    url=resp.url,
                    params=req.params,
                    fetched_at=datetime.now(UTC).isoformat(timespec="seconds"),
                    status=resp.status,
                    sha256=resp.sha256,
                    bytes=resp.size,
                    content_type=resp.headers.get("Content-Type", "")[:200],
                    licence=licence,
                    citation=citation,
                    etag=validator(resp.headers.get("ETag")),
                    last_modified=validator(resp.headers.get("Last-Modified")),
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
        for entry, kept_copy in carried:  # unchanged upstream (304): read as the build will
            if entry["file"] not in tabled:
                data = kept_copy.read_bytes()
                parsed = parse_response(source, validate, data, str(kept_copy), "data")
                tables.append(_table(parsed, entry["file"]))
        checked = _concat(tables)
        check_values(source, "", f"vintage {name}, not stored", checked, observe, "the vintage")
        store.finish_vintage(tmp, name, new, carried)
        folder = store.publish(tmp, name)
    log.info(
        "%s: wrote vintage %s (%d new file(s), %s bytes; %d carried unchanged) in %.1f s",
        source,
        name,
        len(new),
        f"{sum(r.bytes for r in new):,}",
        len(carried),
        time.monotonic() - started,
    )
    paths = sorted(folder / r.file for r in new) + sorted(folder / e["file"] for e, _ in carried)
    return FetchResult(paths, downloaded, unchanged, len(new), name)


def _ask(client: HttpClient, req: Request, previous: tuple[str, dict] | None, into: Path):
    """One request, conditional on the kept copy's validators where they are usable (short and
    printable, ``http.validator``); a 4xx answer to a conditional request is asked once more
    without them (a validator the server now refuses must not block every later fetch)."""
    conditional = {}
    if previous is not None:
        etag, modified = (validator(previous[1].get(k)) for k in ("etag", "last_modified"))
        if etag:
            conditional["If-None-Match"] = etag
        if modified:
            conditional["If-Modified-Since"] = modified
    ask = partial(client.get, req.url, params=req.params, expect=req.expect, into=into)
    try:
        return ask(headers={**req.headers, **conditional})
    except SourceError as exc:
        status = getattr(exc, "status", 0)
        if not conditional or not 400 <= status < 500:
            raise
        log.warning(
            "%s: HTTP %s to a conditional request; asking again without the kept copy's "
            "ETag/Last-Modified",
            client.source,
            status,
        )
        return ask(headers=dict(req.headers))


def _rows(parsed: object) -> int:
    """Observations in a parsed response (its tables' rows)."""
    parts = parsed if isinstance(parsed, tuple) else (parsed,)
    return sum(len(p) for p in parts if isinstance(p, pd.DataFrame))


def _table(parsed: object, file: str) -> object:
    """A parsed response's rows (its first table) with the file they came from, as the build's
    ``parse`` of a vintage gives them; None if it has no table."""
    parts = parsed if isinstance(parsed, tuple) else (parsed,)
    frame = next((p for p in parts if isinstance(p, pd.DataFrame)), None)
    return None if frame is None else frame.assign(file=file)


def _concat(tables: list[object]) -> object:
    """Every file's rows in one table, as the build reads a whole vintage."""
    frames = [t for t in tables if isinstance(t, pd.DataFrame)]
    return pd.concat(frames, ignore_index=True) if frames else None


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


def check_values(
    source: str,
    file: str,
    url: str,
    parsed: object,
    observe: Observe | None,
    what: str = "the response",
) -> None:
    """A parsed response goes through the source's own ``to_observations`` (``observe``) and so
    through the one schema (finite values, plausible sizes and years, known codes, one value per
    key) before it is stored: a response that would break every later build is refused now, and
    nothing is written. The whole vintage's rows too (``what``: "the vintage"; ``file`` "": the
    rows carry their own), as the build reads them together: a key in two pages is refused."""
    frames = [
        p
        for p in (parsed if isinstance(parsed, tuple) else (parsed,))
        if isinstance(p, pd.DataFrame)
    ]
    if observe is None or not frames:
        return
    try:
        observe(frames[0].assign(file=file) if file else frames[0])
    except (ValidationError, *PARSE_ERRORS) as exc:
        refused = isinstance(exc, ValidationError)
        problem = "holds values the schema refuses" if refused else "cannot become observations"
        raise SourceError(
            source,
            url,
            f"{what} {problem} ({'' if refused else type(exc).__name__ + ': '}{exc})",
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
