"""CEPII BACI pair sums (ASEAN-10 x 13 major partners) on the real file: layout, one reconciled
observation per flow, the rules for sides and codes, bad inputs, and a real ranking that stays in
the variant ``major_partners``."""

from __future__ import annotations

import csv
import shutil
from collections import defaultdict
from pathlib import Path

import pytest

from analysis.countries import ASEAN, bloc_members
from analysis.errors import SourceError
from analysis.rank import RankSettings, rank
from analysis.sources.baci_major_partners import FLAG, NAME, SOURCE
from analysis.sources.spec import raw_files

from ..conftest import SHARED, need

FOLDER = SHARED / "baci_asean_major_partners"


FILE = "baci-asean-bilateral-2010-2024.csv"


GROUPS = "baci-asean-by-partner-group-2010-2024.csv"


HEADER = [
    "t",
    "i",
    "j",
    "trade_usd_thousands",
    "qty_tons",
    "i_iso3",
    "i_name",
    "j_iso3",
    "j_name",
    "direction",
]


def csv_rows(path: Path) -> list[dict]:
    """The independent reader: the csv module, no code of the parser."""
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def real() -> Path:
    return need(FOLDER / FILE)


@pytest.fixture(scope="module")
def rows(real: Path) -> list[dict]:
    return csv_rows(real)


@pytest.fixture(scope="module")
def obs(real: Path):
    raw = raw_files(SOURCE, FOLDER, label="baci_asean_major_partners")
    return SOURCE.to_observations(SOURCE.parse(raw), raw, None)


def value(o, country: str, measure: str, partner: str, year: int) -> float:
    sel = o[
        (o["country"] == country)
        & (o["measure"] == measure)
        & (o["partner"] == partner)
        & (o["year"] == year)
    ]
    assert len(sel) == 1, (country, measure, partner, year, len(sel))
    return float(sel["value_usd_m"].iat[0])


def flow(rows: list[dict], exporter: str, importer: str, year: int) -> float:
    """US$ million from the raw csv (thousands / 1000)."""
    hits = [
        r
        for r in rows
        if r["i_iso3"] == exporter and r["j_iso3"] == importer and int(r["t"]) == year
    ]
    assert len(hits) == 1
    return float(hits[0]["trade_usd_thousands"]) / 1000


# ---- layout ---------------------------------------------------------------------------------
def test_layout_of_the_real_file(real: Path, rows: list[dict]) -> None:
    with open(real, newline="", encoding="utf-8") as fh:
        assert next(csv.reader(fh)) == HEADER
    asean = bloc_members()[ASEAN]
    members = {r["i_iso3"] for r in rows} & asean
    partners = ({r["i_iso3"] for r in rows} | {r["j_iso3"] for r in rows}) - asean
    assert members == asean
    assert len(partners) == 13 and "JPN" in partners and partners.isdisjoint(asean)
    years = {int(r["t"]) for r in rows}
    assert years == set(range(2010, 2025))
    assert len(rows) == len(members) * len(partners) * len(years) * 2
    assert SOURCE.files_in(FOLDER) == [real]  # the partner-group file is not an input


# ---- values and the rules -------------------------------------------------------------------
def test_cells_read_independently_equal_the_observations(obs, rows: list[dict]) -> None:
    # exports of Viet Nam to Japan: the row VNM -> JPN; imports from Japan: the row JPN -> VNM
    assert value(obs, "VNM", "exports", "JPN", 2024) == pytest.approx(
        flow(rows, "VNM", "JPN", 2024), rel=1e-12
    )
    assert value(obs, "VNM", "imports", "JPN", 2024) == pytest.approx(
        flow(rows, "JPN", "VNM", 2024), rel=1e-12
    )
    assert value(obs, "THA", "imports", "CHN", 2010) == pytest.approx(
        flow(rows, "CHN", "THA", 2010), rel=1e-12
    )


def test_one_reconciled_observation_per_flow_no_mirror_rows(obs, rows: list[dict]) -> None:
    """Rule: BACI gives one value per direction, so one observation per raw row, from the
    ASEAN member's side, basis reported with flag 'reconciled'; partners are never countries."""
    assert len(obs) == len(rows)
    assert set(obs["basis"].astype(str)) == {"reported"}
    assert set(obs["flag"].astype(str)) == {FLAG}
    assert set(obs["country"].astype(str)) == set(bloc_members()[ASEAN])
    assert "WLD" not in set(obs["partner"].astype(str))  # the file has no World total
    assert not obs.duplicated(["measure", "country", "partner", "year"]).any()
    assert set(obs["source_ref"].astype(str)) == {f"baci_asean_major_partners/{FILE}"}


def test_units_agree_with_the_partner_group_file(obs) -> None:
    """Rule: US$ thousand / 1000. The group file's own millions column (the third party's
    division) agrees; its EU is the 8 members of the extract, and it has no all-partner total."""
    groups = csv_rows(need(FOLDER / GROUPS))
    assert {r["partner_group"] for r in groups} == {"CHN", "EU", "GBR", "JPN", "KOR", "USA"}
    eu8 = {"BEL", "DEU", "ESP", "FRA", "ITA", "NLD", "POL", "SWE"}
    sums: dict[tuple, float] = defaultdict(float)
    for r in obs.itertuples(index=False):
        g = "EU" if r.partner in eu8 else str(r.partner)
        sums[(int(r.year), str(r.country), g, str(r.measure))] += r.value_usd_m
    for r in groups:
        measure = "exports" if r["direction"] == "asean_to_partner" else "imports"
        key = (int(r["t"]), r["asean_country"], r["partner_group"], measure)
        assert sums[key] == pytest.approx(float(r["trade_usd_millions"]), rel=1e-9, abs=1e-9)


def test_shares_are_of_the_13_partners(obs) -> None:
    """No World total: a member's shares over its 13 partners sum to 1."""
    ranked = rank(obs, RankSettings(restricted=((NAME, "major_partners"),)))
    t = ranked[(ranked["measure"] == "trade") & (ranked["basis"] == "reported")]
    sums = t.groupby(["country", "year"], observed=True)["share"].sum()
    assert sums.to_numpy() == pytest.approx(1.0)
    assert set(t["n_partners"]) == {13}


def test_japan_china_us_for_viet_nam_2024_ranked_among_13_only(obs, rows: list[dict]) -> None:
    trade = {
        p: flow(rows, "VNM", p, 2024) + flow(rows, p, "VNM", 2024)
        for p in {r["j_iso3"] for r in rows if r["i_iso3"] == "VNM"}
    }
    assert len(trade) == 13
    order = sorted(trade, key=lambda p: -trade[p])
    ranked = rank(
        obs, RankSettings(frozenset({"JPN", "VNM"}), restricted=((NAME, "major_partners"),))
    )
    assert set(ranked["variant"].astype(str)) == {"major_partners"}  # never countries or blocs
    v = ranked[
        (ranked["country"] == "VNM")
        & (ranked["year"] == 2024)
        & (ranked["measure"] == "trade")
        & (ranked["basis"] == "reported")
    ].set_index("partner")
    for p in ("JPN", "CHN", "USA"):
        assert int(v.loc[p, "rank"]) == order.index(p) + 1
        assert v.loc[p, "value_usd_m"] == pytest.approx(trade[p], rel=1e-12)
    assert v.loc["CHN", "rank"] < v.loc["USA", "rank"] < v.loc["JPN", "rank"]
    assert set(ranked["country"].astype(str)) == {"VNM"}  # Japan is no economy of this file


# ---- bad input (copies of the real file, mutated) -------------------------------------------
def mutated(tmp_path: Path, real: Path, edit) -> Path:
    lines = real.read_text(encoding="utf-8").splitlines(keepends=True)
    (tmp_path / FILE).write_text("".join(edit(lines)), encoding="utf-8")
    return tmp_path


def parse_folder(folder: Path):
    return SOURCE.parse(raw_files(SOURCE, folder))


def replace_in_row(lines: list[str], n: int, old: str, new: str) -> list[str]:
    assert old in lines[n]
    lines[n] = lines[n].replace(old, new, 1)
    return lines


def find_line(lines: list[str], *parts: str) -> int:
    return next(k for k, ln in enumerate(lines) if all(p in ln for p in parts))


BAD = {
    "renamed column": lambda ls: replace_in_row(ls, 0, "trade_usd_thousands", "value_usd"),
    "header only": lambda ls: ls[:1],
    "text cell": lambda ls: replace_in_row(ls, 5, ls[5].split(",")[3], "n/a"),
    "blank cell": lambda ls: replace_in_row(ls, 5, "," + ls[5].split(",")[3] + ",", ",,"),
    "negative cell": lambda ls: replace_in_row(ls, 5, "," + ls[5].split(",")[3], ",-1"),
    "unknown name": lambda ls: replace_in_row(
        ls, find_line(ls, ",JPN,Japan,"), ",JPN,Japan,", ",JPN,Atlantis,"
    ),
    "name disagrees with code": lambda ls: replace_in_row(
        ls, find_line(ls, ",JPN,Japan,"), ",JPN,Japan,", ",KOR,Japan,"
    ),
    "direction flipped": lambda ls: replace_in_row(
        ls, find_line(ls, "asean_to_partner"), "asean_to_partner", "partner_to_asean"
    ),
    "intra-ASEAN row": lambda ls: replace_in_row(
        ls, find_line(ls, ",JPN,Japan,", "asean_to_partner"), ",JPN,Japan,", ",THA,Thailand,"
    ),
    "flow listed twice": lambda ls: ls + [ls[1]],
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_raises_naming_the_file(case: str, tmp_path: Path, real: Path) -> None:
    folder = mutated(tmp_path, real, BAD[case])
    with pytest.raises(SourceError) as exc:
        parse_folder(folder)
    assert FILE in str(exc.value)
    assert exc.value.source == NAME


def test_unknown_name_is_listed(tmp_path: Path, real: Path) -> None:
    with pytest.raises(SourceError, match="Atlantis"):
        parse_folder(mutated(tmp_path, real, BAD["unknown name"]))


def test_missing_file_raises(tmp_path: Path, real: Path) -> None:
    shutil.copy(FOLDER / GROUPS, tmp_path / GROUPS)  # the other file alone is not enough
    with pytest.raises(SourceError, match="baci-asean-bilateral"):
        parse_folder(tmp_path)
    from analysis.sources.baci_major_partners import read_file

    with pytest.raises(SourceError, match=FILE):
        read_file(tmp_path / FILE)


def test_unchanged_copy_parses_like_the_real_file(tmp_path: Path, real: Path, obs) -> None:
    """The mutations above start from a copy that parses (guards the harness itself)."""
    raw = raw_files(SOURCE, mutated(tmp_path, real, lambda ls: ls), label="x")
    assert len(SOURCE.to_observations(SOURCE.parse(raw), raw, None)) == len(obs)
