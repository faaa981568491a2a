package dev.parallax.sql.plan;

import dev.parallax.executor.plan.BinaryOp;
import dev.parallax.executor.plan.Expr;
import dev.parallax.sql.SqlCatalog;
import java.util.List;

/**
 * The planner's cost model: PostgreSQL's cost units (a sequential page read is 1.0) and its
 * default selectivities, because there are no statistics yet.
 *
 * <p><b>This is the place the statistics-based model plugs in.</b> ANALYZE will give each column
 * its distinct count, null fraction, most common values and histogram; then {@link #selectivity}
 * reads them instead of the constants below, {@link #pages} the relation's measured size, and
 * {@link #joinRows} the join columns' distinct counts. Every planning decision (index or seq
 * scan, hash join or nested loop) goes through these methods, so nothing else changes.
 *
 * <p>Random page cost is 1.0 (not PostgreSQL's 4.0): pages are most often in the buffer pool,
 * and the in-memory variant has no disk at all.
 */
final class CostModel {
  private CostModel() {}

  static final double SEQ_PAGE = 1.0;
  static final double RANDOM_PAGE = 1.0;
  static final double CPU_TUPLE = 0.01;
  static final double CPU_INDEX_TUPLE = 0.005;
  static final double CPU_OPERATOR = 0.0025;
  /** PostgreSQL's DEFAULT_EQ_SEL, DEFAULT_INEQ_SEL and DEFAULT_RANGE_INEQ_SEL. */
  static final double EQ_SEL = 0.005;
  static final double INEQ_SEL = 1.0 / 3.0;
  static final double RANGE_SEL = 0.005;
  static final double OTHER_SEL = 0.5;

  static double rows(SqlCatalog.Table t) {
    return Math.max(1, t.rowEstimate());
  }

  static double pages(SqlCatalog.Table t) {
    return Math.max(1, Math.ceil(rows(t) * (28 + 8.0 * t.columns().size()) / 8192));
  }

  /** The fraction of rows passing all {@code quals} (treated as independent). */
  static double selectivity(List<Expr> quals) {
    double s = 1;
    for (Expr q : quals) {
      s *= selectivity(q);
    }
    return s;
  }

  static double selectivity(Expr q) {
    if (q instanceof Expr.Binary b) {
      if (b.op() == BinaryOp.EQ) {
        return EQ_SEL;
      }
      if (b.op() == BinaryOp.NE) {
        return 1 - EQ_SEL;
      }
      if (b.op().isComparison()) {
        return INEQ_SEL;
      }
    }
    if (q instanceof Expr.IsNull n) {
      return n.negated() ? 0.995 : EQ_SEL;
    }
    if (q instanceof Expr.InList in) {
      return Math.min(1, EQ_SEL * in.values().size());
    }
    if (q instanceof Expr.Constant c) {
      return Boolean.TRUE.equals(c.value()) ? 1 : 0;
    }
    return OTHER_SEL;
  }

  static double seqScan(SqlCatalog.Table t, int quals) {
    return pages(t) * SEQ_PAGE + rows(t) * (CPU_TUPLE + quals * CPU_OPERATOR);
  }

  /** An index scan fetching {@code matched} rows and filtering them by {@code quals} more. */
  static double indexScan(SqlCatalog.Table t, double matched, int quals) {
    double descent = Math.ceil(Math.log(rows(t) + 1) / Math.log(2)) * CPU_OPERATOR + 0.5 * RANDOM_PAGE;
    double fetches = Math.min(matched, rows(t));
    return descent + matched * (CPU_INDEX_TUPLE + CPU_TUPLE + quals * CPU_OPERATOR)
        + Math.min(fetches, pages(t) + fetches / 10) * RANDOM_PAGE;
  }

  static double joinRows(double outer, double inner, boolean equiJoin, double qualSelectivity) {
    double r = equiJoin ? outer * inner * EQ_SEL : outer * inner;
    return Math.max(1, r * qualSelectivity);
  }

  static double hashJoin(double outerCost, double outerRows, double innerCost, double innerRows, double outRows) {
    return outerCost + innerCost + innerRows * (CPU_OPERATOR + CPU_TUPLE) + outerRows * CPU_OPERATOR + outRows * CPU_TUPLE;
  }

  static double nestLoop(double outerCost, double outerRows, double innerCost, double innerRows, double outRows,
      boolean materialized) {
    double rescans = materialized ? innerCost + outerRows * innerRows * CPU_OPERATOR : outerRows * innerCost;
    return outerCost + rescans + outRows * CPU_TUPLE;
  }

  static double sort(double cost, double rows) {
    double n = Math.max(2, rows);
    return cost + n * Math.log(n) / Math.log(2) * 2 * CPU_OPERATOR;
  }

  static double aggregate(double cost, double rows, int keys, int aggregates) {
    return cost + rows * (keys + aggregates + 1) * CPU_OPERATOR;
  }

  /** Groups of GROUP BY over {@code rows} input rows (PostgreSQL's default without statistics: 200). */
  static double groups(double rows, int keys) {
    return keys == 0 ? 1 : Math.max(1, Math.min(rows, 200));
  }
}
