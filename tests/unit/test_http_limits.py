"""Pure logic (hand-made inputs, no real files) beside tests/integration/test_http_limits.py: The HTTP
client's bounds, against a real HTTP server on 127.0.0.1 (tests/replay.py)."""

from __future__ import annotations

import pytest

from analysis.errors import SourceError
from analysis.http import HttpClient, settings


# --- settings and Retry-After -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("var", "value"),
    [
        ("ASEAN_JAPAN_HTTP_TIMEOUT", "abc"),
        ("ASEAN_JAPAN_HTTP_TIMEOUT", "-5"),
        ("ASEAN_JAPAN_HTTP_TIMEOUT", "0"),
        ("ASEAN_JAPAN_HTTP_RETRIES", "1.5"),
        ("ASEAN_JAPAN_HTTP_RETRIES", "-1"),
        ("ASEAN_JAPAN_HTTP_BACKOFF", "soon"),
        ("ASEAN_JAPAN_HTTP_MAX_BYTES", "0"),
        ("ASEAN_JAPAN_HTTP_MAX_BYTES", "1e400"),
        ("ASEAN_JAPAN_HTTP_DEADLINE", "nan"),
        ("ASEAN_JAPAN_HTTP_DEADLINE", "inf"),
        ("ASEAN_JAPAN_HTTP_MAX_PAGES", "ten"),
    ],
)
def test_bad_http_setting_is_a_source_error(
    var: str, value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(var, value)
    with pytest.raises(SourceError) as err:
        settings()
    with pytest.raises(SourceError):
        HttpClient("worldbank_wdi")
    text = str(err.value)
    assert text.startswith("[http settings] expected ")
    assert f"(at {var}={value})" in text and "Unset it" in text


def test_good_http_settings_and_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("TIMEOUT", "RETRIES", "BACKOFF", "MAX_BYTES", "DEADLINE", "MAX_PAGES"):
        monkeypatch.delenv(f"ASEAN_JAPAN_HTTP_{var}", raising=False)
    s = settings()
    assert (s.timeout, s.retries, s.backoff) == (300.0, 4, 2.0)
    assert (s.max_bytes, s.deadline, s.max_pages) == (200_000_000, 900.0, 50)
    monkeypatch.setenv("ASEAN_JAPAN_HTTP_MAX_BYTES", "5e8")
    monkeypatch.setenv("ASEAN_JAPAN_HTTP_RETRIES", "0")
    monkeypatch.setenv("ASEAN_JAPAN_HTTP_DEADLINE", "")  # empty: the default
    client = HttpClient("worldbank_wdi")
    assert (client.max_bytes, client.retries, client.deadline) == (500_000_000, 0, 900.0)
