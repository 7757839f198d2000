"""Pure logic (hand-made inputs, no real files) beside tests/integration/test_trade_basis.py: The trade
``best`` basis does not trust own reports that are nearly empty, cover a partial year or miss a
partner in the top five of partners' reports of a flow (rank_trade.distrusted_own_reports): tested
on the real DOTS workbooks via the snapshot build (and openpyxl on the workbooks for Viet Nam 1972),
plus pure-logic checks of the rules on hand-built numbers."""

from __future__ import annotations

from analysis import rank_trade
from analysis.rank_trade import distrusted_own_reports

from .test_rank import _get, handmade_observations


def test_partial_year_rule_needs_two_neighbouring_years_handmade() -> None:
    """Pure logic on hand-built numbers (not data): a drop is judged only against at least
    MIN_NEIGHBOURS neighbouring years, and only when every flow the own report holds drops."""
    rows = []
    cov = {2000: 1.0, 2001: 1.0, 2002: 1.0, 2003: 0.7}  # 2003: 30% under the median
    for year, c in cov.items():
        for measure in ("exports", "imports"):
            rows.append((measure, "AAA", "BBB", year, 100.0, "mirror", ""))
            rows.append((measure, "AAA", "BBB", year, 100.0 * c, "reported", ""))
    # CCC: only one neighbouring year before its drop: not judged
    for year, c in {2000: 1.0, 2001: 0.7}.items():
        for measure in ("exports", "imports"):
            rows.append((measure, "CCC", "BBB", year, 100.0, "mirror", ""))
            rows.append((measure, "CCC", "BBB", year, 100.0 * c, "reported", ""))
    # DDD: exports drop, imports do not: not a partial year
    for year in (2000, 2001, 2002, 2003):
        rows.append(("exports", "DDD", "BBB", year, 100.0, "mirror", ""))
        rows.append(
            ("exports", "DDD", "BBB", year, 70.0 if year == 2003 else 100.0, "reported", "")
        )
        rows.append(("imports", "DDD", "BBB", year, 100.0, "mirror", ""))
        rows.append(("imports", "DDD", "BBB", year, 100.0, "reported", ""))
    d = distrusted_own_reports(handmade_observations(rows))
    assert d[["country", "year", "rule"]].values.tolist() == [["AAA", 2003, "partial_year"]]


def test_missing_partner_rule_handmade() -> None:
    """Pure logic on hand-built numbers (not data): absent means no value above zero (a zero
    is absent, a tiny value is not); the partner must rank in the mirror's top five (ties
    share the rank); the own report must fall short of the mirror by at least what the absent
    partners report; each flow is judged apart."""
    rows = []

    def flow(measure, country, own: dict, mirror: dict) -> None:
        for p, v in own.items():
            rows.append((measure, country, p, 2000, v, "reported", ""))
        for p, v in mirror.items():
            rows.append((measure, country, p, 2000, v, "mirror", ""))

    # AAA: exports lack GGG (mirror rank 3) and fall short of the mirror by its 25; imports
    # hold CCC at a tiny value that the mirror puts at 80: present, so imports are trusted
    flow("exports", "AAA", {"PPP": 100.0, "QQQ": 50.0}, {"PPP": 100.0, "QQQ": 50.0, "GGG": 25.0})
    flow("imports", "AAA", {"PPP": 100.0, "CCC": 0.001}, {"PPP": 100.0, "CCC": 80.0})
    # BBB: GGG is absent and second in the mirror, but the own report holds more than the
    # mirror (190 against 130): not missing trade (an entrepot's re-exports)
    flow("exports", "BBB", {"PPP": 100.0, "QQQ": 50.0, "RRR": 40.0}, {"PPP": 100.0, "GGG": 30.0})
    flow("imports", "BBB", {"PPP": 100.0}, {"PPP": 100.0})
    # CCC: a zero is absent
    flow("imports", "CCC", {"PPP": 100.0, "GGG": 0.0}, {"PPP": 100.0, "GGG": 50.0})
    # DDD: GGG ties for fifth in the mirror; HHH (seventh) is not listed
    tied = {"PPP": 100.0, "QQQ": 90.0, "RRR": 80.0, "SSS": 70.0, "TTT": 60.0}
    flow("exports", "DDD", tied, {**tied, "GGG": 60.0, "HHH": 50.0})
    # EEE: no own exports at all: nothing to judge (best has only the mirror anyway)
    flow("exports", "EEE", {}, {"PPP": 100.0, "GGG": 50.0})
    flow("imports", "EEE", {"PPP": 100.0}, {"PPP": 100.0})
    obs = handmade_observations(rows)
    d = distrusted_own_reports(obs)
    assert d[["country", "measure", "rule", "partners"]].values.tolist() == [
        ["AAA", "exports", "missing_partner", "GGG"],
        ["CCC", "imports", "missing_partner", "GGG"],
        ["DDD", "exports", "missing_partner", "GGG"],
    ]
    r = rank_trade.rank_dataset(obs, "handmade")
    best = _get(r, variant="countries", basis="best", country="AAA")
    basis = best.groupby("measure", observed=True)["value_basis"].agg(lambda v: set(v.astype(str)))
    assert basis.to_dict() == {"exports": {"mirror"}, "imports": {"reported"}, "trade": {"mirror"}}
    bbb = _get(r, variant="countries", basis="best", country="BBB")
    assert set(bbb["value_basis"].astype(str)) == {"reported"}
