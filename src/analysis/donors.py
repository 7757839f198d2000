"""ODA donors and recipients as data: codes, donor types and multilateral families.

``data/dac_donors.csv``: every donor label of the DAC2a files -> code, donor_type
(bilateral_dac, bilateral_non_dac, multilateral, private, total) and family/level, which define
the three ranking variants:
- ``all``: every donor once at its finest level (countries, EU Institutions, individual agencies
  such as IDA or UNDP, foundations); family totals and intermediate sums are skipped;
- ``bilateral``: donor countries only (DAC and non-DAC);
- ``grouped``: multilateral families as one (World Bank Group, UN, AsDB group, ...).
``total`` rows (Official Donors Total, DAC Countries Total, ...) are never ranked.
``data/dac_recipients.csv``: DAC recipient names that pycountry does not know, and every
regional, income-group and multilateral recipient (never ranked).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache

from .countries import Entity, resolve_labels
from .errors import SourceError
from .paths import PACKAGE_DATA


@dataclass(frozen=True)
class Donor:
    code: str
    donor_type: str
    family: str
    level: str  # standalone | leaf | family_total | intermediate | total

    def in_variant(self, variant: str) -> bool:
        if self.donor_type == "total":
            return False
        if variant == "all":
            return self.level in ("standalone", "leaf")
        if variant == "bilateral":
            return self.donor_type in ("bilateral_dac", "bilateral_non_dac")
        if variant == "grouped":
            return self.level in ("standalone", "family_total")
        raise ValueError(variant)


@cache
def donor_table() -> dict[str, Donor]:
    with open(PACKAGE_DATA / "dac_donors.csv", newline="", encoding="utf-8") as fh:
        return {
            r["label"]: Donor(r["code"], r["donor_type"], r["family"], r["level"])
            for r in csv.DictReader(fh)
        }


def resolve_donors(labels, source: str, where: str) -> dict[str, Donor]:
    table = donor_table()
    unknown = sorted(set(labels) - set(table))
    if unknown:
        raise SourceError(
            source,
            where,
            f"{len(unknown)} unknown donor label(s): " + "; ".join(repr(u) for u in unknown),
            "Add each to src/analysis/data/dac_donors.csv with code and type.",
        )
    return {lbl: table[lbl] for lbl in set(labels)}


def resolve_recipients(labels, source: str, where: str) -> dict[str, Entity]:
    """DAC recipient names -> Entity (kind country | historical | total | aggregate)."""
    return resolve_labels(labels, "dac_recipients.csv", source, where, what="recipient name")
