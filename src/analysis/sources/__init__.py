"""One module per public source; each declares a :class:`~analysis.sources.spec.SourceSpec`.

``REGISTRY`` is what the CLI's ``sources`` and ``fetch`` commands list and call.
"""

from __future__ import annotations

from .imf_dots_xlsx import SPEC as IMF_DOTS_XLSX
from .imf_imts import SPEC as IMF_IMTS
from .oecd_dac2a_bilateral import SPEC as OECD_DAC2A_BILATERAL
from .oecd_dac2a_qwids import SPEC as OECD_DAC2A_QWIDS
from .spec import SourceSpec

REGISTRY: dict[str, SourceSpec] = {
    s.name: s for s in (IMF_DOTS_XLSX, IMF_IMTS, OECD_DAC2A_QWIDS, OECD_DAC2A_BILATERAL)
}

__all__ = ["REGISTRY", "SourceSpec"]
