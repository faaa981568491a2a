package dev.parallax.executor.exec;

import dev.parallax.executor.plan.SubqueryScanPlan;

/** Passes its child's rows through its own quals and target list. */
final class SubqueryScanState extends OneChildState {
  SubqueryScanState(SubqueryScanPlan plan, ExecContext ctx, PlanState child) {
    super(plan, ctx, child);
  }

  @Override
  protected TupleSlot produce() {
    return child.next();
  }

  @Override
  protected void rescanNode() {
    child.rescan();
  }
}
