package dev.parallax.executor.exec;

import dev.parallax.executor.plan.LockRowsPlan;

/** Locks each child row's table row through {@link ModifyTarget#lock} and passes on the rows it locked. */
final class LockRowsState extends OneChildState {
  private final LockRowsPlan lockRows;
  private ModifyTarget target;

  LockRowsState(LockRowsPlan plan, ExecContext ctx, PlanState child) {
    super(plan, ctx, child);
    this.lockRows = plan;
  }

  @Override
  protected void initSelf() {
    target = ctx.target(lockRows.relation(), "LockRows");
  }

  @Override
  protected TupleSlot produce() {
    while (true) {
      TupleSlot row = child.next();
      if (row == null) {
        return null;
      }
      Object id = row.get(lockRows.rowIdColumn());
      if (id != null && target.lock((Long) id, lockRows.strength(), lockRows.waitPolicy()) != null) {
        return row;
      }
    }
  }

  @Override
  protected void rescanNode() {
    child.rescan();
  }

}
