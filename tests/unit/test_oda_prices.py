"""Pure logic (hand-made inputs, no real files) beside tests/integration/test_oda_prices.py: ODA
numbers that mislead: donors ranked on constant prices within a year, and donors missing from a
whole source."""

from __future__ import annotations

import numpy as np
import pandas as pd


def _sel(df: pd.DataFrame, **kw) -> pd.DataFrame:
    m = np.ones(len(df), bool)
    for k, v in kw.items():
        col = df[k].astype(str) if isinstance(df[k].dtype, pd.CategoricalDtype) else df[k]
        m &= col.to_numpy() == v
    return df[m]


def test_constant_prices_are_ranked_where_current_prices_miss_a_donor() -> None:
    """Pure logic on a hand-built frame (not data): a year whose current prices cover every
    donor is ranked on them; a year where one donor has none is ranked on constant prices."""
    from analysis.observations import make
    from analysis.rank import rank

    rows = [  # measure suffix, partner, year, value
        ("const2022", "JPN", 2009, 92.0),
        ("const2022", "USA", 2009, 94.0),
        ("current", "JPN", 2009, 128.0),
        ("current", "USA", 2009, 70.0),
        ("const2022", "JPN", 2010, 90.0),
        ("const2022", "USA", 2010, 95.0),
        ("current", "JPN", 2010, 130.0),  # the US has no current value in 2010
    ]
    obs = make(
        "handmade",
        [f"oda_received_gross_{p}" for p, *_ in rows],
        "KHM",
        [r[1] for r in rows],
        [r[2] for r in rows],
        [r[3] for r in rows],
        "mirror",
        "",
        "handmade",
    )
    r = _sel(rank(obs), variant="bilateral")
    got = {
        (m, y, p): k
        for m, y, p, k in zip(r["measure"], r["year"], r["partner"], r["rank"], strict=True)
    }
    assert got == {
        ("oda_received_gross_current", 2009, "JPN"): 1,
        ("oda_received_gross_current", 2009, "USA"): 2,
        ("oda_received_gross_const2022", 2010, "USA"): 1,
        ("oda_received_gross_const2022", 2010, "JPN"): 2,
    }


def test_donor_that_builds_up_its_programme_is_starting_not_missing() -> None:
    """Pure logic on a hand-built frame (not data): a new fund reaching 1, 2, then 6 recipients
    a year is not a gap; a donor appearing at once with its 3 recipients is, for those 3; a
    donor that stops giving to one recipient is not."""
    from analysis.gaps import donor_gaps
    from analysis.observations import make

    six = ("AAA", "BBB", "CCC", "DDD", "EEE", "FFF")
    rows = [
        ("OLD", c, y) for y in range(2000, 2008) for c in ("AAA", "BBB") if (c, y) < ("BBB", 2004)
    ]
    rows += [("NEW", "AAA", 2003), ("NEW", "AAA", 2004), ("NEW", "BBB", 2004)]
    rows += [("NEW", c, y) for y in (2005, 2006, 2007) for c in six]
    rows += [("BIG", c, y) for y in range(2003, 2008) for c in ("AAA", "BBB", "CCC")]
    obs = make(
        "handmade",
        "oda_received_net_current",
        [r[1] for r in rows],
        [r[0] for r in rows],
        [r[2] for r in rows],
        1.0,
        "mirror",
        "",
        "handmade",
    )
    g = donor_gaps(obs)
    assert set(g["partner"]) == {"BIG"}
    assert list(zip(g["country"], g["first_year"], g["last_year"], strict=True)) == [
        ("AAA", 2000, 2002),
        ("BBB", 2000, 2002),
        ("CCC", 2000, 2002),
    ]
