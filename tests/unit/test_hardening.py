"""Pure logic (hand-made inputs, no real files) beside tests/integration/test_hardening.py: A snapshot
is whole or refused, a stuck lock ends in a clear error, empty settings mean defaults."""

from __future__ import annotations

import fcntl
import time
from pathlib import Path

import pytest

from analysis import snapshot
from analysis.errors import SourceError
from analysis.paths import PROJECT_ROOT


def test_a_held_lock_ends_in_a_clear_error(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "processed"
    folder.mkdir()
    with open(snapshot.lock_file(folder), "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        t = time.monotonic()
        with (
            pytest.raises(SourceError, match="held the lock for over"),
            snapshot.locked(folder, timeout=0.5),
        ):
            pass
        assert time.monotonic() - t < 5
    assert "waiting for another build" in capsys.readouterr().err
    with snapshot.locked(folder, timeout=0.5):  # released: taken at once
        pass


@pytest.mark.parametrize("value", ["abc", "-1", "nan"])
def test_bad_lock_timeout_setting(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("ASEAN_JAPAN_LOCK_TIMEOUT", value)
    with pytest.raises(SourceError, match="ASEAN_JAPAN_LOCK_TIMEOUT"):
        snapshot.lock_timeout()


def test_empty_path_settings_mean_the_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    from analysis import paths

    for name in ("ASEAN_JAPAN_DATA", "ASEAN_JAPAN_SHARED", "ASEAN_JAPAN_REPORTS"):
        monkeypatch.setenv(name, "")
    assert paths.data_dir() == PROJECT_ROOT / "data"
    assert paths.reports_dir() == PROJECT_ROOT / "reports"
    assert paths.shared_data_dir() == PROJECT_ROOT.parent / "shared" / "data"


def test_credentials_never_reach_a_message_or_a_record() -> None:
    """A base URL with user:password@ is refused without echoing the password; a URL that is
    logged or recorded (after a redirect, say) loses its userinfo and secret parameters."""
    from analysis.http import redact

    from ..clirun import run_cli

    p = run_cli(
        "fetch", "imf_imts", env={"ASEAN_JAPAN_IMF_BASE_URL": "http://u:s3cr3t@127.0.0.1:9"}
    )
    assert p.returncode == 2 or p.returncode == 1
    assert "s3cr3t" not in p.stderr + p.stdout and "holds credentials" in p.stderr
    assert (
        redact("https://u:p@h.example/a?api_key=K1&q=1")
        == "https://h.example/a?api_key=REDACTED&q=1"
    )
    same = "https://api.imf.org/x/+/JPN.XG?c%5BTIME_PERIOD%5D=ge%3A1960"
    assert redact(same) == same


def test_the_cache_setting_is_a_path_setting_like_the_others(monkeypatch) -> None:
    """$ASEAN_JAPAN_CACHE: `~` is the home folder and a relative path is taken from the project
    root, as for every other path setting (a literal `~` folder is never made)."""
    from pathlib import Path

    from analysis import rankcache
    from analysis.paths import PROJECT_ROOT

    monkeypatch.setenv("ASEAN_JAPAN_CACHE", "~/asean-cache")
    assert rankcache.cache_dir() == Path.home() / "asean-cache"
    monkeypatch.setenv("ASEAN_JAPAN_CACHE", "cache-here")
    assert rankcache.cache_dir() == PROJECT_ROOT / "cache-here"
    monkeypatch.delenv("ASEAN_JAPAN_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", "/somewhere")
    assert rankcache.cache_dir() == Path("/somewhere/asean-japan")
