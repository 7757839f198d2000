"""IMF trade CSVs from the data portal (and the legacy data.imf.org layout), dropped into data/raw.

Real files: ``../shared/data/api_fixtures/imf_portal_csv/`` (format samples: 54 African
reporters' exports to World 2022-2024 in the portal layout; G7 x G7, February 2024, in the legacy
layout). The build reads them as a user's own copy in ``data/raw/imf_portal_csv/``.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from analysis.errors import SourceError
from analysis.sources import imf_portal_csv
from analysis.sources.imf_portal_csv import DOLLARS_PROOF, parse_legacy

from ..conftest import SHARED, need

FOLDER = SHARED / "api_fixtures" / "imf_portal_csv"


PORTAL = "ONE_africa_exports_2022_2024_imf_raw.csv"


LEGACY = "legacy_dataimf_DOTS_G7_2024M2.csv"


EXPORTS = "Exports of goods, Free on board (FOB), US dollar"


def _rows(path: Path) -> list[list[str]]:
    """The independent reader: the csv module, nothing of the parser."""
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def _dicts(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _write(path: Path, rows: list[list[str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return path


def _own_copy(data: Path, *names: str) -> Path:
    own = data / "raw" / "imf_portal_csv"
    own.mkdir(parents=True, exist_ok=True)
    for n in names:
        shutil.copy(need(FOLDER / n), own / n)
    return own


def _inputs():
    from analysis.pipeline import find_inputs

    return [r for r in find_inputs() if r.source == "imf_portal_csv"]


def _build(scope: str = "world"):
    from analysis.pipeline import build_tables

    return build_tables(_inputs(), scope=scope)


# --- layouts ------------------------------------------------------------------------------
def test_portal_layout_of_the_recorded_file() -> None:
    rows = _rows(need(FOLDER / PORTAL))
    header = rows[0]
    assert len(header) == 40 and header[:7] == [
        "COUNTRY",
        "INDICATOR",
        "COUNTERPART_COUNTRY",
        "FREQUENCY",
        "TIME_PERIOD",
        "OBS_VALUE",
        "SCALE",
    ]
    assert set(imf_portal_csv.PORTAL_COLUMNS) <= set(header)
    recs = _dicts(FOLDER / PORTAL)
    assert len(recs) == 162 and {len(r) for r in rows} == {40}
    assert {r["INDICATOR"] for r in recs} == {EXPORTS}
    assert {r["FREQUENCY"] for r in recs} == {"Annual"}
    assert {r["COUNTERPART_COUNTRY"] for r in recs} == {"World"}


def test_legacy_layout_of_the_recorded_file() -> None:
    rows = _rows(need(FOLDER / LEGACY))
    assert rows[0] == [*imf_portal_csv.LEGACY_COLUMNS, "2024M2", ""]
    assert {r[6] for r in rows[1:]} == {"Value", "Status"}
    assert {r[3] for r in rows[1:]} == set(imf_portal_csv.LEGACY_INDICATORS) | set(
        imf_portal_csv.LEGACY_SKIPPED
    )


def test_numeric_code_mapping_agrees_with_the_recorded_names() -> None:
    """Every row of data/imf_numeric_codes.csv against the legacy file's own Country Name and
    Counterpart Country Name columns: the code is in the file, under the name the row states,
    and that name resolves (pycountry / imf_names.csv) to the row's ISO3; and every code of the
    file is in the mapping."""
    from analysis.countries import resolve_imf_names
    from analysis.paths import PACKAGE_DATA

    rows = _rows(need(FOLDER / LEGACY))[1:]
    names: dict[str, set[str]] = {}
    for r in rows:
        names.setdefault(r[1], set()).add(r[0])
        names.setdefault(r[5], set()).add(r[4])
    mapping = _dicts(PACKAGE_DATA / "imf_numeric_codes.csv")
    assert {m["imf_code"] for m in mapping} == set(names)  # only, and all, the file's codes
    resolved = resolve_imf_names({m["imf_name"] for m in mapping}, "test", "mapping")
    for m in mapping:
        assert names[m["imf_code"]] == {m["imf_name"]}, m
        assert m["kind"] == "country" and resolved[m["imf_name"]].code == m["code"], m
    assert {m["imf_code"]: m["code"] for m in mapping}["158"] == "JPN"


# --- the build reads a user's own copy ----------------------------------------------------
def test_build_reads_the_portal_csv_dropped_into_data_raw(isolated_data: Path) -> None:
    own = _own_copy(isolated_data, PORTAL)
    inputs = _inputs()
    assert len(inputs) == 1 and inputs[0].origin == "own copy" and inputs[0].folder == own
    result = _build("world")
    obs = result.observations
    assert set(obs["dataset"]) == {"imf_portal_csv"}
    assert result.manifest["datasets"]["imf_portal_csv"]["first_year"] == 2022
    assert result.manifest["datasets"]["imf_portal_csv"]["last_year"] == 2024
    # Mauritius' 2024 exports to World: the file's OBS_VALUE (read by csv) / 1e6
    cell = next(
        r
        for r in _dicts(FOLDER / PORTAL)
        if r["COUNTRY"] == "Mauritius" and r["TIME_PERIOD"] == "2024"
    )
    mus = obs[(obs["country"] == "MUS") & (obs["year"] == 2024)]
    assert len(mus) == 1
    row = mus.iloc[0]
    assert (row["partner"], row["measure"], row["basis"]) == ("WLD", "exports", "reported")
    assert row["value_usd_m"] == float(cell["OBS_VALUE"]) / 1e6
    assert row["source_ref"] == f"data/raw/imf_portal_csv/{PORTAL}"
    # every row of the file, once (the IMF long names resolved: Egypt, Ethiopia, ...)
    assert len(obs) == 162 and obs["country"].nunique() == 54
    assert {"EGY", "ETH", "STP", "COD", "COG"} <= set(obs["country"])
    # World is the denominator, never a ranked partner: nothing to rank in this sample
    assert result.rankings[result.rankings["dataset"] == "imf_portal_csv"].empty


def test_estimate_status_becomes_basis_estimate(isolated_data: Path) -> None:
    rows = _rows(need(FOLDER / PORTAL))
    status = rows[0].index("STATUS")
    i = next(i for i, r in enumerate(rows) if r[0] == "Mauritius" and r[4] == "2023")
    rows[i][status] = "e"
    _write(isolated_data / "raw" / "imf_portal_csv" / PORTAL, rows)
    obs = _build("world").observations
    mus = obs[obs["country"] == "MUS"].set_index("year")
    assert mus.loc[2023, "basis"] == "estimate" and mus.loc[2023, "flag"] == "e"
    assert mus.loc[2024, "basis"] == "reported"


# --- the unit rule ------------------------------------------------------------------------
def test_unit_rule_on_the_recorded_files() -> None:
    """OBS_VALUE is in US dollars although SCALE says Millions: every recorded file has a value
    above 1e8 (impossible in US$ million), so the rule reads both as dollars."""
    recs = _dicts(need(FOLDER / PORTAL))
    assert {r["SCALE"] for r in recs} == {"Millions"}
    assert max(float(r["OBS_VALUE"]) for r in recs) > DOLLARS_PROOF
    legacy = [r for r in _rows(need(FOLDER / LEGACY))[1:] if r[6] == "Value" and r[7]]
    assert max(abs(float(r[7])) for r in legacy) > DOLLARS_PROOF


def test_a_file_in_millions_is_refused_not_scaled(isolated_data: Path) -> None:
    """The same file with OBS_VALUE in millions (as a future download might be): refused."""
    rows = _rows(need(FOLDER / PORTAL))
    value = rows[0].index("OBS_VALUE")
    for r in rows[1:]:
        r[value] = repr(float(r[value]) / 1e6)
    _write(isolated_data / "raw" / "imf_portal_csv" / PORTAL, rows)
    with pytest.raises(SourceError, match="cannot tell the unit") as err:
        _build()
    assert PORTAL in str(err.value)


def test_another_scale_is_refused(isolated_data: Path) -> None:
    rows = _rows(need(FOLDER / PORTAL))
    scale = rows[0].index("SCALE")
    rows[5][scale] = "Units"
    _write(isolated_data / "raw" / "imf_portal_csv" / PORTAL, rows)
    with pytest.raises(SourceError, match="SCALE") as err:
        _build()
    assert PORTAL in str(err.value)


# --- years from months (legacy layout) ----------------------------------------------------
def test_the_recorded_legacy_file_yields_no_annual_rows() -> None:
    frame, periods = parse_legacy(_rows(need(FOLDER / LEGACY)), LEGACY)
    assert periods == ["2024M2"] and frame.empty


def test_the_build_explains_a_file_without_a_complete_year(isolated_data: Path) -> None:
    _own_copy(isolated_data, LEGACY)
    with pytest.raises(SourceError, match="no annual value") as err:
        _build()
    text = str(err.value)
    assert LEGACY in text and "2024M2" in text and "12 complete monthly columns" in text


def test_legacy_annual_column_and_ranking(isolated_data: Path) -> None:
    """The recorded legacy file with its period header relabelled ``2024`` (the numbers are
    February's; the copy exercises the annual-column path and the ranking on real numbers):
    Germany's export partners ranked by rank.rank in the order of the raw values."""
    from analysis.rank import rank

    rows = _rows(need(FOLDER / LEGACY))
    rows[0][7] = "2024"
    _write(isolated_data / "raw" / "imf_portal_csv" / LEGACY, rows)
    obs = _build("world").observations
    raw = {
        r[5]: float(r[7])
        for r in rows[1:]
        if r[1] == "134" and r[3] == "TXG_FOB_USD" and r[6] == "Value" and r[7]
    }
    codes = {"111": "USA", "112": "GBR", "132": "FRA", "136": "ITA", "156": "CAN", "158": "JPN"}
    deu = obs[(obs["country"] == "DEU") & (obs["measure"] == "exports")]
    deu = deu[deu["basis"] == "reported"].set_index("partner")["value_usd_m"]
    assert {c: deu[codes[c]] for c in raw} == {c: v / 1e6 for c, v in raw.items()}
    # mirror: Japan's imports from Germany are Germany's exports to Japan by Japan's report
    jpn = obs[(obs["country"] == "DEU") & (obs["partner"] == "JPN") & (obs["basis"] == "mirror")]
    jpn_imp = next(
        float(r[7])
        for r in rows[1:]
        if r[1] == "158" and r[3] == "TMG_CIF_USD" and r[5] == "134" and r[6] == "Value"
    )
    assert jpn[jpn["measure"] == "exports"]["value_usd_m"].tolist() == [jpn_imp / 1e6]
    ranks = rank(obs)
    r = ranks[
        (ranks["country"] == "DEU")
        & (ranks["measure"] == "exports")
        & (ranks["variant"] == "countries")
        & (ranks["basis"] == "reported")
        & (ranks["year"] == 2024)
    ]
    expected = [codes[c] for c, _ in sorted(raw.items(), key=lambda kv: -kv[1])]
    assert r.sort_values("rank")["partner"].tolist() == expected
    assert r.set_index("partner").loc["JPN", "rank"] == expected.index("JPN") + 1


# --- bad input ----------------------------------------------------------------------------
def _mutated(data: Path, name: str, change) -> None:
    rows = _rows(need(FOLDER / name))
    change(rows)
    _write(data / "raw" / "imf_portal_csv" / name, rows)


def _refused(name: str, match: str) -> None:
    with pytest.raises(SourceError, match=match) as err:
        _build()
    assert name in str(err.value), str(err.value)


def test_a_renamed_column_is_refused(isolated_data: Path) -> None:
    _mutated(isolated_data, PORTAL, lambda rows: rows[0].__setitem__(5, "VALUE"))
    _refused(PORTAL, "OBS_VALUE")


def test_a_changed_first_header_is_an_unknown_layout(isolated_data: Path) -> None:
    _mutated(isolated_data, PORTAL, lambda rows: rows[0].__setitem__(0, "REPORTER"))
    _refused(PORTAL, "unknown layout")


def test_an_unknown_indicator_is_refused_listing_it(isolated_data: Path) -> None:
    other = "Imports of goods, Free on board (FOB), US dollar"
    _mutated(isolated_data, PORTAL, lambda rows: rows[3].__setitem__(1, other))
    _refused(PORTAL, "Free on board \\(FOB\\), US dollar'")


def test_a_non_numeric_value_is_refused(isolated_data: Path) -> None:
    _mutated(isolated_data, PORTAL, lambda rows: rows[4].__setitem__(5, "1.2 bn"))
    _refused(PORTAL, "row 5, OBS_VALUE: '1.2 bn' is not a number")


def test_an_unknown_country_name_is_refused(isolated_data: Path) -> None:
    _mutated(isolated_data, PORTAL, lambda rows: rows[2].__setitem__(0, "Mauritius, Republic of"))
    _refused(PORTAL, "Mauritius, Republic of")


def test_a_monthly_row_is_refused(isolated_data: Path) -> None:
    _mutated(isolated_data, PORTAL, lambda rows: rows[2].__setitem__(3, "Monthly"))
    _refused(PORTAL, "FREQUENCY \\['Monthly'\\]")


def test_empty_and_header_only_files_are_refused(isolated_data: Path) -> None:
    own = isolated_data / "raw" / "imf_portal_csv"
    own.mkdir(parents=True)
    (own / PORTAL).write_bytes(b"")
    _refused(PORTAL, "empty")
    _mutated(isolated_data, PORTAL, lambda rows: rows.__delitem__(slice(1, None)))
    _refused(PORTAL, "no data rows")
    _mutated(isolated_data, PORTAL, lambda rows: [r.__setitem__(5, "") for r in rows[1:]])
    _refused(PORTAL, "every OBS_VALUE is blank")


def test_two_files_disagreeing_on_one_value_are_refused(isolated_data: Path) -> None:
    _own_copy(isolated_data, PORTAL)
    rows = _rows(FOLDER / PORTAL)
    rows = [rows[0], rows[1]]
    rows[1][5] = repr(float(rows[1][5]) + 1.0)
    _write(isolated_data / "raw" / "imf_portal_csv" / "second.csv", rows)
    _refused("second.csv", "given twice with different values")


def test_an_agreeing_second_download_is_read_once(isolated_data: Path) -> None:
    _own_copy(isolated_data, PORTAL)
    rows = _rows(FOLDER / PORTAL)
    _write(isolated_data / "raw" / "imf_portal_csv" / "again.csv", rows[:4])
    obs = _build().observations
    assert len(obs) == 162 and not obs.duplicated(["country", "partner", "year"]).any()


def test_legacy_unknown_code_and_indicator_are_refused(isolated_data: Path) -> None:
    def code(rows):
        for r in rows[1:]:
            if r[1] == "158":
                r[1] = "999"

    def relabel(row: int, header: str) -> None:
        def change(rows):
            rows[0][7] = "2024"
            rows[row][3] = header

        return change

    _mutated(isolated_data, LEGACY, lambda rows: (code(rows), rows[0].__setitem__(7, "2024")))
    _refused(LEGACY, "'999'")
    _mutated(isolated_data, LEGACY, relabel(1, "TXG_FOB_XDC"))
    _refused(LEGACY, "TXG_FOB_XDC")


def test_legacy_changed_header_and_bad_period_are_refused(isolated_data: Path) -> None:
    _mutated(isolated_data, LEGACY, lambda rows: rows[0].__setitem__(6, "Attr"))
    _refused(LEGACY, "changed layout")
    _mutated(isolated_data, LEGACY, lambda rows: rows[0].__setitem__(7, "2024Q1"))
    _refused(LEGACY, "2024Q1")
    _mutated(
        isolated_data,
        LEGACY,
        lambda rows: (rows[0].__setitem__(7, "2024"), rows[1].__setitem__(7, "n/a")),
    )
    _refused(LEGACY, "'n/a' is not a number")
