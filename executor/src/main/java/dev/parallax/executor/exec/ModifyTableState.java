package dev.parallax.executor.exec;

import dev.parallax.executor.expr.ExprState;
import dev.parallax.executor.plan.ModifyTablePlan;

/**
 * Applies its child's rows to the target table through {@link ModifyTarget}, one row at a time
 * (so a statement's own changes are not seen by its own scan: the scan's snapshot is the
 * statement's, taken before the first change, and changes carry the statement's command id).
 * With RETURNING it emits each changed row; otherwise it returns nothing and counts.
 */
final class ModifyTableState extends OneChildState {
  private final ModifyTablePlan modify;
  private ExprState[] newValues;
  private ModifyTarget target;
  private long affected;

  ModifyTableState(ModifyTablePlan plan, ExecContext ctx, PlanState child) {
    super(plan, ctx, child);
    this.modify = plan;
  }

  /** Rows inserted, updated or deleted so far. */
  public long affected() {
    return affected;
  }

  @Override
  protected void initSelf() {
    if (modify.newValues() != null) {
      newValues = new ExprState[modify.newValues().size()];
      for (int i = 0; i < newValues.length; i++) {
        newValues[i] = compile(modify.newValues().get(i));
      }
    }
    target = ctx.target(modify.relation(), "ModifyTable");
  }

  @Override
  protected TupleSlot produce() {
    while (true) {
      TupleSlot row = child.next();
      if (row == null) {
        return null;
      }
      Object[] changed;
      switch (modify.operation()) {
        case INSERT -> {
          changed = row.toArray();
          target.insert(changed);
        }
        case UPDATE -> {
          Object id = row.get(modify.rowIdColumn());
          changed = id == null ? null : target.update((Long) id, current -> {
            VirtualSlot in = VirtualSlot.of(current);
            Object[] out = new Object[newValues.length];
            for (int i = 0; i < out.length; i++) {
              out[i] = newValues[i].value(in);
            }
            return out;
          });
        }
        default -> {
          Object id = row.get(modify.rowIdColumn());
          changed = id == null ? null : target.delete((Long) id);
        }
      }
      if (changed == null) {
        continue; // gone meanwhile, or changed by this statement already
      }
      affected++;
      if (modify.returning() != null) {
        return VirtualSlot.of(changed);
      }
    }
  }

  @Override
  protected void rescanNode() {
    throw new UnsupportedOperationException("ModifyTable is not rescanned");
  }

}
