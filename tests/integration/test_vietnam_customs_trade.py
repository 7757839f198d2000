"""Viet Nam Customs' monthly tables by country/territory: the PDFs read with PDFium equal, row
for row, the text extract made with another reader (``DERIVED_country_totals.csv``, from
poppler's pdftotext), the figures NOTES.md checks against published ones, the traps (a name
wrapped over lines, an empty month, partial years never ranked), bad input naming the file,
and the question it answers: Viet Nam's partners after 2022."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest

from analysis import query
from analysis.errors import SourceError
from analysis.sources import vietnam_customs_trade as vc
from analysis.sources.spec import raw_files

from ..conftest import need
from ..unit.test_vietnam_customs_trade import FOLDER

DATASET = "vietnam_customs_trade"


@pytest.fixture(scope="module")
def parsed():
    raw = raw_files(vc.SOURCE, need(FOLDER))
    return raw, vc.parse(raw)


def _derived() -> list[dict[str, str]]:
    with open(need(FOLDER / "DERIVED_country_totals.csv"), newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _usd(text: str) -> float | None:
    return float(text) if text else None


def test_every_country_row_equals_the_independent_extract(parsed) -> None:
    """806 rows of ten tables: name, month value (blank where the month had none) and
    cumulated value, exactly; the ISO3 the extract's author mapped equals ours."""
    _, d = parsed
    ours = {
        (r.file, r.country_vi): (
            None if r.value_month_usd != r.value_month_usd else r.value_month_usd,
            r.value_cumulative_usd,
        )
        for r in d.itertuples()
    }
    theirs = {
        (r["source_file"], r["country_vi"]): (
            _usd(r["value_month_usd"]),
            _usd(r["value_cumulative_usd"]),
        )
        for r in _derived()
    }
    assert len(theirs) == 806 and ours == theirs
    codes = {r["country_vi"]: r["iso3"] for r in _derived()}
    assert {n: vc.names()[n] for n in codes} == codes
    # the traps: a name over two lines (its values on a third), months with no trade
    assert "TIỂU VƯƠNG QUỐC ARẬP THỐNG NHẤT" in set(d["country_vi"])
    assert d["value_month_usd"].isna().sum() == sum(
        1 for r in _derived() if not r["value_month_usd"]
    )


def test_layout_forms_months_and_print_dates(parsed) -> None:
    raw, d = parsed
    assert len(raw.files) == 10  # the derived CSV and NOTES.md are not tables
    per_file = d.groupby("file").agg(
        form=("form", "first"), month=("report_month", "first"), n=("country_vi", "size")
    )
    for name, row in per_file.iterrows():
        flow = re.search(r"5([xn])", name.lower()).group(1)
        assert row["form"] == {"x": "020.T/BCB-TC", "n": "021.T/BCB-TC"}[flow]
        assert row["month"] == int(re.search(r"-t(\d+)-", name.lower()).group(1))
        assert 76 <= row["n"] <= 85  # NOTES.md: 76-85 countries per table
    assert (d["printed"] > "2023-10").all()


@pytest.mark.parametrize(
    "file,country,column,usd",
    [
        ("2023-T9-5X(VN-SB).pdf", "HOA KỲ", "value_month_usd", 8_110_446_181),
        ("2023-T9-5X(VN-SB).pdf", "HOA KỲ", "value_cumulative_usd", 70_234_292_212),
        ("2023-T9-5N(VN-SB).pdf", "HOA KỲ", "value_cumulative_usd", 10_265_553_845),
        ("2024-t12-5x(vn-sb).pdf", "HOA KỲ", "value_month_usd", 10_531_112_526),
        ("2024-t12-5x(vn-sb).pdf", "NHẬT BẢN", "value_cumulative_usd", 24_608_485_558),
    ],
)
def test_values_quoted_in_notes(parsed, file: str, country: str, column: str, usd: int) -> None:
    """The Government portal's September 2023 figures (US$8.11 bn, 70.23 bn, 10.26 bn) and
    the sample lines NOTES.md prints."""
    _, d = parsed
    row = d[(d["file"] == file) & (d["country_vi"] == country)]
    assert row[column].iat[0] == usd


def test_full_years_only_preliminary_in_us_dollar_millions() -> None:
    """December tables give 2023-2025; September 2023 and January-July 2026 are never a year;
    GSO's year-end figures: exports to the US 97.02 bn (2023) and 119.50 bn (2024), imports
    from China about 110.6 bn and 144.02 bn."""
    obs = query.observations()
    o = obs[obs["dataset"] == DATASET]
    assert sorted(o["year"].unique()) == [2023, 2024, 2025]
    assert set(o["country"]) == {"VNM"} and set(o["flag"]) == {"preliminary"}
    value = o.set_index(["measure", "partner", "year"])["value_usd_m"]
    assert round(value["exports", "USA", 2023] / 1e3, 2) == 97.02
    assert round(value["exports", "USA", 2024] / 1e3, 2) == 119.50
    # NOTES.md writes 110.65: the table holds 110,644.6 m, GSO's release "about US$110.6 bn"
    assert round(value["imports", "CHN", 2023] / 1e3, 1) == 110.6
    assert round(value["imports", "CHN", 2024] / 1e3, 2) == 144.02


def test_japan_ranks_as_notes_gives_them() -> None:
    """Japan 4th export market 2023-2025; 3rd import source in 2023, 4th in 2024-2025; no
    share (no national total is printed)."""
    r = query.rankings()
    jp = r[(r["dataset"] == DATASET) & (r["partner"] == "JPN")]
    ranks = {(m, y): int(k) for m, y, k in zip(jp["measure"], jp["year"], jp["rank"], strict=True)}
    assert [ranks["exports", y] for y in (2023, 2024, 2025)] == [4, 4, 4]
    assert [ranks["imports", y] for y in (2023, 2024, 2025)] == [3, 4, 4]
    assert jp["share"].isna().all()


def test_headline_answers_viet_nam_2023_2025_from_customs() -> None:
    """Viet Nam's own statistics answer before the 13-partner mirror table; no 2026 row."""
    t = query.partner_series("VNM", "JPN", years=(2021, 2026))
    by_year = dict(zip(t["year"], t["dataset"], strict=True))
    assert {y: by_year[y] for y in (2023, 2024, 2025)} == dict.fromkeys((2023, 2024, 2025), DATASET)
    assert 2026 not in by_year
    top = query.rank_table("VNM", year=2024, top=5)
    assert list(top["partner"]) == ["CHN", "USA", "KOR", "JPN", "TWN"]
    assert any("every value shown" in n for n in top.attrs["notes"])


def test_bad_files_name_the_file(tmp_path: Path) -> None:
    html = tmp_path / "2024-t12-5x(vn-sb).pdf"
    html.write_text("<html><body>Service unavailable</body></html>", encoding="utf-8")
    with pytest.raises(SourceError, match="not a readable PDF") as err:
        vc.parse(raw_files(vc.SOURCE, tmp_path))
    assert html.name in str(err.value)
    cut = need(FOLDER / "2024-t12-5n(vn-sb).pdf").read_bytes()
    html.write_bytes(cut[: len(cut) // 3])  # a download cut short
    with pytest.raises(SourceError, match=re.escape(html.name)):
        vc.parse(raw_files(vc.SOURCE, tmp_path))
    with open(html, "wb") as fh:  # oversized: refused before it is opened
        fh.truncate(vc.MAX_BYTES + 1)
    with pytest.raises(SourceError, match="larger than"):
        vc.parse(raw_files(vc.SOURCE, tmp_path))


def test_one_table_per_flow_and_month(tmp_path: Path) -> None:
    shutil.copy(need(FOLDER / "2025-t12-5x(vn-sb).pdf"), tmp_path / "a.pdf")
    shutil.copy(need(FOLDER / "2025-t12-5x(vn-sb).pdf"), tmp_path / "b.pdf")
    with pytest.raises(SourceError, match="two tables for the same flow and month: a.pdf, b.pdf"):
        vc.parse(raw_files(vc.SOURCE, tmp_path))


def test_unknown_country_names_the_mapping_file(parsed) -> None:
    raw, d = parsed
    d = d.copy()
    d.loc[d["country_vi"] == "NHẬT BẢN", "country_vi"] = "NHẬT BẢN MỚI"
    with pytest.raises(SourceError, match=r"NHẬT BẢN MỚI.*vietnam_customs_names\.csv"):
        vc.to_observations(d, raw)
