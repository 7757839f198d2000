"""The two tables of the snapshot, declared once: columns, types, units, allowed values, meaning.

Validation (``validate.py``), the dtypes the snapshot is read with (``snapshot.py``) and the
data dictionary in ``data/processed/README.md`` (``render_dictionary``; a test fails when the
README drifts) are all derived from these declarations, so they cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

MIN_YEAR, MAX_YEAR = 1948, 2100
MAX_ABS_VALUE = 1e8  # US$ million: no bilateral or total flow or position is this large

# Whose statistics a dataset is, in the order the headline rule prefers them (``headline.py``;
# each dataset declares its own, ``sources.spec.Dataset.authority``): the reporter's own
# statistics office or central bank, then an international body's table of the reporters'
# own reports (the IMF, UNCTAD, the OECD DAC, the ASEAN Secretariat), then a table compiled
# from the partners' side (investors' reports, reconciled pairs).
AUTHORITIES = ("national", "international", "compiled")
TRADE_MEASURES = ("exports", "imports", "trade")
ODA_MEASURES = tuple(
    f"oda_{side}_{flow}_{price}"  # net/gross and the price base are part of the measure
    for side in ("received", "given")
    for flow in ("net", "gross")
    for price in ("current", "const2022")
)
FDI_MEASURES = (
    "fdi_inflow",
    "fdi_outflow",
    "fdi_inward_stock",
    "fdi_outward_stock",
    "fdi_registered",
)
MEASURES = frozenset(TRADE_MEASURES + ODA_MEASURES + FDI_MEASURES)
DIMENSIONS = ("trade", "oda", "fdi")
DIMENSION_MEASURES = {  # the measure a dimension is asked in when none is named
    "trade": "trade",
    "oda": "oda_received_net_current",
    "fdi": "fdi_inward_stock",
}


def dimension_of(measure: str) -> str:
    """trade | oda | fdi: which ranking policy a measure follows (the measure's family)."""
    if measure in TRADE_MEASURES:
        return "trade"
    if measure.startswith("oda_"):
        return "oda"
    if measure.startswith("fdi_"):
        return "fdi"
    raise ValueError(f"unknown measure {measure!r}")


def ranks_recipients(measure: str) -> bool:
    """True where a donor ranks its recipients (``oda_given_*``): a dataset's restricted set
    is its donors, so every recipient it has is ranked (rank.py, headline.py)."""
    return measure.startswith("oda_given")


# restricted partner sets have a variant of their own (declared by their dataset)
RESTRICTED_VARIANTS = ("major_partners", "oecd_reporters")
VARIANTS = (
    "countries",
    "blocs",
    "blocs_fixed",
    "all",
    "bilateral",
    "grouped",
    *RESTRICTED_VARIANTS,
)
RANK_BASES = ("reported", "best", "mirror")
OBS_BASES = ("reported", "estimate", "mirror")
VALUE_BASES = ("reported", "mirror", "mixed")


@dataclass(frozen=True)
class Column:
    """One column: its type (``str`` | ``int`` | ``float``), rules and the words for the reader."""

    kind: str
    meaning: str
    unit: str = ""
    nullable: bool = False
    allowed: frozenset[str] | None = None
    min_value: float | None = None
    max_value: float | None = None
    max_abs: float | None = None
    dtype: str = ""  # pandas dtype the snapshot is read with; default from kind

    @property
    def pandas_dtype(self) -> str:
        if self.dtype:
            return self.dtype
        return {"str": "category", "int": "int32", "float": "float64"}[self.kind]


OBSERVATIONS: dict[str, Column] = {
    "dataset": Column(
        "str", "the dataset (see the table of datasets above); one source may yield several"
    ),
    "measure": Column(
        "str",
        "from `country`'s point of view: `exports`, `imports`; "
        "`oda_received_<net|gross>_<current|const2022>`, `oda_given_*`; `fdi_inflow`, "
        "`fdi_inward_stock`, `fdi_outflow`, `fdi_outward_stock`, `fdi_registered`",
        allowed=MEASURES,
    ),
    "country": Column("str", "ISO3 of the economy whose relations are measured"),
    "partner": Column(
        "str",
        "ISO3 of the partner (ISO 3166-3 or user-assigned for historical entities, see "
        "`src/analysis/data/imf_names.csv`), a bloc code (`ASEAN`, `EU`) where a source "
        "publishes one; `WLD` = total with all partners",
    ),
    "year": Column("int", "calendar year", min_value=MIN_YEAR, max_value=MAX_YEAR, dtype="int16"),
    "value_usd_m": Column(
        "float",
        "the value; negative only for net flows (repayments, disinvestment); at most 1e8 in "
        "size (US$ 100 trillion, above world trade: a larger value is a unit error)",
        unit="US$ million, current prices unless the measure says `const2022`",
        max_abs=MAX_ABS_VALUE,
    ),
    "basis": Column(
        "str",
        "`reported` by `country`; `estimate`: `country`'s own row flagged `e` by the IMF; "
        "`mirror`: reported by `partner` (its imports from `country` as `country`'s exports, "
        "and the reverse; donors' reports of aid received)",
        allowed=frozenset(OBS_BASES),
    ),
    "flag": Column(
        "str",
        "the source's flag: `e` (IMF estimate); `BPM5`/`BPM6`, `pre1996`, `r` (revised) on "
        "JETRO series; `approval` (Myanmar's UNCTAD inflows, approval basis); `reconciled` "
        "(CEPII BACI: one value per flow from both declarations); `EU28`, `*` (footnoted "
        "label) on Bank of Japan series; `EU28`/`EU27` on ASEANstats' EU values (which of its "
        "two EU rows is the EU of that year: data/bloc_rows.csv); `derived_current` (DAC bilateral values converted to "
        "current prices with the donor-year deflator, oda_prices.py); `v2009-2019`, "
        "`v2020-2024` (the BEA workbook a value comes from: a possible revision break between "
        "2019 and 2020); else empty",
    ),
    "source_ref": Column(
        "str",
        "raw file (and sheet) the number was read from, e.g. "
        "`imf_dots_2022/DOTS_213.xlsx#Exports, FOB`; the manifest gives its sha256 and vintage. "
        "Where a file compiles several releases, the part after `#` names the release the "
        "value was first printed in (GSO's registered FDI: the Statistical Yearbook edition "
        "of its year, or `edition not recorded`)",
    ),
}
# the flags a reader of a ranking is told about (``caveats.flag_lines``), in words
# FDI principles a dataset declares (``Dataset.principle``), in words for notes and charts
PRINCIPLES = {
    "directional": "the directional principle (investment classified by the direction of the "
    "ownership link: affiliates' reverse investment in their parents is netted out)",
    "asset_liability": "the asset/liability principle (direct-investment assets and "
    "liabilities gross: affiliates' reverse investment is not netted, so positions are larger)",
}
FLAG_WORDS = {
    "e": "an IMF estimate, not the reporter's figure",
    "r": "revised or preliminary figures",
    "approval": "approvals, not realised flows",
    "derived_current": "current prices derived from constant prices with the donor's deflator",
    "pre1996": "an earlier series, before 1996 (BPM5: directional principle)",
    "BPM5": "the older BPM5 basis (to 2013: directional principle)",
    "preliminary": "preliminary figures, revised later in the official annual figures",
}

# One value per dataset, measure, economy, partner, year and reporting side: ``mirror`` is not a
# column of the table but whether its basis is ``mirror`` (the partner reported it), derived
# from ``basis`` when the key is checked (``validate.check``)
OBSERVATION_KEY = ["dataset", "measure", "country", "partner", "year", "mirror"]

RANKINGS: dict[str, Column] = {
    "dataset": Column("str", "as in observations; datasets are ranked apart, never summed"),
    "measure": Column(
        "str",
        "as in observations, plus `trade` (= exports + imports, where both flows exist that year)",
        allowed=MEASURES,
    ),
    "variant": Column(
        "str",
        "trade: `countries` (partners are economies), `blocs` (the members of ASEAN and of "
        "the EEC/EU *of that year*, members on 1 July, summed into `ASEAN` and `EU`; ASEAN as an "
        "economy is that year's members) or `blocs_fixed` (today's ASEAN-10 and EU-27 in every "
        "year, for comparisons over time), `src/analysis/data/blocs.csv`; ODA donors: `all`, "
        "`bilateral`, `grouped` (multilateral families as one); FDI: `countries`, or `blocs` "
        "where the source has its own ASEAN/EU rows (each with its published membership; no "
        "member ranked beside a bloc row that holds it); `major_partners`, `oecd_reporters`: a "
        "dataset whose partners are a restricted set, ranked among those partners only",
        allowed=frozenset(VARIANTS),
    ),
    "aggregation": Column(
        "str",
        "how partners are counted (from `variant`): `countries` (each economy on its own), "
        "`blocs` and `blocs_fixed` (ASEAN and EU members summed, see `variant`), `grouped` "
        "(ODA: multilateral families as one donor)",
        allowed=frozenset({"countries", "blocs", "blocs_fixed", "grouped"}),
    ),
    "partner_set": Column(
        "str",
        "which partners are ranked (from `variant` and the dataset's declaration): `all` "
        "(every partner the dataset has for that economy), `bilateral` (ODA: donor countries "
        "only), or the id of the dataset's restricted set (`major_13`: CEPII BACI's 13 major "
        "partners; `bps_listed_37`; `dac_bilateral_donors`; `dac_members`; `dip_reporters`: "
        "investors that report to the IMF; `abn_sources_39`; `oecd_reporters`), whose words "
        "are the dataset's `partners` in manifest.json. A rank is a rank among that set",
    ),
    "basis": Column(
        "str",
        "trade: `reported` (own report, IMF estimates included) or `best` (own report where it "
        "reports, partners' reports where it has no own figures, IMF estimates are half or more "
        "of them, the own report covers under half of what partners report, or a partial year: "
        "own/mirror ratio below 0.85 of its median in the neighbouring years; and, per flow, "
        "where partners in the top five of partners' reports of that flow have no value in the "
        "own report and the own report falls short of partners' reports by at least their "
        "value, trade following either flow; see "
        "`rank_trade.distrusted_own_reports`); ODA received: `mirror` (donor-reported); ODA given, FDI: as the source "
        "reports (`reported`, or `mirror` for partner-reported tables)",
        allowed=frozenset(RANK_BASES),
    ),
    "country": Column(
        "str", "the ranked economy (ISO3, or `ASEAN` in variants `blocs` and `blocs_fixed`)"
    ),
    "year": Column("int", "calendar year", min_value=MIN_YEAR, max_value=MAX_YEAR, dtype="int16"),
    "partner": Column("str", "ISO3, `ASEAN` or `EU`"),
    "value_usd_m": Column("float", "the partner's value", unit="US$ million"),
    "total_usd_m": Column(
        "float",
        "the economy's total with all partners: its World row (own reports) or the sum over "
        "partners (mirror data; ASEAN: the sum of its members' totals); empty for a dataset "
        "of a restricted partner set (13 major partners, bilateral donors ...) that publishes "
        "no World row: the sum of a subset is not the economy's total",
        unit="US$ million",
        nullable=True,
    ),
    "share": Column(
        "float",
        "value_usd_m / total_usd_m; empty where the total is zero, negative or empty (a "
        "restricted partner set without a published world total: never a share of a subset). For "
        "net flows (net ODA, FDI flows) the total nets repayments and disinvestment against new "
        "money, so a partner's share can exceed 1 (its flow is larger than the net total)",
        unit="fraction (0-1)",
        nullable=True,
    ),
    "rank": Column(
        "int",
        "1 = largest; ties (equal to the dollar) share the smaller rank; empty for ASEAN's "
        "intra-ASEAN row and for negative values (net repayments, disinvestment)",
        nullable=True,
        min_value=1,
        dtype="Int32",
    ),
    "n_partners": Column(
        "int", "number of ranked partners of that economy, measure and year", min_value=0
    ),
    "value_basis": Column(
        "str",
        "what the value rests on: `reported`, `mirror`, or `mixed` (ASEAN sums of members on "
        "different bases)",
        allowed=frozenset(VALUE_BASES),
    ),
    "estimated_share": Column(
        "float",
        "the part of the value that rests on cells flagged `e` by the IMF",
        unit="0-1",
        min_value=0,
    ),
}
RANKING_KEY = ["dataset", "measure", "variant", "basis", "country", "year", "partner"]

TABLES = {"observations": OBSERVATIONS, "rankings": RANKINGS}


def dtypes(table: dict[str, Column]) -> dict[str, str]:
    """The pandas dtypes a snapshot file is read with."""
    return {name: col.pandas_dtype for name, col in table.items()}


def markdown(table: dict[str, Column]) -> str:
    """The data dictionary of one table as a Markdown table."""
    lines = ["| column | type | unit | meaning |", "|---|---|---|---|"]
    for name, col in table.items():
        kind = {"str": "text", "int": "integer", "float": "number"}[col.kind]
        if col.nullable:
            kind += " or empty"
        meaning = col.meaning.replace("|", "\\|")
        lines.append(f"| {name} | {kind} | {col.unit} | {meaning} |")
    return "\n".join(lines)
