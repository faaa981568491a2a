package dev.parallax.sql.plan;

import dev.parallax.executor.plan.BinaryOp;
import dev.parallax.executor.plan.Expr;
import dev.parallax.sql.SqlCatalog;
import dev.parallax.sql.stats.ColumnStatistics;
import dev.parallax.sql.stats.Selectivity;
import dev.parallax.sql.stats.TableStatistics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The share of a base table's rows its quals keep, from the table's ANALYZE statistics where a
 * qual is one the statistics describe ({@code column op constant}, {@code column = $n},
 * {@code IS [NOT] NULL}, {@code IN (constants)}; the quals' columns are the table's), and
 * {@link CostModel}'s default guesses otherwise or when the table was never analyzed.
 *
 * <p>A lower and an upper bound on one column are estimated together as one range (PostgreSQL's
 * clauselist handling does the same): as independent quals, {@code a > 10 AND a < 20} on a wide
 * column would come out as the product of two large fractions instead of the narrow band it is.
 */
final class QualSelectivity {
  private QualSelectivity() {}

  static double of(SqlCatalog.Table t, List<Expr> quals) {
    TableStatistics stats = t.statistics();
    if (stats == null || quals.isEmpty()) {
      return CostModel.selectivity(quals);
    }
    double rows = Math.max(1, t.rowEstimate());
    double s = 1;
    Map<Integer, Object[]> ranges = new LinkedHashMap<>(); // column -> {lo, loInc, hi, hiInc}
    List<Expr> rest = new ArrayList<>();
    for (Expr q : quals) {
      Double one = single(stats, rows, q, ranges);
      if (one == null) {
        rest.add(q);
      } else {
        s *= one;
      }
    }
    for (Map.Entry<Integer, Object[]> r : ranges.entrySet()) {
      Object[] b = r.getValue();
      s *= Selectivity.range(stats.column(r.getKey()), b[0], (Boolean) b[1], b[2], (Boolean) b[3]);
    }
    return Math.max(0, Math.min(1, s * CostModel.selectivity(rest)));
  }

  /** The selectivity of one qual, or null when the statistics say nothing of it; bounds go to {@code ranges}. */
  private static Double single(TableStatistics stats, double rows, Expr q, Map<Integer, Object[]> ranges) {
    if (q instanceof Expr.IsNull n && n.arg() instanceof Expr.Column c && c.index() < stats.columns().size()) {
      double f = Selectivity.isNull(stats.column(c.index()));
      return n.negated() ? 1 - f : f;
    }
    if (q instanceof Expr.InList in && !in.negated() && in.arg() instanceof Expr.Column c
        && c.index() < stats.columns().size()) {
      List<Object> values = new ArrayList<>();
      for (Expr v : in.values()) {
        if (!(v instanceof Expr.Constant k) || !sameType(c, k)) {
          return null;
        }
        values.add(k.value());
      }
      return Selectivity.in(stats.column(c.index()), rows, values);
    }
    if (!(q instanceof Expr.Binary b) || !b.op().isComparison()) {
      return null;
    }
    BinaryOp op = b.op();
    Expr col = b.left();
    Expr other = b.right();
    if (!(col instanceof Expr.Column) && b.right() instanceof Expr.Column) {
      col = b.right();
      other = b.left();
      op = AccessPaths.flip(op);
    }
    if (!(col instanceof Expr.Column c) || c.index() >= stats.columns().size()) {
      return null;
    }
    ColumnStatistics cs = stats.column(c.index());
    if (other instanceof Expr.Param && op == BinaryOp.EQ) {
      return Selectivity.equalsUnknown(cs, rows);
    }
    if (!(other instanceof Expr.Constant k) || !sameType(c, k)) {
      return null;
    }
    Object v = k.value();
    if (v == null) {
      return 0.0; // a comparison with NULL is never true
    }
    switch (op) {
      case EQ:
        return Selectivity.equalsValue(cs, rows, v);
      case NE:
        return Math.max(0, 1 - cs.nullFraction() - Selectivity.equalsValue(cs, rows, v));
      case LT:
      case LE:
        bound(ranges, c.index(), false, v, op == BinaryOp.LE);
        return 1.0;
      default:
        bound(ranges, c.index(), true, v, op == BinaryOp.GE);
        return 1.0;
    }
  }

  private static void bound(Map<Integer, Object[]> ranges, int column, boolean lower, Object v, boolean inclusive) {
    Object[] b = ranges.computeIfAbsent(column, x -> new Object[] {null, true, null, true});
    int at = lower ? 0 : 2;
    // A second bound on the same side: keep the first (a rough estimate either way).
    if (b[at] == null) {
      b[at] = v;
      b[at + 1] = inclusive;
    }
  }

  private static boolean sameType(Expr.Column c, Expr.Constant k) {
    return k.value() == null || c.type().javaType().isInstance(k.value());
  }
}
