"""The trade ranking of every reporter written as one DuckDB SQL query: the benchmark's yardstick.

It does the work of ``rank_trade.rank_dataset`` on one dataset's observations: trade = exports +
imports where both flows are there; own World rows as totals; the own reports that ``best``
does not trust (IMF estimates over half the value, nearly empty reports, partial years judged
against the median of the neighbouring years; per flow, partners in the top five of partners'
reports absent from an own report that falls short of the mirror by their value, trade
following either flow); bases ``reported`` and ``best`` (mirror where
the own report is not trusted); variants ``countries``, ``blocs`` (members of each year summed
into ASEAN and EU) and ``blocs_fixed`` (today's members), with ASEAN as an economy (its
members' rows summed); ``rank()`` over each economy-year, shares and partner counts.

Benchmark only (``pip install duckdb``, the ``bench`` extra): the package ranks with numpy.
``compare`` checks that the two engines agree row for row, so the times measure the same work.
"""

from __future__ import annotations

import pandas as pd

from analysis.countries import ASEAN, EU, WORLD, members_in
from analysis.rank_trade import (
    COVERAGE_LIMIT,
    ESTIMATE_LIMIT,
    NEIGHBOUR_YEARS,
    PARTIAL_DROP,
    TOP_MISSING,
)

QUERY = f"""
WITH base AS (
    SELECT (basis = 'mirror')::INT AS side, measure::VARCHAR AS measure,
           country::VARCHAR AS country, partner::VARCHAR AS partner, year::INT AS year,
           value_usd_m AS value, CASE WHEN flag = 'e' THEN value_usd_m ELSE 0 END AS est
    FROM obs
), both_flows AS (  -- trade = exports + imports where that side has both flows that year
    SELECT side, country, year FROM base GROUP BY ALL HAVING count(DISTINCT measure) = 2
), all_rows AS (
    SELECT * FROM base
    UNION ALL
    SELECT side, 'trade', country, partner, year, sum(value), sum(est)
    FROM base SEMI JOIN both_flows USING (side, country, year)
    GROUP BY side, country, partner, year
), own_total AS (
    SELECT measure, country, year, sum(value) AS total
    FROM all_rows WHERE partner = '{WORLD}' AND side = 0 GROUP BY ALL
), rows AS (
    SELECT * FROM all_rows WHERE partner <> '{WORLD}' AND value > 0
), cells AS (  -- own and mirror sums per flow, economies with an own report
    SELECT country, year, measure,
           coalesce(sum(value) FILTER (side = 0), 0) AS own,
           coalesce(sum(value) FILTER (side = 1), 0) AS mir
    FROM rows WHERE measure <> 'trade'
    GROUP BY ALL
), cover AS (
    SELECT *, own > 0 AS held,
           CASE WHEN own > 0 AND mir > 0 THEN own / mir END AS flow_cov,
           sum(own) OVER cy AS own_sum,
           sum(CASE WHEN own > 0 THEN mir ELSE 0 END) OVER cy AS mirror_sum
    FROM cells WINDOW cy AS (PARTITION BY country, year)
), cover2 AS (
    SELECT *, mirror_sum > 0 AND own_sum / mirror_sum < {COVERAGE_LIMIT} AS nearly_empty
    FROM cover
), judged AS (
    SELECT *, CASE WHEN NOT nearly_empty THEN flow_cov END AS usable FROM cover2
), neighbours AS (
    SELECT *,
        median(usable) OVER w AS med, count(usable) OVER w AS n_nb
    FROM judged
    WINDOW w AS (PARTITION BY country, measure ORDER BY year
                 RANGE BETWEEN {NEIGHBOUR_YEARS} PRECEDING AND {NEIGHBOUR_YEARS} FOLLOWING
                 EXCLUDE CURRENT ROW)
), distrusted AS (
    SELECT country, year FROM neighbours
    GROUP BY country, year
    HAVING bool_or(nearly_empty) OR (
        bool_or(held) AND bool_and(NOT held OR (
            n_nb >= 2 AND flow_cov IS NOT NULL AND flow_cov / med < {PARTIAL_DROP})))
), mirror_top AS (  -- the mirror's top five per flow (competition ranks, to the dollar)
    SELECT * FROM (
        SELECT country, year, measure, partner, value,
               rank() OVER (PARTITION BY country, year, measure
                            ORDER BY round_even(value * 1000000.0, 0) DESC) AS mrank
        FROM rows WHERE side = 1 AND measure <> 'trade'
    ) WHERE mrank <= {TOP_MISSING}
), gone AS (  -- of those, the partners with no own value in a flow the own report holds
    SELECT country, year, measure, sum(value) AS gone
    FROM mirror_top
    ANTI JOIN (SELECT country, year, measure, partner FROM rows WHERE side = 0)
        USING (country, year, measure, partner)
    SEMI JOIN (SELECT country, year, measure FROM cells WHERE own > 0)
        USING (country, year, measure)
    GROUP BY ALL
), missing AS (  -- the own flow falls short of the mirror by at least their value
    SELECT country, year, measure FROM gone JOIN cells USING (country, year, measure)
    WHERE own + gone <= mir
), distrusted_flows AS (  -- trade follows either flow
    SELECT measure, country, year FROM missing
    UNION SELECT 'trade', country, year FROM missing
), own_ok AS (
    SELECT measure, country, year
    FROM rows ANTI JOIN distrusted USING (country, year)
    ANTI JOIN distrusted_flows USING (measure, country, year)
    WHERE side = 0
    GROUP BY ALL HAVING sum(value) > 0 AND sum(est) < {ESTIMATE_LIMIT} * sum(value)
), variant_rows AS (
    SELECT 'countries' AS variant, side, measure, country, partner, year, value, est,
           side AS vb FROM rows
    UNION ALL
    SELECT v.variant, side, measure, country, coalesce(m.bloc, partner) AS p, r.year,
           sum(value), sum(est), side
    FROM rows r CROSS JOIN (VALUES ('blocs'), ('blocs_fixed')) v(variant)
    LEFT JOIN bloc_map m ON m.variant = v.variant AND m.year = r.year AND m.member = r.partner
    GROUP BY v.variant, side, measure, country, p, r.year
), bases AS (
    SELECT 'reported' AS basis, * FROM variant_rows WHERE side = 0
    UNION ALL
    SELECT 'best', r.* FROM variant_rows r
    LEFT JOIN own_ok o USING (measure, country, year)
    WHERE (side = 0) = (o.country IS NOT NULL)
), totals AS (
    SELECT variant, basis, measure, country, year,
        CASE WHEN bool_or(side = 0) AND any_value(t.total) > 0 THEN any_value(t.total)
             ELSE coalesce(sum(value) FILTER (partner <> country), 0) END AS total
    FROM bases LEFT JOIN own_total t USING (measure, country, year)
    GROUP BY ALL
), asean AS (  -- ASEAN as an economy: its members' rows, summed partner by partner
    SELECT b.variant, basis, measure, '{ASEAN}' AS country, partner, b.year,
           sum(value) AS value, sum(est) AS est,
           CASE WHEN sum(side) = 0 THEN 0 WHEN sum(side) = count(*) THEN 1 ELSE 2 END AS vb
    FROM bases b JOIN bloc_map m
      ON m.variant = b.variant AND m.year = b.year AND m.member = b.country AND m.bloc = '{ASEAN}'
    GROUP BY b.variant, basis, measure, partner, b.year
), asean_total AS (
    SELECT t.variant, basis, measure, '{ASEAN}' AS country, t.year, sum(total) AS total
    FROM totals t JOIN bloc_map m
      ON m.variant = t.variant AND m.year = t.year AND m.member = t.country AND m.bloc = '{ASEAN}'
    GROUP BY t.variant, basis, measure, t.year
), ranked_rows AS (
    SELECT b.variant, b.basis, b.measure, b.country, b.partner, b.year, value, est, vb, total
    FROM bases b JOIN totals USING (variant, basis, measure, country, year)
    UNION ALL
    SELECT a.variant, a.basis, a.measure, a.country, a.partner, a.year, value, est, vb, total
    FROM asean a JOIN asean_total USING (variant, basis, measure, country, year)
)
SELECT variant, basis, measure, country, year, partner, value AS value_usd_m,
       total AS total_usd_m, CASE WHEN total > 0 THEN value / total END AS share,
       CASE WHEN partner <> country THEN rank() OVER (
           PARTITION BY variant, basis, measure, country, year, partner = country
           ORDER BY round_even(value * 1000000.0, 0) DESC) END AS rank,
       count(*) FILTER (partner <> country) OVER (
           PARTITION BY variant, basis, measure, country, year) AS n_partners,
       vb AS value_basis, least(greatest(est / value, 0), 1) AS estimated_share
FROM ranked_rows
"""


def bloc_map(years: range) -> pd.DataFrame:
    """variant, year, member, bloc: the blocs' members of each year (``blocs``) and today's
    members in every year (``blocs_fixed``), from the package's membership table."""
    rows = [
        (variant, year, member, bloc)
        for variant, dated in (("blocs", True), ("blocs_fixed", False))
        for year in years
        for bloc in (ASEAN, EU)
        for member in sorted(members_in(bloc, year, dated))
    ]
    return pd.DataFrame(rows, columns=["variant", "year", "member", "bloc"])


def rank_world(obs: pd.DataFrame, threads: int = 1):
    """Rank every reporter of one trade dataset in DuckDB; returns the connection, the result
    materialised as its table ``ranked``."""
    import duckdb

    con = duckdb.connect()
    con.execute(f"SET threads = {threads}")
    con.execute("SET preserve_insertion_order = false")
    years = range(int(obs["year"].min()), int(obs["year"].max()) + 1)
    con.register(
        "obs", obs[["measure", "country", "partner", "year", "value_usd_m", "basis", "flag"]]
    )
    con.register("bloc_map", bloc_map(years))
    con.execute(f"CREATE TABLE ranked AS {QUERY}")
    return con


def compare(con, ours: pd.DataFrame) -> dict:
    """Rows of the two engines matched on their key: how many are on one side only, and how
    many differ in rank, partner count, value basis, value or total (beyond float summing
    order, 1e-9 relative). All zero: the times measure the same work."""
    mine = ours.assign(
        rank=ours["rank"].fillna(0).astype("int64"),
        vb=ours["value_basis"].cat.codes.astype("int64"),
    )
    cols = ["variant", "basis", "measure", "country", "year", "partner"]
    con.register("ours", mine[[*cols, "rank", "n_partners", "vb", "value_usd_m", "total_usd_m"]])
    on = " AND ".join(f"d.{c} = o.{c}" if c == "year" else f"d.{c} = o.{c}::VARCHAR" for c in cols)
    one_side, differ = con.execute(
        f"""
        SELECT count(*) FILTER (o.rank IS NULL OR d.variant IS NULL),
               count(*) FILTER (coalesce(d.rank, 0) <> o.rank OR d.n_partners <> o.n_partners
                   OR d.value_basis <> o.vb
                   OR abs(d.value_usd_m - o.value_usd_m) > 1e-9 * abs(o.value_usd_m)
                   OR abs(d.total_usd_m - o.total_usd_m) > 1e-9 * abs(o.total_usd_m))
        FROM ranked d FULL JOIN ours o ON {on}
        """
    ).fetchone()
    return {"rows": len(mine), "rows_one_side": one_side, "rows_differ": differ}
