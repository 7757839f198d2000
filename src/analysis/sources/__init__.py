"""One module per public source; each declares a :class:`~analysis.sources.spec.SourceSpec`.

``REGISTRY`` is what the CLI's ``sources`` and ``fetch`` commands list and call.
"""

from __future__ import annotations

from .abn2018_fdi import SPEC as ABN2018_FDI
from .aiddata_china import SPEC as AIDDATA_CHINA
from .bank_indonesia_fdi import SPEC as BANK_INDONESIA_FDI
from .imf_dip import SPEC as IMF_DIP
from .imf_dots_xlsx import SPEC as IMF_DOTS_XLSX
from .imf_imts import SPEC as IMF_IMTS
from .jetro_outward_fdi import SPEC as JETRO_OUTWARD_FDI
from .oecd_dac2a import SPEC as OECD_DAC2A
from .oecd_dac2a_bilateral import SPEC as OECD_DAC2A_BILATERAL
from .oecd_dac2a_qwids import SPEC as OECD_DAC2A_QWIDS
from .oecd_fdi import SPEC as OECD_FDI
from .spec import SourceSpec
from .unctad_bilateral_fdi import SPEC as UNCTAD_BILATERAL_FDI
from .vietnam_fdi import SPEC as VIETNAM_FDI
from .worldbank_wdi import SPEC as WORLDBANK_WDI

REGISTRY: dict[str, SourceSpec] = {
    s.name: s
    for s in (
        IMF_DOTS_XLSX,
        IMF_IMTS,
        OECD_DAC2A_QWIDS,
        OECD_DAC2A_BILATERAL,
        OECD_DAC2A,
        WORLDBANK_WDI,
        OECD_FDI,
        IMF_DIP,
        UNCTAD_BILATERAL_FDI,
        JETRO_OUTWARD_FDI,
        VIETNAM_FDI,
        ABN2018_FDI,
        BANK_INDONESIA_FDI,
        AIDDATA_CHINA,
    )
}

__all__ = ["REGISTRY", "SourceSpec"]
