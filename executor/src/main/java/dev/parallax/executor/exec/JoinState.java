package dev.parallax.executor.exec;

import dev.parallax.executor.expr.ExprState;
import dev.parallax.executor.plan.Expr;
import dev.parallax.executor.plan.JoinPlan;
import java.util.List;

/**
 * What the join nodes share: their two children, the joined slot (outer columns then inner), the
 * compiled join quals, and helpers for keys. Subclasses compile their own keys in
 * {@link #initJoin} and do the joining in {@code produce}.
 */
abstract class JoinState extends PlanState {
  protected final PlanState outer;
  protected final PlanState inner;
  protected ExprState[] joinQuals;
  protected JoinSlot slot;
  private final List<Expr> joinQualExprs;

  JoinState(JoinPlan plan, ExecContext ctx, PlanState outer, PlanState inner, List<Expr> joinQuals) {
    super(plan, ctx);
    this.outer = outer;
    this.inner = inner;
    this.joinQualExprs = joinQuals;
  }

  @Override
  public final List<PlanState> children() {
    return List.of(outer, inner);
  }

  @Override
  protected final void initNode() {
    joinQuals = compileAll(joinQualExprs);
    initJoin();
    outer.init();
    inner.init();
    JoinPlan p = (JoinPlan) plan;
    slot = new JoinSlot(p.outer().outputTypes().size(), p.inner().outputTypes().size());
  }

  /** The node's own start (compiling its keys, resetting its state); before the children start. */
  protected abstract void initJoin();

  protected final ExprState[] compileAll(List<Expr> exprs) {
    ExprState[] out = new ExprState[exprs.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = compile(exprs.get(i));
    }
    return out;
  }

  static Object[] keyOf(ExprState[] keys, TupleSlot row) {
    Object[] key = new Object[keys.length];
    for (int i = 0; i < key.length; i++) {
      key[i] = keys[i].value(row);
    }
    return key;
  }

  static boolean passes(ExprState[] quals, TupleSlot row) {
    for (ExprState q : quals) {
      if (!q.test(row)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void end() {
    outer.end();
    inner.end();
  }
}
