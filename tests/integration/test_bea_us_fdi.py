"""BEA's U.S. direct investment abroad in each ASEAN member (``bea_us_fdi``): the real file,
read by rule. Values are checked with an independent reader (the csv module, never the
module's parser) and against the figures NOTES.md gives; the traps ((D), (*), Burma, negative
Myanmar positions, the workbook vintage); never ranked; bad input naming the file (damaged
copies in ``tmp_path``); and the chart of Japan vs the US as each reports it."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from analysis import headline, query, snapshot
from analysis.errors import SourceError
from analysis.schema import MAX_ABS_VALUE
from analysis.sources import REGISTRY
from analysis.sources import bea_us_fdi as bea
from analysis.sources.spec import raw_files

from ..conftest import SHARED, need

FOLDER = SHARED / "bea_us_outward_fdi_asean"
FILE = "bea-usdia-asean-2010-2024-detailedcountry.csv"
ISO3 = {  # BEA's names as NOTES.md lists them, the rest plain English
    "Brunei": "BRN",
    "Burma": "MMR",
    "Cambodia": "KHM",
    "Indonesia": "IDN",
    "Laos": "LAO",
    "Malaysia": "MYS",
    "Philippines": "PHL",
    "Singapore": "SGP",
    "Thailand": "THA",
    "Vietnam": "VNM",
}
MEASURE = {"Position": "fdi_inward_stock", "Financial transactions": "fdi_inflow"}


@pytest.fixture(scope="module")
def raw():
    return raw_files(bea.SOURCE, need(FOLDER), "bea_us_outward_fdi_asean", origin="recorded")


@pytest.fixture(scope="module")
def parsed(raw) -> pd.DataFrame:
    return bea.parse(raw)


@pytest.fixture(scope="module")
def obs(raw, parsed) -> pd.DataFrame:
    return bea.to_observations(parsed, raw, None)


@pytest.fixture(scope="module")
def cells() -> list[dict[str, str]]:
    """Every row of the file, read with the csv module alone."""
    with open(need(FOLDER / FILE), newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _value(obs: pd.DataFrame, host: str, year: int, measure: str) -> float:
    row = obs[(obs["country"] == host) & (obs["year"] == year) & (obs["measure"] == measure)]
    assert len(row) == 1, (host, year, measure, len(row))
    return float(row["value_usd_m"].iat[0])


def _csv(cells, name: str, year: int, metric: str) -> str:
    hit = [
        c
        for c in cells
        if c["country"] == name and int(c["year"]) == year and c["metric"] == metric
    ]
    assert len(hit) == 1
    return hit[0]["value"]


# ---- layout ------------------------------------------------------------------------------


def test_layout(raw, parsed, cells) -> None:
    """One file, 300 rows (NOTES.md: 10 countries x 15 years x 2 metrics), 2010-2024."""
    assert [p.name for p in raw.files] == [FILE]
    assert len(parsed) == len(cells) == 300
    assert set(parsed["host"]) == set(ISO3.values())
    assert (parsed["year"].min(), parsed["year"].max()) == (2010, 2024)
    assert set(parsed["metric"]) == set(MEASURE)
    markers = {m: sum(c["value"] == m for c in cells) for m in ("(D)", "(*)")}
    assert parsed["marker"].value_counts().to_dict() == {
        "": 300 - sum(markers.values()),
        **markers,
    }


# ---- values: NOTES.md and an independent reader ------------------------------------------


def test_values_from_notes(obs) -> None:
    """NOTES.md's sample and checks: Singapore 2010 102,778 and 2024 467,591; Viet Nam 2024
    4,369; Singapore 2023 financial transactions 48,973; Indonesia 2010 10,558."""
    assert _value(obs, "SGP", 2010, "fdi_inward_stock") == 102778
    assert _value(obs, "SGP", 2024, "fdi_inward_stock") == 467591
    assert _value(obs, "VNM", 2024, "fdi_inward_stock") == 4369
    assert _value(obs, "SGP", 2023, "fdi_inflow") == 48973
    assert _value(obs, "IDN", 2010, "fdi_inward_stock") == 10558


def test_2010_positions_equal_unctads(obs) -> None:
    """NOTES.md: the 2010 positions equal UNCTAD's BEA-sourced matrix (all identical); and
    where the snapshot holds UNCTAD's investor-reported (mirror) rows of the US (Brunei, Viet
    Nam), BEA's 2010 and 2011 values equal them (2011: Viet Nam 964, Brunei 99)."""
    unctad = {
        "SGP": 102778,
        "IDN": 10558,
        "THA": 12999,
        "MYS": 11791,
        "PHL": 5399,
        "VNM": 799,
        "KHM": 30,
        "BRN": 103,
    }
    assert {h: _value(obs, h, 2010, "fdi_inward_stock") for h in unctad} == unctad
    assert _value(obs, "VNM", 2011, "fdi_inward_stock") == 964
    assert _value(obs, "BRN", 2011, "fdi_inward_stock") == 99
    assert _value(obs, "SGP", 2011, "fdi_inward_stock") == 119395  # UNCTAD's: an earlier release
    snap = query.observations()
    u = snap[
        (snap["dataset"] == "unctad_bilateral_fdi")
        & (snap["measure"] == "fdi_inward_stock")
        & (snap["partner"] == "USA")
        & (snap["basis"] == "mirror")
        & snap["country"].isin(["BRN", "VNM"])
        & snap["year"].isin([2010, 2011])
    ]
    assert len(u) == 4
    for r in u.itertuples(index=False):
        assert _value(obs, str(r.country), int(r.year), "fdi_inward_stock") == r.value_usd_m


def test_every_number_equals_the_csv_reader(obs, cells) -> None:
    """Every numeric cell, read with the csv module, is one observation of the same value,
    from the host's side, partner USA, basis mirror (the investor's report)."""
    numbers = [c for c in cells if c["value"] not in ("(D)", "(*)")]
    assert len(obs) == len(numbers)
    for c in numbers:
        got = _value(obs, ISO3[c["country"]], int(c["year"]), MEASURE[c["metric"]])
        assert got == float(c["value"]), c
    assert set(obs["partner"]) == {"USA"} and set(obs["basis"]) == {"mirror"}


# ---- the traps ---------------------------------------------------------------------------


def test_markers_are_gaps_not_zeros(raw, parsed, obs, cells) -> None:
    """(D) and (*) give no observation (never a zero) and are recorded in gaps.csv, one row per
    run of years, the marker first in the reason: Burma 2018 position (D), NOTES.md's sample."""
    assert _csv(cells, "Burma", 2018, "Position") == "(D)"
    assert obs[(obs["country"] == "MMR") & (obs["year"] == 2018)].empty
    gaps = bea.gaps(parsed, raw, None)
    for c in cells:
        if c["value"] not in ("(D)", "(*)"):
            continue
        host, year = ISO3[c["country"]], int(c["year"])
        assert obs[
            (obs["country"] == host)
            & (obs["year"] == year)
            & (obs["measure"] == MEASURE[c["metric"]])
        ].empty
        words = bea.METRIC_WORDS[c["metric"]]
        hit = gaps[
            (gaps["country"] == host)
            & (gaps["first_year"] <= year)
            & (gaps["last_year"] >= year)
            & gaps["reason"].str.startswith(f"{c['value']} {words}")
            & gaps["reason"].str.contains(f"workbook {c['file']}", regex=False)
        ]
        assert len(hit) == 1, c
    assert set(gaps["partner"]) == {"USA"} and set(gaps["dataset"]) == {bea.NAME}
    committed = pd.read_csv(Path(query.__file__).parents[2] / "data/processed/gaps.csv")
    mine = committed[committed["dataset"] == bea.NAME].reset_index(drop=True)
    assert len(mine) == len(gaps)
    assert set(mine["reason"]) == set(gaps["reason"])


def test_burma_is_myanmar_with_negative_positions(obs, cells) -> None:
    """``Burma`` is Myanmar (data/partner_names.csv); its small negative positions 2020-2024 are
    kept as BEA publishes them (NOTES.md: end-2022, -6)."""
    assert "Burma" in {c["country"] for c in cells}
    assert _value(obs, "MMR", 2022, "fdi_inward_stock") == -6
    for year in range(2020, 2025):
        assert _value(obs, "MMR", year, "fdi_inward_stock") == float(
            _csv(cells, "Burma", year, "Position")
        )
        assert _value(obs, "MMR", year, "fdi_inward_stock") < 0


def test_the_workbook_travels_as_the_flag(obs, cells) -> None:
    """Each value carries the BEA workbook it comes from (``file``): 2010-2019 the older one,
    2020-2024 the newer, so a series spanning 2019-2020 can say it may break there."""
    for c in cells:
        if c["value"] in ("(D)", "(*)"):
            continue
        row = obs[
            (obs["country"] == ISO3[c["country"]])
            & (obs["year"] == int(c["year"]))
            & (obs["measure"] == MEASURE[c["metric"]])
        ]
        assert row["flag"].iat[0] == "v" + c["file"]
    old = obs[obs["flag"] == "v2009-2019"]["year"]
    new = obs[obs["flag"] == "v2020-2024"]["year"]
    assert old.max() == 2019 and new.min() == 2020


# ---- never ranked, never with host-reported FDI ------------------------------------------


def test_never_ranked() -> None:
    """Declared never ranked: the snapshot ranks nothing from it, the headline never answers
    from it (Laos 2023, Brunei 2024: only BEA has a US figure, and nothing answers), and
    ``rank --dataset`` says why."""
    from analysis.query import rank_table
    from analysis.rank import RankSettings

    assert bea.NAME in RankSettings.from_manifest(snapshot.read_manifest()).unranked
    r = query.rankings()
    assert not (r["dataset"] == bea.NAME).any()
    assert headline.answering(r, "LAO", 2023, "fdi_inward_stock") is None
    assert headline.answering(r, "BRN", 2024, "fdi_inward_stock") is None
    with pytest.raises(ValueError, match="never ranked"):
        rank_table("SGP", dataset=bea.NAME)


def test_host_reported_figures_differ_and_stay_apart() -> None:
    """NOTES.md, end-2022: host-reported stocks from the US (ASEANstats) vs BEA's: Malaysia
    22,953 vs 25,477, Thailand 19,644 vs 16,670, Indonesia 28,254 vs 13,311, Singapore 484,000
    vs 361,065, Myanmar 171 vs -6. The host's ranking is ASEANstats' alone."""
    snap = query.observations()
    pairs = {
        "MYS": (22953, 25477),
        "THA": (19644, 16670),
        "IDN": (28254, 13311),
        "SGP": (484000, 361065),
        "MMR": (171, -6),
    }
    for host, (hosts, beas) in pairs.items():
        d = snap[
            (snap["country"] == host)
            & (snap["partner"] == "USA")
            & (snap["year"] == 2022)
            & (snap["measure"] == "fdi_inward_stock")
        ]
        got = dict(zip(d["dataset"].astype(str), d["value_usd_m"], strict=True))
        assert round(got["aseanstats_fdi"]) == hosts and got[bea.NAME] == beas
    t = query.rank_table("IDN", measure="fdi_inward_stock", year=2022)
    assert t.attrs["dataset"] == "aseanstats_fdi" and bea.NAME not in " ".join(t.attrs["notes"])


# ---- bad input names the file ------------------------------------------------------------


def _damaged(tmp_path: Path, edit) -> Path:
    text = need(FOLDER / FILE).read_text(encoding="utf-8")
    folder = tmp_path / "bea"
    folder.mkdir()
    (folder / FILE).write_text(edit(text), encoding="utf-8")
    return folder


FIRST = "Indonesia,2010,Position,10558,2009-2019"  # NOTES.md's first sample row


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t.replace("metric,value", "measure,value", 1), "expected the header"),
        (lambda t: t.replace(FIRST, FIRST.replace("Indonesia", "Atlantis")), "Atlantis"),
        (lambda t: t.replace(FIRST, FIRST.replace("Indonesia", "Japan")), "not an ASEAN member"),
        (lambda t: t.replace(FIRST, FIRST.replace("10558", "n/a")), "neither a number"),
        (lambda t: t.replace(FIRST, FIRST.replace("10558", "inf")), "neither a number"),
        (lambda t: t.replace(FIRST, FIRST.replace("Position", "Income")), "unknown metric"),
        (lambda t: t.replace(FIRST, FIRST.replace("2009-2019", "2020-2024")), "not a year of"),
        (lambda t: t.replace(FIRST, FIRST.replace(",2010,", ",10558,")), "not a year of"),
        (lambda t: t.replace(FIRST, FIRST + ",extra"), "fields"),
        (lambda t: t + FIRST + "\n", "given 2 times"),
        (
            lambda t: t.replace(FIRST, FIRST.replace("10558", str(int(MAX_ABS_VALUE * 10)))),
            "larger than any FDI figure",
        ),
        (lambda t: t.splitlines()[0] + "\n", "no data rows"),
    ],
    ids=[
        "changed-column",
        "unknown-country",
        "not-a-member",
        "non-numeric",
        "non-finite",
        "unknown-metric",
        "year-outside-its-workbook",
        "impossible-year",
        "extra-field",
        "duplicate-row",
        "impossible-value",
        "header-only",
    ],
)
def test_bad_input_names_the_file(tmp_path: Path, edit, message: str) -> None:
    folder = _damaged(tmp_path, edit)
    with pytest.raises(SourceError, match="bea_us_fdi") as err:
        bea.parse(raw_files(bea.SOURCE, folder))
    text = str(err.value)
    assert message in text and FILE in text, text


def test_oversized_or_missing_file(tmp_path: Path) -> None:
    """A file above the size cap is refused before it is read; an empty folder names itself."""
    text = need(FOLDER / FILE).read_text(encoding="utf-8")
    folder = _damaged(tmp_path, lambda t: t * (bea.MAX_BYTES // len(text.encode()) + 1))
    with pytest.raises(SourceError, match="larger than") as err:
        bea.parse(raw_files(bea.SOURCE, folder))
    assert FILE in str(err.value)
    empty = tmp_path / "none"
    empty.mkdir()
    with pytest.raises(SourceError, match="no file matching") as err:
        bea.parse(raw_files(bea.SOURCE, empty))
    assert str(empty) in str(err.value)


# ---- the chart ---------------------------------------------------------------------------


def test_chart_japan_vs_the_us_as_each_reports_it() -> None:
    """Chosen through the declarations (never ranked; the same principle for Japan's line: the
    Bank of Japan, not JETRO): one panel per member, Japan's outward positions beside the US's
    own, suppressed years left out (gaps, not zeros), the source named, the vintage break drawn
    where a panel's series spans it."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from analysis.plots.fdi import investor_reports, investors_as_each_reports

    japan, others = investor_reports()
    assert others == [bea.NAME] and REGISTRY["boj_japan_fdi"].datasets[0].name == japan
    fig = investors_as_each_reports()
    try:
        data = fig.data
        assert set(data["dataset"]) == {japan, bea.NAME}
        us = data[data["dataset"] == bea.NAME]
        assert set(us["measure"]) == {"fdi_inward_stock"}
        assert us[(us["country"] == "MMR") & (us["year"] == 2018)].empty  # (D): a gap
        assert us[(us["country"] == "LAO") & (us["year"] >= 2014)].empty  # (*), (D): gaps
        assert len(fig.axes) == 10
        assert "as each reports it" in fig._suptitle.get_text()
        footer = " ".join(t.get_text() for t in fig.texts)
        assert "BEA" in footer and "Bank of Japan" in footer  # the declared labels
        assert "v2009-2019 | v2020-2024" in footer
        assert max(int(t) for t in fig.axes[0].get_xticks()) == 2024
    finally:
        plt.close(fig)
