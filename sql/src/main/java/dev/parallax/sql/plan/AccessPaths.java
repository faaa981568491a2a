package dev.parallax.sql.plan;

import dev.parallax.executor.plan.BinaryOp;
import dev.parallax.executor.plan.Expr;
import dev.parallax.executor.plan.Plan;
import dev.parallax.sql.SqlCatalog;
import dev.parallax.sql.bind.Exprs;
import java.util.ArrayList;
import java.util.List;

/**
 * Access paths of one table: a Seq Scan with every qual as its filter, or an Index Scan on an
 * index whose leading columns the quals pin down — equality on the first k key columns, then
 * optionally a range ({@code <, <=, >, >=}, both ends or one) on column k+1 — with the rest as
 * its filter (except a lower bound with no upper one: NULLs sort last in the index, so that
 * range would include them, and its qual stays in the filter too). Bound values must not read the table's columns: constants, parameters, or a
 * nested loop's outer values ({@link Expr.OuterParam}), which is how a parameterised inner index
 * scan is made. The cheapest by {@link CostModel} wins.
 *
 * <p>Quals here use the table's own column positions (the planner has rewritten them).
 */
final class AccessPaths {
  private AccessPaths() {}

  /** What an index can do with a set of quals. */
  record IndexMatch(SqlCatalog.Index index, List<Expr> lower, boolean lowerInclusive, List<Expr> upper,
      boolean upperInclusive, List<Expr> used, int equalities, boolean range) {
    /** The fraction of the table the bounds select. */
    double selectivity() {
      double s = Math.pow(CostModel.EQ_SEL, equalities);
      if (range) {
        s *= lower != null && upper != null && lower.size() > equalities && upper.size() > equalities ? CostModel.RANGE_SEL
            : CostModel.INEQ_SEL;
      }
      return s;
    }

    boolean uniqueHit() {
      return index.unique() && equalities == index.columns().size();
    }
  }

  static Plan best(Nodes nodes, SqlCatalog.Table t, List<Expr> quals) {
    double rows = Math.max(1, CostModel.rows(t) * QualSelectivity.of(t, quals));
    Plan best = nodes.seqScan(t.relation(), t.name(), t.types(), quals, rows, CostModel.seqScan(t, quals.size()));
    for (SqlCatalog.Index index : t.indexes()) {
      IndexMatch m = match(index, quals);
      if (m == null) {
        continue;
      }
      Plan p = indexScan(nodes, t, m, quals);
      if (p.estimatedCost() < best.estimatedCost()) {
        best = p;
      }
    }
    return best;
  }

  static Plan indexScan(Nodes nodes, SqlCatalog.Table t, IndexMatch m, List<Expr> quals) {
    List<Expr> rest = new ArrayList<>(quals);
    m.used().forEach(u -> rest.removeIf(q -> q == u));
    // With statistics the bounds' share comes from them; without, from the default guesses.
    double boundsShare = t.statistics() != null ? QualSelectivity.of(t, m.used()) : m.selectivity();
    double matched = m.uniqueHit() ? 1 : Math.max(1, CostModel.rows(t) * boundsShare);
    double rows = Math.max(m.uniqueHit() ? 0 : 1, matched * QualSelectivity.of(t, rest));
    return nodes.indexScan(t.relation(), t.name(), t.types(), m.index().relation(), m.index().name(), m.index().columns(),
        m.lower(), m.lowerInclusive(), m.upper(), m.upperInclusive(), rest, m.uniqueHit() ? 1 : rows,
        CostModel.indexScan(t, matched, rest.size()));
  }

  /** The index's use for {@code quals}, or null if they do not constrain its first column. */
  static IndexMatch match(SqlCatalog.Index index, List<Expr> quals) {
    List<Expr> eq = new ArrayList<>();
    List<Expr> used = new ArrayList<>();
    int k = 0;
    for (; k < index.columns().size(); k++) {
      Expr found = null;
      for (Expr q : quals) {
        Expr v = bound(q, index.columns().get(k), BinaryOp.EQ);
        if (v != null) {
          found = v;
          used.add(q);
          break;
        }
      }
      if (found == null) {
        break;
      }
      eq.add(found);
    }
    Expr lo = null;
    Expr hi = null;
    boolean loInc = true;
    boolean hiInc = true;
    Expr loQual = null;
    if (k < index.columns().size()) {
      int col = index.columns().get(k);
      for (Expr q : quals) {
        if (lo == null) {
          for (BinaryOp op : new BinaryOp[] {BinaryOp.GT, BinaryOp.GE}) {
            Expr v = bound(q, col, op);
            if (v != null) {
              lo = v;
              loInc = op == BinaryOp.GE;
              loQual = q;
              break;
            }
          }
          if (lo != null) {
            continue;
          }
        }
        if (hi == null) {
          for (BinaryOp op : new BinaryOp[] {BinaryOp.LT, BinaryOp.LE}) {
            Expr v = bound(q, col, op);
            if (v != null) {
              hi = v;
              hiInc = op == BinaryOp.LE;
              used.add(q);
              break;
            }
          }
        }
      }
    }
    if (eq.isEmpty() && lo == null && hi == null) {
      return null;
    }
    if (loQual != null && hi != null) {
      used.add(loQual);
    }
    // else a lower bound alone also lets the NULLs through (they sort after every value), so
    // its qual stays in the filter
    List<Expr> lower = new ArrayList<>(eq);
    List<Expr> upper = new ArrayList<>(eq);
    if (lo != null) {
      lower.add(lo);
    }
    if (hi != null) {
      upper.add(hi);
    }
    boolean range = lo != null || hi != null;
    return new IndexMatch(index, lower.isEmpty() ? null : lower, lo == null || loInc, upper.isEmpty() ? null : upper,
        hi == null || hiInc, used, eq.size(), range);
  }

  /**
   * The value {@code column op value} compares the column with, if {@code q} is such a
   * comparison (either way round) with a value that reads no column of the table.
   */
  private static Expr bound(Expr q, int column, BinaryOp op) {
    if (!(q instanceof Expr.Binary b) || !b.op().isComparison()) {
      return null;
    }
    if (b.left() instanceof Expr.Column c && c.index() == column && b.op() == op && Exprs.isColumnFree(b.right())) {
      return b.right();
    }
    if (b.right() instanceof Expr.Column c && c.index() == column && flip(b.op()) == op && Exprs.isColumnFree(b.left())) {
      return b.left();
    }
    return null;
  }

  /** The comparison with its operands swapped ({@code a < b} is {@code b > a}). */
  static BinaryOp flip(BinaryOp op) {
    return switch (op) {
      case LT -> BinaryOp.GT;
      case LE -> BinaryOp.GE;
      case GT -> BinaryOp.LT;
      case GE -> BinaryOp.LE;
      default -> op;
    };
  }
}
