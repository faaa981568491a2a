package dev.parallax.executor.exec;

import dev.parallax.executor.expr.ExprState;
import dev.parallax.executor.expr.Ordering;
import dev.parallax.executor.plan.MergeAppendPlan;
import dev.parallax.executor.plan.SortKey;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Merge Append: a k-way merge of children that are each sorted on the plan's keys. A binary heap
 * holds each child's current row (with its key values, evaluated once per row); the smallest is
 * returned, and that child is advanced on the next call, not before, so no row is copied: a
 * child's slot stays valid until that child is called again. Ties go to the earlier child,
 * keeping the merge stable. A rescan rescans every child (each re-reads what it kept, as a Sort
 * does) and starts the heap over.
 */
final class MergeAppendState extends PlanState {
  // fixed at init
  private final MergeAppendPlan merge;
  private final List<PlanState> parts;
  private ExprState[] keys;
  private Head[] heads;

  // per scan
  private PriorityQueue<Head> heap;
  private boolean started;
  /** The child whose row was returned last, to advance on the next call; -1 if none. */
  private int last;

  /** A child's current row and its key values. */
  private static final class Head {
    final int child;
    TupleSlot row;
    final Object[] key;

    Head(int child, int keys) {
      this.child = child;
      this.key = new Object[keys];
    }
  }

  MergeAppendState(MergeAppendPlan plan, ExecContext ctx, List<PlanState> parts) {
    super(plan, ctx);
    this.merge = plan;
    this.parts = List.copyOf(parts);
  }

  @Override
  public List<PlanState> children() {
    return parts;
  }

  @Override
  protected void initNode() {
    List<SortKey> sortKeys = merge.keys();
    keys = new ExprState[sortKeys.size()];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = compile(sortKeys.get(i).expr());
    }
    heads = new Head[parts.size()];
    for (int i = 0; i < heads.length; i++) {
      heads[i] = new Head(i, keys.length);
    }
    heap = new PriorityQueue<>(Math.max(1, parts.size()), (a, b) -> {
      for (int i = 0; i < sortKeys.size(); i++) {
        SortKey k = sortKeys.get(i);
        int c = Ordering.compare(a.key[i], b.key[i], k.nullsFirst());
        if (c != 0) {
          return k.descending() ? -Ordering.compare(a.key[i], b.key[i], !k.nullsFirst()) : c;
        }
      }
      return Integer.compare(a.child, b.child);
    });
    for (PlanState p : parts) {
      p.init();
    }
    started = false;
    last = -1;
  }

  private void advance(int child) {
    TupleSlot row = parts.get(child).next();
    if (row != null) {
      Head h = heads[child];
      h.row = row;
      for (int i = 0; i < keys.length; i++) {
        h.key[i] = keys[i].value(row);
      }
      heap.add(h);
    }
  }

  @Override
  protected TupleSlot produce() {
    if (!started) {
      started = true;
      for (int i = 0; i < parts.size(); i++) {
        advance(i);
      }
    } else if (last >= 0) {
      advance(last);
    }
    Head h = heap.poll();
    if (h == null) {
      last = -1;
      return null;
    }
    last = h.child;
    return h.row;
  }

  @Override
  protected void rescanNode() {
    for (PlanState p : parts) {
      p.rescan();
    }
    heap.clear();
    started = false;
    last = -1;
  }

  @Override
  public void end() {
    heap.clear();
    parts.forEach(PlanState::end);
  }
}
