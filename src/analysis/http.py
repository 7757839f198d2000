"""The one HTTP client every live source uses: timeouts, polite retries, bounded answers, clear errors.

Retries on connection faults, timeouts, 429 and 5xx with exponential backoff, honouring a
``Retry-After`` header (seconds or an HTTP date; garbage falls back to the backoff) as a wait
of at least the backoff (a Retry-After of 0 or in the past never means asking again at once); a
server
asking for a wait longer than ``max_wait`` ends the request at once, saying how long it asked. A
body that is HTML where data was asked for (the error pages some APIs serve with status 200) is
refused, as is an empty body where data was expected, and any status but 200 (304 to a
conditional request): a 302 without a Location or a 206 is not data. Every failure becomes a :class:`SourceError`
naming the source and the URL.

Every answer is bounded, so a broken or hostile server cannot exhaust memory or hang a fetch:
- size: the body is streamed and its size counted after decompression; past ``max_bytes`` the
  request stops with a SourceError (not retried), so a gzip bomb or an endless chunked stream
  costs at most ``max_bytes`` of memory; a client also counts every body it read, and past
  ``max_total_bytes`` (all the pages of one fetch) it stops the same way. ``get(..., into=path)``
  streams the body to a file instead of memory (a fetch's pages go to its temporary vintage);
- time: each attempt has an overall deadline besides the read timeout (which only bounds the gap
  between two packets). A watchdog shuts the attempt's socket down when the deadline passes, so a
  server that drips its headers or body a byte at a time fails within the deadline (plus at most
  the connect timeout). A late attempt is retried like a timeout, so one ``get`` lasts at most
  ``(retries + 1) * deadline`` plus the waits between attempts (each at most ``max_wait``);
- redirects: followed by hand, at most ``max_redirects``, and only within the origin (scheme, host,
  port) of the URL requested; a redirect elsewhere is refused, so nothing from another host is
  stored;
- pages: :meth:`HttpClient.page_count` checks the page count a paged API announces against
  ``max_pages`` before any further request is made.

All settings come from the environment through :func:`settings`, which refuses bad values with a
one-paragraph SourceError.

Every request, failed attempt and wait is logged to the ``analysis.http`` logger (the CLI shows
it on stderr), so a user watching a slow or rate-limited API sees what is being asked and why
the fetch is waiting.
"""

from __future__ import annotations

import contextlib
import email.utils
import http.client
import logging
import math
import os
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter

from . import __version__
from .errors import NetworkError, SourceError
from .settings import WEEK, base_url_setting, number_setting

log = logging.getLogger("analysis.http")

USER_AGENT = (
    f"asean-japan/{__version__} (reproducible research on "
    "ASEAN-Japan trade, FDI and ODA partner rankings)"
)
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
CONNECT_TIMEOUT = 10.0
CHUNK = 64 * 1024

ENV_TIMEOUT = "ASEAN_JAPAN_HTTP_TIMEOUT"
ENV_RETRIES = "ASEAN_JAPAN_HTTP_RETRIES"
ENV_BACKOFF = "ASEAN_JAPAN_HTTP_BACKOFF"
ENV_MAX_BYTES = "ASEAN_JAPAN_HTTP_MAX_BYTES"
ENV_DEADLINE = "ASEAN_JAPAN_HTTP_DEADLINE"
ENV_MAX_PAGES = "ASEAN_JAPAN_HTTP_MAX_PAGES"
ENV_MAX_TOTAL = "ASEAN_JAPAN_HTTP_MAX_TOTAL_BYTES"
VALIDATOR_MAX = 256  # longest ETag or Last-Modified kept and replayed


@dataclass(frozen=True)
class Settings:
    """The HTTP settings a user can change through the environment, with their defaults."""

    timeout: float = 300.0  # read timeout, s: IMF queries can take minutes
    retries: int = 4
    backoff: float = 2.0  # first wait between attempts, s; doubles each retry
    max_bytes: int = 200_000_000  # largest body accepted, after decompression
    deadline: float = 900.0  # longest one attempt may take, s, whatever the server does
    max_pages: int = 50  # most pages a paged source may announce
    max_total_bytes: int = 500_000_000  # most bytes one client (one fetch) reads in all


# env var -> (field, what a valid value is, whether it must be whole, whether 0 is allowed, most):
# the upper bounds keep every value within what sockets, timers and loops accept (a deadline of
# 1e12 s overflows the platform's timer; 1e300 retries never end)
_SETTINGS = {
    ENV_TIMEOUT: ("timeout", "a positive number of seconds, at most a week", False, False, WEEK),
    ENV_RETRIES: ("retries", "a whole number from 0 to 100", True, True, 100),
    ENV_BACKOFF: ("backoff", "a number of seconds from 0 to 3600", False, True, 3600.0),
    ENV_MAX_BYTES: ("max_bytes", "a positive whole number of bytes", True, False, 2.0**53),
    ENV_DEADLINE: ("deadline", "a positive number of seconds, at most a week", False, False, WEEK),
    ENV_MAX_PAGES: ("max_pages", "a whole number of pages from 1 to 100000", True, False, 1e5),
    ENV_MAX_TOTAL: ("max_total_bytes", "a positive whole number of bytes", True, False, 2.0**53),
}


def settings() -> Settings:
    """Every HTTP setting from the environment; an unset or empty variable keeps its default.

    A bad value raises SourceError("http settings", "<VAR>=<value>", ...) naming the variable
    and what it takes (see :func:`number_setting`)."""
    defaults = Settings()
    values = {
        name: number_setting(env, getattr(defaults, name), valid, whole, zero_ok, most)
        for env, (name, valid, whole, zero_ok, most) in _SETTINGS.items()
    }
    return replace(defaults, **values)


def max_pages() -> int:
    """The most pages a paged source may announce ($ASEAN_JAPAN_HTTP_MAX_PAGES, default 50)."""
    return settings().max_pages


@dataclass
class Response:
    """What a successful request returned: the raw bytes and enough to record provenance."""

    url: str
    status: int
    headers: dict[str, str]
    content: bytes  # b"" when the body went to a file (``path``)
    path: Path | None = None
    sha256: str = ""  # of the body, when it went to a file
    size: int = 0  # bytes of the body


class _Failed(Exception):
    """One attempt failed: ``retry`` says whether another attempt may help."""

    def __init__(
        self,
        reason: str,
        headers=None,
        retry: bool = True,
        late: bool = False,
        unreachable: bool = False,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.headers = headers
        self.retry = retry
        self.unreachable = unreachable
        self.late = late  # the attempt ran out of time (deadline)


@dataclass
class HttpClient:
    """Settings default to the environment (see :func:`settings`): ASEAN_JAPAN_HTTP_TIMEOUT (read
    timeout, s), ASEAN_JAPAN_HTTP_RETRIES, ASEAN_JAPAN_HTTP_BACKOFF (first wait, s),
    ASEAN_JAPAN_HTTP_MAX_BYTES (largest body, decompressed), ASEAN_JAPAN_HTTP_DEADLINE (longest
    attempt, s), ASEAN_JAPAN_HTTP_MAX_PAGES and ASEAN_JAPAN_HTTP_MAX_TOTAL_BYTES (every body this
    client reads, added up: one fetch); a value passed here wins."""

    source: str
    timeout: tuple[float, float] | None = None  # connect, read
    retries: int | None = None
    backoff: float | None = None
    max_wait: float = 120.0
    sleep: Callable[[float], None] = time.sleep
    session: requests.Session = field(default_factory=requests.Session)
    max_bytes: int | None = None
    deadline: float | None = None
    max_pages: int | None = None
    max_redirects: int = 5
    max_total_bytes: int | None = None
    total: int = 0  # bytes of every body read so far

    def __post_init__(self) -> None:
        s = settings()
        if self.timeout is None:
            self.timeout = (CONNECT_TIMEOUT, s.timeout)
        if self.retries is None:
            self.retries = s.retries
        if self.backoff is None:
            self.backoff = s.backoff
        if self.max_bytes is None:
            self.max_bytes = s.max_bytes
        if self.deadline is None:
            self.deadline = s.deadline
        if self.max_pages is None:
            self.max_pages = s.max_pages
        if self.max_total_bytes is None:
            self.max_total_bytes = s.max_total_bytes
        self.session.headers["User-Agent"] = USER_AGENT
        adapter = _WatchedAdapter()
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def _wait_for(self, headers, attempt: int) -> float:
        default = min(self.backoff * (2**attempt), self.max_wait)
        value = (headers or {}).get("Retry-After")
        if not value:
            return default
        try:
            wait = float(value)
        except ValueError:
            try:
                wait = email.utils.parsedate_to_datetime(value).timestamp() - time.time()
            except (TypeError, ValueError, IndexError, OverflowError, OSError):
                return default
        if not math.isfinite(wait):
            return default
        # never sooner than the backoff: a Retry-After of 0 or in the past would otherwise mean
        # asking again at once, every attempt; the caller gives up rather than wait past max_wait
        return max(default, wait)

    def get(
        self,
        url: str,
        params: dict | None = None,
        headers: dict | None = None,
        allow_empty: bool = False,
        expect: str = "data",
        into: Path | None = None,
    ) -> Response:
        """GET with retries; returns the body verbatim or raises SourceError. ``into``: a new
        file the body is streamed to instead of memory (written again by each attempt)."""
        last = ""
        late = unreachable = False
        attempt = 0
        tries = self.retries + 1
        for attempt in range(tries):
            log.info(
                "%s: GET %s%s",
                self.source,
                _cut(_describe(url, params)),
                f" (attempt {attempt + 1} of {tries})" if attempt else "",
            )
            log.debug("%s: the whole URL: %s", self.source, _describe(url, params))
            try:
                return self._attempt(url, params, headers, allow_empty, expect, into)
            except _Failed as failed:
                last = failed.reason
                late = late or failed.late
                unreachable = failed.unreachable
                if not failed.retry:
                    break
                if attempt < self.retries:
                    wait = self._wait_for(failed.headers, attempt)
                    if wait > self.max_wait:  # asked to come back much later: say so, now
                        last += (
                            f"; the server asks to wait {_short(round(wait))} s before asking "
                            f"again, more than the {self.max_wait:g} s this client waits"
                        )
                        break
                    asked = (failed.headers or {}).get("Retry-After")
                    log.warning(
                        "%s: attempt %d of %d failed: %s; retrying in %.1f s%s",
                        self.source,
                        attempt + 1,
                        tries,
                        _cut(last, 120),  # a progress line; the whole reason ends the run
                        wait,
                        f" (the server's Retry-After: {str(asked)[:40]})" if asked else "",
                    )
                    self.sleep(wait)
        setting = base_url_setting(url)
        mirror = (
            f"set {setting} to a mirror"
            if setting
            else "set the source's base URL (its ASEAN_JAPAN_..._BASE_URL) to a mirror"
        )
        hint = "Nothing was saved; existing raw and processed files are unchanged. " + (
            f"This machine cannot reach {_origin(url)}: check the network or proxy "
            f"(HTTPS_PROXY), or {mirror}. The committed snapshot needs no network."
            if unreachable
            else f"Try again later, or {mirror}."
        )
        if late:
            hint += f" On a slow link, raise {ENV_DEADLINE} (now {self.deadline:g} s)."
        raise NetworkError(
            self.source,
            _describe(url, params),
            f"gave up after {attempt + 1} attempt{'s' if attempt else ''}: {last}",
            hint,
        )

    def _attempt(
        self,
        url: str,
        params: dict | None,
        headers: dict | None,
        allow_empty: bool,
        expect: str,
        into: Path | None = None,
    ) -> Response:
        """One attempt, redirects included, under one deadline; raises _Failed or SourceError."""
        assert self.timeout is not None and self.deadline is not None
        end = time.monotonic() + self.deadline
        origin = _origin(_describe(url, params))
        current, current_params = url, params
        with _Watch(self.deadline) as watch:
            for _ in range(self.max_redirects + 1):
                resp = None
                try:
                    left = max(end - time.monotonic(), 0.001)
                    resp = self.session.get(
                        current,
                        params=current_params,
                        headers=headers,
                        timeout=(self.timeout[0], min(self.timeout[1], left)),
                        stream=True,
                        allow_redirects=False,
                    )
                    target = self.session.get_redirect_target(resp)
                    if target is not None:
                        target = urljoin(resp.url, target)
                        if _origin(target) != origin:
                            raise SourceError(
                                self.source,
                                resp.url,
                                f"HTTP {resp.status_code} redirect to another host: "
                                f"{_origin(target)} (the request went to {origin})",
                                "Redirects are followed only within the host asked, so nothing "
                                "from elsewhere is stored. If the API really moved, set the "
                                "source's base URL to its new address.",
                            )
                        log.debug(
                            "%s: HTTP %s, redirected to %s", self.source, resp.status_code, target
                        )
                        current, current_params = target, None
                        continue
                    if resp.status_code in RETRY_STATUS:
                        reason = f"HTTP {resp.status_code}"
                        if resp.status_code == 429:
                            reason += " Too Many Requests (rate limit)"
                        raise _Failed(reason, resp.headers)
                    if resp.status_code >= 400:
                        error = SourceError(
                            self.source,
                            redact(resp.url),
                            f"HTTP {resp.status_code}: {_snippet(resp)!r}",
                            "Check the query (codes, dataflow version) against the API's "
                            "documentation.",
                        )
                        error.status = resp.status_code  # type: ignore[attr-defined]
                        raise error
                    if resp.status_code not in (200, 204, 304):  # 204: refused as empty
                        raise SourceError(
                            self.source,
                            redact(resp.url),
                            f"HTTP {resp.status_code} {resp.reason or ''}".strip()
                            + (
                                " without a Location to follow"
                                if 300 <= resp.status_code < 400
                                else ""
                            )
                            + f", not an answer holding {expect}",
                            "Only a 200 answer (or 304 to a conditional request) is stored as "
                            "data; nothing was saved. Try again later, or check the source's "
                            "base URL.",
                        )
                    content, digest, size, head, blank = self._read(resp, end, watch, into)
                    return self._accept(
                        resp, content, allow_empty, expect, into, digest, size, head, blank
                    )
                except (SourceError, _Failed):
                    raise
                except (
                    OSError,
                    ValueError,
                    urllib3.exceptions.HTTPError,
                    http.client.HTTPException,
                ) as exc:
                    # OSError covers requests' errors, sockets and TLS; ValueError bad URLs
                    if watch.fired or time.monotonic() >= end:
                        raise _Failed(self._late(), late=True) from exc
                    raise self._fault(exc) from exc
                finally:
                    if resp is not None:
                        resp.close()
        raise SourceError(
            self.source,
            _describe(url, params),
            f"more than {self.max_redirects} redirects",
            "The API may be misconfigured; nothing was saved. Try again later.",
        )

    def _late(self) -> str:
        return f"no complete answer within the deadline of {self.deadline:g} s ({ENV_DEADLINE})"

    def _fault(self, exc: Exception) -> _Failed:
        """What a failed request or body read means: retried unless the request itself is bad
        or the host cannot be reached at all (no such name, connection refused: asking again
        a few seconds later gives the same answer, so the user hears it at once)."""
        unreachable = _unreachable(exc)
        if unreachable:
            return _Failed(unreachable, retry=False, unreachable=True)
        if isinstance(exc, requests.Timeout) or (
            isinstance(exc, requests.ConnectionError)
            and exc.args
            and isinstance(exc.args[0], urllib3.exceptions.ReadTimeoutError)
        ):
            return _Failed(f"no answer within {self.timeout[1]:g} s (timeout)")
        if isinstance(exc, ValueError) or (
            isinstance(exc, requests.RequestException)
            and not isinstance(
                exc,
                requests.ConnectionError
                | requests.exceptions.ChunkedEncodingError
                | requests.exceptions.ContentDecodingError,
            )
        ):  # a bad URL or request: asking again will not help
            return _Failed(f"request failed ({type(exc).__name__}: {exc})", retry=False)
        # connection faults, broken bodies, and socket, urllib3 and http.client errors that
        # escaped requests' wrapping
        return _Failed(f"connection failed or body broken off ({type(exc).__name__}: {exc})")

    def _read(
        self, resp: requests.Response, end: float, watch: _Watch, into: Path | None = None
    ) -> tuple[bytes, str, int, bytes, bool]:
        """The body, decompressed, streamed under the size limits and the deadline, into
        memory or into the file ``into``: (body or b"", sha256, size, its first 512 bytes,
        whether it is all white space)."""
        import hashlib

        assert self.max_bytes is not None and self.max_total_bytes is not None
        if resp.status_code == 304:
            return b"", "", 0, b"", True
        length = resp.headers.get("Content-Length", "").strip()
        encoded = resp.headers.get("Content-Encoding", "identity").strip().lower()
        if encoded in ("", "identity") and length.isdigit() and int(length) > self.max_bytes:
            raise self._too_big(resp.url, f"it announces {int(length):,} bytes")
        body = bytearray()
        digest = hashlib.sha256()
        size, head, blank = 0, b"", True
        with contextlib.ExitStack() as stack:
            sink = None
            if into is not None:  # a new file, never through a symlink
                fd = os.open(into, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o644)
                sink = stack.enter_context(os.fdopen(fd, "wb"))
            for chunk in resp.iter_content(CHUNK):
                size += len(chunk)
                self.total += len(chunk)
                if size > self.max_bytes:
                    raise self._too_big(resp.url, "more came")
                if self.total > self.max_total_bytes:
                    raise self._too_much(resp.url)
                if time.monotonic() >= end:
                    raise _Failed(self._late(), late=True)
                if len(head) < 512:
                    head += chunk[: 512 - len(head)]
                blank = blank and not chunk.strip()
                digest.update(chunk)
                if sink is not None:
                    sink.write(chunk)
                else:
                    body += chunk
        if watch.fired:  # the watchdog cut the body short: what we hold may be incomplete
            raise _Failed(self._late(), late=True)
        return bytes(body), digest.hexdigest(), size, head, blank

    def _too_much(self, url: str) -> SourceError:
        return SourceError(
            self.source,
            redact(url),
            f"this fetch has read more than its limit of {self.max_total_bytes:,} bytes in all "
            "(every page and request added up, after decompression); it was not read further",
            f"Nothing was saved. If the source really sends this much, raise {ENV_MAX_TOTAL} "
            f"(now {self.max_total_bytes}).",
        )

    def _too_big(self, url: str, detail: str) -> SourceError:
        return SourceError(
            self.source,
            url,
            f"the response is larger than the limit of {self.max_bytes:,} bytes after "
            f"decompression ({detail}); it was not read further",
            f"Nothing was saved. If the source really sends this much, raise {ENV_MAX_BYTES} "
            f"(now {self.max_bytes}).",
        )

    def page_count(self, value: object, where: str) -> int:
        """The number of pages a paged API's first answer announces, checked before any further
        request: a missing or 0 count is 1 page; a count that is not a whole number of 0 or more,
        or that is above ``max_pages``, raises SourceError."""
        assert self.max_pages is not None
        if value is None or value == "":
            return 1
        whole = (
            (isinstance(value, int) and not isinstance(value, bool))
            or (isinstance(value, float) and value.is_integer())
            or (isinstance(value, str) and re.fullmatch(r"[0-9]{1,18}", value.strip()))
        )
        count = int(value) if whole else None
        if count == 0:  # what the API says of a single page of an empty selection
            return 1
        if count is None or count < 1:
            raise SourceError(
                self.source,
                where,
                f"the first page announces {_short(value)} pages, not a page count (a whole "
                "number, 1 or more)",
                "The API's paging header changed or is broken; nothing more was requested or saved.",
            )
        if count > self.max_pages:
            raise SourceError(
                self.source,
                where,
                f"the first page announces {_short(count)} pages, more than the limit of "
                f"{self.max_pages} ({ENV_MAX_PAGES})",
                "Nothing more was requested or saved. If the source really has that many pages, "
                f"raise {ENV_MAX_PAGES}.",
            )
        return count

    def _accept(
        self,
        resp: requests.Response,
        content: bytes,
        allow_empty: bool,
        expect: str,
        into: Path | None = None,
        digest: str = "",
        size: int = 0,
        head: bytes = b"",
        blank: bool = False,
    ) -> Response:
        ctype = resp.headers.get("Content-Type", "")
        log.debug(
            "%s: HTTP %s, %s bytes, Content-Type %r, ETag %r, Last-Modified %r",
            self.source,
            resp.status_code,
            f"{size:,}",
            ctype,
            resp.headers.get("ETag", "")[:80],
            resp.headers.get("Last-Modified", "")[:80],
        )
        if resp.status_code == 304:  # conditional request: what we hold is still current
            return Response(redact(resp.url), 304, dict(resp.headers), b"")
        if blank:
            if allow_empty:
                return Response(redact(resp.url), resp.status_code, dict(resp.headers), b"")
            raise SourceError(
                self.source,
                resp.url,
                f"empty response (HTTP {resp.status_code}) where {expect} was expected",
                "The query matched no data: check the codes and the time filter.",
            )
        head = head.lstrip().lower()
        if "text/html" in ctype or head.startswith((b"<!doctype html", b"<html")):
            raise SourceError(
                self.source,
                resp.url,
                f"got an HTML page (HTTP {resp.status_code}, {ctype or 'no content type'}) "
                f"where {expect} was expected",
                "The API may be down or showing an error page; nothing was saved.",
            )
        return Response(
            redact(resp.url), resp.status_code, dict(resp.headers), content, into, digest, size
        )


def validator(value: object) -> str:
    """An ETag or Last-Modified as it may be stored and sent back: at most ``VALIDATOR_MAX``
    printable ASCII characters, else "" (a 60 kB or binary validator replayed on every fetch
    would make the server refuse the request, HTTP 431, forever)."""
    text = value if isinstance(value, str) else ""
    ok = 0 < len(text) <= VALIDATOR_MAX and all(" " <= c <= "~" for c in text)
    return text if ok else ""


def _unreachable(exc: BaseException) -> str:
    """'' unless ``exc`` (or what it wraps) says the host cannot be reached at all: its name
    does not resolve, or it refuses the connection."""
    seen: list[BaseException] = []
    todo: list[object] = [exc]
    while todo and len(seen) < 20:
        e = todo.pop()
        if not isinstance(e, BaseException) or any(e is x for x in seen):
            continue
        seen.append(e)
        if isinstance(e, socket.gaierror) or type(e).__name__ == "NameResolutionError":
            return f"the host name does not resolve ({type(e).__name__}: {e})"
        if isinstance(e, ConnectionRefusedError):
            return f"the connection was refused ({e})"
        todo += [*e.args, getattr(e, "reason", None), e.__cause__, e.__context__]
    return ""


def _cut(url: str, width: int = 160) -> str:
    """A URL cut for a progress line (the whole of it is logged at debug level)."""
    return url if len(url) <= width else url[: width - 3] + "..."


def _short(value: object) -> str:
    """A value as a message shows it: counts with thousands separators, anything else quoted and
    cut short (a number too long to print is named as such)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}" if abs(value) < 10**18 else "a number of over 18 digits"
    return repr(str(value)[:40])


def _snippet(resp: requests.Response, size: int = 200) -> str:
    """The start of an error body, read no further than needed."""
    try:
        data = next(resp.iter_content(size), b"")
    except Exception:  # a broken error body: the status says enough
        return ""
    return data[:size].decode(resp.encoding or "utf-8", errors="replace").strip()


def _origin(url: str) -> str:
    """scheme://host:port, the default port spelt out, so http://h and http://h:80 are one."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    port = port or {"http": 80, "https": 443}.get(scheme)
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    return f"{scheme}://{host}:{port}"


def _describe(url: str, params: dict | None) -> str:
    """The request's URL as logged, recorded and shown in errors: secrets redacted."""
    if not params:
        return redact(url)
    return redact(requests.Request("GET", url, params=params).prepare().url or url)


SECRET_PARAMS = re.compile(r"(?i)(key|token|secret|password|passwd|pwd|signature|auth|sig)$")


def redact(url: str) -> str:
    """``url`` without credentials: user:password@ removed from the host and the values of
    secret-looking query parameters (api_key, token, password ...) replaced, so no secret
    reaches a log, an error message or a vintage's manifest (which may be committed)."""
    from urllib.parse import parse_qsl, urlencode, urlunsplit

    try:
        parts = urlsplit(url)
        host = parts.netloc.rpartition("@")[2]
        query = parts.query
        if query:
            pairs = parse_qsl(query, keep_blank_values=True)
            if any(SECRET_PARAMS.search(k) for k, _ in pairs):
                query = urlencode(
                    [(k, "REDACTED" if SECRET_PARAMS.search(k) else v) for k, v in pairs],
                    safe=":,+*[]",
                )
        if host == parts.netloc and query == parts.query:
            return url
        return urlunsplit((parts.scheme, host, parts.path, query, parts.fragment))
    except ValueError:
        return url


# The deadline watchdog. Each attempt runs under a _Watch whose timer, when the deadline passes,
# shuts the attempt's socket down; a read blocked on a dripping server then returns at once. The
# socket is handed over by the connection itself just before it reads the status line (so a server
# that drips its headers is cut too), through a thread-local: the attempt and its reads run on one
# thread.

_LOCAL = threading.local()


class _Watch:
    def __init__(self, seconds: float) -> None:
        self.fired = False
        self._done = False
        self._sock = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(seconds, 0.0), self._fire)
        self._timer.daemon = True

    def __enter__(self) -> _Watch:
        self._outer = getattr(_LOCAL, "watch", None)
        _LOCAL.watch = self
        self._timer.start()
        return self

    def __exit__(self, *exc) -> None:
        with self._lock:
            self._done = True
            self._sock = None
        self._timer.cancel()
        _LOCAL.watch = self._outer

    def attach(self, sock) -> None:
        with self._lock:
            if self._done:
                return
            self._sock = sock
            fired = self.fired
        if fired:
            _shutdown(sock)

    def _fire(self) -> None:
        with self._lock:
            if self._done:
                return
            self.fired = True
            sock = self._sock
        if sock is not None:
            _shutdown(sock)


def _shutdown(sock) -> None:
    # the plain socket's shutdown, also under TLS: wakes a blocked read without touching the TLS
    # state the reading thread is using
    with contextlib.suppress(OSError, TypeError, ValueError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


class _WatchedConnection:
    """Mixed into urllib3's connection classes: hands the socket to the current watch."""

    def getresponse(self, *args, **kwargs):
        watch = getattr(_LOCAL, "watch", None)
        sock = getattr(self, "sock", None)
        if watch is not None and sock is not None:
            watch.attach(sock)
        return super().getresponse(*args, **kwargs)


_WATCHED: dict[type, type] = {}


def _watch_pool(pool):
    cls = getattr(pool, "ConnectionCls", None)
    if (
        isinstance(cls, type)
        and issubclass(cls, http.client.HTTPConnection)
        and not issubclass(cls, _WatchedConnection)
    ):
        if cls not in _WATCHED:
            _WATCHED[cls] = type("Watched" + cls.__name__, (_WatchedConnection, cls), {})
        pool.ConnectionCls = _WATCHED[cls]
    return pool


class _WatchedAdapter(HTTPAdapter):
    """requests' adapter whose connections report their socket to the deadline watchdog."""

    def get_connection_with_tls_context(self, *args, **kwargs):  # requests >= 2.32.2
        return _watch_pool(super().get_connection_with_tls_context(*args, **kwargs))

    def get_connection(self, *args, **kwargs):  # older requests
        return _watch_pool(super().get_connection(*args, **kwargs))
