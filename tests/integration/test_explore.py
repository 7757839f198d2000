"""The notebooks' explorer as a reader meets it: the dataset box says "headline series", the
year range reads whole, a chart the cell already drew is shown once, the ODA view is shaded
only where a shade applies, and titles name a restricted partner set. On the committed
snapshot (real data), headless (the widgets build without a browser)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402

from analysis import catalog, explore, headline  # noqa: E402
from analysis.plots.trade import MIRROR_SHADE, RESTRICTED_SHADE  # noqa: E402


@pytest.fixture(autouse=True)
def _closed():
    plt.close("all")
    yield
    plt.close("all")


def _controls(panel):
    (country, dimension, dataset), (years, shown, top) = (
        panel.children[0].children,
        panel.children[1].children,
    )
    return country, dimension, dataset, years, shown, top


def test_the_dataset_box_shows_the_headline_series() -> None:
    """A dropdown whose value is None shows an empty box: the headline is a value of its own,
    shown by name, and each dataset by its declared label."""
    _, _, dataset, *_ = _controls(explore.explorer("THA", "trade"))
    assert dataset.value == "" and dataset.label == "headline series"
    labels = dict((v, k) for k, v in dataset.options)
    for name in explore.datasets_for("THA", "trade"):
        assert labels[name].startswith(catalog.datasets()[name]["label"])


def test_the_year_range_reads_whole() -> None:
    """The slider's own readout is cut ("1990 - 202"): a label beside it says the range and
    follows it; the range ends at the snapshot's last year."""
    *_, years, shown, _ = _controls(explore.explorer("VNM", "trade"))
    assert years.readout is False
    assert (
        years.max == explore.last_year() == max(e["last_year"] for e in catalog.datasets().values())
    )
    assert shown.value == f"1990-{years.max}"
    years.value = (2001, 2019)
    assert shown.value == "2001-2019"


def test_a_chart_drawn_in_the_cell_is_shown_once() -> None:
    """The notebooks' last cell draws a chart, then opens the explorer on it: the explorer
    takes that chart (its years and number of partners) and shows it itself, so the inline
    backend has no open figure left to show a second time."""
    fig = explore.draw("KHM", "oda", years=(2002, 2022))
    assert plt.fignum_exists(fig.number)
    *_, years, shown, top = _controls(explore.explorer("KHM", "oda"))
    assert plt.get_fignums() == []  # nothing left for the inline backend to show again
    assert years.value == (2002, 2022) and shown.value == "2002-2022" and top.value == 5
    explore.explorer("VNM", "fdi")  # no chart drawn before: its own, shown once too
    assert plt.get_fignums() == []
    # notebook 01 draws the member's bump chart itself before the explorer: taken the same way
    from analysis import plots

    fig = plots.bump_chart("VNM", n=5, start=2000)
    *_, years, _, _ = _controls(explore.explorer("VNM", "trade"))
    assert plt.get_fignums() == [] and years.value == (2000, int(fig.data["year"].max()))


def _shades(ax, colour: str) -> set[int]:
    """The years a shade of ``colour`` covers (one axvspan per year)."""
    out = set()
    for p in ax.patches:
        if to_rgba(p.get_facecolor()) == to_rgba(colour):
            out.add(round(p.get_x() + p.get_width() / 2))
    return out


def test_the_oda_view_is_shaded_only_where_a_shade_applies() -> None:
    """Donors report ODA, so no year is shaded 'from partners' reports'; the restricted-set
    shade covers exactly the years a restricted dataset answers (DAC donors only)."""
    fig = explore.draw("KHM", "oda")
    ax = fig.axes[0]
    assert _shades(ax, MIRROR_SHADE) == set()
    drawn = fig.data
    restricted = {
        int(y)
        for y, ds, m in drawn[["year", "dataset", "measure"]].itertuples(index=False)
        if headline.restricted(str(ds), str(m))
    }
    assert restricted and _shades(ax, RESTRICTED_SHADE) == restricted
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert not any("partners' reports" in t for t in legend)


def test_titles_say_the_partner_set() -> None:
    """A chart of one restricted dataset says its set, by the declared words; so does the
    headline where only such a dataset answers (Thailand 2021-2024: 13 major partners)."""
    fig = explore.draw("VNM", "trade", "baci_major_partners")
    title = fig.axes[0].get_title()
    assert "CEPII BACI" in title and title.endswith("among 13 major partners")
    assert "baci_major_partners" not in title
    fig = explore.draw("THA", "trade", years=(2021, 2024))
    assert fig.axes[0].get_title().endswith("(headline series), among 13 major partners")
    fig = explore.draw("THA", "trade", years=(1990, 2020))
    assert "among" not in fig.axes[0].get_title()
