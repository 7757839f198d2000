"""Claims: the rules on hand-built rankings, the shipped claims on the committed snapshot."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis import claims
from analysis.paths import PROJECT_ROOT
from analysis.snapshot import load_rankings

from ..clirun import run_cli
from ..unit.test_claims import _claim, handmade_rankings


@pytest.mark.parametrize(
    ("over", "verdict", "n_supported"),
    [
        ({}, "partly supported", 3),  # 2 of 3 in 2008 (enough), 1 of 3 in 2009 (not)
        ({"years": "[2008]"}, "supported", 2),
        ({"quantifier": "all", "countries": '["VNM"]'}, "supported", 2),
        ({"predicate": "rank <= 2", "quantifier": "all", "years": "[2008]"}, "supported", 3),
        ({"countries": '["IDN"]', "years": "[2009]", "quantifier": "all"}, "not supported", 0),
        ({"predicate": "share >= 0.25", "quantifier": "most"}, "partly supported", 2),
    ],
)
def test_verdict_rules(tmp_path: Path, over: dict, verdict: str, n_supported: int) -> None:
    v, ev = claims.check_all(_claim(tmp_path, **over), handmade_rankings())
    assert v["verdict"].iat[0] == verdict and v["n_supported"].iat[0] == n_supported
    if "IDN" in over.get("countries", "IDN") and "2009" in over.get("years", "2009"):
        idn = ev[(ev["country"] == "IDN") & (ev["year"] == 2009)]
        assert idn["status"].tolist() == ["not ranked"]


def test_no_data_is_insufficient(tmp_path: Path) -> None:
    r = handmade_rankings()
    r = r[~((r["country"] == "VNM") & (r["year"] == 2009))]
    v, ev = claims.check_all(
        _claim(tmp_path, countries='["VNM"]', years="[2009]", quantifier="all"),
        pd.concat([r, r.assign(year=2010)]),
    )
    then = ev[ev["reading"] == "article"]
    assert v["verdict"].iat[0] == "insufficient data" and then["status"].tolist() == ["no data"]


@pytest.fixture(scope="module")
def verdicts():
    from analysis.snapshot import read_manifest

    return claims.check_all(
        claims.DEFAULT_FILE, load_rankings(), claims.dataset_vintages(read_manifest())
    )


def _japans_trade_ranks_of_asean() -> dict[int, int]:
    """The fact the two "ASEAN is Japan's second partner" verdicts rest on, read apart from the
    ranking code: Japan's own DOTS reports (exports + imports, observations table) summed over
    each bloc's members of that year as blocs.csv dates them (csv module, no package helper),
    then ASEAN's place among the blocs and every other single partner."""
    import csv

    from analysis.paths import PACKAGE_DATA
    from analysis.snapshot import load_observations

    o = load_observations()
    own = o[
        (o["dataset"] == "imf_dots_xlsx")
        & (o["country"] == "JPN")
        & (o["basis"] == "reported")
        & o["measure"].isin(["exports", "imports"])
        & (o["partner"] != "WLD")
    ]
    with (PACKAGE_DATA / "blocs.csv").open(encoding="utf-8") as f:
        blocs = list(csv.DictReader(f))
    ranks = {}
    for year in (2008, 2009):
        trade = own[own["year"] == year].groupby("partner", observed=True)["value_usd_m"].sum()
        members = {
            b: {
                r["member"]
                for r in blocs
                if r["bloc"] == b
                and int(r["from_year"]) <= year
                and (not r["to_year"] or year <= int(r["to_year"]))
            }
            for b in ("ASEAN", "EU")
        }
        assert len(members["ASEAN"]) == 10 and len(members["EU"]) == 27
        inside = members["ASEAN"] | members["EU"]
        sizes = {b: trade[trade.index.isin(m)].sum() for b, m in members.items()}
        sizes |= {p: v for p, v in trade.items() if p not in inside}
        ranks[year] = 1 + sum(v > sizes["ASEAN"] for v in sizes.values())
    return ranks


def _members_where_japan_gives_most(dataset: str, measure: str, year: int) -> set[str]:
    """The fact the "Japan is the top ODA partner of many members" verdicts rest on, read apart
    from the ranking code: the ODA observations of that dataset and year, donors kept where
    dac_donors.csv (csv module) calls them a leaf or standalone donor (no totals, no group
    subtotals), and the members whose largest positive donor is Japan."""
    import csv

    from analysis.paths import PACKAGE_DATA
    from analysis.snapshot import load_observations

    with (PACKAGE_DATA / "dac_donors.csv").open(encoding="utf-8") as f:
        donors = {r["code"] for r in csv.DictReader(f) if r["level"] in ("leaf", "standalone")}
    o = load_observations()
    d = o[(o["dataset"] == dataset) & (o["measure"] == measure) & (o["year"] == year)]
    d = d[d["partner"].isin(donors) & (d["value_usd_m"] > 0)]
    top = d.sort_values("value_usd_m").groupby("country", observed=True)["partner"].last()
    return set(top[top == "JPN"].index)


def test_shipped_claims_follow_from_the_data(verdicts) -> None:
    v, ev = verdicts
    got = dict(zip(v["claim_id"], v["verdict"], strict=True))
    # ASEAN 3rd for Japan in 2008 and 2nd in 2009, by the independent sum above
    asean = _japans_trade_ranks_of_asean()
    assert asean == {2008: 3, 2009: 2}
    assert got["trade-asean-second-for-japan"] == (
        "supported" if asean[2008] <= 2 else "not supported"
    )
    assert got["trade-asean-second-for-japan-2009"] == (
        "supported" if asean[2009] <= 2 else "not supported"
    )
    # at least 4 members wanted: 7 by gross ODA in 2009 (bilateral donors), 3 by net ODA in
    # 2008 (Indonesia, the Philippines and Thailand repaid Japan more than it lent: no net rank)
    gross = _members_where_japan_gives_most(
        "oecd_dac2a_bilateral", "oda_received_gross_current", 2009
    )
    net = _members_where_japan_gives_most("oecd_dac2a_qwids", "oda_received_net_current", 2008)
    assert (len(gross), net) == (7, {"KHM", "MYS", "VNM"})
    assert got["oda-japan-top-many-gross"] == "supported"
    assert got["oda-japan-top-many-net"] == "partly supported"
    # every verdict rests on evidence rows with source and vintage
    assert set(ev["claim_id"]) == set(v["claim_id"])
    assert (ev.loc[ev["status"] != "no data", "vintage"] != "").all()
    japan_2008 = ev[(ev["claim_id"] == "trade-asean-second-for-japan")]
    assert japan_2008["rank"].tolist() == [3, 3]  # 3rd in 2008 (IMF) and in 2024 (MOF)
    assert japan_2008["reading"].tolist() == ["article", "latest"]


def test_claims_read_then_and_now(verdicts) -> None:
    """Each claim again at each member's latest year through the headline rule: ASEAN is
    Japan's 3rd partner in 2024 among MOF's listed partners (2nd in 2009); Japan is Viet Nam's
    4th partner in 2025 (Customs), 2nd net donor in 2023 (WDI, DAC donors) and 4th by
    registered FDI in 2025 (GSO); the latest evidence names its dataset case by case."""
    v, ev = verdicts
    now = v.set_index("claim_id")
    assert now.loc["trade-asean-second-for-japan-2009", "latest_year"] == "2024"
    assert now.loc["trade-asean-second-for-japan-2009", "latest_verdict"] == "not supported"
    assert now.loc["trade-asean-second-for-japan-2009", "latest_datasets"] == "japan_mof_trade"
    latest = ev[ev["reading"] == "latest"].set_index(["claim_id", "country"])
    assert latest.loc[("trade-japan-top-many", "VNM"), "dataset"] == "vietnam_customs_trade"
    assert int(latest.loc[("trade-japan-top-many", "VNM"), "year"]) == 2025
    assert int(latest.loc[("trade-japan-top-many", "VNM"), "rank"]) == 4
    vn = [
        ("oda-japan-top-vietnam", "wdi_dac_donors", 2023, 2),
        ("fdi-japan-top-vietnam-registered", "vietnam_gso", 2025, 4),
    ]
    for claim_id, dataset, year, rank in vn:
        row = latest.loc[(claim_id, "VNM")]
        assert (row["dataset"], int(row["year"]), int(row["rank"])) == (dataset, year, rank)
    # members the headline has nothing for are "no data", never dropped
    assert latest.loc[("oda-japan-top-many-net", "SGP"), "status"] == "no data"
    assert now.loc["oda-japan-top-many-net", "latest_cases"] == 8


def test_cli_writes_claims_csv(tmp_path: Path) -> None:
    import shutil

    data = tmp_path / "data"
    shutil.copytree(PROJECT_ROOT / "data" / "processed", data / "processed")
    p = run_cli("claims", env={"ASEAN_JAPAN_DATA": str(data)})  # a forked child (clirun.py)
    assert p.returncode == 0, p.stderr
    out = pd.read_csv(data / "processed" / "claims.csv")
    assert {"claim_id", "verdict", "n_cases", "n_supported", "years", "basis"} <= set(out.columns)
    assert {"latest_year", "latest_verdict", "latest_datasets"} <= set(out.columns)
    assert "The same claims now" in p.stdout
    import tomllib

    shipped = tomllib.loads(claims.DEFAULT_FILE.read_text(encoding="utf-8"))["claim"]
    assert out["claim_id"].tolist() == [c["id"] for c in shipped]  # one row per claim, in order
    assert "trade-japan-top-many" in p.stdout
    assert p.stdout.startswith("Claims of ") and "article_2009.toml" in p.stdout.splitlines()[0]
    assert (data / "processed" / "claims_evidence.csv").is_file()


def test_another_claim_file_never_overwrites_the_articles_verdicts(tmp_path: Path) -> None:
    """`claims --file mine.toml` writes reports/claims/mine.csv (+ _evidence); the snapshot's
    claims.csv and claims_evidence.csv (the article's, committed) keep their bytes."""
    import shutil

    data, reports = tmp_path / "data", tmp_path / "reports"
    shutil.copytree(PROJECT_ROOT / "data" / "processed", data / "processed")
    before = {
        n: (data / "processed" / n).read_bytes() for n in ("claims.csv", "claims_evidence.csv")
    }
    text = claims.DEFAULT_FILE.read_text(encoding="utf-8")
    mine = tmp_path / "mine.toml"  # the article's first claim alone, under another name
    mine.write_text(text[: text.index("[[claim]]", text.index("[[claim]]") + 1)], encoding="utf-8")
    env = {"ASEAN_JAPAN_DATA": str(data), "ASEAN_JAPAN_REPORTS": str(reports)}
    p = run_cli("claims", "--file", str(mine), env=env)
    assert p.returncode == 0, p.stderr
    assert {n: (data / "processed" / n).read_bytes() for n in before} == before
    out = pd.read_csv(reports / "claims" / "mine.csv")
    assert len(out) == 1 and (reports / "claims" / "mine_evidence.csv").is_file()
    assert str(reports / "claims" / "mine.csv") in p.stdout
    # the article's own file, named explicitly, is still the snapshot's
    assert run_cli("claims", "--file", str(claims.DEFAULT_FILE), env=env).returncode == 0
    assert not (reports / "claims" / "article_2009.csv").exists()


def test_cases_in_a_donor_gap_carry_a_caveat() -> None:
    """Viet Nam's donors 2004-2008 in the QWIDS export: the Asian Development Bank (a top-10
    donor once recorded, from 2012) is missing, so every case carries the caveat."""
    from analysis.query import material_gaps
    from analysis.snapshot import read_manifest

    v, ev = claims.check_all(
        claims.DEFAULT_FILE,
        load_rankings(),
        claims.dataset_vintages(read_manifest()),
        material_gaps(),
    )
    vn = ev[(ev["claim_id"] == "oda-japan-top-vietnam") & (ev["reading"] == "article")]
    assert len(vn) == 5 and vn["caveat"].str.contains("ASDB").all()
    row = v[v["claim_id"] == "oda-japan-top-vietnam"].iloc[0]
    assert row["n_caveats"] == 5
    trade = ev[ev["dataset"] == "imf_dots_xlsx"]
    assert (trade["caveat"] == "").all()
