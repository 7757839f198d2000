"""Charts shared by the notebooks, the CLI and the report. Each returns a matplotlib Figure.

Every chart shows where its numbers come from: ranks resting on partners' reports (mirror data)
or mostly on IMF estimates are drawn differently, years without data are shaded, not bridged,
and the source note names the datasets drawn with their vintage (from the snapshot manifest).
Modules: ``style`` (colours, gaps, footer, the member grid), ``trade``, ``oda``, ``fdi``,
``overview``.
"""

from .fdi import (
    fdi_japan_rank_grid,
    investors_as_each_reports,
    japan_outward_position,
    top_investors_grid,
)
from .oda import china_context, oda_japan_rank_grid, oda_japan_recipients
from .overview import claim_evidence, overview_heatmaps
from .style import JAPAN_COLOR, japan_rank_lines_grid
from .trade import (
    asean_among_japan,
    asean_partners,
    bump_chart,
    japan_rank_grid,
    major_partners_dataset,
    major_partners_grid,
)

__all__ = [
    "JAPAN_COLOR",
    "asean_among_japan",
    "asean_partners",
    "bump_chart",
    "china_context",
    "claim_evidence",
    "fdi_japan_rank_grid",
    "investors_as_each_reports",
    "japan_outward_position",
    "japan_rank_grid",
    "japan_rank_lines_grid",
    "major_partners_dataset",
    "major_partners_grid",
    "oda_japan_rank_grid",
    "oda_japan_recipients",
    "overview_heatmaps",
    "top_investors_grid",
]
