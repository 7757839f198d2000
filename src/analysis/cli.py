"""The ``asean-japan`` command: sources, fetch, build, rank, run, and a few views.

Every failure ends in one paragraph on stderr and a traceback only with ``--debug``. Exit codes,
so a scheduler can tell them apart: 0 done; 1 a data or validation problem (a source changed,
an answer is empty, a file is damaged); 2 a usage problem (a bad flag, value or setting);
75 the network gave up (try again later); 130 interrupted. The commands call the package's
modules and hold no logic of their own. Each command imports what it needs when it runs (the
one place imports sit in functions throughout): `asean-japan --help` and a usage error never
import pandas, the build or the charts.
"""

from __future__ import annotations

import argparse
import logging
import sys
import textwrap
from collections.abc import Sequence

from .errors import (
    NetworkError,
    SettingsError,
    SourceError,
    ValidationError,
    file_system_error,
)
from .schema import DIMENSION_MEASURES, MEASURES, VARIANTS

EXIT_DATA, EXIT_USAGE, EXIT_NETWORK = 1, 2, 75


def _cmd_sources(args: argparse.Namespace) -> int:
    from .sources import REGISTRY

    for spec in REGISTRY.values():
        print(f"{spec.name}  ({spec.kind})  {spec.title}")
        for label, value in (
            ("datasets", ", ".join(d.name for d in spec.datasets) or "- (context only)"),
            ("producer", spec.producer),
            ("url", spec.url),
            ("coverage", spec.coverage),
            ("measures", ", ".join(spec.measures)),
            ("licence", spec.licence),
            ("citation", spec.citation),
        ):
            print(
                textwrap.fill(
                    value, 100, initial_indent=f"  {label:9} ", subsequent_indent=" " * 12
                )
            )
        for note in spec.notes:
            print(
                textwrap.fill(note, 100, initial_indent="  note      ", subsequent_indent=" " * 12)
            )
        print()
    return 0


def _cmd_fetch(args: argparse.Namespace) -> int:
    """One source (its failure ends in the one-paragraph error) or every live source (each
    fetched whatever the others did); a summary table either way, progress on stderr."""
    from .fetchrun import exit_code, fetch_all, fetch_source, summary_text
    from .rawstore import RawStore
    from .sources import REGISTRY

    if args.all:
        names = [n for n, s in REGISTRY.items() if s.fetch]
    elif args.source not in REGISTRY:
        raise UsageError(f"unknown source {args.source!r}; known sources: {', '.join(REGISTRY)}")
    elif REGISTRY[args.source].fetch is None:
        print(
            f"{args.source}: a file source with no live API; put its files in "
            f"data/raw/{args.source}/."
        )
        return 0
    else:
        names = [args.source]
    if args.vintage is not None:
        for name in names:  # before any request: a bad or taken name is a usage error
            RawStore(name).check_new_name(args.vintage)
    if args.all:
        outcomes = fetch_all(names, args.vintage)
    else:
        outcomes = [fetch_source(names[0], args.vintage, raise_errors=True)]
    print(summary_text(outcomes))
    return exit_code(outcomes)


def _cmd_build(args: argparse.Namespace) -> int:
    from .paths import processed_dir
    from .pipeline import build, world_dir

    rankings = "batches" if args.rankings and args.scope == "world" else None
    result = build(scope=args.scope, force=args.force, rankings=rankings)
    where = processed_dir() if args.scope == "focus" else world_dir()
    if result is None:
        print(f"{where}: up to date (inputs and code unchanged); --force rebuilds.")
        return 0
    rows = result.manifest["rows"]
    secs = ", ".join(f"{k} {v:.1f}s" for k, v in result.seconds.items())
    ranked = (
        f"{rows['rankings']:,} ranking rows"
        if "rankings" in rows
        else "rankings on demand (rank.rank of one economy; --rankings writes them all)"
    )
    print(f"{where}: {rows['observations']:,} observations, {ranked} ({secs}).")
    return 0


class UsageError(ValueError):
    """A value the user gave that the data cannot answer as asked (exit 2)."""


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text!r}")
    return value


def _economy(text: str, what: str = "economy") -> str:
    """An ISO3 code in any case, ASEAN, or a common name -> the code; a usage error naming the
    economies the snapshot ranks otherwise."""
    from .countries import ASEAN, FOCUS, economy_code, short_name
    from .query import rankings

    # the distinct codes first, then as text: 0.007 s instead of 0.2 s for 1.3 million rows
    column = "country" if what == "economy" else "partner"
    have = set(rankings()[column].drop_duplicates().astype(str))
    code = economy_code(text)
    if code is None and text.strip().upper() in have:  # a donor or agency code (UN, IDA ...)
        code = text.strip().upper()
    if code is None or code not in have:
        import difflib

        names = {short_name(c): c for c in have}
        close = difflib.get_close_matches(text.strip().title(), list(names), n=3, cutoff=0.75)
        hint = f" Did you mean {' or '.join(f'{n} ({names[n]})' for n in close)}?" if close else ""
        if what == "economy":
            known = ", ".join(f"{c} ({short_name(c)})" for c in (*FOCUS, ASEAN) if c in have)
            listed = f"the snapshot ranks {known}"
        else:
            listed = (
                f"the snapshot's rankings have {len(have)} partners, e.g. JPN, CHN, USA, KOR, "
                "EU, ASEAN, IDA"
            )
        raise UsageError(
            f"unknown {what} {text!r}: {listed}.{hint} Use the ISO3 code (any case) or a "
            "country's name."
        )
    return code


def _check_economy(country: str) -> None:
    _economy(country)


def _years(text: str) -> tuple[int, int]:
    """``2014-2022`` or ``2019`` -> (first, last)."""
    parts = text.split("-")
    try:
        first, last = int(parts[0]), int(parts[-1])
    except ValueError:
        first = last = 0
    if len(parts) > 2 or not (1900 <= first <= last <= 2100):
        raise argparse.ArgumentTypeError(
            f"expected YEAR or FIRST-LAST (e.g. 2014-2022), got {text!r}"
        )
    return first, last


def _print_notes(notes: list[str]) -> None:
    for note in notes:
        print(textwrap.fill(note, 100, initial_indent="Note: ", subsequent_indent="      "))


def _cmd_rank(args: argparse.Namespace) -> int:
    from .query import _spans, default_measure, partner_series, rank_table

    args.country = _economy(args.country)
    measure = args.measure or default_measure(args.country, args.dataset)
    if args.partner is not None or args.years is not None:
        if args.partner is None:
            raise UsageError("--years goes with --partner P: one partner's rank year by year")
        partner = _economy(args.partner, "partner")
        table = partner_series(
            args.country,
            partner,
            measure=measure,
            dataset=args.dataset,
            years=args.years,
            variant=args.variant,
            basis=args.basis,
            exact=args.variant is not None,
        )
        if table.empty:
            span = table.attrs.get("ranked_years") or []
            if args.years and span and not any(args.years[0] <= y <= args.years[1] for y in span):
                raise ValidationError(
                    f"no data for {args.country} in {args.years[0]}-{args.years[1]} in "
                    f"{args.dataset or 'the headline series'}; years with data: "
                    f"{_spans(span)}"
                )
            raise ValidationError(
                f"{partner} is not ranked among {args.country}'s partners in "
                f"{args.dataset or 'the headline series'} in these years (not in the "
                "dataset's partner set, or no value); `asean-japan rank "
                f"{args.country} --year Y` lists who is"
            )
        print(table.attrs["title"])
        print(table.to_string(index=False, na_rep="-"))
        notes = []
        if table.attrs["missing"]:
            notes.append(
                f"Ranked without {partner} in {_spans(table.attrs['missing'])} (not in that "
                "year's partner set, or no value)."
            )
        notes += table.attrs.get("notes", [])
        if args.variant is not None and args.dataset is None:
            wider = partner_series(
                args.country, partner, measure=measure, years=args.years, basis=args.basis
            )
            more = wider[~wider["year"].isin(table["year"])]
            if len(more):
                notes.append(
                    f"Variant {args.variant} only, as named: the headline also ranks {partner} "
                    f"in {_spans(list(more['year']))} in another reading ("
                    + "; ".join(
                        f"{ds} {a}"
                        for ds, a in more[["dataset", "among"]]
                        .drop_duplicates()
                        .itertuples(index=False)
                    )
                    + "); leave out --variant to see those years."
                )
        _print_notes(notes)
        return 0
    table = rank_table(
        args.country,
        dataset=args.dataset,
        measure=args.measure,  # None: rank_table's default, with its price-base fallback
        variant=args.variant,
        basis=args.basis,
        year=args.year,
        top=args.top,
        exact=args.variant is not None,  # a named variant is never replaced by another
    )
    print(table.attrs.get("title", ""))
    print(table.reset_index().to_string(index=False, na_rep="-"))
    _print_notes(table.attrs.get("notes", []))
    return 0


def _cmd_standing(args: argparse.Namespace) -> int:
    from .countries import asean_members, short_name
    from .headline import among, headline, spans
    from .query import rankings, standing
    from .schema import dimension_of

    partner = _economy(args.partner, "partner")
    measure = args.measure or DIMENSION_MEASURES[args.dimension]
    series = headline(rankings(), measure=measure)
    series = series[series["country"].isin(asean_members()).to_numpy()]  # the table's rows
    span = sorted(int(y) for y in series["year"].unique())
    if args.years is None:  # the default years that the dimension's data reach
        args.years = [y for y in (1990, 2000, 2010, 2020) if span and span[0] <= y <= span[-1]]
    outside = [y for y in args.years if not span or not span[0] <= y <= span[-1]]
    if outside:
        raise UsageError(
            f"--years {' '.join(map(str, outside))}: no dataset ranks any economy's {measure} "
            f"then; years with data: {spans(span)}"
        )
    years = tuple(args.years) + ("latest",)
    trade = dimension_of(measure) == "trade"  # ODA is always donor-reported: no m on every cell
    table = standing(partner, years, measure=measure, basis=None, variant=None, marks=trade)
    sets = sorted({among(str(ds), measure) for ds in series["dataset"].unique()} - {""})
    print(
        f"{short_name(partner)}'s rank among each ASEAN member's partners, {measure} "
        "(headline series):"
    )
    print(table.to_string(index=False))
    print(
        (
            "m: ranked from partners' reports (mirror data); e: mostly IMF estimates; "
            if trade
            else ""
        )
        + "*: ranked "
        + (f"{' or '.join(sets)} (a restricted set)" if sets else "among a restricted set")
        + ", not among all partners; -: no data; n.r.: not ranked (value zero or negative, "
        "or outside the set); (2022): that member's own latest year. `asean-japan rank ISO3 "
        "--year Y` says which dataset answers."
    )
    _print_notes(table.attrs.get("notes", []))
    return 0


def _cmd_overtake(args: argparse.Namespace) -> int:
    from .countries import short_name
    from .headline import headline
    from .query import overtake, rankings

    a, b = _economy(args.a, "partner"), _economy(args.b, "partner")
    if a == b:
        raise UsageError(f"overtake needs two different partners, got {a} twice")
    measure = args.measure or DIMENSION_MEASURES[args.dimension]
    series = headline(rankings(), measure=measure)
    absent = [p for p in (a, b) if not (series["partner"] == p).any()]
    if absent:
        raise ValidationError(
            f"{', '.join(short_name(p) for p in absent)} is a partner in no {measure} ranking "
            f"of the snapshot (e.g. China reports to no ODA dataset: AidData's commitments are "
            "context, never ranked), so there is nothing to compare"
        )
    table = overtake(a, b, measure=measure)
    print(
        f"When {short_name(a)} passed {short_name(b)} among each ASEAN member's partners, "
        f"{measure} (headline series):"
    )
    print(table.astype(object).where(table.notna(), "-").to_string(index=False))
    print(
        f"first_ahead: the first year compared in which {short_name(a)} was ahead; "
        f"ahead_since: {short_name(a)} ahead in every year compared from then to last_year "
        f"(- if {short_name(b)} is ahead in last_year); dataset: of that year; stayed_ahead: "
        "never behind again after first_ahead. Years of a restricted partner set that lacks "
        "either partner are not compared."
    )
    for note in table.attrs.get("notes", []):
        print(textwrap.fill(note, 100, initial_indent="Note: ", subsequent_indent="      "))
    return 0


def _cmd_chart(args: argparse.Namespace) -> int:
    """The explorer's chart from the command line: PNG, SVG and the rows drawn as CSV."""
    import matplotlib

    matplotlib.use("Agg")
    from pathlib import Path

    from .explore import draw
    from .paths import reports_dir
    from .tempdirs import write_output

    _check_economy(args.country)
    if args.start > args.end:
        raise UsageError(f"--start {args.start} is after --end {args.end}")
    fig = draw(args.country, args.dimension, args.dataset, (args.start, args.end), args.top)
    out = Path(args.out) if args.out else reports_dir() / "charts"
    out.mkdir(parents=True, exist_ok=True)
    stem = out / f"{args.country}-{args.dimension}{'-' + args.dataset if args.dataset else ''}"
    # through a temporary file and a rename each: a symlink there is replaced, never followed
    write_output(stem.with_suffix(".png"), lambda p: fig.savefig(p, dpi=110, bbox_inches="tight"))
    write_output(stem.with_suffix(".svg"), lambda p: fig.savefig(p, bbox_inches="tight"))
    write_output(stem.with_suffix(".csv"), lambda p: fig.data.to_csv(p, index=False))
    print(f"{stem}.png, .svg and .csv ({len(fig.data)} rows drawn)")
    return 0


def _cmd_claims(args: argparse.Namespace) -> int:
    from .claims import DEFAULT_FILE
    from .jobs import claims_outputs, write_claims

    verdicts, _ = write_claims(args.file)
    written, evidence = claims_outputs(args.file)
    cols = ["claim_id", "years", "verdict", "n_supported", "n_cases", "supported_in"]
    now = ["claim_id", "latest_year", "latest_verdict", "latest_supported", "latest_cases"]
    now += ["latest_supported_in", "latest_datasets"]
    print(f"Claims of {args.file or DEFAULT_FILE} checked against the snapshot's rankings:")
    print(verdicts[cols].to_string(index=False))
    print("\nThe same claims now (each member's latest year, the headline rule's dataset):")
    print(verdicts[now].to_string(index=False))
    print(f"\nWritten: {written} and {evidence.name}.")
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .query import rankings
    from .snapshot import export_csv

    table = rankings()
    if args.country:
        have = sorted(table["country"].drop_duplicates().astype(str))
        if args.country not in have:
            raise UsageError(
                f"unknown economy {args.country!r}; the snapshot ranks: {', '.join(have)}"
            )
        table = table[table["country"] == args.country]
    out = Path(args.out)
    if not out.name.endswith((".csv", ".csv.gz")):
        raise UsageError(f"{out}: name the file .csv or .csv.gz")
    try:
        export_csv(table, out)
    except OSError as exc:
        raise UsageError(f"cannot write {out} ({exc.strerror}); choose a writable path") from exc
    print(f"Wrote {len(table):,} ranking rows to {out}.")
    return 0


def _cmd_vintages(args: argparse.Namespace) -> int:
    from .vintages import list_vintages

    table = list_vintages()
    if not len(table):
        print("No fetched vintages in data/raw/ yet.")
        return 0
    print("Fetched vintages of the live sources (data/raw/<source>/<vintage>/), oldest first:")
    print(table.to_string(index=False))
    return 0


def _cmd_diff(args: argparse.Namespace) -> int:
    from .vintages import diff

    print(diff(args.source, args.old, args.new).text(top=args.top))
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    from .jobs import main_job

    return main_job(
        rebuild=not args.no_build, execute_notebooks=not args.no_notebooks, force=args.force
    )


def _dataset(text: str) -> str:
    """--dataset: a dataset some source declares. Checked when given, not when the parser is
    built, so `--help` does not import every source module (and pandas): about 2 s saved."""
    import difflib

    from .sources import datasets

    known = sorted(datasets())
    if text in known:
        return text
    close = difflib.get_close_matches(text, known, n=1)
    raise argparse.ArgumentTypeError(
        f"unknown dataset {text!r}"
        + (f"; did you mean {close[0]}?" if close else "")
        + " `asean-japan sources` lists the sources and their datasets"
    )


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="asean-japan",
        description="Partner rankings of Japan and the ASEAN members in trade, ODA and FDI, "
        "from public data to charts, claims checked and an HTML report.",
    )
    p.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    from . import __version__

    p.add_argument("--version", action="version", version=f"asean-japan {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("sources", help="list the sources with coverage, licence and citation")
    s.set_defaults(func=_cmd_sources)

    s = sub.add_parser("fetch", help="fetch a live source into data/raw/<source>/<vintage>/")
    s.add_argument("source", nargs="?", help="source name (see `asean-japan sources`)")
    s.add_argument(
        "--all",
        action="store_true",
        help="every live source, each whatever the others do; a summary table at the end, "
        "exit 1 if any failed (75 if every failure was the network)",
    )
    s.add_argument(
        "--vintage",
        metavar="NAME",
        help="name the new vintage (a safe folder name no vintage has; default today's date, "
        "then 2026-11-29-2 ...)",
    )
    s.add_argument(
        "-q", "--quiet", action="store_true", help="no progress lines, only warnings and errors"
    )
    s.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="also redirects and each answer's status and headers",
    )
    s.set_defaults(func=_cmd_fetch)

    s = sub.add_parser("build", help="rebuild data/processed/ from the raw inputs")
    s.add_argument(
        "--scope",
        choices=["focus", "world"],
        default="focus",
        help="focus: Japan + ASEAN (the committed snapshot); world: every reporter's "
        "observations, written to data/build/world/ (rankings derived on demand)",
    )
    s.add_argument(
        "--rankings",
        action="store_true",
        help="world scope: also write every reporter's rankings (16 million rows, minutes)",
    )
    s.add_argument("--force", action="store_true", help="rebuild even if up to date")
    s.add_argument("--quiet", action="store_true", help="no progress bar")
    s.set_defaults(func=_cmd_build)

    s = sub.add_parser("rank", help="print an economy's partner ranking from the snapshot")
    s.add_argument("country", help="ISO3 code (any case), a name, or ASEAN (blocs variant)")
    s.add_argument(
        "--dataset",
        type=_dataset,
        help="a dataset (`asean-japan sources` lists them); default: the headline series (each year from the dataset the headline rule "
        "picks: all partners first, own statistics first, newest first)",
    )
    s.add_argument(
        "--measure",
        choices=sorted(MEASURES),
        help="default: trade, or the chosen dataset's headline measure (net ODA received, the "
        "inward FDI position ...)",
    )
    s.add_argument(
        "--variant",
        default=None,
        help="default: the dataset's own (countries for trade, all donors for ODA received)",
        choices=list(VARIANTS),
    )
    s.add_argument(
        "--basis",
        default=None,
        choices=["reported", "best", "mirror"],
        help="default: best for trade, else the basis the dataset has",
    )
    s.add_argument("--year", type=int, help="default: the latest year")
    s.add_argument("--top", type=_positive, default=10, help="how many partners (>= 1)")
    s.add_argument("--partner", help="one partner's rank and share year by year (ISO3 or name)")
    s.add_argument("--years", type=_years, help="with --partner: FIRST-LAST, e.g. 2014-2022")
    s.set_defaults(func=_cmd_rank)

    s = sub.add_parser(
        "standing",
        help="a partner's rank in each ASEAN member's ranking across the years (headline series)",
    )
    s.add_argument("partner", help="ISO3 code or name, e.g. JPN, chn, 'United States'")
    s.add_argument("--dimension", default="trade", choices=list(DIMENSION_MEASURES))
    s.add_argument("--measure", choices=sorted(MEASURES), help="default: the dimension's")
    s.add_argument(
        "--years",
        type=int,
        nargs="+",
        default=None,
        help="years shown before the latest (default: those of 1990 2000 2010 2020 that the "
        "dimension's data reach)",
    )
    s.set_defaults(func=_cmd_standing)

    s = sub.add_parser(
        "overtake",
        help="per member, the year partner A first passed partner B (headline series)",
    )
    s.add_argument("a", help="ISO3 code or name, e.g. CHN")
    s.add_argument("b", help="ISO3 code or name, e.g. JPN")
    s.add_argument("--dimension", default="trade", choices=list(DIMENSION_MEASURES))
    s.add_argument("--measure", choices=sorted(MEASURES), help="default: the dimension's")
    s.set_defaults(func=_cmd_overtake)

    s = sub.add_parser("chart", help="draw an economy's top partners (PNG, SVG, CSV of the rows)")
    s.add_argument("country", help="ISO3 code, or ASEAN")
    s.add_argument("--dimension", default="trade", choices=["trade", "oda", "fdi"])
    s.add_argument(
        "--dataset", type=_dataset, help="a dataset (`asean-japan sources`); default: the newest"
    )
    s.add_argument("--start", type=int, default=1990)
    s.add_argument("--end", type=int, default=2025)
    s.add_argument("--top", type=_positive, default=5)
    s.add_argument("--out", help="folder (default reports/charts/)")
    s.set_defaults(func=_cmd_chart)

    s = sub.add_parser(
        "claims",
        help="check claims against the rankings; the article's verdicts go to "
        "data/processed/claims.csv and claims_evidence.csv, another file's to "
        "reports/claims/<stem>.csv and <stem>_evidence.csv",
    )
    s.add_argument(
        "--file",
        help="a claim file (TOML); default: the article's, src/analysis/claim_files/article_2009.toml",
    )
    s.set_defaults(func=_cmd_claims)

    s = sub.add_parser(
        "export",
        help="write the snapshot's rankings as CSV (they are derived on load, not committed), "
        "for pandas, DuckDB or R without this package",
    )
    s.add_argument("out", help="file to write; .csv.gz is compressed, .csv is plain")
    s.add_argument("--country", help="only this economy (ISO3 or ASEAN)")
    s.set_defaults(func=_cmd_export)

    s = sub.add_parser("vintages", help="list the fetched vintages of every live source")
    s.set_defaults(func=_cmd_vintages)

    s = sub.add_parser("diff", help="revisions between two vintages of a live source")
    s.add_argument("source")
    s.add_argument("old")
    s.add_argument("new")
    s.add_argument("--top", type=int, default=10, help="how many of the largest revisions")
    s.set_defaults(func=_cmd_diff)

    s = sub.add_parser(
        "run",
        help="the main job: build if needed, run the notebooks, write "
        "figures to reports/, print Japan's rank table",
    )
    s.add_argument("--no-build", action="store_true", help="use the committed snapshot as is")
    s.add_argument("--no-notebooks", action="store_true", help="skip executing the notebooks")
    s.add_argument(
        "--force",
        action="store_true",
        help="redraw figures and rerun notebooks even when nothing they are made from changed",
    )
    s.set_defaults(func=_cmd_run)
    return p


class _Stderr(logging.StreamHandler):
    """A handler writing to whatever ``sys.stderr`` is at the time (tests swap it)."""

    @property  # type: ignore[override]
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass


def _configure_logging(args: argparse.Namespace) -> None:
    """Progress and warnings of the package's modules (``analysis.*`` loggers) on stderr, one
    line each with the time; stdout keeps the tables. Installed once per process."""
    logger = logging.getLogger("analysis")
    if not any(isinstance(h, _Stderr) for h in logger.handlers):
        handler = _Stderr()
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
        logger.addHandler(handler)
    if getattr(args, "quiet", False):
        logger.setLevel(logging.WARNING)
    elif getattr(args, "verbose", False):
        logger.setLevel(logging.DEBUG)
    else:
        logger.setLevel(logging.INFO)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _configure_logging(args)
    if args.command == "fetch" and not args.all and not args.source:
        parser.error("fetch needs a SOURCE or --all")
    try:
        try:
            code = int(args.func(args) or 0)
            sys.stdout.flush()  # a closed pipe shows here, not as an exit-time traceback
            return code
        except BrokenPipeError:
            raise
        except OSError as exc:  # a folder that is a file, read-only, without permission, ...
            if args.debug:
                raise
            raise file_system_error(exc) from exc
    except (SourceError, ValidationError, UsageError) as exc:
        if args.debug:
            raise
        # one paragraph; URLs and paths are never broken across lines (they must stay copyable)
        text = f"asean-japan {args.command} failed: {exc}"
        print(
            textwrap.fill(text, 100, break_long_words=False, break_on_hyphens=False),
            file=sys.stderr,
        )
        if isinstance(exc, NetworkError):
            return EXIT_NETWORK
        if isinstance(exc, SettingsError | UsageError):
            return EXIT_USAGE
        return EXIT_DATA
    except KeyboardInterrupt:
        print("interrupted; raw and processed files were left as they were.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader stopped (`asean-japan rank VNM | head -1`): not an error
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no flush error at exit
        return 141  # 128 + SIGPIPE, as a shell reports a pipe its reader closed
    except Exception as exc:  # noqa: BLE001 (the last resort: MemoryError, RecursionError, a bug)
        if args.debug:
            raise
        detail = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
        text = (
            f"asean-japan {args.command} failed: an unexpected error ({type(exc).__name__}"
            f"{': ' + detail if detail else ''}). The tool did not foresee this (a bug, or a "
            "damaged file no check caught); run the command again with --debug for the "
            "traceback and report it. Raw files are never changed by it, and data/processed/ "
            "is only ever replaced as a whole, so it holds the snapshot it held before or the "
            "new one."
        )
        print(
            textwrap.fill(text, 100, break_long_words=False, break_on_hyphens=False),
            file=sys.stderr,
        )
        return EXIT_DATA


if __name__ == "__main__":
    sys.exit(main())
