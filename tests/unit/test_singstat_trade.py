"""Pure logic (hand-made inputs, no real files) beside tests/integration/test_singstat_trade.py:
SingStat / Enterprise Singapore trade by market: the real recorded tables, their traps, bad input on
mutated copies, a real ranking, and the national check on the IMF's Singapore figures."""

from __future__ import annotations

from analysis.sources import REGISTRY

SRC = REGISTRY["singstat_trade"]


def test_dataset_declaration() -> None:
    (d,) = SRC.datasets
    assert d.name == "singstat_trade" and d.dimension == "trade"
    assert d.measures == ("exports", "imports", "trade")
    assert d.reporters == "Singapore only" and d.variant == ""
    assert "converted at ECB annual mean rates" in d.title
