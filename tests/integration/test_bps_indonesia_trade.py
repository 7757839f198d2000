"""BPS "Neraca Perdagangan beberapa Negara" (Indonesia's trade by partner) on the real scrape.

Layout, independent readers (the json module on the raw file; the csv module on the third
party's DERIVED long form), the year-column rule checked on the real file and against the IMF
DOTS figures of the committed snapshot, bad input on mutated copies, and a real ranking.
"""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import pytest

from analysis.errors import SourceError
from analysis.paths import PROJECT_ROOT
from analysis.schema import RESTRICTED_VARIANTS
from analysis.sources import REGISTRY, bps_indonesia_trade

from ..conftest import need
from ..unit.test_bps_indonesia_trade import FILE, FOLDER, NAME, _build

DERIVED = "DERIVED_neraca_perdagangan_beberapa_negara_long.csv"


SNAPSHOT = PROJECT_ROOT / "data" / "processed" / "observations.csv.gz"


FLOW = {"Ekspor": "exports", "Impor": "imports"}


# loose tolerance for BPS vs the IMF's own-reported Indonesia figures (observed within 1%)
TOLERANCE = 0.05


@pytest.fixture(scope="module")
def obs():
    return _build()


@pytest.fixture(scope="module")
def table() -> dict:
    """The table, read with the json module alone (independent of the parser)."""
    doc = json.loads(need(FOLDER / FILE).read_text(encoding="utf-8"))
    hits = [t for t in doc["data"] if t["judul_tabel"].startswith("Neraca Perdagangan beberapa")]
    assert len(hits) == 1
    return hits[0]


@pytest.fixture(scope="module")
def derived() -> dict[tuple[str, str, int], str]:
    """The third party's long form, read with the csv module: (name, flow, year) -> text."""
    with open(need(FOLDER / DERIVED), newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["partner_bps_name", "flow", "year", "value_as_scraped"]
    return {(r["partner_bps_name"], r["flow"], int(r["year"])): r["value_as_scraped"] for r in rows}


@pytest.fixture(scope="module")
def imf() -> dict[tuple[str, str, str, int], float]:
    """The IMF DOTS own-reported figures of the committed snapshot (csv module):
    (country, measure, partner, year) -> US$ million."""
    out = {}
    with gzip.open(need(SNAPSHOT), "rt", newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["dataset"] == "imf_dots_xlsx" and r["basis"] != "mirror":
                key = (r["country"], r["measure"], r["partner"], int(r["year"]))
                out[key] = float(r["value_usd_m"])
    return out


def _names() -> dict[str, str]:
    with open(need(FOLDER / FILE), encoding="utf-8") as fh:
        labels = {
            r["Negara_Neraca_Export_Import"]
            for t in json.load(fh)["data"]
            if t["judul_tabel"].startswith("Neraca Perdagangan beberapa")
            for r in t["data_tables"]
        }
    return bps_indonesia_trade.resolve(labels, "test")


def test_layout_of_the_real_table(table: dict) -> None:
    rows = table["data_tables"]
    assert len(rows) == 38  # 37 partners and Indonesia itself
    assert all(
        set(r) == {"judul_tabel", bps_indonesia_trade.LABEL_KEY, bps_indonesia_trade.VALUES_KEY}
        for r in rows
    )
    assert "(Juta_US$)" in bps_indonesia_trade.VALUES_KEY  # the unit: US$ million
    years = set()
    for r in rows:
        v = r[bps_indonesia_trade.VALUES_KEY]
        assert set(v) == {"Ekspor", "Impor", "Neraca_Perdagangan"}
        assert set(v["Ekspor"]) == set(v["Impor"]) == set(v["Neraca_Perdagangan"])
        years |= {int(y) for y in v["Ekspor"]}
    assert years == set(range(2000, 2015)) | set(range(2018, 2023))


def test_every_name_resolves_and_only_indonesia_is_not_a_partner(obs) -> None:
    codes = _names()
    assert len(codes) == 38 and len(set(codes.values())) == 38
    assert "TWN" not in codes.values()
    assert set(obs["partner"].astype(str)) == set(codes.values()) - {"IDN"}
    assert set(obs["country"].astype(str)) == {"IDN"}
    assert set(obs["basis"].astype(str)) == {"reported"}
    assert "WLD" not in set(obs["partner"].astype(str))


def test_declaration_matches_the_data(obs) -> None:
    (d,) = REGISTRY[NAME].datasets
    assert d.variant == "major_partners" and d.variant in RESTRICTED_VARIANTS
    assert d.partners == f"{obs['partner'].nunique()} partners (no Taiwan)"
    assert set(obs["measure"].astype(str)) == {"exports", "imports"}


def test_every_observation_equals_the_raw_json_and_the_derived_csv(obs, table, derived) -> None:
    code_of = _names()
    label_of = {c: n for n, c in code_of.items()}
    raw = {
        (r["Negara_Neraca_Export_Import"], flow, int(y)): v
        for r in table["data_tables"]
        for flow in FLOW
        for y, v in r[bps_indonesia_trade.VALUES_KEY][flow].items()
    }
    measure_flow = {m: f for f, m in FLOW.items()}
    for r in obs.itertuples():
        key = (label_of[str(r.partner)], measure_flow[str(r.measure)], int(r.year))
        assert raw[key] == r.value_usd_m
        assert float(derived[key]) == r.value_usd_m
    # one cell spelled out: Indonesia's exports to Japan, 2022
    jp = obs[(obs["partner"] == "JPN") & (obs["measure"] == "exports") & (obs["year"] == 2022)]
    assert jp["value_usd_m"].tolist() == [float(derived[("Jepang", "Ekspor", 2022)])]
    # every non-empty cell of the kept years is an observation (gaps stay gaps)
    kept = {k for k, v in derived.items() if k[2] in set(obs["year"]) and v and k[0] != "Indonesia"}
    kept = {k for k in kept if k[1] in FLOW}
    assert len(kept) == len(obs)


def test_year_rule_on_the_real_file(obs, table) -> None:
    """Rule: a year column is Indonesia's bilateral trade only where Indonesia's own row reads
    exports = 0; elsewhere it is refused."""
    parsed = bps_indonesia_trade.read(FOLDER / FILE)
    years = bps_indonesia_trade.bilateral_years(parsed, _names(), "real file")
    assert years == sorted(set(obs["year"].astype(int)))
    (own,) = [r for r in table["data_tables"] if r["Negara_Neraca_Export_Import"] == "Indonesia"]
    exports = own[bps_indonesia_trade.VALUES_KEY]["Ekspor"]
    refused = {int(y) for y in exports} - set(years)
    assert years and refused
    assert all(exports[str(y)] == 0 for y in years)
    assert all(exports[str(y)] > 0 for y in refused)
    assert min(refused) < max(refused) < min(years)  # the older page was the world-totals one


def test_refused_columns_are_the_partners_world_totals_by_the_imf(obs, imf) -> None:
    """Check of the rule against the IMF: in refused columns a row equals the partner's own
    trade with the world (the IMF's WLD row of that partner), not its trade with Indonesia."""
    parsed = bps_indonesia_trade.read(FOLDER / FILE)
    codes = _names()
    kept = set(obs["year"].astype(int))
    world, bilateral = [], []
    for r in parsed.itertuples():
        code = codes[r.partner_label]
        if r.year in kept:
            continue
        if (code, r.measure, "WLD", r.year) in imf:
            world.append(r.value_usd_m / imf[(code, r.measure, "WLD", r.year)])
        if code != "IDN" and ("IDN", r.measure, code, r.year) in imf:
            bilateral.append(r.value_usd_m / imf[("IDN", r.measure, code, r.year)])
    assert len(world) > 100 and len(bilateral) > 100
    near = sum(abs(x - 1) <= 0.1 for x in world) / len(world)
    assert near >= 0.9  # nine in ten within 10% of the partner's world total
    assert sorted(bilateral)[len(bilateral) // 2] > 10  # typically >10x its trade with Indonesia


def test_kept_years_agree_with_the_imf_for_japan_china_us(obs, imf) -> None:
    """BPS vs the IMF DOTS own-reported Indonesia figures, 2018-2020 (the IMF file ends 2020):
    each ratio within TOLERANCE of 1."""
    ratios = {}
    for r in obs[obs["partner"].isin(["JPN", "CHN", "USA"])].itertuples():
        key = ("IDN", str(r.measure), str(r.partner), int(r.year))
        if key in imf:
            ratios[key] = r.value_usd_m / imf[key]
    assert {k[3] for k in ratios} == {2018, 2019, 2020}
    assert len(ratios) == 3 * 2 * 3
    bad = {k: round(v, 4) for k, v in ratios.items() if abs(v - 1) > TOLERANCE}
    assert not bad, bad


def test_japan_rank_for_indonesia_2022_against_the_derived_csv(obs, derived) -> None:
    from analysis.rank import RankSettings, rank

    ranked = rank(obs, RankSettings(frozenset({"IDN"}), restricted=((NAME, "major_partners"),)))
    assert set(ranked["variant"].astype(str)) == {"major_partners"}
    sel = ranked[
        (ranked["measure"] == "trade")
        & (ranked["basis"] == "reported")
        & (ranked["year"] == 2022)
        & (ranked["country"] == "IDN")
    ]
    total = {}
    for (name, flow, year), v in derived.items():
        if year == 2022 and flow in FLOW and name != "Indonesia" and v:
            total[name] = total.get(name, 0.0) + float(v)
    order = sorted(total, key=total.get, reverse=True)
    jp = sel[sel["partner"] == "JPN"]
    assert int(jp["rank"].iloc[0]) == order.index("Jepang") + 1 == 2
    assert int(jp["n_partners"].iloc[0]) == len(total) == 37
    assert jp["value_usd_m"].iloc[0] == pytest.approx(total["Jepang"])


# --- bad input, on copies of the real file ---------------------------------------------------
def _mutated(tmp_path: Path, change) -> Path:
    folder = tmp_path / "bps"
    folder.mkdir()
    doc = json.loads(need(FOLDER / FILE).read_text(encoding="utf-8"))
    (t,) = [x for x in doc["data"] if x["judul_tabel"].startswith("Neraca Perdagangan beberapa")]
    change(t)
    (folder / FILE).write_text(json.dumps(doc), encoding="utf-8")
    return folder


def _row(t: dict, name: str) -> dict:
    return next(r for r in t["data_tables"] if r["Negara_Neraca_Export_Import"] == name)


def _rename_key(t: dict) -> None:
    r = _row(t, "Jepang")
    r["Nilai_(Juta_US$)"] = r.pop(bps_indonesia_trade.VALUES_KEY)


def _unknown_label(t: dict) -> None:
    _row(t, "Jepang")["Negara_Neraca_Export_Import"] = "Negeri Antah Berantah"


def _text_cell(t: dict) -> None:
    _row(t, "Jepang")[bps_indonesia_trade.VALUES_KEY]["Impor"]["2021"] = "14.644,3"


def _no_indonesia(t: dict) -> None:
    t["data_tables"] = [
        r for r in t["data_tables"] if r["Negara_Neraca_Export_Import"] != "Indonesia"
    ]


def _no_table(t: dict) -> None:
    t["judul_tabel"] = "Neraca Perdagangan Indonesia"


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (_rename_key, "lacks"),
        (_unknown_label, "Negeri Antah Berantah"),
        (_text_cell, "'14.644,3' is not a number"),
        (_no_indonesia, "no row for Indonesia itself"),
        (_no_table, "0 tables titled"),
    ],
)
def test_bad_input_raises_naming_the_file(tmp_path: Path, change, words: str) -> None:
    folder = _mutated(tmp_path, change)
    with pytest.raises(SourceError) as err:
        _build(folder)
    assert words in str(err.value)
    assert str(folder / FILE) in str(err.value)


def test_a_column_whose_indonesia_row_shows_exports_is_refused(tmp_path: Path) -> None:
    """The rule on a mutated copy of the real file: give Indonesia's own row positive exports in
    2022 (as in a world-totals column) and 2022 is refused for every partner."""

    def exports_to_itself(t: dict) -> None:
        own = _row(t, "Indonesia")[bps_indonesia_trade.VALUES_KEY]
        own["Ekspor"]["2022"] = own["Ekspor"]["2014"]

    out = _build(_mutated(tmp_path, exports_to_itself))
    assert sorted(set(out["year"].astype(int))) == [2018, 2019, 2020, 2021]
