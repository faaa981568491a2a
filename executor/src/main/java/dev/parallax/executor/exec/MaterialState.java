package dev.parallax.executor.exec;

import dev.parallax.executor.expr.Ordering;
import dev.parallax.executor.plan.MaterialPlan;
import java.util.ArrayList;
import java.util.List;

/**
 * Materialize: stores rows as the child produces them and replays them on rescan, unless a
 * parameter the child reads changed. Unique (same node, {@code unique}): passes a row on only if
 * it differs from the previous one, NULLs counting as equal (as in DISTINCT).
 */
final class MaterialState extends OneChildState {
  private final MaterialPlan material;
  private final List<Object[]> stored = new ArrayList<>();
  private boolean childDone;
  private int position;
  private Object[] previous;

  MaterialState(MaterialPlan plan, ExecContext ctx, PlanState child) {
    super(plan, ctx, child);
    this.material = plan;
  }


  @Override
  protected TupleSlot produce() {
    while (true) {
      Object[] row;
      if (position < stored.size()) {
        row = stored.get(position++);
      } else if (childDone) {
        return null;
      } else {
        TupleSlot s = child.next();
        if (s == null) {
          childDone = true;
          return null;
        }
        row = s.toArray();
        if (material.unique() && previous != null && same(previous, row)) {
          continue;
        }
        previous = row;
        stored.add(row);
        position++;
      }
      return VirtualSlot.of(row);
    }
  }

  private static boolean same(Object[] a, Object[] b) {
    for (int i = 0; i < a.length; i++) {
      if (Ordering.compare(a[i], b[i], false) != 0) {
        return false;
      }
    }
    return true;
  }

  @Override
  protected void rescanNode() {
    if (child.paramsChanged()) {
      child.rescan();
      stored.clear();
      childDone = false;
      previous = null;
    }
    position = 0;
  }

  @Override
  public void end() {
    stored.clear();
    super.end();
  }
}
