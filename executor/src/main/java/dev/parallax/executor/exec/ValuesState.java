package dev.parallax.executor.exec;

import dev.parallax.executor.plan.ValuesPlan;
import java.util.List;

/** Returns the plan's rows in order. */
final class ValuesState extends PlanState {
  private final ValuesPlan values;
  private int next;

  ValuesState(ValuesPlan plan, ExecContext ctx) {
    super(plan, ctx);
    this.values = plan;
  }

  @Override
  public List<PlanState> children() {
    return List.of();
  }

  @Override
  protected void initNode() {
    next = 0;
  }

  @Override
  protected TupleSlot produce() {
    return next < values.rows().size() ? new VirtualSlot(values.row(next++)) : null;
  }

  @Override
  protected void rescanNode() {
    next = 0;
  }

  @Override
  public void end() {}
}
