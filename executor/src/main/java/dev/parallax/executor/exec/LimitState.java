package dev.parallax.executor.exec;

import dev.parallax.executor.plan.LimitPlan;

/** Skips {@code offset} rows, then returns at most {@code limit}; stops pulling its child after. */
final class LimitState extends OneChildState {
  private final LimitPlan limit;
  private long position;

  LimitState(LimitPlan plan, ExecContext ctx, PlanState child) {
    super(plan, ctx, child);
    this.limit = plan;
  }

  @Override
  protected void initSelf() {
    position = 0;
  }

  @Override
  protected TupleSlot produce() {
    while (position < limit.offset()) {
      if (child.next() == null) {
        return null;
      }
      position++;
    }
    if (limit.limit() >= 0 && position >= limit.offset() + limit.limit()) {
      return null;
    }
    TupleSlot row = child.next();
    if (row != null) {
      position++;
    }
    return row;
  }

  @Override
  protected void rescanNode() {
    child.rescan();
    position = 0;
  }

}
