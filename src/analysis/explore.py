"""Steer the charts without editing code: one function that draws an economy's partners for a
dimension, dataset and span, and a widget panel (ipywidgets) that calls it.

``draw`` is what the widgets, the notebooks' parameter cells and the tests call, so the same
chart comes out headless and in Jupyter. Choices default to the headline series (each year
from the dataset the headline rule picks); a chosen dataset is read in its own variant and basis.
"""

from __future__ import annotations

from matplotlib.figure import Figure

from . import catalog, query
from .caveats import break_lines
from .countries import ASEAN, FOCUS, short_name
from .errors import ValidationError
from .schema import DIMENSION_MEASURES, dimension_of

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
    if not dataset:  # the headline series (the widget says "")
        return measure
    r = query.rankings()
    rows = r.loc[(r["dataset"] == dataset).to_numpy() & (r["country"] == country).to_numpy()]
    have = set(rows["measure"].drop_duplicates().astype(str))
    return measure if measure in have or not have else query.default_measure(country, dataset)


_LAST: dict = {}  # the figure draw() made last, with its choices: the explorer shows it once


def draw(
    country: str = "VNM",
    dimension: str = "trade",
    dataset: str | None = None,
    years: tuple[int, int] = (1990, 2025),
    n: int = 5,
) -> Figure:
    """``country``'s top ``n`` partners over ``years`` on the dimension's headline measure
    (Japan in red). ``dataset`` None: the headline series (``headline.py``: each year from
    the dataset the headline rule picks, ranks among a restricted partner set shaded). The
    title names the dataset by its label, and its partner set where that is restricted
    ("among 13 major partners")."""
    from . import headline, plots  # deferred: matplotlib.pyplot, when a chart is drawn

    if dimension not in MEASURES:
        raise ValidationError(f"unknown dimension {dimension!r}; choose from {sorted(MEASURES)}")
    dataset = dataset or None  # the widget's "" is the headline series
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
    label = catalog.datasets().get(dataset or "", {}).get("label") or dataset
    title = f"{short_name(country)}'s top {n} {catalog.top_words(measure)}" + (
        f", {label}" if dataset else " (headline series)"
    )
    fig = plots.bump_chart(
        country,
        n=n,
        measure=measure,
        basis=basis,
        variant=variant,
        start=years[0],
        end=years[1],
        dataset=dataset,
        title=title,
    )
    drawn = sorted(set(fig.data["dataset"].astype(str))) if len(fig.data) else []
    if len(drawn) == 1:  # one dataset (a restricted one says its set; several: the subtitle)
        among = headline.among(drawn[0], measure)
        if among:
            fig.axes[0].title.set_text(f"{title}, {among}")
    _LAST.clear()
    _LAST.update(fig=fig, choices=(country, dimension, dataset, tuple(years), n))
    return fig


def notes(
    country: str,
    dimension: str,
    dataset: str | None = None,
    years: tuple[int, int] = (1990, 2025),
    drawn=None,
) -> list[str]:
    """What ``rank`` says about the last year the chart draws: which dataset answered and
    why, what the other datasets say, the caveats. The explorer prints it under the chart,
    so the chart and the command line say the same; and every recorded break in a drawn
    dataset's definition that the chart's years span (``caveats.break_lines``). ``drawn``:
    the chart's rows (``fig.data``), else the chart is drawn here."""

    dataset = dataset or None
    measure = measure_for(country, dimension, dataset)
    if drawn is None:
        import matplotlib.pyplot as plt

        chart = draw(country, dimension, dataset, years)
        plt.close(chart)
        drawn = chart.data
    drawn = drawn[(drawn["year"] <= years[1]).to_numpy()]  # the chart's x axis ends there
    if drawn.empty:
        return []
    last = int(drawn["year"].max())
    table = query.rank_table(country, measure=measure, dataset=dataset, year=last, top=5)
    said = [f"{last}: {n}" if i == 0 else n for i, n in enumerate(table.attrs["notes"])]
    return said + break_lines(drawn)


def last_year() -> int:
    """The last year any dataset of the snapshot holds: where the explorer's years end."""
    return max((int(e["last_year"]) for e in catalog.datasets().values()), default=2025)


def dataset_options(country: str, dimension: str) -> list[tuple[str, str]]:
    """The dataset dropdown's choices: the headline series first (value "": a dropdown shows
    an empty box for None), then each dataset by its label."""
    entries = catalog.datasets()
    return [("headline series", "")] + [
        (f"{entries[n].get('label') or n} ({n})", n) for n in datasets_for(country, dimension)
    ]


def _drawn_in_this_cell(country: str, dimension: str, end: int):
    """The chart the explorer opens on: the last figure still open (drawn in this cell, not yet
    shown) of ``country``'s partners in ``dimension`` on the headline series, if any, with
    its years and number of partners (a ``draw``'s own choices, else from its rows); else
    None, all years, the top 5. The explorer shows it, so it is not shown twice."""
    import matplotlib.pyplot as plt

    made = _LAST.get("fig")
    if made is not None and plt.fignum_exists(made.number):
        c, dim, ds, yrs, top_n = _LAST["choices"]
        if (c, dim, ds) == (country, dimension, None):
            return made, (max(1960, yrs[0]), min(end, yrs[1])), top_n
    for number in reversed(plt.get_fignums()):
        fig = plt.figure(number)
        d = getattr(fig, "data", None)
        if d is None or d.empty or not {"country", "measure", "year"} <= set(d.columns):
            continue
        if set(d["country"].astype(str)) != {country}:
            continue
        if {dimension_of(str(m)) for m in d["measure"].unique()} != {dimension}:
            continue
        if str(d["measure"].iloc[0]) != MEASURES[dimension]:
            continue
        return fig, (max(1960, int(d["year"].min())), min(end, int(d["year"].max()))), 5
    return None, (1990, end), 5


def explorer(country: str = "VNM", dimension: str = "trade"):
    """Dropdowns for the economy, dimension and dataset, a year range and the number of
    partners; the chart redraws on every change (Jupyter, with ipywidgets). It opens on
    ``country`` and ``dimension`` (each notebook passes its own parameters), and on the
    chart a ``draw`` of the same cell just made, if any (with its years and number of
    partners): that chart is shown once, above the controls, and redrawn in place."""
    import ipywidgets as w
    import matplotlib.pyplot as plt
    from IPython.display import display

    economies = [(f"{short_name(c)} ({c})", c) for c in (*FOCUS, ASEAN)]
    start_country, start_dimension = country, dimension
    end = last_year()
    chart, span, n = _drawn_in_this_cell(country, dimension, end)
    country = w.Dropdown(options=economies, value=start_country, description="economy")
    dimension = w.Dropdown(options=list(MEASURES), value=start_dimension, description="dimension")
    dataset = w.Dropdown(
        options=dataset_options(start_country, start_dimension), value="", description="dataset"
    )
    # the slider's own readout is cut to "1990 - 202" in JupyterLab: a label of its own instead
    years = w.IntRangeSlider(value=span, min=1960, max=end, description="years", readout=False)
    shown = w.Label(value=f"{span[0]}-{span[1]}")
    top = w.IntSlider(value=n, min=3, max=10, description="top")
    out = w.Output()

    def refresh_datasets(*_):
        dataset.options = dataset_options(country.value, dimension.value)
        dataset.value = ""

    def say(*_):
        shown.value = f"{years.value[0]}-{years.value[1]}"

    def notes_for_now(fig, error: str = "") -> None:
        out.clear_output()
        with out:
            if error:
                print(error)
                return
            choices = (country.value, dimension.value, dataset.value, years.value)
            for line in notes(*choices, drawn=fig.data):
                print(line)

    handle = None

    def redraw(*_, fig=None) -> None:
        nonlocal handle
        error = ""
        if fig is None:
            try:
                fig = draw(country.value, dimension.value, dataset.value, years.value, top.value)
            except ValidationError as exc:
                error = str(exc)
        if fig is not None:
            plt.close(fig)  # shown by the display below, never again by the inline backend
            if handle is None:
                handle = display(fig, display_id=True)
            else:
                handle.update(fig)
        notes_for_now(fig, error)

    for control in (country, dimension):
        control.observe(refresh_datasets, names="value")
    years.observe(say, names="value")
    for control in (country, dimension, dataset, years, top):
        control.observe(redraw, names="value")
    redraw(fig=chart)
    return w.VBox([w.HBox([country, dimension, dataset]), w.HBox([years, shown, top]), out])
