"""The trade ranking of every reporter written as one DuckDB SQL query: a yardstick.

It does the work of ``rank_trade.rank_dataset`` on one dataset's observations: trade = exports +
imports where both flows are there; own World rows as totals; the own reports that ``best``
does not trust (IMF estimates over half the value, nearly empty reports, partial years judged
against the median of the neighbouring years; per flow, partners in the top five of partners'
reports absent from an own report that falls short of the mirror by their value, trade
following either flow); bases ``reported`` and ``best`` (mirror where the own report is not
trusted); variants ``countries``, ``blocs`` (members of each year summed into ASEAN and EU) and
``blocs_fixed`` (today's members), with ASEAN as an economy (its members' rows summed);
``rank()`` over each economy-year, shares and partner counts.

Written for speed: every key is a small integer (``yardstick`` codes; no text is hashed or
compared), the bloc variants re-aggregate only the rows whose partner is a member, totals and
partner counts are one GROUP BY joined back on one packed integer group key, the one sort is
the final rank window over that key, and the result is streamed in chunks
(``fetch_df_chunk``), never materialised as a table.

Benchmark only (the ``bench`` extra; the test suite checks it on a sample): the package ranks
with numpy.
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

try:  # run as a script's module (benchmarks/ on sys.path) or as benchmarks.duckdb_rank
    from yardstick import Coded, bloc_codes, encode
except ImportError:  # pragma: no cover
    from .yardstick import Coded, bloc_codes, encode

COUNTRIES, BLOCS, FIXED = (VARIANTS.index(v) for v in ("countries", "blocs", "blocs_fixed"))


def query(coded: Coded) -> str:
    """The SQL, on tables ``obs`` (``yardstick`` codes) and ``bloc_map`` (``bloc_codes``)."""
    nc, ny, y0 = len(coded.vocab), coded.n_years, coded.year0
    world, asean = coded.world, coded.asean
    group = f"((((variant * 2 + basis) * 3 + m) * {nc} + c) * {ny} + (y - {y0}))::BIGINT"
    return f"""
WITH base AS (
    SELECT side::TINYINT AS side, m::TINYINT AS m, c::SMALLINT AS c, p::SMALLINT AS p,
           y::SMALLINT AS y, v, est FROM obs
), both_flows AS (  -- trade = exports + imports where that side has both flows that year
    SELECT side, c, y FROM base GROUP BY ALL HAVING count(DISTINCT m) = 2
), all_rows AS (
    SELECT side, m, c, p, y, v, est FROM base
    UNION ALL
    SELECT side, 2::TINYINT, c, p, y, sum(v), sum(est)
    FROM base SEMI JOIN both_flows USING (side, c, y)
    GROUP BY side, c, p, y
), own_total AS (
    SELECT m, c, y, sum(v) AS own_total
    FROM all_rows WHERE p = {world} AND side = 0 GROUP BY ALL
), rows AS MATERIALIZED (
    SELECT * FROM all_rows WHERE p <> {world} AND v > 0
), cells AS MATERIALIZED (  -- own and mirror sums per flow
    SELECT c, y, m, own, mir, own > 0 AS held,
           CASE WHEN own > 0 AND mir > 0 THEN own / mir END AS cov,
           sum(own) OVER cy AS own_sum,
           sum(CASE WHEN own > 0 THEN mir ELSE 0 END) OVER cy AS mirror_sum
    FROM (SELECT c, y, m,
                 coalesce(sum(v) FILTER (side = 0), 0) AS own,
                 coalesce(sum(v) FILTER (side = 1), 0) AS mir
          FROM rows WHERE m < 2 GROUP BY ALL)
    WINDOW cy AS (PARTITION BY c, y)
), judged AS (
    SELECT *, CASE WHEN NOT empty THEN cov END AS usable
    FROM (SELECT *, mirror_sum > 0 AND own_sum / mirror_sum < {COVERAGE_LIMIT} AS empty
          FROM cells)
), neighbours AS (
    SELECT c, m, (y - o.off)::SMALLINT AS y, median(usable) AS med, count(usable) AS n_nb
    FROM judged CROSS JOIN (SELECT unnest(range(-{NEIGHBOUR_YEARS}, {NEIGHBOUR_YEARS} + 1)) AS off) o
    WHERE o.off <> 0
    GROUP BY ALL
), distrusted AS (
    SELECT c, y FROM judged LEFT JOIN neighbours USING (c, m, y)
    GROUP BY c, y
    HAVING bool_or(empty) OR (
        bool_or(held) AND bool_and(NOT held OR coalesce(
            n_nb >= {MIN_NEIGHBOURS} AND cov IS NOT NULL AND cov / med < {PARTIAL_DROP}, false)))
), mirror_top AS (  -- the mirror's top five per flow (competition ranks, to the dollar)
    SELECT * FROM (
        SELECT c, y, m, p, v,
               rank() OVER (PARTITION BY c, y, m ORDER BY round_even(v * 1000000.0, 0) DESC) AS r
        FROM rows WHERE side = 1 AND m < 2
    ) WHERE r <= {TOP_MISSING}
), gone AS (  -- of those, the partners with no own value in a flow the own report holds
    SELECT c, y, m, sum(v) AS gone
    FROM mirror_top
    ANTI JOIN (SELECT c, y, m, p FROM rows WHERE side = 0 AND m < 2) USING (c, y, m, p)
    SEMI JOIN (SELECT c, y, m FROM cells WHERE held) USING (c, y, m)
    GROUP BY ALL
), missing AS (  -- the own flow falls short of the mirror by at least their value
    SELECT c, y, m FROM gone JOIN cells USING (c, y, m) WHERE own + gone <= mir
), distrusted_flows AS (  -- trade follows either flow
    SELECT c, y, m FROM missing UNION SELECT c, y, 2::TINYINT FROM missing
), own_ok AS (
    SELECT m, c, y
    FROM rows ANTI JOIN distrusted USING (c, y)
    ANTI JOIN distrusted_flows USING (c, y, m)
    WHERE side = 0
    GROUP BY ALL HAVING sum(v) > 0 AND sum(est) < {ESTIMATE_LIMIT} * sum(v)
), spread AS (  -- bloc variants: which rows have a member as partner
    SELECT r.*, v2.variant, b.bloc
    FROM rows r CROSS JOIN (VALUES ({BLOCS}::TINYINT), ({FIXED}::TINYINT)) v2(variant)
    LEFT JOIN bloc_map b ON b.variant = v2.variant AND b.year = r.y AND b.member = r.p
), variant_rows AS (  -- the member partners' rows summed into their bloc, the others as they are
    SELECT {COUNTRIES}::TINYINT AS variant, side, m, c, p, y, v, est FROM rows
    UNION ALL
    SELECT variant, side, m, c, p, y, v, est FROM spread WHERE bloc IS NULL
    UNION ALL
    SELECT variant, side, m, c, bloc, y, sum(v), sum(est) FROM spread WHERE bloc IS NOT NULL
    GROUP BY variant, side, m, c, bloc, y
), bases AS MATERIALIZED (
    SELECT 0::TINYINT AS basis, r.* FROM variant_rows r
    LEFT JOIN own_ok o USING (m, c, y)
    WHERE (side = 0) = (o.c IS NOT NULL)
    UNION ALL
    SELECT 1::TINYINT, * FROM variant_rows WHERE side = 0
), totals AS MATERIALIZED (  -- per group; the own World row joined to the groups, not the rows
    SELECT variant, basis, m, c, y, n_partners,
           CASE WHEN has_own AND t.own_total > 0 THEN t.own_total ELSE psum END AS total
    FROM (SELECT variant, basis, m, c, y, bool_or(side = 0) AS has_own,
                 coalesce(sum(v) FILTER (p <> c), 0) AS psum,
                 count(*) FILTER (p <> c) AS n_partners
          FROM bases GROUP BY ALL)
    LEFT JOIN own_total t USING (m, c, y)
), members AS (
    SELECT variant, year AS y, member AS c FROM bloc_map WHERE bloc = {asean}
), asean AS (  -- ASEAN as an economy: its members' rows, summed partner by partner
    SELECT variant, basis, m, {asean}::SMALLINT AS c, y, p, sum(v) AS v, sum(est) AS est,
           CASE WHEN sum(side) = 0 THEN 0 WHEN sum(side) = count(*) THEN 1 ELSE 2 END AS vb
    FROM bases SEMI JOIN members USING (variant, y, c)
    GROUP BY variant, basis, m, p, y
), facts AS (
    SELECT {group} AS g, total, n_partners FROM totals
    UNION ALL
    SELECT {group}, t.total, a.n
    FROM (SELECT variant, basis, m, y, sum(total) AS total
          FROM totals SEMI JOIN members USING (variant, y, c) GROUP BY ALL) t
    JOIN (SELECT variant, basis, m, y, count(*) FILTER (p <> {asean}) AS n
          FROM asean GROUP BY ALL) a USING (variant, basis, m, y)
    CROSS JOIN (SELECT {asean}::SMALLINT AS c)
), ranked_rows AS (  -- narrow: the group key carries variant, basis, measure, economy, year
    SELECT {group} AS g, p, v, est, side::INT AS vb FROM bases
    UNION ALL
    SELECT {group}, p, v, est, vb FROM asean
), ranked AS (  -- the one sort: within a group, ranked rows by value (dollars) descending
    SELECT g, p, v, est, vb, (g // {ny}) % {nc} AS c,
           CASE WHEN p <> (g // {ny}) % {nc} THEN rank() OVER (
               PARTITION BY g ORDER BY ((p = (g // {ny}) % {nc})::BIGINT << 52)
                                       - round_even(v * 1000000.0, 0)::BIGINT)
           ELSE 0 END AS rank
    FROM ranked_rows
)
SELECT g // {ny * nc * 6} AS variant, (g // {ny * nc * 3}) % 2 AS basis,
       (g // {ny * nc}) % 3 AS m, c, g % {ny} + {y0} AS y, p, v AS value, total,
       CASE WHEN total > 0 THEN v / total END AS share, rank, n_partners, vb,
       least(greatest(est / v, 0), 1) AS estimated_share
FROM ranked JOIN facts USING (g)
"""


def rank_world(obs: pd.DataFrame, threads: int = 1) -> Iterator[dict[str, np.ndarray]]:
    """Rank every reporter of one trade dataset in DuckDB; the rows stream out in chunks, each
    a dict of numpy columns."""
    import duckdb

    coded = encode(obs)
    con = duckdb.connect()
    con.execute(f"SET threads = {threads}")
    con.execute("SET preserve_insertion_order = false")
    con.register("obs", pd.DataFrame(coded.columns))
    con.register("bloc_map", pd.DataFrame(bloc_codes(coded)))
    con.execute(query(coded))
    while True:
        chunk = con.fetch_df_chunk(16)
        if not len(chunk):
            break
        yield {name: chunk[name].to_numpy() for name in chunk.columns}
