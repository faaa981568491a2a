package dev.parallax.executor.exec;

import dev.parallax.executor.plan.AppendPlan;
import java.util.List;

/** Returns each child's rows in turn. */
final class AppendState extends PlanState {
  private final List<PlanState> parts;
  private int current;

  AppendState(AppendPlan plan, ExecContext ctx, List<PlanState> parts) {
    super(plan, ctx);
    this.parts = List.copyOf(parts);
  }

  @Override
  public List<PlanState> children() {
    return parts;
  }

  @Override
  protected void initNode() {
    for (PlanState p : parts) {
      p.init();
    }
    current = 0;
  }

  @Override
  protected TupleSlot produce() {
    while (current < parts.size()) {
      TupleSlot row = parts.get(current).next();
      if (row != null) {
        return row;
      }
      current++;
    }
    return null;
  }

  @Override
  protected void rescanNode() {
    for (PlanState p : parts) {
      p.rescan();
    }
    current = 0;
  }

  @Override
  public void end() {
    parts.forEach(PlanState::end);
  }
}
