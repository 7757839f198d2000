"""The one HTTP client every live source uses: timeouts, polite retries, clear errors.

Retries on connection faults, timeouts, 429 and 5xx with exponential backoff, honouring a
``Retry-After`` header (seconds or an HTTP date) up to a cap. A body that is HTML where data was
asked for (the error pages some APIs serve with status 200) is refused, as is an empty body where
data was expected. Every failure becomes a :class:`SourceError` naming the source and the URL.
"""

from __future__ import annotations

import email.utils
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import requests

from . import __version__
from .errors import SourceError

USER_AGENT = (
    f"asean-japan/{__version__} (reproducible research on "
    "ASEAN-Japan trade, FDI and ODA partner rankings)"
)
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})


@dataclass
class Response:
    """What a successful request returned: the raw bytes and enough to record provenance."""

    url: str
    status: int
    headers: dict[str, str]
    content: bytes


def _env(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value not in (None, "") else default


@dataclass
class HttpClient:
    """Settings can be changed per user through the environment: ASEAN_JAPAN_HTTP_TIMEOUT (read
    timeout, s), ASEAN_JAPAN_HTTP_RETRIES, ASEAN_JAPAN_HTTP_BACKOFF (first wait, s)."""

    source: str
    # connect, read: IMF queries can take minutes
    timeout: tuple[float, float] = field(
        default_factory=lambda: (10.0, _env("ASEAN_JAPAN_HTTP_TIMEOUT", 300.0))
    )
    retries: int = field(default_factory=lambda: int(_env("ASEAN_JAPAN_HTTP_RETRIES", 4)))
    backoff: float = field(default_factory=lambda: _env("ASEAN_JAPAN_HTTP_BACKOFF", 2.0))
    max_wait: float = 120.0
    sleep: Callable[[float], None] = time.sleep
    session: requests.Session = field(default_factory=requests.Session)

    def __post_init__(self) -> None:
        self.session.headers["User-Agent"] = USER_AGENT

    def _wait_for(self, resp: requests.Response | None, attempt: int) -> float:
        default = self.backoff * (2**attempt)
        if resp is None:
            return min(default, self.max_wait)
        value = resp.headers.get("Retry-After")
        if value:
            try:
                wait = float(value)
            except ValueError:
                parsed = email.utils.parsedate_to_datetime(value)
                wait = parsed.timestamp() - time.time() if parsed else default
            return max(0.0, min(wait, self.max_wait))
        return min(default, self.max_wait)

    def get(
        self,
        url: str,
        params: dict | None = None,
        headers: dict | None = None,
        allow_empty: bool = False,
        expect: str = "data",
    ) -> Response:
        """GET with retries; returns the body verbatim or raises SourceError."""
        last = ""
        for attempt in range(self.retries + 1):
            resp = None
            try:
                resp = self.session.get(url, params=params, headers=headers, timeout=self.timeout)
            except requests.Timeout:
                last = f"no answer within {self.timeout[1]:.0f} s (timeout)"
            except (
                requests.ConnectionError,
                requests.exceptions.ChunkedEncodingError,
                requests.exceptions.ContentDecodingError,
            ) as exc:
                last = f"connection failed or body broken off ({type(exc).__name__}: {exc})"
            except requests.RequestException as exc:
                last = f"request failed ({type(exc).__name__}: {exc})"
                break
            else:
                full_url = resp.url
                if resp.status_code in RETRY_STATUS:
                    last = f"HTTP {resp.status_code}"
                    if resp.status_code == 429:
                        last += " Too Many Requests (rate limit)"
                elif resp.status_code >= 400:
                    raise SourceError(
                        self.source,
                        full_url,
                        f"HTTP {resp.status_code}: {resp.text[:200].strip()!r}",
                        "Check the query (codes, dataflow version) against the API's documentation.",
                    )
                else:
                    return self._accept(resp, allow_empty, expect)
            if attempt < self.retries:
                self.sleep(self._wait_for(resp, attempt))
        raise SourceError(
            self.source,
            _describe(url, params),
            f"gave up after {self.retries + 1} attempts: {last}",
            "Nothing was saved; existing raw and processed files are unchanged. Try again later, "
            "or set the source's base URL to a mirror.",
        )

    def _accept(self, resp: requests.Response, allow_empty: bool, expect: str) -> Response:
        content = resp.content  # raises ChunkedEncodingError/ContentDecodingError on a broken body
        ctype = resp.headers.get("Content-Type", "")
        if resp.status_code == 304:  # conditional request: what we hold is still current
            return Response(resp.url, 304, dict(resp.headers), b"")
        if resp.status_code == 204 or not content.strip():
            if allow_empty:
                return Response(resp.url, resp.status_code, dict(resp.headers), b"")
            raise SourceError(
                self.source,
                resp.url,
                f"empty response (HTTP {resp.status_code}) where {expect} was expected",
                "The query matched no data: check the codes and the time filter.",
            )
        head = content[:512].lstrip().lower()
        if "text/html" in ctype or head.startswith((b"<!doctype html", b"<html")):
            raise SourceError(
                self.source,
                resp.url,
                f"got an HTML page (HTTP {resp.status_code}, {ctype or 'no content type'}) "
                f"where {expect} was expected",
                "The API may be down or showing an error page; nothing was saved.",
            )
        return Response(resp.url, resp.status_code, dict(resp.headers), content)


def _describe(url: str, params: dict | None) -> str:
    if not params:
        return url
    return requests.Request("GET", url, params=params).prepare().url or url
