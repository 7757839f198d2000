"""Pure logic (hand-made inputs, no real files) beside tests/integration/test_imts.py: IMTS: the parser
on the real recorded response, the fetcher against a real local HTTP server."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.errors import SourceError
from analysis.rawstore import RawStore


def test_vintages_are_write_once(tmp_path: Path) -> None:
    """Hand-made bytes (not data): a vintage is never rewritten; the next name is used."""
    from analysis.rawstore import RawRecord, sha256_bytes

    store = RawStore("imf_imts", root=tmp_path)

    def rec(data: bytes) -> RawRecord:
        return RawRecord("a.xml", "u", {}, "t", 200, sha256_bytes(data), len(data), "", "", "")

    folder = store.write_vintage("2026-11-29", [(rec(b"one"), b"one")], [])
    with pytest.raises(SourceError, match="write-once"):
        store.write_vintage("2026-11-29", [(rec(b"two"), b"two")], [])
    assert (folder / "a.xml").read_bytes() == b"one"
    assert store.new_vintage_name("2026-11-29") == "2026-11-29-2"
    store.write_vintage("2026-11-29-2", [(rec(b"two"), b"two")], [])
    assert store.new_vintage_name("2026-11-29") == "2026-11-29-3"
    assert store.vintages() == ["2026-11-29", "2026-11-29-2"]
    assert not list(tmp_path.glob("imf_imts/.tmp-*"))
