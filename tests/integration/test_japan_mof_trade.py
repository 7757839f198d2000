"""Japan's MOF trade statistics with major partners and areas: layout, complete calendar years
read by an independent reader (the csv module) and checked against the figures NOTES.md
quotes, the traps (regions that hold other partners, the partial 2025, years before the ECB
rates), bad input naming the file, and the question it answers: ASEAN among Japan's partners
after 2020."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest

from analysis import query
from analysis.errors import SourceError
from analysis.sources import japan_mof_trade as mof
from analysis.sources.spec import raw_files

from ..conftest import SHARED, need

FOLDER = SHARED / "japan_mof_trade_major_partners"


@pytest.fixture(scope="module")
def parsed():
    raw = raw_files(mof.SOURCE, need(FOLDER))
    return raw, mof.parse(raw)


def _year_total(name: str, year: int) -> float:
    """Column 2 of a file summed over a year's twelve months, trillion yen (csv module)."""
    with open(need(FOLDER / name), newline="", encoding="utf-8") as fh:
        cells = [r[1] for r in csv.reader(fh) if r and r[0].startswith(f"{year}/")]
    assert len(cells) == 12
    return sum(float(c) for c in cells) / 1e9  # thousand yen -> trillion yen


def test_layout_partners_and_regions(parsed) -> None:
    raw, d = parsed
    assert len(raw.files) == 18  # the world and eight partners or areas, exports and imports
    assert set(d["partner"]) == {"WLD", "USA", "EU", "CHN", "KOR", "ASEAN", "RUS"}  # no Asia
    assert set(d["measure"]) == {"exports", "imports"}
    assert (d["year"].min(), d["year"].max()) == (1988, 2024)  # 2025 is a partial year


@pytest.mark.parametrize(
    "name,year,trillion_yen",
    [
        ("d51ma.csv", 2023, 100.8730),  # exports to the world (MOF: 100.8866 announced)
        ("d52ma001.csv", 2023, 20.2602),  # to the US
        ("d52ma002.csv", 2023, 10.3743),  # to the EU
        ("d61ma.csv", 2023, 110.3951),  # imports from the world
        ("d51ma.csv", 2024, 107.09),
        ("d61ma.csv", 2024, 112.56),
        ("d52ma004.csv", 2024, 18.86),  # exports to China
        ("d52ma006.csv", 2024, 15.35),  # to ASEAN
        ("d62ma004.csv", 2024, 25.31),  # imports from China
        ("d62ma006.csv", 2024, 17.64),  # from ASEAN
    ],
)
def test_year_totals_match_notes(parsed, name: str, year: int, trillion_yen: float) -> None:
    _, d = parsed
    digits = len(str(trillion_yen).split(".")[1])
    assert round(_year_total(name, year), digits) == trillion_yen
    row = d[(d["file"] == name) & (d["year"] == year)]
    assert round(row["value_jpy_k"].iat[0] / 1e9, digits) == trillion_yen


def test_observations_in_us_dollars_from_1999_with_world_shares() -> None:
    """Converted at the ECB's annual mean rates, for the years they cover (1999 on); the world
    total is published, so shares are of Japan's trade with the world: China's share of
    Japan's 2019 exports 19.08% (NOTES.md: 19.09% in the IMF's table)."""
    obs = query.observations()
    o = obs[obs["dataset"] == "japan_mof_trade"]
    assert int(o["year"].min()) == 1999 and int(o["year"].max()) == 2024
    r = query.rankings()
    exports = r[
        (r["dataset"] == "japan_mof_trade") & (r["measure"] == "exports") & (r["year"] == 2019)
    ]
    china = exports[exports["partner"] == "CHN"]["share"].iat[0]
    assert round(100 * china, 2) == 19.08


def test_asean_among_japans_partners_after_2020() -> None:
    """ASEAN was Japan's 2nd partner in 2021-2022 and 3rd in 2023-2024, behind China and the
    US, among MOF's listed partners; the IMF's table answers to 2020."""
    t = query.partner_series("JPN", "ASEAN", years=(2019, 2024))
    ranks = dict(zip(t["year"], t["rank"], strict=True))
    assert ranks == {2019: "3", 2020: "2", 2021: "2", 2022: "2", 2023: "3", 2024: "3"}
    assert set(t.loc[t["year"] > 2020, "dataset"]) == {"japan_mof_trade"}
    assert (t.loc[t["year"] > 2020, "among"] == "among MOF's listed partners").all()
    top = query.rank_table("JPN", year=2024, top=3)
    assert list(top["partner"]) == ["CHN", "USA", "ASEAN"]
    absent = next(n for n in top.attrs["notes"] if n.startswith("Not in japan_mof_trade"))
    assert "Taiwan" in absent and "Thailand" not in absent  # Thailand is inside MOF's ASEAN


def _copy(tmp_path: Path) -> Path:
    shutil.copy(need(FOLDER / "d51ma.csv"), tmp_path)
    return tmp_path


@pytest.mark.parametrize(
    "name,edit,message",
    [
        ("d52ma099.csv", None, "unknown MOF area code '099'"),
        ("d52ma001.csv", lambda t: t.replace("(Export)", "(Import)", 1), "'(Export)' on line 2"),
        ("d52ma001.csv", lambda t: t.replace("2023/05,", "2023/05,12x", 1), "month 2023/05"),
        ("d52ma001.csv", lambda t: "<html><body>Service unavailable</body></html>", "line 2"),
    ],
)  # fmt: skip
def test_bad_files_name_the_file(tmp_path: Path, name: str, edit, message: str) -> None:
    text = need(FOLDER / "d52ma001.csv").read_text(encoding="utf-8")
    (_copy(tmp_path) / name).write_text(edit(text) if edit else text, encoding="utf-8")
    with pytest.raises(SourceError, match=re.escape(message)) as err:
        mof.parse(raw_files(mof.SOURCE, tmp_path))
    assert name in str(err.value)
