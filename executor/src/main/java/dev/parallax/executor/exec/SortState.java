package dev.parallax.executor.exec;

import dev.parallax.executor.expr.ExprState;
import dev.parallax.executor.expr.Ordering;
import dev.parallax.executor.plan.SortKey;
import dev.parallax.executor.plan.SortPlan;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Reads every row of its child, sorts them (stable) and returns them in order. The sort keys are
 * evaluated once per row, not once per comparison. A rescan re-reads the sorted rows without
 * running the child again, unless an internal parameter the child reads has changed.
 * In memory only for now: the spill to disk above work_mem is still to come.
 */
final class SortState extends PlanState {
  private final SortPlan sort;
  private final PlanState child;
  private List<Object[]> rows;
  private int position;

  SortState(SortPlan plan, ExecContext ctx, PlanState child) {
    super(plan, ctx);
    this.sort = plan;
    this.child = child;
  }

  @Override
  public List<PlanState> children() {
    return List.of(child);
  }

  @Override
  protected void initNode() {
    child.init();
    rows = null;
  }

  private void load() {
    List<SortKey> keys = sort.keys();
    ExprState[] keyStates = new ExprState[keys.size()];
    for (int i = 0; i < keyStates.length; i++) {
      keyStates[i] = compile(keys.get(i).expr());
    }
    List<Object[][]> pairs = new ArrayList<>();
    for (TupleSlot s = child.next(); s != null; s = child.next()) {
      Object[] keyValues = new Object[keyStates.length];
      for (int i = 0; i < keyStates.length; i++) {
        keyValues[i] = keyStates[i].value(s);
      }
      pairs.add(new Object[][] {keyValues, s.toArray()});
    }
    Comparator<Object[][]> order = (x, y) -> {
      for (int i = 0; i < keys.size(); i++) {
        int c = Ordering.compare(x[0][i], y[0][i], keys.get(i).nullsFirst());
        if (c != 0) {
          return keys.get(i).descending() ? -Ordering.compare(x[0][i], y[0][i], !keys.get(i).nullsFirst()) : c;
        }
      }
      return 0;
    };
    pairs.sort(order);
    rows = new ArrayList<>(pairs.size());
    for (Object[][] p : pairs) {
      rows.add(p[1]);
    }
    position = 0;
  }

  @Override
  protected TupleSlot produce() {
    if (rows == null) {
      load();
    }
    return position < rows.size() ? new VirtualSlot(rows.get(position++)) : null;
  }

  @Override
  protected void rescanNode() {
    if (child.paramsChanged()) {
      child.rescan();
      rows = null; // sort again: what is below us reads a parameter that changed
    } else {
      position = 0; // nothing below changed: re-read the sorted rows
    }
  }

  @Override
  public void end() {
    rows = null;
    child.end();
  }
}
