package dev.parallax.api;

import dev.parallax.executor.plan.Expr;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Visits every node of an expression tree, parents before children. The catalog uses it to see
 * what a CHECK or DEFAULT reads (columns, parameters) before storing it. An expression kind it
 * does not know is 0A000, so a new kind cannot slip into the catalog unchecked.
 */
final class ExprWalk {
  private ExprWalk() {}

  static void forEach(Expr e, Consumer<Expr> visit) {
    visit.accept(e);
    for (Expr child : children(e)) {
      forEach(child, visit);
    }
  }

  private static List<Expr> children(Expr e) {
    if (e instanceof Expr.Column || e instanceof Expr.Constant || e instanceof Expr.Param
        || e instanceof Expr.OuterParam || e instanceof Expr.RowIdentity) {
      return List.of();
    }
    if (e instanceof Expr.Binary b) {
      return List.of(b.left(), b.right());
    }
    if (e instanceof Expr.Not n) {
      return List.of(n.arg());
    }
    if (e instanceof Expr.And a) {
      return a.args();
    }
    if (e instanceof Expr.Or o) {
      return o.args();
    }
    if (e instanceof Expr.IsNull n) {
      return List.of(n.arg());
    }
    if (e instanceof Expr.Case c) {
      List<Expr> out = new ArrayList<>();
      for (Expr.When w : c.whens()) {
        out.add(w.condition());
        out.add(w.result());
      }
      if (c.otherwise() != null) {
        out.add(c.otherwise());
      }
      return out;
    }
    if (e instanceof Expr.Coalesce c) {
      return c.args();
    }
    if (e instanceof Expr.Func f) {
      return f.args();
    }
    if (e instanceof Expr.Like l) {
      return List.of(l.arg(), l.pattern());
    }
    if (e instanceof Expr.InList in) {
      List<Expr> out = new ArrayList<>();
      out.add(in.arg());
      out.addAll(in.values());
      return out;
    }
    if (e instanceof Expr.NullIf n) {
      return List.of(n.a(), n.b());
    }
    if (e instanceof Expr.Cast c) {
      return List.of(c.arg());
    }
    throw new DatabaseException(SqlState.FEATURE_NOT_SUPPORTED,
        "expressions of kind " + e.getClass().getSimpleName() + " cannot be stored in the catalog");
  }

  /** 0A000 if {@code e} reads anything but its row's columns (a parameter, the row identity). */
  static void requireStorable(Expr e, String where) {
    forEach(e, node -> {
      if (node instanceof Expr.Param || node instanceof Expr.OuterParam) {
        throw new DatabaseException(SqlState.FEATURE_NOT_SUPPORTED, "cannot use a parameter in " + where);
      }
      if (node instanceof Expr.RowIdentity) {
        throw new DatabaseException(SqlState.FEATURE_NOT_SUPPORTED, "cannot use the row identity (ctid) in " + where);
      }
    });
  }
}
