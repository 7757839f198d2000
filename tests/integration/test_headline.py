"""The headline rule (which dataset answers), partner sets and shares, and the caveats an answer
carries: on the committed snapshot (real data), with reference values read from the recorded
files by an independent reader where the published file holds the case."""

from __future__ import annotations

import csv
from collections import defaultdict

import numpy as np
import pandas as pd
import pytest

from analysis import catalog, headline, query
from analysis.countries import JAPAN, asean_members
from analysis.schema import AUTHORITIES

from ..clirun import run_cli
from ..conftest import SHARED, need


def _singstat_totals(year: int) -> dict[str, float]:
    """Singapore's trade by market in ``year`` (S$ million: imports + domestic exports +
    re-exports, the twelve monthly columns summed), read from the three SingStat tables with
    the csv module alone (NOTES.md: markets are indented with four spaces)."""
    totals: dict[str, float] = defaultdict(float)
    for name in ("M451491.csv", "M451501.csv", "M451511.csv"):
        with open(need(SHARED / "singstat_trade" / name), newline="", encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
        header = next(r for r in rows if r and r[0] == "Data Series")
        cols = [i for i, label in enumerate(header) if label.strip().startswith(f"{year} ")]
        assert len(cols) == 12, f"{name}: expected 12 months of {year}"
        for r in rows:
            if r and r[0].startswith("    ") and not r[0].startswith("     "):
                cells = [r[i].strip() for i in cols]
                totals[r[0].strip()] += sum(float(c) for c in cells if c not in ("", "na", "-"))
    return dict(totals)


def _ordered(totals: dict[str, float]) -> list[str]:
    return sorted(totals, key=lambda k: -totals[k])


@pytest.mark.parametrize("year", [2024, 2020])
def test_singapore_is_answered_by_its_own_statistics(year: int) -> None:
    """`rank SGP` (latest) and `--year 2020`: SingStat answers, complete and with Taiwan, and
    Japan's rank is its place in SingStat's own table (2024: 8th, as NOTES.md checks; 2020:
    6th, where the IMF's partial-year table put Japan 5th from partners' reports)."""
    t = query.rank_table("SGP", year=None if year == 2024 else year, top=10)
    assert t.attrs["year"] == year and t.attrs["dataset"] == "singstat_trade"
    published = _ordered(_singstat_totals(year))
    assert int(t.index[t["partner"] == JAPAN][0]) == published.index("Japan") + 1
    assert "TWN" in set(t["partner"]) and t["share_pct"].notna().all()
    assert {2024: 8, 2020: 6}[year] == published.index("Japan") + 1
    assert t.attrs["notes"][0].startswith("Answered by singstat_trade: Singapore's own statistics")


def test_a_restricted_set_answers_only_uncovered_years_and_says_so() -> None:
    """Malaysia 2023: no all-partner dataset covers it, so CEPII BACI's 13 major partners
    answer, with ranks among the 13, values, and no share of Malaysia's trade."""
    t = query.rank_table("MYS", year=2023)
    assert t.attrs["dataset"] == "baci_major_partners"
    assert "among 13 major partners" in t.attrs["title"]
    assert t["share_pct"].isna().all()
    notes = " ".join(t.attrs["notes"])
    assert "no dataset of all partners covers Malaysia in 2023" in notes
    assert "no share of Malaysia's total" in notes


def test_indonesia_2022_from_bps_with_bacis_other_order() -> None:
    """BPS (Indonesia's own statistics, 37 partners) ranks Japan 2nd in 2022; BACI's 13 rank
    Japan 3rd, behind the US: the answer says both. Reference: the values of the snapshot's
    BPS observations, exports + imports summed here."""
    t = query.rank_table("IDN", year=2022)
    assert t.attrs["dataset"] == "bps_indonesia_trade"
    obs = query.observations()
    bps = obs[
        (obs["dataset"] == "bps_indonesia_trade")
        & (obs["country"] == "IDN")
        & (obs["year"] == 2022)
    ]
    summed = bps.groupby(bps["partner"].astype(str))["value_usd_m"].sum().sort_values()[::-1]
    assert list(summed.index[:3]) == list(t["partner"].iloc[:3]) and summed.index[1] == JAPAN
    also = [n for n in t.attrs["notes"] if n.startswith("Also: baci_major_partners")]
    assert also and "Japan 3" in also[0] and "United States 2" in also[0]


def test_caveats_name_missing_donors_and_absent_investors() -> None:
    """Laos 2009 in the QWIDS export: the Asian Development Bank is missing from the source
    (gaps.csv); Viet Nam in the IMF's DIP: Singapore and Taiwan, Viet Nam's large investors
    in GSO's registered capital, are absent from the investors that report to the IMF."""
    lao = query.rank_table("LAO", dataset="oecd_dac2a_qwids", year=2009)
    assert any("Asian Development Bank" in n and "gaps.csv" in n for n in lao.attrs["notes"])
    vnm = query.rank_table("VNM", dataset="imf_dip_vnm")  # its own measure: positions
    absent = next(n for n in vnm.attrs["notes"] if n.startswith("Not in imf_dip_vnm"))
    assert "Singapore" in absent and "Taiwan" in absent
    assert vnm["share_pct"].isna().all()  # investors' reports: no total of Viet Nam's FDI


def test_the_rule_orders_datasets_as_declared() -> None:
    """For every dimension: all-partner datasets before restricted ones; within each, the
    authorities in AUTHORITIES' order, then the latest data first."""
    for dim in ("trade", "oda", "fdi"):
        entries = catalog.datasets(dim)
        keys = [
            (
                entries[n]["partners"] != "all",
                AUTHORITIES.index(entries[n]["authority"]),
                -entries[n]["last_year"],
            )
            for n in headline.order(dim)
        ]
        assert keys == sorted(keys) and len(keys) == len(entries)


def test_each_economy_year_has_one_answer_and_all_partners_win() -> None:
    r = query.rankings()
    h = headline.headline(r)
    per = h.groupby(["country", "year"], observed=True)["dataset"].nunique()
    assert (per == 1).all()
    # wherever an all-partner trade dataset ranks an economy-year, the headline is all-partner
    full = r[
        (r["measure"] == "trade")
        & (r["variant"] == "countries")
        & r["dataset"].isin([n for n in headline.order("trade") if not headline.restricted(n)])
    ]
    covered = set(full[["country", "year"]].drop_duplicates().astype(str).itertuples(index=False))
    picked = h[["country", "year", "dataset"]].drop_duplicates().astype(str)
    for c, y, ds in picked.itertuples(index=False):
        if (c, y) in covered:
            assert not headline.restricted(ds), (c, y, ds)


def test_no_share_of_a_subset() -> None:
    """Rankings of a restricted partner set with no published world total have no total and no
    share; all-partner datasets keep theirs."""
    r = query.rankings()
    obs = query.observations()
    published = set(obs.loc[obs["partner"] == "WLD", "dataset"].astype(str))
    for name, e in catalog.datasets().items():
        d = r[r["dataset"] == name]
        given = d["measure"].astype(str).str.startswith("oda_given")
        if e["partners"] != "all" and name in published:  # Japan's MOF: the world total too
            assert d["share"].notna().all(), name
        elif e["partners"] != "all":
            inside = d[~given]  # a donor's recipients are all there: its shares stay
            assert inside["share"].isna().all() and inside["total_usd_m"].isna().all(), name
            assert d.loc[given, "share"].notna().all() if given.any() else True
            assert not headline.restricted(name, "oda_given_net_current")
        else:
            assert d["share"].notna().any(), name


def test_standing_and_overtake_reach_the_last_year() -> None:
    """`standing JPN` has a latest column past 2020 for every member; `overtake CHN JPN` gives
    Brunei a year (China ahead among BACI's 13 from 2021 to 2024) and Thailand 2013."""
    t = query.standing(JAPAN)
    latest = [c for c in t.columns if c.endswith("(latest)")]
    assert latest and int(latest[0].split()[0]) > 2020
    assert (t[latest[0]] != "-").all()
    o = query.overtake("CHN", JAPAN).set_index("member")
    assert pd.notna(o.loc["Brunei", "ahead_since"]) and o.loc["Brunei", "last_year"] > 2020
    assert o.loc["Thailand", "ahead_since"] == 2013 and o.loc["Thailand", "stayed_ahead"]
    assert len(o) == len(asean_members())


def test_a_dataset_reaches_the_charts_without_presentation_code() -> None:
    """The charts draw the headline series of whatever rankings they are given: with
    Singapore's own statistics in the rankings, Singapore's bump chart draws them; without
    (the same rankings less that dataset), the IMF's table and BACI's 13 take their years."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from analysis import plots

    r = query.rankings()
    with_it = plots.bump_chart("SGP", df=r)
    without = plots.bump_chart("SGP", df=r[r["dataset"] != "singstat_trade"])
    drawn = set(with_it.data["dataset"].astype(str))
    assert "singstat_trade" in drawn
    assert "singstat_trade" not in set(without.data["dataset"].astype(str))
    assert int(with_it.data["year"].max()) == int(without.data["year"].max()) == 2024
    plt.close("all")


def test_cli_routes_for_the_new_questions() -> None:
    p = run_cli("standing", "japan")
    assert p.returncode == 0, p.stderr
    assert "(latest)" in p.stdout
    key = "*: ranked among 13 major partners or among 37 partners or among the partners Viet Nam"
    assert key + " Customs lists (a restricted set)" in p.stdout
    p = run_cli("standing", "JPN", "--dimension", "oda")
    assert "*: ranked among DAC donors and EU institutions (a restricted set)" in p.stdout
    p = run_cli("overtake", "chn", "JPN")
    assert p.returncode == 0 and "Brunei" in p.stdout and "baci_major_partners" in p.stdout
    p = run_cli("rank", "thailand", "--partner", "JPN", "--years", "2014-2022")
    assert p.returncode == 0, p.stderr
    years = [int(line.split()[0]) for line in p.stdout.splitlines()[2:]]
    assert years == list(range(2014, 2023))
    assert "among 13 major partners" in p.stdout  # 2021-2022 from BACI, and said
    p = run_cli("rank", "THA", "--partner", "JPN", "--years", "2022-2014")
    assert p.returncode == 2 and "FIRST-LAST" in p.stderr
    p = run_cli("standing", "Atlantis")
    assert p.returncode == 2 and "unknown partner 'Atlantis'" in p.stderr


def test_a_missing_year_names_the_datasets_that_have_it() -> None:
    r = query.rankings()
    text = headline.years_of(r, "IDN", "trade")
    assert np.all([2023 in ys for ds, ys in text.items() if ds == "baci_major_partners"])
    p = run_cli("rank", "IDN", "--dataset", "bps_indonesia_trade", "--year", "2023")
    message = " ".join(p.stderr.split())
    assert p.returncode == 1 and "Trade datasets that rank Indonesia in 2023" in message
    assert "baci_major_partners" in message


def test_variant_is_split_into_aggregation_and_partner_set() -> None:
    """The rankings' two columns follow from variant and the declarations: blocs stay blocs,
    a restricted dataset's rows carry its declared set id (but a donor's ranking of its
    recipients, and ODA's donor-countries variant, say so), every other row is 'all'."""
    r = query.rankings()
    combos = r[["dataset", "measure", "variant", "aggregation", "partner_set"]].drop_duplicates()
    declared = {n: e.get("partner_set", "all") for n, e in catalog.datasets().items()}
    own = {n: e.get("aggregation") or "countries" for n, e in catalog.datasets().items()}
    assert len(combos)
    for ds, m, v, agg, ps in combos.astype(str).itertuples(index=False):
        assert agg == (v if v in ("blocs", "blocs_fixed", "grouped") else own[ds])
        if v == "bilateral":
            assert ps == "bilateral"
        elif m.startswith("oda_given"):
            assert ps == "all"
        else:
            assert ps == declared[ds], (ds, m, v, ps)
    assert (r["partner_set"] != "all").sum() and (r["aggregation"] == "blocs").sum()


def test_within_a_dataset_own_figures_then_partners_reports() -> None:
    """Viet Nam's FDI positions in 2012: UNCTAD (all partners) has only the investors' reports
    for Viet Nam; they answer before the IMF's restricted set of reporting investors, and the
    answer says they are partners' reports."""
    t = query.rank_table("VNM", measure="fdi_inward_stock", year=2012)
    assert t.attrs["dataset"] == "unctad_bilateral_fdi" and "all partners" in t.attrs["title"]
    assert "(here its partners' reports)" in t.attrs["notes"][0]
    assert (t["value_basis"] == "mirror").all()


def test_a_historical_entity_is_said() -> None:
    """The IMF's Viet Nam before 1976 is the Republic of Viet Nam (data/entity_notes.csv):
    `rank VNM --year 1970` and `overtake` say so."""
    t = query.rank_table("VNM", year=1970)
    assert any("Republic of Viet Nam" in n for n in t.attrs["notes"])
    later = query.rank_table("VNM", year=1990)
    assert not any("Republic of Viet Nam" in n for n in later.attrs["notes"])
    o = query.overtake("USA", JAPAN)
    assert any(n.startswith("Viet Nam:") for n in o.attrs["notes"])


def test_wrong_questions_get_a_clear_answer() -> None:
    p = run_cli("overtake", "JPN", "japan")
    assert p.returncode == 2 and "two different partners" in p.stderr
    p = run_cli("overtake", "CHN", "JPN", "--dimension", "oda")
    assert p.returncode == 1 and "China is a partner in no" in " ".join(p.stderr.split())
    p = run_cli("rank", "Thialand")
    assert p.returncode == 2 and "Did you mean Thailand (THA)?" in " ".join(p.stderr.split())
    p = run_cli("rank", "THA", "--partner", "JPN", "--years", "2030-2040")
    assert p.returncode == 1 and "years with data: 1960-2024" in " ".join(p.stderr.split())
    p = run_cli("standing", "JPN", "--years", "2030")
    assert p.returncode == 2 and "--years 2030" in p.stderr
    p = run_cli("rank", "LAO", "--dataset", "aseanstats_fdi")
    message = " ".join(p.stderr.split())
    assert p.returncode == 1 and "it does not cover that economy" in message
    assert "FDI datasets that rank Laos: unctad_bilateral_fdi" in message


def test_the_explorer_says_what_rank_says() -> None:
    """Under the chart, the explorer prints rank's notes for the last year drawn (within the
    year range): Indonesia to 2022 is answered by BPS, with BACI's other order."""
    from analysis.explore import notes

    lines = notes("IDN", "trade", None, (1990, 2022))
    assert lines[0].startswith("2022: Answered by bps_indonesia_trade")
    assert any(n.startswith("Also: baci_major_partners") for n in lines)


def test_a_fetched_dataset_reaches_the_charts(
    server, dots_dir, dots_parsed, isolated_data, tmp_path, monkeypatch
) -> None:
    """Add a dataset the way a user does, and the views follow with no code changed: fetch the
    OECD's FDI by counterpart (recorded responses replayed through a real HTTP server on
    127.0.0.1), build, and read the new snapshot. The OECD investors' positions in the ASEAN
    members (a restricted set, to 2024) answer the headline where no all-partner dataset
    covers a year, labelled as such, in rank, standing and the investor charts."""
    from analysis import plots
    from analysis.http import HttpClient
    from analysis.pipeline import build_tables, find_inputs
    from analysis.rawstore import RawStore
    from analysis.snapshot import write
    from analysis.sources import imf_dots_xlsx, oecd_fdi

    from ..replay import Reply

    monkeypatch.setenv("ASEAN_JAPAN_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("ASEAN_JAPAN_OECD_BASE_URL", server.url + "/public/rest")
    folder = SHARED / "api_fixtures" / "oecd_sdmx"
    flows = need(folder / "DF_FDI_FLOW_CTRY_12reporters_to_ASEAN_2010-2024.csv").read_bytes()
    positions = need(folder / "DF_FDI_POS_CTRY_12reporters_to_ASEAN_2010-2024.csv").read_bytes()
    csv_type = {"Content-Type": "application/vnd.sdmx.data+csv; charset=utf-8"}
    for req, body in zip(
        oecd_fdi.requests_for(), (flows, positions, flows, positions), strict=True
    ):
        server.routes["/" + req.url.split("/", 3)[3]] = [Reply(200, body, csv_type)]
    oecd_fdi.fetch(
        store=RawStore("oecd_fdi"), client=HttpClient("oecd_fdi", sleep=[].append), vintage="v1"
    )
    # the build, with the 235 DOTS workbooks parsed once per session (as conftest's focus_build)
    monkeypatch.setattr(imf_dots_xlsx, "read_folder", lambda *a, **k: dots_parsed.copy())
    result = build_tables(find_inputs(), scope="focus")
    write(isolated_data / "processed", result.observations, None, result.manifest, result.extras)

    assert "oecd_fdi_mirror" in catalog.datasets("fdi")
    # Thailand 2024: no all-partner dataset has positions; the OECD's reporters answer, and
    # the answer names the large investors that set lacks (Japan reports no such table here)
    t = query.rank_table("THA", measure="fdi_inward_stock", year=2024)
    assert t.attrs["dataset"] == "oecd_fdi_mirror" and "among OECD reporters" in t.attrs["title"]
    absent = next(n for n in t.attrs["notes"] if n.startswith("Not in oecd_fdi_mirror"))
    assert "Japan (rank 1 in aseanstats_fdi 2022" in absent
    top = plots.top_investors_grid()
    assert (top.data["dataset"].astype(str) == "oecd_fdi_mirror").any()
    assert any("OECD FDI (investors) (restricted set)" in ax.get_title() for ax in top.axes)
    korea = query.standing("KOR", ("latest",), measure="fdi_inward_stock", basis=None, variant=None)
    assert korea.columns[-1] == "2024 (latest)" and korea.iloc[:, -1].str.endswith("*").any()
    # `diff` ranks a vintage with the build's settings: the rankings the snapshot has
    from analysis.vintages import _read

    _, ranked = _read("oecd_fdi", "v1", None)
    built = query.rankings()
    built = built[built["dataset"].astype(str).str.startswith("oecd_fdi")]
    assert set(ranked["variant"].astype(str)) == set(built["variant"].astype(str))
    assert "countries" not in set(ranked["variant"].astype(str))
    key = ["dataset", "measure", "variant", "basis", "country", "year", "partner", "rank"]

    def rows(r: pd.DataFrame) -> pd.DataFrame:  # every ranking row of the vintage, as text
        return r[key].astype(str).sort_values(key).reset_index(drop=True)

    pd.testing.assert_frame_equal(rows(ranked), rows(built))  # the snapshot's ranks, each one
    import matplotlib.pyplot as plt

    plt.close("all")


def test_a_named_variant_is_never_replaced_by_another() -> None:
    """--variant countries for Thailand 2023: no all-partner ranking that year, so an error
    naming the restricted set that has one, never its ranking in place of the one asked for;
    with --partner, the years of the named variant only, and a note on the others."""
    p = run_cli("rank", "THA", "--variant", "countries", "--year", "2023")
    message = " ".join(p.stderr.split())
    assert p.returncode == 1 and "(variant countries)" in message
    assert "baci_major_partners (2010-2024, among 13 major partners)" in message
    p = run_cli("rank", "THA", "--year", "2023")  # not named: the headline's restricted set
    assert p.returncode == 0 and "among 13 major partners" in p.stdout.splitlines()[0]
    p = run_cli("rank", "JPN", "--variant", "blocs", "--partner", "ASEAN", "--years", "2019-2024")
    assert p.returncode == 0, p.stderr
    rows = [ln.split()[0] for ln in p.stdout.splitlines()[2:] if ln.strip()[:1].isdigit()]
    assert rows == ["2019", "2020"]
    note = " ".join(p.stdout.split())
    assert "the headline also ranks ASEAN in 2021-2024 in another reading (japan_mof_trade" in note
