"""Pure logic (hand-made inputs, no real files) beside tests/integration/test_figure_labels.py: Every
figure the main job draws, read as a reader reads it: no text (a line's name, a tick label, a title,
a legend entry, the footer) overlaps or touches another, and none is cut at the figure's edge or at
the clip box it is drawn in."""

from __future__ import annotations

import itertools

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.text import Text  # noqa: E402
from matplotlib.transforms import Bbox  # noqa: E402

DPI = 110  # as jobs.write_figures saves them


SLACK = 0.5  # pixels a box may run past the figure's edge (anti-aliasing, rounding)


APART = 1.5  # pixels at least between two texts: touching reads as one ("20251980")


def _ticks(axis) -> list[Text]:
    """The tick labels the axis draws: ticks inside the view, labels switched on."""
    out = []
    for tick in axis._update_ticks():  # the ticks a draw renders (inside the view interval)
        if not tick.get_visible():
            continue
        out += [t for t in (tick.label1, tick.label2) if t.get_visible()]
    return out


def drawn_texts(fig) -> list[tuple[str, Text]]:
    """(where, text) for every visible, non-empty text the figure renders."""
    found: list[tuple[str, Text]] = [("figure", t) for t in fig.texts]  # suptitle included
    for legend in fig.legends:
        found += [("figure legend", t) for t in legend.get_texts()]
    for i, ax in enumerate(fig.axes):
        if not ax.get_visible():
            continue
        where = f"axes {i} ({ax.get_title() or ax.get_label()})"
        found += [(where, t) for t in (ax.title, ax._left_title, ax._right_title, *ax.texts)]
        legend = ax.get_legend()
        if legend is not None and legend.get_visible():
            found += [(where + " legend", t) for t in legend.get_texts()]
            if legend.get_title().get_text():
                found.append((where + " legend", legend.get_title()))
        if ax.axison:
            for axis in (ax.xaxis, ax.yaxis):
                if axis.get_visible():
                    found += [(where + " tick", t) for t in _ticks(axis)]
                    found.append((where, axis.label))
    seen: set[int] = set()
    out = []
    for w, t in found:
        if t.get_visible() and t.get_text().strip() and id(t) not in seen:
            seen.add(id(t))
            out.append((w, t))
    return out


def _shrunk(box: Bbox, by: float = SLACK) -> Bbox:
    return Bbox.from_extents(box.x0 + by, box.y0 + by, box.x1 - by, box.y1 - by)


def label_problems(fig) -> list[str]:
    """Each pair of overlapping texts, and each text cut at the figure's edge or its clip box."""
    fig.set_dpi(DPI)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = [(w, t, t.get_window_extent(renderer)) for w, t in drawn_texts(fig)]
    problems = []
    edge = fig.bbox
    for w, t, box in boxes:
        name = f"{w}: {t.get_text()!r}"
        if not (
            box.x0 >= edge.x0 - SLACK
            and box.y0 >= edge.y0 - SLACK
            and box.x1 <= edge.x1 + SLACK
            and box.y1 <= edge.y1 + SLACK
        ):
            problems.append(f"cut at the figure's edge: {name}")
        clip = t.get_clip_box() if t.get_clip_on() else None
        if clip is not None and not _shrunk(box).fully_overlaps(clip):
            inside = Bbox.intersection(box, clip)
            if inside is None or inside.width * inside.height < box.width * box.height - 1:
                problems.append(f"cut at its clip box: {name}")
    for (wa, a, ba), (wb, b, bb) in itertools.combinations(boxes, 2):
        if _shrunk(ba, -APART / 2).overlaps(_shrunk(bb, -APART / 2)):
            problems.append(f"overlap: {wa}: {a.get_text()!r} and {wb}: {b.get_text()!r}")
    return problems


def test_the_check_finds_an_overlap_and_a_cut_label() -> None:
    """Hand-placed texts (test input, not data): two names on one spot, two years that touch
    end to end and one name past the right edge are found; two names apart are not."""
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.text(0.2, 0.5, "China", transform=ax.transAxes)
    ax.text(0.22, 0.5, "Japan", transform=ax.transAxes)
    ax.text(0.5, 0.8, "2025", transform=ax.transAxes, ha="right")
    ax.text(0.5, 0.8, "1980", transform=ax.transAxes, ha="left")
    ax.text(0.2, 0.2, "United States", transform=ax.transAxes)
    ax.text(1.3, 0.8, "Congo, The Democratic Republic of the", transform=ax.transAxes)
    try:
        problems = label_problems(fig)
    finally:
        plt.close(fig)
    assert any("overlap" in p and "'China'" in p and "'Japan'" in p for p in problems)
    assert any("overlap" in p and "'2025'" in p and "'1980'" in p for p in problems)
    assert any(p.startswith("cut at the figure's edge") and "Congo" in p for p in problems)
    assert not any("United States" in p for p in problems)
