"""Every figure the main job draws, read as a reader reads it: no text (a line's name, a tick
label, a title, a legend entry, the footer) overlaps or touches another, and none is cut at
the figure's edge or at the clip box it is drawn in. Measured on the drawn text boxes (the renderer's
bounding boxes at the job's resolution), on the committed snapshot (real data)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from analysis import jobs  # noqa: E402

from ..unit.test_figure_labels import (
    label_problems,
)


@pytest.mark.parametrize("name", list(jobs.figures()))
def test_no_label_overlaps_or_is_cut(name: str) -> None:
    fig = jobs.figures()[name]()
    try:
        problems = label_problems(fig)
    finally:
        plt.close(fig)
    assert not problems, f"{name}:\n" + "\n".join(problems)


def test_each_figure_is_written_as_png_svg_and_csv(job) -> None:
    """The main job writes every figure as PNG and SVG with the CSV of its rows beside them,
    and the report links all three."""
    _, _, root = job
    folder = root / "reports" / "figures"
    pngs = sorted(folder.glob("*.png"))
    assert pngs and {p.stem for p in folder.glob("*.svg")} == {p.stem for p in pngs}
    assert {p.stem for p in folder.glob("*.csv")} == {p.stem for p in pngs}
    assert all(p.with_suffix(".svg").read_text()[:200].lstrip().startswith("<?xml") for p in pngs)
    index = (root / "reports" / "html" / "index.html").read_text(encoding="utf-8")
    for p in pngs:
        for suffix in (".png", ".svg", ".csv"):
            assert f'href="../figures/{p.stem}{suffix}"' in index, p.stem + suffix
