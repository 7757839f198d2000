"""The generated parts of the READMEs: the datasets and their licences, the two tables' columns
(from the source declarations and the schema), what the committed snapshot holds, the last year
it ranks Japan per member and dimension, the claims' verdicts and the donor gaps (from the
snapshot). A block is ``<!-- generated: NAME -->`` ... ``<!-- end generated -->`` in either
README; ``blocks`` lists the names.

So the data dictionary and the README's coverage tables cannot drift from the code or the data:
``tests/integration/test_sources_registry.py`` fails when a README differs from what this module renders.
``python -m analysis.docs`` rewrites the READMEs in place.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from .countries import JAPAN, asean_members, short_name
from .findings import key_findings
from .paths import PROJECT_ROOT
from .query import coverage, japan_rank_table
from .schema import OBSERVATIONS, RANKINGS, dimension_of, markdown
from .snapshot import load_gaps, load_rankings, load_table, read_manifest
from .sources import REGISTRY

README = PROJECT_ROOT / "data" / "processed" / "README.md"
MAIN_README = PROJECT_ROOT / "README.md"
BLOCK = re.compile(r"(<!-- generated: (\w+) -->\n)(.*?)(<!-- end generated -->)", re.S)


def datasets_table() -> str:
    """Every dataset any source yields, with its source, dimension, measures and coverage."""

    lines = [
        "| dataset | source | dimension | measures | partners | coverage |",
        "|---|---|---|---|---|---|",
    ]
    for src in REGISTRY.values():
        for d in src.datasets:
            lines.append(
                f"| `{d.name}` | `{src.name}` ({src.kind}) | {d.dimension} | "
                f"{', '.join(f'`{m}`' for m in d.measures)} | {d.partners} | "
                f"{src.coverage.replace('|', '/')} |"
            )
    context = [s.name for s in REGISTRY.values() if s.role == "context"]
    if context:
        lines.append("")
        lines.append(
            "Context sources (shown beside the rankings, never ranked; written as "
            "`context_<source>.csv`): " + ", ".join(f"`{c}`" for c in context) + "."
        )
    return "\n".join(lines)


def licences_table() -> str:
    """Every source's producer and licence, and whether it is a recorded file or a live API
    (from the source declarations, as `asean-japan sources` prints them with citations)."""

    lines = ["| source | producer | licence | kind |", "|---|---|---|---|"]
    for src in REGISTRY.values():
        kind = "live API" if src.kind == "api" else "files"
        cells = (src.producer, src.licence)
        lines.append(
            f"| `{src.name}` | " + " | ".join(c.replace("|", "/") for c in cells) + f" | {kind} |"
        )
    return "\n".join(lines)


def snapshot_table() -> str:
    """What the committed snapshot holds, per dataset (from its manifest)."""

    entries = read_manifest().get("datasets", {})
    lines = [
        "| dataset | dimension | years | partners | from | vintage |",
        "|---|---|---|---|---|---|",
    ]
    order = sorted(entries.items(), key=lambda kv: (kv[1]["dimension"], -kv[1]["last_year"], kv[0]))
    for name, e in order:
        lines.append(
            f"| `{name}` | {e['dimension']} | {e['first_year']}-{e['last_year']} | "
            f"{e['partners']} | {e['origin']} | {e['vintage']} |"
        )
    return "\n".join(lines)


def latest_table() -> str:
    """Per member and dimension: the last year in which the snapshot ranks Japan among the
    member's partners, and from which dataset (all datasets, any measure, variant, basis)."""

    restricted = {
        n for n, e in read_manifest().get("datasets", {}).items() if e.get("partners") != "all"
    }
    r = load_rankings()
    r = r[(r["partner"] == JAPAN) & r["rank"].notna()]
    r = r.assign(dimension=r["measure"].astype(str).map(dimension_of))
    best = r.groupby(["country", "dimension", "dataset"], observed=True)["year"].max().reset_index()
    lines = ["| member | trade | ODA | FDI |", "|---|---|---|---|"]
    for c in asean_members():
        cells = []
        for dim in ("trade", "oda", "fdi"):
            b = best[(best["country"] == c) & (best["dimension"] == dim)]
            if b.empty:
                cells.append("-")
                continue
            top = b["year"].max()
            names = sorted(
                n + ("*" if n in restricted else "")
                for n in b.loc[b["year"] == top, "dataset"].astype(str)
            )
            cells.append(f"{top} ({', '.join(names)})")
        lines.append(f"| {short_name(c)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def trade_coverage_table() -> str:
    """Years each economy is ranked from its own reports and from partners' reports (IMF DOTS)."""

    t = coverage(dataset="imf_dots_xlsx")
    lines = ["| economy | ranked from own reports | ranked from partners' reports (mirror) |"]
    lines.append("|---|---|---|")
    for row in t.itertuples(index=False):
        lines.append(f"| {row[0]} | {row[1]} | {row[2]} |")
    return "\n".join(lines)


def claims_table() -> str:
    """The shipped claims' verdicts on the committed snapshot (data/processed/claims.csv)."""

    v = load_table("claims.csv", README.parent, ("claim_id", "verdict"), keep_default_na=False)
    if v is None:
        return "(no claims.csv in the snapshot: run `asean-japan claims`)"
    lines = [
        "| claim | reading then | then | now (latest year: dataset) | caveats |",
        "|---|---|---|---|---|",
    ]
    for r in v.itertuples(index=False):
        caveats = getattr(r, "n_caveats", 0)
        lines.append(
            f"| {r.sentence} | {r.dataset}, {r.measure}, {r.variant}, {r.basis}; {r.years} | "
            f"{r.verdict} ({r.n_supported} of {r.n_cases}): {r.supported_in or '-'} | "
            f"{r.latest_year or '-'}: {r.latest_verdict} ({r.latest_supported} of "
            f"{r.latest_cases}): {r.latest_supported_in or '-'} ({r.latest_datasets or '-'}) | "
            + (
                f"{caveats} case(s) in a year a top-10 donor is missing (gaps.csv)"
                if caveats
                else "-"
            )
            + " |"
        )
    return "\n".join(lines)


def gaps_table() -> str:
    """Donors missing from a source in a run of years (data/processed/gaps.csv), one row per
    donor and run, with the members affected; then the cells sources publish without a number
    (BEA's (D) and (*)), one row per member and run, with the source's reason."""

    g = load_gaps(README.parent)
    if g is None:
        return "(no gaps.csv in the snapshot)"
    if g.empty:
        return "(no gaps found)"
    entries = read_manifest().get("datasets", {})
    oda = g["dataset"].map(lambda d: entries.get(d, {}).get("dimension") == "oda")
    lines = ["| dataset | donor | years missing | members affected |", "|---|---|---|---|"]
    keys = ["dataset", "partner", "first_year", "last_year"]
    for (ds, donor, first, last), sub in g[oda].groupby(keys, sort=True):
        members = ", ".join(sorted(short_name(c) for c in sub["country"].unique()))
        lines.append(f"| `{ds}` | {donor} | {first}-{last} | {members} |")
    cells = g[~oda]
    if len(cells):
        lines += [
            "",
            "Cells a source publishes without a number (never a zero in the snapshot):",
            "",
            "| dataset | member | partner | years | reason |",
            "|---|---|---|---|---|",
        ]
        for r in cells.itertuples(index=False):
            years = str(r.first_year) + ("" if r.first_year == r.last_year else f"-{r.last_year}")
            reason = r.reason.replace("|", "/")
            lines.append(
                f"| `{r.dataset}` | {short_name(r.country)} | {r.partner} | {years} | {reason} |"
            )
    return "\n".join(lines)


def japan_ranks_table() -> str:
    """The table the main job prints: Japan's rank among each member's trade partners."""

    return "```\n" + japan_rank_table().to_string(index=False) + "\n```"


def findings_list() -> str:
    """The findings the README opens with (``findings.key_findings``), each with the figure
    that shows it and the command that reproduces it."""

    lines = []
    for f in key_findings():
        lines.append(
            f"- {f.text} Data: {', '.join(f'`{d}`' for d in f.datasets)}; figure "
            f"`reports/figures/{f.figure}`; `{f.command}`."
        )
    return "\n".join(lines)


def blocks() -> dict[str, str]:
    return {
        "findings": findings_list(),
        "datasets": datasets_table(),
        "licences": licences_table(),
        "observations": markdown(OBSERVATIONS),
        "rankings": markdown(RANKINGS),
        "snapshot": snapshot_table(),
        "latest": latest_table(),
        "trade_coverage": trade_coverage_table(),
        "claims": claims_table(),
        "gaps": gaps_table(),
        "japan_ranks": japan_ranks_table(),
    }


def render(text: str) -> str:
    """``text`` with every generated block replaced by what the code declares now."""
    if not BLOCK.search(text):
        return text
    generated = blocks()

    def repl(m: re.Match) -> str:
        return m.group(1) + generated[m.group(2)] + "\n" + m.group(4)

    return BLOCK.sub(repl, text)


def main(paths: tuple[Path, ...] = (README, MAIN_README)) -> int:
    for path in paths:
        text = path.read_text(encoding="utf-8")
        new = render(text)
        if new != text:
            path.write_text(new, encoding="utf-8")
            print(f"rewrote the generated blocks of {path}")
        else:
            print(f"{path} is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
