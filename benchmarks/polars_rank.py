"""The trade ranking of every reporter as one lazy polars query on integer codes: a yardstick.

The same work as ``duckdb_rank`` (its docstring lists the rules) and ``rank_trade.rank_dataset``:
trade = exports + imports; the own reports ``best`` does not trust; bases, variants, ASEAN as
an economy; competition ranks per economy-year. Keys are the integer codes of ``yardstick``
(no text is hashed or compared), blocs re-aggregate the member partners' rows alone, totals
and partner counts are one GROUP BY joined back on one packed integer group key, and the
result streams out in batches (``collect_batches``), never held whole.

Benchmark only (the ``bench`` extra): the package ranks with numpy. Threads: polars reads
``POLARS_MAX_THREADS`` when it is first imported (the benchmark sets it per process).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from analysis.rank_trade import (
    COVERAGE_LIMIT,
    ESTIMATE_LIMIT,
    MIN_NEIGHBOURS,
    NEIGHBOUR_YEARS,
    PARTIAL_DROP,
    TOP_MISSING,
    VARIANTS,
)

try:  # run as a script's module (benchmarks/ on sys.path) or as benchmarks.polars_rank
    from yardstick import Coded, bloc_codes, encode
except ImportError:  # pragma: no cover
    from .yardstick import Coded, bloc_codes, encode

COUNTRIES, BLOCS, FIXED = (VARIANTS.index(v) for v in ("countries", "blocs", "blocs_fixed"))


def query(coded: Coded):
    """The lazy query: one row per ranking row (columns of ``yardstick.RESULT``)."""
    import polars as pl

    col = pl.col
    nc, ny = len(coded.vocab), coded.n_years
    world, asean = coded.world, coded.asean
    base = pl.LazyFrame(coded.columns).with_columns(
        col("side", "m").cast(pl.Int8), col("c", "p", "y").cast(pl.Int16)
    )
    # trade = exports + imports where that side of the economy has both flows that year
    both = base.group_by("side", "c", "y").agg(col("m").n_unique().alias("n")).filter(col("n") == 2)
    trade = (
        base.join(both.drop("n"), on=["side", "c", "y"], how="semi")
        .group_by("side", "c", "p", "y")
        .agg(col("v").sum(), col("est").sum())
        .with_columns(pl.lit(2, pl.Int8).alias("m"))
    )
    every = pl.concat([base, trade.select(base.collect_schema().names())])
    own_total = (
        every.filter((col("p") == world) & (col("side") == 0))
        .group_by("m", "c", "y")
        .agg(col("v").sum().alias("own_total"))
    )
    rows = every.filter((col("p") != world) & (col("v") > 0)).cache()

    # the own reports' checks, on (economy, year, flow) cells
    cells = (
        rows.filter(col("m") < 2)
        .group_by("c", "y", "m")
        .agg(
            col("v").filter(col("side") == 0).sum().alias("own"),
            col("v").filter(col("side") == 1).sum().alias("mir"),
        )
        .with_columns((col("own") > 0).alias("held"))
        .with_columns(
            pl.when(col("held") & (col("mir") > 0)).then(col("own") / col("mir")).alias("cov"),
            col("own").sum().over("c", "y").alias("own_sum"),
            pl.when(col("held")).then(col("mir")).otherwise(0.0).sum().over("c", "y").alias("ms"),
        )
        .with_columns(
            ((col("ms") > 0) & (col("own_sum") / col("ms") < COVERAGE_LIMIT)).alias("empty")
        )
        .with_columns(pl.when(~col("empty")).then(col("cov")).alias("usable"))
        .cache()
    )
    offsets = pl.LazyFrame(
        {"off": [o for o in range(-NEIGHBOUR_YEARS, NEIGHBOUR_YEARS + 1) if o]},
        schema={"off": pl.Int16},
    )
    neighbours = (
        cells.select("c", "m", "y", "usable")
        .join(offsets, how="cross")
        .with_columns((col("y") - col("off")).alias("y"))
        .group_by("c", "m", "y")
        .agg(col("usable").median().alias("med"), col("usable").count().alias("n_nb"))
    )
    judged = cells.join(neighbours, on=["c", "m", "y"], how="left").with_columns(
        (
            (col("n_nb") >= MIN_NEIGHBOURS)
            & col("cov").is_not_null()
            & (col("cov") / col("med") < PARTIAL_DROP)
        )
        .fill_null(False)
        .alias("dropped")
    )
    distrusted = (
        judged.group_by("c", "y")
        .agg(
            col("empty").any().alias("e"),
            col("held").any().alias("h"),
            (~col("held") | col("dropped")).all().alias("d"),
        )
        .filter(col("e") | (col("h") & col("d")))
        .select("c", "y")
    )
    key = (col("v") * 1e6).round(0)  # values equal to the dollar tie, as in the package
    flows = rows.filter(col("m") < 2)
    top = (
        flows.filter(col("side") == 1)
        .filter(key.rank("min", descending=True).over("c", "y", "m") <= TOP_MISSING)
        .select("c", "y", "m", "p", "v")
    )
    gone = (
        top.join(flows.filter(col("side") == 0), on=["c", "y", "m", "p"], how="anti")
        .join(cells.filter(col("held")), on=["c", "y", "m"], how="semi")
        .group_by("c", "y", "m")
        .agg(col("v").sum().alias("gone"))
    )
    missing = (
        gone.join(cells, on=["c", "y", "m"])
        .filter(col("own") + col("gone") <= col("mir"))
        .select("c", "y", "m")
    )
    distrusted_flows = pl.concat(
        [missing, missing.select("c", "y", pl.lit(2, pl.Int8).alias("m"))]
    ).unique()
    own_ok = (
        rows.filter(col("side") == 0)
        .join(distrusted, on=["c", "y"], how="anti")
        .join(distrusted_flows, on=["c", "y", "m"], how="anti")
        .group_by("m", "c", "y")
        .agg(col("v").sum().alias("sv"), col("est").sum().alias("se"))
        .filter((col("sv") > 0) & (col("se") < ESTIMATE_LIMIT * col("sv")))
        .select("m", "c", "y", pl.lit(True).alias("ok"))
    )

    # variants: the member partners' rows summed into their bloc, the others as they are
    blocs = pl.LazyFrame(bloc_codes(coded)).rename({"year": "y", "member": "p"})
    blocs = blocs.with_columns(col("variant").cast(pl.Int8), col("y", "p", "bloc").cast(pl.Int16))
    in_blocs = pl.LazyFrame({"variant": [BLOCS, FIXED]}, schema={"variant": pl.Int8})
    spread = rows.join(in_blocs, how="cross").join(blocs, on=["variant", "y", "p"], how="left")
    summed = (
        spread.filter(col("bloc").is_not_null())
        .group_by("variant", "side", "m", "c", "bloc", "y")
        .agg(col("v").sum(), col("est").sum())
        .rename({"bloc": "p"})
    )
    names = ["variant", "side", "m", "c", "p", "y", "v", "est"]
    variant_rows = pl.concat(
        [
            rows.with_columns(pl.lit(COUNTRIES, pl.Int8).alias("variant")).select(names),
            spread.filter(col("bloc").is_null()).select(names),
            summed.select(names),
        ]
    ).with_columns(col("side").alias("vb"))
    best = (
        variant_rows.join(own_ok, on=["m", "c", "y"], how="left")
        .filter((col("side") == 0) == col("ok").fill_null(False))
        .drop("ok")
    )
    bases = pl.concat(
        [
            best.with_columns(pl.lit(0, pl.Int8).alias("basis")),
            variant_rows.filter(col("side") == 0).with_columns(pl.lit(1, pl.Int8).alias("basis")),
        ]
    ).cache()
    # ASEAN as an economy: its members' rows in the bloc variants, partner by partner
    members = blocs.filter(col("bloc") == asean).select("variant", "y", col("p").alias("c"))
    asean_rows = (
        bases.join(members, on=["variant", "y", "c"], how="semi")
        .group_by("variant", "basis", "m", "p", "y")
        .agg(
            col("v").sum(),
            col("est").sum(),
            pl.when(col("side").sum() == 0)
            .then(0)
            .when(col("side").sum() == pl.len())
            .then(1)
            .otherwise(2)
            .cast(pl.Int8)
            .alias("vb"),
            pl.lit(0, pl.Int8).alias("side"),
        )
        .with_columns(pl.lit(asean, pl.Int16).alias("c"))
    )
    group = (
        ((col("variant").cast(pl.Int64) * 2 + col("basis")) * 3 + col("m")) * nc + col("c")
    ) * ny + (col("y") - coded.year0)
    totals = (
        bases.group_by("variant", "basis", "m", "c", "y")
        .agg(
            (col("side") == 0).any().alias("has_own"),
            col("v").filter(col("p") != col("c")).sum().alias("psum"),
        )
        .join(own_total, on=["m", "c", "y"], how="left")
        .with_columns(
            pl.when(col("has_own") & (col("own_total") > 0))
            .then(col("own_total"))
            .otherwise(col("psum"))
            .alias("total")
        )
    )
    asean_totals = (
        totals.join(members, on=["variant", "y", "c"], how="semi")
        .group_by("variant", "basis", "m", "y")
        .agg(col("total").sum())
        .with_columns(pl.lit(asean, pl.Int16).alias("c"))
    )
    out = ["variant", "basis", "m", "c", "y", "p", "v", "est", "vb"]
    ranked = pl.concat([bases.select(out), asean_rows.select(out)]).with_columns(
        group.alias("g"), (col("p") != col("c")).alias("rankable")
    )
    group_facts = pl.concat(
        [
            totals.select("variant", "basis", "m", "c", "y", "total"),
            asean_totals.select("variant", "basis", "m", "c", "y", "total"),
        ]
    ).with_columns(group.alias("g"))
    counts = ranked.filter(col("rankable")).group_by("g").agg(pl.len().alias("n_partners"))
    facts = group_facts.select("g", "total").join(counts, on="g", how="left")
    rank = (
        pl.when(col("rankable"))
        .then(
            pl.when(col("rankable"))
            .then(key)
            .otherwise(None)
            .rank("min", descending=True)
            .over("g")
        )
        .otherwise(0)
    )
    return (
        ranked.join(facts, on="g", how="left")
        .with_columns(
            rank.cast(pl.Int64).alias("rank"),
            col("n_partners").fill_null(0),
            pl.when(col("total") > 0).then(col("v") / col("total")).alias("share"),
            (col("est") / col("v")).clip(0.0, 1.0).alias("estimated_share"),
        )
        .rename({"v": "value"})
        .select(
            "variant",
            "basis",
            "m",
            "c",
            "y",
            "p",
            "value",
            "total",
            "share",
            "rank",
            "n_partners",
            "vb",
            "estimated_share",
        )
    )


def rank_world(obs: pd.DataFrame) -> Iterator[dict[str, np.ndarray]]:
    """Rank every reporter of one trade dataset; the rows stream out batch by batch, each a
    dict of numpy columns (years as years)."""
    coded = encode(obs)
    for batch in query(coded).collect_batches():
        cols = {name: batch[name].to_numpy() for name in batch.columns}
        cols["y"] = cols["y"].astype(np.int64)
        yield cols
