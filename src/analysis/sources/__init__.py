"""The registry of sources: one module per public source, each declaring ``SOURCE`` once.

``REGISTRY`` is what the build loops over and what the ``sources``, ``fetch`` and ``rank``
commands list. Adding a source = one module here + its mapping rows in ``analysis/data/``.
"""

from __future__ import annotations

from . import (
    abn2018_fdi,
    aiddata_china,
    aseanstats_fdi,
    baci_major_partners,
    bank_indonesia_fdi,
    bea_us_fdi,
    boj_japan_fdi,
    bps_indonesia_trade,
    imf_dip,
    imf_dots_xlsx,
    imf_imts,
    imf_portal_csv,
    japan_mof_trade,
    jetro_outward_fdi,
    oecd_dac2a,
    oecd_dac2a_bilateral,
    oecd_dac2a_qwids,
    oecd_fdi,
    singstat_trade,
    unctad_bilateral_fdi,
    vietnam_customs_trade,
    vietnam_fdi,
    wdi_dac_donors,
    worldbank_wdi,
)
from .spec import Dataset, RawFiles, Source

_MODULES = (
    imf_dots_xlsx,
    imf_imts,
    imf_portal_csv,
    singstat_trade,
    bps_indonesia_trade,
    baci_major_partners,
    japan_mof_trade,
    vietnam_customs_trade,
    oecd_dac2a_qwids,
    oecd_dac2a_bilateral,
    oecd_dac2a,
    worldbank_wdi,
    wdi_dac_donors,
    oecd_fdi,
    imf_dip,
    aseanstats_fdi,
    unctad_bilateral_fdi,
    jetro_outward_fdi,
    boj_japan_fdi,
    bea_us_fdi,
    vietnam_fdi,
    abn2018_fdi,
    bank_indonesia_fdi,
    aiddata_china,
)

REGISTRY: dict[str, Source] = {m.SOURCE.name: m.SOURCE for m in _MODULES}


def datasets() -> dict[str, tuple[Source, Dataset]]:
    """Every dataset name any source yields -> (its source, its declaration)."""
    out: dict[str, tuple[Source, Dataset]] = {}
    for src in REGISTRY.values():
        for d in src.datasets:
            if d.name in out:
                raise ValueError(
                    f"dataset {d.name!r} declared by {out[d.name][0].name} and {src.name}"
                )
            out[d.name] = (src, d)
    return out


__all__ = ["REGISTRY", "Dataset", "RawFiles", "Source", "datasets"]
