package dev.parallax.executor.exec;

import dev.parallax.executor.plan.Plan;
import java.util.List;

/** A state node over one child (Limit, Sort, Aggregate, LockRows, Materialize, ModifyTable). */
abstract class OneChildState extends PlanState {
  protected final PlanState child;

  OneChildState(Plan plan, ExecContext ctx, PlanState child) {
    super(plan, ctx);
    this.child = child;
  }

  @Override
  public final List<PlanState> children() {
    return List.of(child);
  }

  /** Initialises the child; override {@link #initSelf} for the node's own start. */
  @Override
  protected final void initNode() {
    initSelf();
    child.init();
  }

  protected void initSelf() {}

  @Override
  public void end() {
    child.end();
  }
}
