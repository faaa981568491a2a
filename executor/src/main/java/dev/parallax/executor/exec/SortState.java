package dev.parallax.executor.exec;

import dev.parallax.executor.expr.ExprState;
import dev.parallax.executor.expr.Ordering;
import dev.parallax.executor.plan.SortKey;
import dev.parallax.executor.plan.SortPlan;
import dev.parallax.mvcc.ColumnType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Reads every row of its child and returns them in order (stable). The sort keys are evaluated
 * once per row, not per comparison. Up to work_mem the rows are sorted in memory; beyond it each
 * work_mem's worth is sorted and written as a run to a temporary file, and the runs are merged
 * as rows are asked for (an external merge sort). A rescan re-reads the sorted rows (or merges the
 * runs again) without running the child, unless an internal parameter the child reads changed.
 */
final class SortState extends OneChildState {
  private final SortPlan sort;
  private List<Object[]> rows;
  private int position;
  private SortRuns runs;
  private SortRuns.Merge merge;
  private Comparator<Object[][]> order;
  private int comparisons;
  private static final int SORT_INTERRUPT_CHECK = 4096;
  /** What EXPLAIN ANALYZE reports: "quicksort" or "external merge", and the bytes it took. */
  String method;
  long methodBytes;

  SortState(SortPlan plan, ExecContext ctx, PlanState child) {
    super(plan, ctx, child);
    this.sort = plan;
  }

  @Override
  protected void initSelf() {
    rows = null;
  }

  private void load() {
    List<SortKey> keys = sort.keys();
    ExprState[] keyStates = new ExprState[keys.size()];
    for (int i = 0; i < keyStates.length; i++) {
      keyStates[i] = compile(keys.get(i).expr());
    }
    order = (x, y) -> {
      if (++comparisons == SORT_INTERRUPT_CHECK) { // an in-memory sort of many rows must stop on cancel too
        comparisons = 0;
        checkForInterrupts();
      }
      for (int i = 0; i < keys.size(); i++) {
        int c = Ordering.compare(x[0][i], y[0][i], keys.get(i).nullsFirst());
        if (c != 0) {
          return keys.get(i).descending() ? -Ordering.compare(x[0][i], y[0][i], !keys.get(i).nullsFirst()) : c;
        }
      }
      return 0;
    };
    List<Object[][]> pairs = new ArrayList<>();
    long bytes = 0;
    for (TupleSlot s = child.next(); s != null; s = child.next()) {
      Object[] keyValues = new Object[keyStates.length];
      for (int i = 0; i < keyStates.length; i++) {
        keyValues[i] = keyStates[i].value(s);
      }
      Object[] row = s.toArray();
      pairs.add(new Object[][] {keyValues, row});
      bytes += SortRuns.estimate(row) + SortRuns.estimate(keyValues);
      if (bytes > ctx.workMemBytes()) {
        spill(pairs, keys);
        bytes = 0;
      }
    }
    if (runs != null) {
      if (!pairs.isEmpty()) {
        spill(pairs, keys);
      }
      method = "external merge";
      methodBytes = runs.bytesWritten();
      merge = runs.merge(order);
      return;
    }
    pairs.sort(order);
    rows = new ArrayList<>(pairs.size());
    for (Object[][] p : pairs) {
      rows.add(p[1]);
    }
    method = "quicksort";
    methodBytes = bytes;
    position = 0;
  }

  private void spill(List<Object[][]> pairs, List<SortKey> keys) {
    if (runs == null) {
      List<ColumnType> types = new ArrayList<>();
      keys.forEach(k -> types.add(k.expr().type()));
      types.addAll(sort.child().outputTypes());
      runs = new SortRuns(types.toArray(new ColumnType[0]), keys.size());
    }
    pairs.sort(order);
    runs.write(pairs);
    pairs.clear();
  }

  @Override
  protected TupleSlot produce() {
    if (rows == null && merge == null) {
      load();
    }
    if (merge != null) {
      Object[] row = merge.next();
      return row == null ? null : new VirtualSlot(row);
    }
    return position < rows.size() ? new VirtualSlot(rows.get(position++)) : null;
  }

  @Override
  protected void rescanNode() {
    if (child.paramsChanged()) {
      child.rescan();
      release();
      rows = null; // sort again: what is below us reads a parameter that changed
    } else if (merge != null) {
      merge.close();
      merge = runs.merge(order); // nothing below changed: merge the same runs again
    } else {
      position = 0; // nothing below changed: re-read the sorted rows
    }
  }

  private void release() {
    if (merge != null) {
      merge.close();
      merge = null;
    }
    if (runs != null) {
      runs.close();
      runs = null;
    }
  }

  @Override
  public void end() {
    rows = null;
    release();
    super.end();
  }
}
