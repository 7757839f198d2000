"""Steer the charts without editing code: one function that draws an economy's partners for a
dimension, dataset and span, and a widget panel (ipywidgets) that calls it.

``draw`` is what the widgets, the notebooks' parameter cells and the tests call, so the same
chart comes out headless and in Jupyter. Choices default to the headline series (each year
from the dataset the headline rule picks); a chosen dataset is read in its own variant and basis.
"""

from __future__ import annotations

from matplotlib.figure import Figure

from . import catalog, query
from .countries import ASEAN, FOCUS, short_name
from .errors import ValidationError
from .schema import DIMENSION_MEASURES

MEASURES = DIMENSION_MEASURES  # each dimension's measure (the member's point of view)


def datasets_for(country: str, dimension: str) -> list[str]:
    """Datasets of the snapshot that rank ``country`` on a measure of the dimension (each is
    drawn at its own, ``measure_for``), newest first."""
    r = query.rankings()
    rows = r.loc[r["country"] == country, "dataset"]
    have = set(rows.drop_duplicates().astype(str))  # distinct values first, then as text
    return [n for n in catalog.datasets(dimension) if n in have]


def measure_for(country: str, dimension: str, dataset: str | None) -> str:
    """The measure drawn: the dimension's, or a chosen dataset's own where it has not that one
    for ``country`` (GSO's registered capital is no inward position)."""
    measure = MEASURES[dimension]
    if dataset is None:
        return measure
    r = query.rankings()
    rows = r.loc[(r["dataset"] == dataset).to_numpy() & (r["country"] == country).to_numpy()]
    have = set(rows["measure"].drop_duplicates().astype(str))
    return measure if measure in have or not have else query.default_measure(country, dataset)


def draw(
    country: str = "VNM",
    dimension: str = "trade",
    dataset: str | None = None,
    years: tuple[int, int] = (1990, 2025),
    n: int = 5,
) -> Figure:
    """``country``'s top ``n`` partners over ``years`` on the dimension's headline measure
    (Japan in red). ``dataset`` None: the headline series (``headline.py``: each year from
    the dataset the headline rule picks, ranks among a restricted partner set shaded)."""
    from . import plots

    if dimension not in MEASURES:
        raise ValidationError(f"unknown dimension {dimension!r}; choose from {sorted(MEASURES)}")
    measure = measure_for(country, dimension, dataset)
    if dataset is None:  # the headline series: each year from the dataset the rule picks
        if not datasets_for(country, dimension):
            raise ValidationError(
                f"the snapshot ranks no {dimension} partner of {short_name(country)}"
            )
        variant, basis = ("blocs" if country == ASEAN else None), None
    else:
        variant, basis = query.dataset_defaults(country, measure, dataset, None, None)
        if country == ASEAN and variant == "countries":
            variant = "blocs"
    title = f"{short_name(country)}'s top {n} {catalog.top_words(measure)}" + (
        f", {dataset}" if dataset else " (headline series)"
    )
    fig = plots.bump_chart(
        country,
        n=n,
        measure=measure,
        basis=basis,
        variant=variant,
        start=years[0],
        dataset=dataset,
        title=title,
    )
    ax = fig.axes[0]
    left, right = ax.get_xlim()
    ax.set_xlim(left, min(right, years[1] + 0.5))
    return fig


def notes(
    country: str, dimension: str, dataset: str | None = None, years: tuple[int, int] = (1990, 2025)
) -> list[str]:
    """What ``rank`` says about the last year the chart draws: which dataset answered and
    why, what the other datasets say, the caveats. The explorer prints it under the chart,
    so the chart and the command line say the same; and every recorded break in a drawn
    dataset's definition that the chart's years span (``caveats.break_lines``)."""
    from .caveats import break_lines

    measure = measure_for(country, dimension, dataset)
    chart = draw(country, dimension, dataset, years)
    import matplotlib.pyplot as plt

    plt.close(chart)
    drawn = chart.data
    drawn = drawn[(drawn["year"] <= years[1]).to_numpy()]  # the chart's x axis ends there
    if drawn.empty:
        return []
    last = int(drawn["year"].max())
    table = query.rank_table(country, measure=measure, dataset=dataset, year=last, top=5)
    said = [f"{last}: {n}" if i == 0 else n for i, n in enumerate(table.attrs["notes"])]
    return said + break_lines(drawn)


def explorer(country: str = "VNM", dimension: str = "trade"):
    """Dropdowns for the economy, dimension and dataset, a year range and the number of
    partners; the chart redraws on every change (Jupyter, with ipywidgets). It opens on
    ``country`` and ``dimension`` (each notebook passes its own parameters)."""
    import ipywidgets as w
    import matplotlib.pyplot as plt
    from IPython.display import display

    economies = [(f"{short_name(c)} ({c})", c) for c in (*FOCUS, ASEAN)]
    start_country, start_dimension = country, dimension
    country = w.Dropdown(options=economies, value=start_country, description="economy")
    dimension = w.Dropdown(options=list(MEASURES), value=start_dimension, description="dimension")
    dataset = w.Dropdown(options=[("headline", None)], value=None, description="dataset")
    years = w.IntRangeSlider(value=(1990, 2025), min=1960, max=2025, description="years")
    top = w.IntSlider(value=5, min=3, max=10, description="top")
    out = w.Output()

    def refresh_datasets(*_):
        names = datasets_for(country.value, dimension.value)
        dataset.options = [("headline", None)] + [(n, n) for n in names]
        dataset.value = None

    def redraw(*_):
        out.clear_output(wait=True)
        with out:
            try:
                fig = draw(country.value, dimension.value, dataset.value, years.value, top.value)
                display(fig)
                plt.close(fig)
                for line in notes(country.value, dimension.value, dataset.value, years.value):
                    print(line)
            except ValidationError as exc:
                print(exc)

    for control in (country, dimension):
        control.observe(refresh_datasets, names="value")
    for control in (country, dimension, dataset, years, top):
        control.observe(redraw, names="value")
    refresh_datasets()
    redraw()
    return w.VBox([w.HBox([country, dimension, dataset]), w.HBox([years, top]), out])
