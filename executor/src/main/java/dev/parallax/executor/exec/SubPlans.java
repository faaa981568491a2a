package dev.parallax.executor.exec;

import dev.parallax.executor.plan.Expr;
import java.util.ArrayList;
import java.util.List;

/** Finds the sub-queries inside expressions (outermost first, in evaluation order), for EXPLAIN. */
final class SubPlans {
  private SubPlans() {}

  static List<Expr.SubPlan> in(List<Expr> exprs) {
    List<Expr.SubPlan> out = new ArrayList<>();
    if (exprs != null) {
      exprs.forEach(e -> collect(e, out));
    }
    return out;
  }

  private static void collect(Expr e, List<Expr.SubPlan> out) {
    if (e instanceof Expr.SubPlan sp) {
      sp.args().forEach(a -> collect(a, out));
      if (sp.testExpr() != null) {
        collect(sp.testExpr(), out);
      }
      out.add(sp);
    } else if (e instanceof Expr.Binary b) {
      collect(b.left(), out);
      collect(b.right(), out);
    } else if (e instanceof Expr.Not n) {
      collect(n.arg(), out);
    } else if (e instanceof Expr.And a) {
      a.args().forEach(x -> collect(x, out));
    } else if (e instanceof Expr.Or o) {
      o.args().forEach(x -> collect(x, out));
    } else if (e instanceof Expr.IsNull n) {
      collect(n.arg(), out);
    } else if (e instanceof Expr.Case c) {
      for (Expr.When w : c.whens()) {
        collect(w.condition(), out);
        collect(w.result(), out);
      }
      if (c.otherwise() != null) {
        collect(c.otherwise(), out);
      }
    } else if (e instanceof Expr.Coalesce c) {
      c.args().forEach(x -> collect(x, out));
    } else if (e instanceof Expr.Func f) {
      f.args().forEach(x -> collect(x, out));
    } else if (e instanceof Expr.Like l) {
      collect(l.arg(), out);
      collect(l.pattern(), out);
    } else if (e instanceof Expr.InList in) {
      collect(in.arg(), out);
      in.values().forEach(x -> collect(x, out));
    } else if (e instanceof Expr.NullIf n) {
      collect(n.a(), out);
      collect(n.b(), out);
    } else if (e instanceof Expr.Cast c) {
      collect(c.arg(), out);
    }
  }
}
