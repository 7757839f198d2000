"""Settings from the environment, checked once and refused in one clear paragraph.

Every numeric setting (HTTP limits, the lock wait) and every base URL goes through here, so a
value such as ``abc``, ``-1``, ``nan``, ``inf`` or ``1e300`` ends in a SettingsError (exit 2)
naming the variable and what it takes, never in a traceback deep in a socket or a timer.
"""

from __future__ import annotations

import math
import os
from urllib.parse import urljoin, urlsplit

from .errors import SettingsError

WEEK = 7 * 24 * 3600.0


def number_setting(
    env: str, default: float, valid: str, whole: bool, zero_ok: bool, most: float
) -> float:
    """A number from the environment ($env; unset or empty: ``default``), or SettingsError
    naming the variable and what it takes: not a number, negative, not finite, a fraction where
    a count is expected, or above ``most``."""
    raw = os.environ.get(env)
    if raw is None or raw.strip() == "":
        return default
    try:
        number = float(raw)
    except ValueError:
        number = math.nan
    ok = math.isfinite(number) and (number > 0 or (zero_ok and number == 0)) and number <= most
    if ok and whole:
        ok = number.is_integer()
    if not ok:
        raise SettingsError(
            "http settings" if env.startswith("ASEAN_JAPAN_HTTP_") else "settings",
            f"{env}={raw}",
            f"expected {valid}",
            f"Unset it to use the default ({default:g}) or set it to {valid}.",
        )
    return int(number) if whole else number


def lock_timeout() -> float:
    """Seconds a command waits for another's lock ($ASEAN_JAPAN_LOCK_TIMEOUT, default 600): a
    fetch for another fetch of its source (``rawstore``), as a build for another build."""
    return number_setting(
        "ASEAN_JAPAN_LOCK_TIMEOUT", 600.0, "a number of seconds from 0 to a week", False, True, WEEK
    )


def base_url(env: str, default: str) -> str:
    """A source's base URL ($env, else ``default``), without a trailing slash; anything that is
    not an http(s) URL with a host (and a valid port) is a SettingsError naming the variable."""
    value = os.environ.get(env, "").strip() or default
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 (raises ValueError for a port out of range)
        if parts.scheme.lower() not in ("http", "https"):
            problem = f"the scheme is {parts.scheme or 'missing'!r}, not http or https"
        elif not parts.hostname or any(c.isspace() for c in value):
            problem = "no valid host name"
        elif parts.username is not None or parts.password is not None:
            problem = "it holds credentials (user:password@), which would be logged and recorded"
        elif parts.query or parts.fragment or "?" in value or "#" in value:
            problem = "a ? or # in a base URL would swallow the request's own path and query"
        elif parts.port == 0:
            problem = "port 0 is no port a server listens on"
        else:
            problem = ""
    except ValueError as exc:  # an unclosed [IPv6 bracket, a port out of range
        problem = str(exc)
    if problem:
        raise SettingsError(
            "settings",
            f"{env}={_without_userinfo(value)}",
            f"expected an http(s) URL such as {default} ({problem})",
            f"Unset {env} to use {default}, or set it to the address of a mirror.",
        )
    out = value.rstrip("/")
    _IN_USE[out] = env
    return out


def join_url(base: str, path: str) -> str:
    """A request URL: ``path`` (relative, its segments as the API spells them) joined onto a
    checked base URL with a URL join, so the base's own path is kept (never replaced, as a
    plain join of ``/v2`` and ``data`` would), and checked: same scheme, host and port as the
    base, under the base's path (no ``..`` climbing out of it), no query or fragment (a ``?``
    or ``#`` in a path would swallow the rest). A path that fails is a programming error."""
    joined = urljoin(base.rstrip("/") + "/", path.lstrip("/"))
    b, j = urlsplit(base), urlsplit(joined)
    inside = j.path.startswith(b.path.rstrip("/") + "/")
    if (j.scheme, j.netloc) != (b.scheme, b.netloc) or not inside or j.query or j.fragment:
        raise ValueError(f"request path {path!r} does not stay under the base URL {base}")
    return joined


def _without_userinfo(value: str) -> str:
    """A URL setting as an error message shows it: user:password@ left out."""
    scheme, sep, rest = value.partition("://")
    if not sep:
        return value
    host, slash, path = rest.partition("/")
    return f"{scheme}://{host.rpartition('@')[2]}{slash}{path}"


_IN_USE: dict[str, str] = {}  # base URL -> the variable it was read from (error hints)


def base_url_setting(url: str) -> str | None:
    """The variable whose base URL ``url`` starts with (the longest), for a hint that names
    the setting to change; None where no source's base URL was read in this process."""
    hits = [(len(base), env) for base, env in _IN_USE.items() if url.startswith(base)]
    return max(hits)[1] if hits else None
