package dev.parallax.executor.exec;

import dev.parallax.executor.plan.LockRowsPlan;
import java.util.List;

/** Locks each child row's table row through {@link ModifyTarget#lock} and passes on the rows it locked. */
final class LockRowsState extends PlanState {
  private final LockRowsPlan lockRows;
  private final PlanState child;
  private ModifyTarget target;

  LockRowsState(LockRowsPlan plan, ExecContext ctx, PlanState child) {
    super(plan, ctx);
    this.lockRows = plan;
    this.child = child;
  }

  @Override
  public List<PlanState> children() {
    return List.of(child);
  }

  @Override
  protected void initNode() {
    if (ctx.targets() == null) {
      throw new IllegalStateException("this execution cannot lock rows (no targets in its context)");
    }
    target = ctx.targets().apply(lockRows.relation());
    child.init();
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

  @Override
  public void end() {
    child.end();
  }
}
