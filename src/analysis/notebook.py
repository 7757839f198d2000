"""What the notebooks call besides the charts (``plots``) and the questions (``query``).

Each notebook opens with one parameters cell (the economy, the dimension, the years ...) that
every later cell reads through the functions here: parameters checked and resolved against
the snapshot (``economy``, ``dimension``, ``years``: ``None`` is the last year the data reach),
headings that take their years from the data (``heading``, ``span_text``: no year typed in a
heading), tables for reading (``table``: the rank or a key as the index, ``-`` for a missing
value, the ranking's title as caption), the rankings cut to the years asked (``rankings``, for
the charts' ``df=``) and the claims of a file read again in other years (``claims``).

``with_parameters`` and ``parameters`` replace and read a notebook's parameters cell (the cell
tagged ``parameters``, as papermill marks it): the tests run every notebook with other
parameters through them (tests/integration/test_notebooks.py).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

import pandas as pd

from . import catalog, headline, query
from . import claims as claims_mod
from .countries import ASEAN, FOCUS, JAPAN, asean_members, economy_code, short_name
from .errors import ValidationError
from .explore import datasets_for
from .schema import DIMENSION_MEASURES, dimension_of
from .snapshot import read_manifest

ECONOMIES = (*FOCUS, ASEAN)  # what a notebook's economy parameter may name
PARAMETERS_TAG = "parameters"


def draw_once() -> bool:
    """In a kernel with the inline backend, let each figure be drawn once: by the backend's
    display after the cell (``flush_figures``, which renders it to PNG). pyplot's own after-cell
    hook (``draw_all`` of every stale figure, for GUI windows) would otherwise draw every figure
    a first time for nothing, before the PNG is rendered: a tenth of the main job's time.
    Called when a notebook imports this module (after its ``%matplotlib inline``); True when
    the hook was removed. A GUI backend keeps its hook."""
    import sys

    if "IPython" not in sys.modules or "matplotlib.pyplot" not in sys.modules:
        return False
    from IPython import get_ipython

    ip = get_ipython()
    plt = sys.modules["matplotlib.pyplot"]
    hook = getattr(plt, "_draw_all_if_interactive", None)
    if ip is None or hook is None or "inline" not in plt.get_backend():
        return False
    try:
        ip.events.unregister("post_execute", hook)
    except ValueError:  # not registered (already removed, or another matplotlib set-up)
        return False
    return True


draw_once()


def economy(text: str, dimension_name: str | None = None) -> str:
    """The ISO3 code (or ASEAN) an economy parameter names: a code in any case or a name;
    with ``dimension_name``, one the snapshot ranks partners of in that dimension."""
    code = economy_code(str(text))
    if code not in ECONOMIES:
        raise ValidationError(
            f"economy {text!r}: choose one of {', '.join(ECONOMIES)} (an ISO3 code or a name)"
        )
    if dimension_name is not None and not datasets_for(code, dimension(dimension_name)):
        have = [c for c in ECONOMIES if datasets_for(c, dimension_name)]
        raise ValidationError(
            f"the snapshot ranks no {dimension_name} partner of {short_name(code)}; "
            f"choose one of {', '.join(have)}"
        )
    return code


def partner(text: str) -> str:
    """A partner parameter (any economy or bloc the rankings name): its code."""
    code = economy_code(str(text))
    if code is None:
        raise ValidationError(f"partner {text!r}: no such economy (try an ISO3 code, e.g. JPN)")
    return code


def dimension(name: str) -> str:
    """trade | oda | fdi."""
    if name not in DIMENSION_MEASURES:
        raise ValidationError(f"dimension {name!r}: choose one of {', '.join(DIMENSION_MEASURES)}")
    return name


def year(value: object) -> int | None:
    """A YEAR parameter: None (each table's latest) or a whole year from 1900 to 2100, checked
    in the first code cell rather than deep in a table."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1900 <= value <= 2100:
        raise ValidationError(f"YEAR {value!r}: None (the latest) or a year such as 2020")
    return value


def top(value: object) -> int:
    """A TOP parameter (partners per chart and table): a whole number from 1 to 50."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 50:
        raise ValidationError(f"TOP {value!r}: a whole number of partners from 1 to 50")
    return value


WORDS = {"trade": "trade", "oda": "ODA", "fdi": "FDI"}


def words(dimension_name: str) -> str:
    """A dimension as a heading writes it: trade, ODA, FDI."""
    return WORDS[dimension(dimension_name)]


def measure_of(dimension_or_measure: str) -> str:
    """A dimension's headline measure (trade, net ODA received, inward FDI position); a
    measure stays as it is."""
    return DIMENSION_MEASURES.get(dimension_or_measure, dimension_or_measure)


def data_years(dimension_or_measure: str = "trade", country: str | None = None) -> list[int]:
    """The years the headline series of a dimension (or measure) ranks ``country`` in (any
    ASEAN member when None; ASEAN and Japan as themselves)."""
    measure = measure_of(dimension_or_measure)
    d = headline.headline(query.rankings(), measure=measure)
    if country is None:
        d = d[d["country"].isin(asean_members()).to_numpy()]
    else:
        d = d[(d["country"] == country).to_numpy()]
    return sorted(int(y) for y in d["year"].unique())


def common_year(country: str, *measures: str, year: int | None = None) -> int | None:
    """The last year (``year`` or before) in which the headline series of every one of
    ``measures`` ranks ``country``: the year to set two rankings side by side (net and gross
    ODA); None if they share none."""
    shared = set(data_years(measures[0], country))
    for m in measures[1:]:
        shared &= set(data_years(m, country))
    shared = {y for y in shared if year is None or y <= year}
    return max(shared) if shared else None


def years(
    span: tuple[int | None, int | None] | None, dimension_name: str = "trade"
) -> tuple[int, int]:
    """A ``(first, last)`` parameter resolved against the data: ``None`` for either end is the
    first or last year any dataset of the dimension in the snapshot covers, and a span wider
    than the data is cut to them."""
    entries = catalog.datasets(dimension(dimension_name))
    if not entries:
        raise ValidationError(f"the snapshot holds no {dimension_name} dataset")
    lo = min(int(e["first_year"]) for e in entries.values())
    hi = max(int(e["last_year"]) for e in entries.values())
    first, last = span if span is not None else (None, None)
    first = lo if first is None else max(int(first), lo)
    last = hi if last is None else min(int(last), hi)
    if first > last:
        raise ValidationError(f"years {span}: the {dimension_name} datasets cover {lo}-{hi}")
    return first, last


def span_text(span: tuple[int, int]) -> str:
    """1990-2024 (or 2024 for a single year)."""
    return str(span[0]) if span[0] == span[1] else f"{span[0]}-{span[1]}"


def heading(text: str, level: int = 2):
    """A Markdown heading a code cell shows: for headings whose words or years come from the
    parameters and the data."""
    from IPython.display import Markdown

    return Markdown("#" * level + " " + text)


def text(markdown: str):
    """A paragraph of Markdown a code cell shows."""
    from IPython.display import Markdown

    return Markdown(markdown)


def table(df: pd.DataFrame, caption: str | None = None, index: str | None = None):
    """``df`` for reading: indexed by ``index`` (a column) or by its own index where that
    means something (the rank), with no 0-9 row numbers; a missing value shown as ``-``;
    values in US$ million with thousands separators; ``caption`` (default: the ranking's
    title, ``df.attrs['title']``) above it."""
    d = df.copy()
    if index is not None:
        d = d.set_index(index)
    d = d.astype({c: "object" for c in d.columns if str(d[c].dtype) in ("Int64", "boolean")})
    styler = d.style
    if isinstance(d.index, pd.RangeIndex) and d.index.start == 0 and d.index.name is None:
        styler = styler.hide(axis="index")  # row numbers, not a rank (which is named)
    money = [
        c for c in d.columns if str(c).startswith("value") and pd.api.types.is_float_dtype(d[c])
    ]
    floats = [c for c in d.columns if pd.api.types.is_float_dtype(d[c]) and c not in money]
    styler = styler.format("{:,.1f}", subset=money, na_rep="-")
    styler = styler.format("{:.1f}", subset=floats, na_rep="-")
    other = [c for c in d.columns if c not in money and c not in floats]
    styler = styler.format(_plain, subset=other, na_rep="-")
    caption = caption if caption is not None else d.attrs.get("title")
    if caption:
        styler = styler.set_caption(caption.rstrip(":"))
    return styler


def _plain(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)) or value == "":
        return "-"
    return str(value)


def sources(dimension_name: str):
    """The snapshot's datasets of a dimension, newest first: who publishes it, the years it
    covers and the partners it ranks, from the manifest (so no year is typed in a notebook)."""
    rows = [
        {
            "dataset": name,
            "source": catalog.describe(name),
            "years": f"{e['first_year']}-{e['last_year']}",
            "partners": e.get("partners", "all"),
        }
        for name, e in catalog.datasets(dimension(dimension_name)).items()
    ]
    return table(
        pd.DataFrame(rows, columns=["dataset", "source", "years", "partners"]),
        caption=f"The snapshot's {dimension_name} datasets",
        index="dataset",
    )


def rank_table(country: str, *, year: int | None = None, top: int = 5, **kwargs):
    """``query.rank_table`` as a table for reading (rank as the index, its title as caption);
    where the snapshot has no such ranking, the reason in a sentence (which years and
    datasets do answer) instead of an error that stops the notebook."""
    try:
        return table(query.rank_table(country, year=year, top=top, **kwargs))
    except ValidationError as exc:
        return text(f"No table: {exc}")


def tables_by_dataset(
    country: str, dimension_name: str, *, year: int | None = None, top: int = 5
) -> list:
    """One table per dataset that ranks ``country`` in the dimension (newest first), each in
    ``year`` or, where the dataset stops earlier or starts later, the nearest year it has
    (its last before ``year``, else its first): every source's answer side by side."""

    r = query.rankings()
    out = []
    for name in datasets_for(country, dimension_name):
        rows = r[(r["dataset"] == name).to_numpy() & (r["country"] == country).to_numpy()]
        rows = rows[rows["rank"].notna().to_numpy()]
        have = sorted(int(y) for y in rows["year"].unique())
        if not have:
            continue
        before = [y for y in have if year is None or y <= year]
        when = before[-1] if before else have[0]
        try:
            t = query.rank_table(country, dataset=name, measure=None, year=when, top=top)
        except ValidationError:  # the dataset's own reading has no rank that year
            continue
        out.append(table(t))
    return out


def standing(partner_code: str, dimension_name: str, span: tuple[int, int]):
    """``partner_code``'s rank among each ASEAN member's partners in the dimension: the
    first year of ``span``, every tenth year after it, and its last year (``latest``: each
    member's own latest year where that is earlier), indexed by member."""
    measure = measure_of(dimension_name)
    have = [y for y in data_years(measure) if span[0] <= y <= span[1]]
    if not have:
        return text(
            f"No table: no {measure} ranking of an ASEAN member in {span_text(span)} "
            f"(years with data: {headline.spans(data_years(measure))})."
        )
    first, last = span = have[0], have[-1]
    final = data_years(measure)[-1]
    cols: list[int | str] = [first]
    cols += [y for y in range((first // 10 + 1) * 10, last, 10) if y > first]
    if last > first:
        cols.append("latest" if last == final else last)
    elif last == final:
        cols = ["latest"]
    trade = dimension_of(measure) == "trade"  # ODA is donor-reported: no 'm' on every cell
    t = query.standing(
        partner_code, tuple(cols), measure=measure, basis=None, variant=None, marks=trade
    )
    caption = (
        f"{short_name(partner_code)}'s rank among each ASEAN member's "
        f"{catalog.top_words(measure)}, {span_text(span)} (headline series)"
    )
    return table(t, caption=caption, index="member")


def overtaking(a: str, b: str, dimension_name: str):
    """When ``a`` passed ``b`` among each member's partners in the dimension
    (``query.overtake``), indexed by member; a sentence where either is in no ranking."""
    measure = measure_of(dimension_name)
    series = headline.headline(query.rankings(), measure=measure)
    absent = [p for p in (a, b) if not (series["partner"] == p).any()]
    if absent:
        return text(
            f"{', '.join(short_name(p) for p in absent)} is a partner in no {measure} ranking "
            "of the snapshot, so there is nothing to compare."
        )
    t = query.overtake(a, b, measure=measure)
    caption = (
        f"When {short_name(a)} passed {short_name(b)} among each ASEAN member's "
        f"{catalog.top_words(measure)} (headline series)"
    )
    return table(t, caption=caption, index="member")


_CUT: dict[tuple, pd.DataFrame] = {}


def rankings(span: tuple[int, int]) -> pd.DataFrame:
    """The snapshot's rankings in the years of ``span`` only: the ``df=`` a chart draws from,
    so a notebook's years parameter steers the charts too (the headline rule picks each
    economy-year on its own, so cutting years changes no pick)."""
    r = query.rankings()
    key = (id(r), tuple(span))
    if key not in _CUT:
        _CUT.clear()
        year = r["year"].astype(int).to_numpy()
        _CUT[key] = r[(year >= span[0]) & (year <= span[1])]
    return _CUT[key]


def show(fig) -> None:
    """Show a figure where it is drawn (inside a loop, between texts) and close it, so the
    notebook does not show it again at the end of the cell."""
    import matplotlib.pyplot as plt
    from IPython.display import display

    display(fig)
    plt.close(fig)


def claims(
    path=None,
    *,
    ids: Iterable[str] | None = None,
    dimension_name: str | None = None,
    read_years: Iterable[int] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(verdicts, evidence) of a claim file (``claims.check``, default: the shipped file),
    for the claims ``ids`` or of one dimension only, read in ``read_years`` instead of the
    years the file names where given ("then"); "now" is each member's latest year."""
    import dataclasses

    path = claims_mod.DEFAULT_FILE if path is None else path
    r = query.rankings()
    loaded = claims_mod.load(path, r)
    if ids is not None:
        wanted = list(ids)
        unknown = sorted(set(wanted) - {c.id for c in loaded})
        if unknown:
            raise ValidationError(
                f"no claim {', '.join(unknown)} in {path}; "
                f"its claims: {', '.join(c.id for c in loaded)}"
            )
        loaded = [c for c in loaded if c.id in wanted]
    if dimension_name is not None:
        dimension(dimension_name)
        loaded = [c for c in loaded if dimension_of(c.measure) == dimension_name]
    if read_years is not None:
        asked = tuple(int(y) for y in read_years)
        loaded = [
            dataclasses.replace(
                c,
                years=asked,
                interpretation=f"{c.interpretation} Read here in {headline.spans(list(asked))} "
                f"instead of {headline.spans(list(c.years))}.",
            )
            for c in loaded
        ]
    gaps = query.material_gaps(r)
    vintages = claims_mod.dataset_vintages(read_manifest())
    return claims_mod.check(loaded, r, vintages, gaps)


def claim_text(row) -> object:
    """One claim in words, then and now: what was said, how it is read, and each reading's
    verdict with its count of cases, years and datasets (a row of the verdicts table)."""
    then = (
        f"**Then** ({row.years}, {row.dataset}): **{row.verdict}**, "
        f"{row.n_supported} of {row.n_cases} cases"
        + (f" ({row.supported_in})" if row.supported_in else "")
    )
    now = (
        f"**Now** ({row.latest_year}, {row.latest_datasets}): **{row.latest_verdict}**, "
        f"{row.latest_supported} of {row.latest_cases} cases"
        + (f" ({row.latest_supported_in})" if row.latest_supported_in else "")
    )
    return text(
        f"### {row.claim_id}\n\n> {row.sentence}\n\nRead as: {row.interpretation}\n\n"
        f"- {then}\n- {now}"
    )


def evidence_table(evidence: pd.DataFrame, claim_id: str):
    """One claim's cases, then and now, for reading: rank, share, value and dataset per
    member and year."""
    e = evidence[evidence["claim_id"] == claim_id]
    cols = ["reading", "country", "year", "status", "rank", "share", "value_usd_m", "dataset"]
    d = e[cols].copy()
    d["country"] = d["country"].astype(str).map(short_name)
    d["year"] = d["year"].astype("Int64")
    d["rank"] = pd.to_numeric(d["rank"], errors="coerce").astype("Int64")
    d["share"] = 100 * pd.to_numeric(d["share"], errors="coerce")
    d = d.rename(columns={"share": "share_pct", "reading": "then/now"})
    d["then/now"] = d["then/now"].map({"article": "then", "latest": "now"})
    return table(d.set_index(["then/now", "country"]), caption=f"{claim_id}: the cases")


def parameters(nb) -> dict:
    """The names and values a notebook's parameters cell assigns (literals only)."""
    cell = _parameters_cell(nb)
    out = {}
    for node in ast.parse(cell.source).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                out[target.id] = ast.literal_eval(node.value)
    return out


def with_parameters(nb, **values):
    """``nb`` with its parameters cell's assignments of ``values`` replaced (each name must
    be one the cell assigns; the others keep their defaults and comments)."""
    cell = _parameters_cell(nb)
    unknown = sorted(set(values) - set(parameters(nb)))
    if unknown:
        raise ValidationError(
            f"not a parameter of this notebook: {', '.join(unknown)} "
            f"(its parameters: {', '.join(parameters(nb))})"
        )
    lines: list[str | None] = list(cell.source.splitlines())
    for node in ast.parse(cell.source).body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            if name in values:
                first, last = node.lineno - 1, (node.end_lineno or node.lineno) - 1
                comment = str(lines[last])[node.end_col_offset or 0 :]  # '  # what it is'
                lines[first] = f"{name} = {values[name]!r}{comment}"
                lines[first + 1 : last + 1] = [None] * (last - first)
    cell.source = "\n".join(line for line in lines if line is not None)
    return nb


def _parameters_cell(nb):
    tagged = [c for c in nb.cells if PARAMETERS_TAG in c.get("metadata", {}).get("tags", [])]
    if len(tagged) != 1:
        raise ValidationError(f"a notebook needs one cell tagged {PARAMETERS_TAG!r}")
    return tagged[0]


__all__ = [
    "JAPAN",
    "claim_text",
    "claims",
    "common_year",
    "data_years",
    "dimension",
    "economy",
    "evidence_table",
    "heading",
    "overtaking",
    "parameters",
    "partner",
    "rank_table",
    "rankings",
    "show",
    "sources",
    "span_text",
    "standing",
    "table",
    "tables_by_dataset",
    "text",
    "with_parameters",
    "words",
    "years",
]
