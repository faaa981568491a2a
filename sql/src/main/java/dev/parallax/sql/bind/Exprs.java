package dev.parallax.sql.bind;

import dev.parallax.executor.plan.Expr;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Walking and rewriting executor expressions. A bound expression uses {@link Expr.Column} with a
 * <em>global</em> column number (the range entry's offset plus the column's position); the
 * planner rewrites those into positions of each node's input row, or into a nested loop's
 * internal parameters, with {@link #rewrite}.
 */
public final class Exprs {
  private Exprs() {}

  /** The global column numbers {@code e} reads. */
  public static Set<Integer> columns(Expr e) {
    Set<Integer> out = new TreeSet<>();
    collect(e, out);
    return out;
  }

  public static Set<Integer> columns(List<Expr> es) {
    Set<Integer> out = new TreeSet<>();
    es.forEach(e -> collect(e, out));
    return out;
  }

  private static void collect(Expr e, Set<Integer> out) {
    rewrite(e, x -> {
      if (x instanceof Expr.Column c) {
        out.add(c.index());
      }
      return x;
    });
  }

  /** Whether {@code e} reads no column (a constant, a parameter, or an expression of those). */
  public static boolean isColumnFree(Expr e) {
    return columns(e).isEmpty();
  }

  /**
   * {@code e} with every leaf (column, constant, parameter, row identity) replaced by
   * {@code leaf.apply(it)}; inner nodes are rebuilt over the new children (and type-checked again).
   */
  public static Expr rewrite(Expr e, Function<Expr, Expr> leaf) {
    if (e instanceof Expr.Column || e instanceof Expr.Constant || e instanceof Expr.Param || e instanceof Expr.OuterParam
        || e instanceof Expr.RowIdentity) {
      return leaf.apply(e);
    }
    if (e instanceof Expr.Binary b) {
      return new Expr.Binary(b.op(), rewrite(b.left(), leaf), rewrite(b.right(), leaf));
    }
    if (e instanceof Expr.Not n) {
      return new Expr.Not(rewrite(n.arg(), leaf));
    }
    if (e instanceof Expr.And a) {
      return new Expr.And(all(a.args(), leaf));
    }
    if (e instanceof Expr.Or o) {
      return new Expr.Or(all(o.args(), leaf));
    }
    if (e instanceof Expr.IsNull n) {
      return new Expr.IsNull(rewrite(n.arg(), leaf), n.negated());
    }
    if (e instanceof Expr.Case c) {
      List<Expr.When> whens = new ArrayList<>();
      for (Expr.When w : c.whens()) {
        whens.add(new Expr.When(rewrite(w.condition(), leaf), rewrite(w.result(), leaf)));
      }
      return new Expr.Case(whens, c.otherwise() == null ? null : rewrite(c.otherwise(), leaf));
    }
    if (e instanceof Expr.Coalesce c) {
      return new Expr.Coalesce(all(c.args(), leaf));
    }
    if (e instanceof Expr.Func f) {
      return new Expr.Func(f.fn(), all(f.args(), leaf));
    }
    if (e instanceof Expr.Like l) {
      return new Expr.Like(rewrite(l.arg(), leaf), rewrite(l.pattern(), leaf), l.negated());
    }
    if (e instanceof Expr.InList in) {
      return new Expr.InList(rewrite(in.arg(), leaf), all(in.values(), leaf), in.negated());
    }
    if (e instanceof Expr.NullIf n) {
      return new Expr.NullIf(rewrite(n.a(), leaf), rewrite(n.b(), leaf));
    }
    if (e instanceof Expr.Cast c) {
      return new Expr.Cast(rewrite(c.arg(), leaf), c.target());
    }
    throw new IllegalStateException("no rewrite for expression " + e);
  }

  public static List<Expr> all(List<Expr> es, Function<Expr, Expr> leaf) {
    List<Expr> out = new ArrayList<>(es.size());
    for (Expr x : es) {
      out.add(rewrite(x, leaf));
    }
    return out;
  }

  /** The conjuncts of a predicate (its AND arguments, flattened). */
  public static List<Expr> conjuncts(Expr e) {
    List<Expr> out = new ArrayList<>();
    if (e instanceof Expr.And a) {
      a.args().forEach(x -> out.addAll(conjuncts(x)));
    } else if (e != null) {
      out.add(e);
    }
    return out;
  }
}
