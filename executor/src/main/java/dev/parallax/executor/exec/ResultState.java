package dev.parallax.executor.exec;

import dev.parallax.executor.expr.ExprCompiler;
import dev.parallax.executor.expr.ExprState;
import dev.parallax.executor.plan.Expr;
import dev.parallax.executor.plan.ResultPlan;
import java.util.List;

/**
 * Result: checks the one-time filter once per scan, then returns either one empty input row
 * (no child: the target list, which {@link PlanState} applies, makes the row of constants) or
 * its child's rows (projected and filtered by {@link PlanState}). A false or null one-time filter
 * means no rows, and the child is never read.
 */
final class ResultState extends PlanState {
  private static final TupleSlot NO_COLUMNS = new VirtualSlot(0);
  // fixed at init
  private final ResultPlan result;
  private final PlanState child;
  private ExprState[] oneTime;
  // per scan
  private Boolean passed;
  private boolean emitted;

  ResultState(ResultPlan plan, ExecContext ctx, PlanState child) {
    super(plan, ctx);
    this.result = plan;
    this.child = child;
  }

  @Override
  public List<PlanState> children() {
    return child == null ? List.of() : List.of(child);
  }

  @Override
  protected void initNode() {
    List<Expr> q = result.oneTimeQuals();
    oneTime = new ExprState[q.size()];
    for (int i = 0; i < oneTime.length; i++) {
      if (ExprCompiler.compile(q.get(i)).maxColumn() >= 0) {
        throw new IllegalArgumentException("a one-time filter cannot read columns: " + q.get(i));
      }
      oneTime[i] = compile(q.get(i));
    }
    if (child != null) {
      child.init();
    }
    passed = null;
    emitted = false;
  }

  @Override
  protected TupleSlot produce() {
    if (passed == null) {
      boolean all = true;
      for (ExprState q : oneTime) {
        all &= q.test(NO_COLUMNS);
      }
      passed = all;
    }
    if (!passed) {
      return null;
    }
    if (child != null) {
      return child.next();
    }
    if (emitted) {
      return null;
    }
    emitted = true;
    return NO_COLUMNS;
  }

  /** Whether the one-time filter let rows through (null before the first call), for EXPLAIN and tests. */
  Boolean oneTimePassed() {
    return passed;
  }

  @Override
  protected void rescanNode() {
    passed = null;
    emitted = false;
    if (child != null) {
      child.rescan();
    }
  }

  @Override
  public void end() {
    if (child != null) {
      child.end();
    }
  }
}
