"""GSO yearbook editions of Viet Nam's registered FDI, on the real files: every ``vietnam_gso``
value names the edition it was first printed in (read again here by the csv module), the
figures NOTES.md quotes per edition, the definition break found by rule at the year the file
records it, the vintage written from the values, a caveat on answers that span the break (and
none on answers inside it), the break on the charts, and bad editions files naming the file.

Every number here is read from the real files (the editions table, the registered table,
NOTES.md); none is typed.
"""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest

from analysis import catalog, query
from analysis.breaks import find
from analysis.errors import SourceError
from analysis.sources import gso_editions
from analysis.sources import vietnam_fdi as vnm
from analysis.sources.spec import raw_files, recorded_files

from ..clirun import run_cli
from ..conftest import SHARED, need

EDITIONS = SHARED / gso_editions.FOLDER / gso_editions.FILE
NOTES = SHARED / gso_editions.FOLDER / "NOTES.md"
REGISTERED = SHARED / "vietnam_fdi" / vnm.REGISTERED


def _editions() -> dict[int, dict[str, str]]:
    """The editions table as the csv module reads it: data year -> row."""
    with open(need(EDITIONS), newline="", encoding="utf-8") as fh:
        return {int(r["data_year"]): r for r in csv.DictReader(fh)}


def _break_years() -> list[int]:
    """The years whose capital_definition differs from the year before's (csv module)."""
    rows = _editions()
    years = sorted(rows)
    return [
        y
        for a, y in zip(years, years[1:], strict=False)
        if rows[y]["capital_definition"] != rows[a]["capital_definition"]
    ]


@pytest.fixture(scope="module")
def source():
    need(EDITIONS)
    raw = recorded_files(vnm.SOURCE, need(SHARED))
    parsed = vnm.parse(raw)
    return raw, parsed, vnm.to_observations(parsed, raw, None)


def _gso(obs):
    return obs[obs["dataset"] == "vietnam_gso"]


def _edition_of(refs) -> set[str]:
    return {str(r).split("#", 1)[1] for r in refs}


def test_the_editions_file_is_an_input_of_the_source(source) -> None:
    raw, _, _ = source
    refs = [raw.ref(p) for p in raw.files]
    assert f"{gso_editions.FOLDER}/{gso_editions.FILE}" in refs
    assert f"vietnam_fdi/{vnm.REGISTERED}" in refs


def test_every_value_records_its_edition(source) -> None:
    """One value per filled cell of the registered table, each naming an edition the editions
    table lists for its year (none left unrecorded: every year 2006-2025 has its row)."""
    _, _, obs = source
    gso = _gso(obs)
    with open(need(REGISTERED), newline="", encoding="utf-8") as fh:
        filled = [r for r in csv.DictReader(fh) if r["fdi_usd_m"].strip()]
    assert len(gso) == len(filled)
    editions = _editions()
    assert all("#" in str(r) for r in gso["source_ref"])
    for year, refs in gso.groupby("year", observed=True)["source_ref"]:
        assert _edition_of(refs) == {editions[int(year)]["edition"]}, year
    assert gso_editions.NOT_RECORDED not in _edition_of(gso["source_ref"])


@pytest.mark.parametrize("pick", ["first", "break", "last"])
def test_a_years_edition_read_independently(source, pick: str) -> None:
    """The edition of a year, by the csv module, equals the module's for every value of it."""
    years = sorted(_editions())
    year = {"first": years[0], "break": _break_years()[0], "last": years[-1]}[pick]
    _, _, obs = source
    gso = _gso(obs)
    refs = gso.loc[gso["year"] == year, "source_ref"]
    assert len(refs) and _edition_of(refs) == {_editions()[year]["edition"]}


def test_figures_notes_md_quotes_come_from_their_editions(source) -> None:
    """NOTES.md's checks: Japan's and Singapore's values in the editions it quotes, and a
    year's partner sum, found in the values that name those editions."""
    text = " ".join(need(NOTES).read_text(encoding="utf-8").split())
    quoted = re.findall(
        r"edition (\d{4}) Japan ([\d,]+\.\d) \(\d+(?: projects)?\) and Singapore ([\d,]+\.\d)",
        text,
    )
    assert len(quoted) >= 3, quoted
    _, _, obs = source
    gso = _gso(obs)
    for edition, japan, singapore in quoted:
        rows = gso[gso["source_ref"].astype(str).str.endswith(f"Viet Nam {edition})")]
        got = dict(zip(rows["partner"].astype(str), rows["value_usd_m"], strict=True))
        assert set(rows["year"].astype(int)) == {int(edition)}  # edition Y holds year Y
        assert got["JPN"] == pytest.approx(float(japan.replace(",", "")))
        assert got["SGP"] == pytest.approx(float(singapore.replace(",", "")))
    year, total = re.search(r"(\d{4}) partner sum ([\d,]+\.\d)", text).groups()
    rows = gso[gso["year"] == int(year)]
    assert rows["value_usd_m"].sum() == pytest.approx(float(total.replace(",", "")))


def test_the_last_edition_has_no_checksum(source) -> None:
    """NOTES.md: sha256 blank for 2025 (no checksum in that commit), yearbook_sha256.txt lists
    editions 2006-2024; the vintage says which year has none, the edition is still recorded."""
    editions = _editions()
    unsigned = [y for y, r in editions.items() if not r["sha256"]]
    sums = need(SHARED / gso_editions.FOLDER / "yearbook_sha256.txt").read_text().split("\n")
    listed = {int(m) for m in re.findall(r"NG(\d{4})\.", "\n".join(sums))}
    assert listed == set(editions) - set(unsigned) and len(unsigned) == 1
    raw, parsed, obs = source
    assert f"no checksum: {unsigned[0]}" in vnm.vintage(raw)
    gso = _gso(obs)
    refs = gso.loc[gso["year"] == unsigned[0], "source_ref"]
    assert _edition_of(refs) == {editions[unsigned[0]]["edition"]}


def test_the_break_is_found_by_rule_where_the_file_records_it(source) -> None:
    """A break wherever capital_definition changes between consecutive years: the rule on the
    module's definitions finds the year the csv module finds, and the committed snapshot's
    manifest carries it."""
    raw, parsed, _ = source
    found = find(vnm.definitions(parsed, raw))["vietnam_gso"]
    expected = _break_years()
    assert [b["year"] for b in found] == expected and len(expected) == 1
    rows = _editions()
    words = gso_editions.definitions()
    assert found[0]["before"] == words[rows[expected[0] - 1]["capital_definition"]]
    assert found[0]["after"] == words[rows[expected[0]]["capital_definition"]]
    assert catalog.breaks("vietnam_gso") == found


def test_the_vintage_is_written_from_the_values(source) -> None:
    """Each posting month of the editions table is in the vintage, which is the committed
    manifest's, for the source's inputs and its datasets alike."""
    raw, _, _ = source
    text = vnm.vintage(raw)
    years = sorted(_editions())
    assert f"GSO yearbook editions {years[0]}-{years[-1]}" in text
    for month in {r["url_upload_year_month"] for r in _editions().values()}:
        assert f"{month}: " in text
    assert catalog.datasets()["vietnam_gso"]["vintage"] == text
    from analysis.snapshot import read_manifest

    inputs = [f for f in read_manifest()["inputs"] if f["source"] == vnm.NAME]
    assert {f["vintage"] for f in inputs} == {text}
    assert f"{gso_editions.FOLDER}/{gso_editions.FILE}" in {f["file"] for f in inputs}


# --- answers that span the break, and answers inside it --------------------------------------


def test_a_partner_series_across_the_break_says_so() -> None:
    brk = _break_years()[0]
    last = max(_editions())
    across = run_cli(
        "rank", "VNM", "--dataset", "vietnam_gso", "--partner", "JPN", "--years", f"{brk - 3}-{brk + 3}"
    )  # fmt: skip
    inside = run_cli(
        "rank", "VNM", "--dataset", "vietnam_gso", "--partner", "JPN", "--years", f"{brk}-{last}"
    )  # fmt: skip
    assert across.returncode == 0 and inside.returncode == 0, across.stderr + inside.stderr
    said = " ".join(across.stdout.split())
    assert f"span a break in its definition in {brk}" in said and "Viet Nam" in said
    assert "span a break" not in inside.stdout


def test_standing_and_overtake_across_the_break_say_so() -> None:
    brk = _break_years()[0]
    across = run_cli("standing", "JPN", "--measure", "fdi_registered", "--years", str(brk - 1))
    inside = run_cli("standing", "JPN", "--measure", "fdi_registered", "--years", str(brk))
    compared = run_cli("overtake", "KOR", "JPN", "--measure", "fdi_registered")
    for p in (across, inside, compared):
        assert p.returncode == 0, p.stderr
    assert f"in {brk}:" in " ".join(across.stdout.split())
    assert "span a break" not in inside.stdout
    assert f"span a break in its definition in {brk}" in " ".join(compared.stdout.split())


def test_the_explorer_says_it_under_a_chart_across_the_break() -> None:
    from analysis import explore

    brk = _break_years()[0]
    last = max(_editions())
    across = explore.notes("VNM", "fdi", "vietnam_gso", (brk - 3, last))
    inside = explore.notes("VNM", "fdi", "vietnam_gso", (brk, last))
    assert any(f"definition in {brk}" in n for n in across)
    assert not any("span a break" in n for n in inside)


# --- charts ----------------------------------------------------------------------------------


def _break_marks(ax) -> list[float]:
    """x of each vertical line drawn with the break's word beside it."""
    if not any(t.get_text() == "new definition" for t in ax.texts):
        return []
    return [float(line.get_xdata()[0]) for line in ax.lines if len(set(line.get_xdata())) == 1]


def test_charts_mark_the_break_from_the_snapshot() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from analysis import plots

    brk = _break_years()[0]
    first = min(_editions())
    across = plots.bump_chart(
        "VNM", measure="fdi_registered", basis=None, variant=None, dataset="vietnam_gso", start=first
    )  # fmt: skip
    inside = plots.bump_chart(
        "VNM", measure="fdi_registered", basis=None, variant=None, dataset="vietnam_gso", start=brk
    )  # fmt: skip
    grid = plots.fdi_japan_rank_grid()
    try:
        assert brk - 0.5 in _break_marks(across.axes[0])
        assert f"breaks in {brk}" in " ".join(t.get_text() for t in across.texts)
        assert _break_marks(inside.axes[0]) == []
        panels = {ax.get_title(): ax for ax in grid.axes}
        assert brk - 0.5 in _break_marks(panels["Viet Nam"])
        assert all(not _break_marks(ax) for t, ax in panels.items() if t != "Viet Nam")
    finally:
        for fig in (across, inside, grid):
            plt.close(fig)


# --- bad input -------------------------------------------------------------------------------


def _copy(tmp_path: Path, edit) -> Path:
    """The source's three tables in one folder (a user's own copy), the editions one edited."""
    for name in (vnm.REGISTERED, vnm.DIP):
        shutil.copy(need(SHARED / "vietnam_fdi" / name), tmp_path)
    text = need(EDITIONS).read_text(encoding="utf-8")
    (tmp_path / gso_editions.FILE).write_text(edit(text), encoding="utf-8")
    return tmp_path


def _line(year: int) -> str:
    return next(
        line
        for line in need(EDITIONS).read_text(encoding="utf-8").splitlines()
        if line.startswith(f"{year},")
    )


def test_a_year_without_an_edition_is_named_for_what_it_is(tmp_path: Path) -> None:
    """A year the editions table does not list: its values say 'edition not recorded', the
    vintage names it, and the rule takes no definition for it (the break is then measured
    from the last year with one, said in previous_year)."""
    brk = _break_years()[0]
    folder = _copy(tmp_path, lambda t: t.replace(_line(brk) + "\n", ""))
    raw = raw_files(vnm.SOURCE, folder)
    parsed = vnm.parse(raw)
    gso = _gso(vnm.to_observations(parsed, raw, None))
    refs = gso.loc[gso["year"] == brk, "source_ref"]
    assert len(refs) and _edition_of(refs) == {gso_editions.NOT_RECORDED}
    assert _edition_of(gso.loc[gso["year"] != brk, "source_ref"]).isdisjoint(
        {gso_editions.NOT_RECORDED}
    )
    assert f"{gso_editions.NOT_RECORDED}: {brk}" in vnm.vintage(raw)
    found = find(vnm.definitions(parsed, raw))["vietnam_gso"]
    assert [(b["previous_year"], b["year"]) for b in found] == [(brk - 1, brk + 1)]


def _rename_column(t: str) -> str:
    return t.replace("capital_definition", "definition", 1)


def _duplicate_year(t: str) -> str:
    return t + _line(_break_years()[0]) + "\n"


def _unknown_definition(t: str) -> str:
    line = _line(_break_years()[0])
    return t.replace(line, line.rsplit(",", 1)[0] + ",new only", 1)


@pytest.mark.parametrize(
    "edit,expected",
    [
        (_rename_column, "changed columns: expected"),
        (_duplicate_year, "listed twice: expected one edition per data year"),
        (_unknown_definition, "unknown capital_definition 'new only'"),
    ],
    ids=["changed column", "duplicate year", "unknown definition"],
)
def test_a_bad_editions_file_fails_naming_it(tmp_path: Path, edit, expected: str) -> None:
    """One paragraph: the source, the file, what was expected, what to do."""
    raw = raw_files(vnm.SOURCE, _copy(tmp_path, edit))
    with pytest.raises(SourceError) as err:
        vnm.parse(raw)
    text = str(err.value)
    assert text.startswith(f"[{vnm.NAME}]") and "\n" not in text
    assert str(tmp_path / gso_editions.FILE) in text and expected in text
    assert err.value.hint  # what to do, not the generic default


def test_a_missing_editions_file_names_where_it_was_expected(tmp_path: Path) -> None:
    folder = _copy(tmp_path, lambda t: t)
    (folder / gso_editions.FILE).unlink()
    with pytest.raises(SourceError, match=re.escape(gso_editions.FILE)):
        vnm.parse(raw_files(vnm.SOURCE, folder))


def test_query_reads_the_committed_edition() -> None:
    """The snapshot as committed carries the editions (the build wrote them)."""
    obs = query.observations()
    gso = obs[obs["dataset"] == "vietnam_gso"]
    editions = _editions()
    for year, refs in gso.groupby("year", observed=True)["source_ref"]:
        assert _edition_of(refs) == {editions[int(year)]["edition"]}
