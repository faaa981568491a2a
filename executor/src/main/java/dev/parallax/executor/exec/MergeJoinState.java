package dev.parallax.executor.exec;

import dev.parallax.executor.expr.ExprState;
import dev.parallax.executor.expr.Ordering;
import dev.parallax.executor.plan.JoinType;
import dev.parallax.executor.plan.MergeJoinPlan;
import java.util.ArrayList;
import java.util.List;

/**
 * Merge join over inputs sorted on the join keys. The inner rows of the current key form a run
 * held in memory, so that consecutive outer rows with the same key join the same run without
 * re-reading the inner side.
 */
final class MergeJoinState extends JoinState {
  private final MergeJoinPlan join;
  private ExprState[] outerKeys;
  private ExprState[] innerKeys;
  /** The inner row read ahead (the first whose key is beyond the current run), and its key. */
  private Object[] innerAhead;
  private Object[] innerAheadKey;
  private boolean innerDone;
  private final List<Object[]> run = new ArrayList<>();
  private Object[] runKey;
  private TupleSlot outerRow;
  private int runPosition;
  private boolean matched;

  MergeJoinState(MergeJoinPlan plan, ExecContext ctx, PlanState outer, PlanState inner) {
    super(plan, ctx, outer, inner, plan.joinQuals());
    this.join = plan;
  }

  @Override
  protected void initJoin() {
    outerKeys = compileAll(join.outerKeys());
    innerKeys = compileAll(join.innerKeys());
    reset();
  }

  private void reset() {
    innerAhead = null;
    innerDone = false;
    run.clear();
    runKey = null;
    outerRow = null;
  }

  /** Key order as the inputs are sorted: ascending, nulls last. */
  private static int compare(Object[] a, Object[] b) {
    for (int i = 0; i < a.length; i++) {
      int c = Ordering.compare(a[i], b[i], false);
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  private void readInnerAhead() {
    if (innerAhead == null && !innerDone) {
      TupleSlot r = inner.next();
      if (r == null) {
        innerDone = true;
      } else {
        innerAhead = r.toArray();
        innerAheadKey = keyOf(innerKeys, r);
      }
    }
  }

  /** Makes {@code run} the inner rows whose key equals {@code key} (empty if none), reading ahead as needed. */
  private void positionRun(Object[] key) {
    if (runKey != null && compare(runKey, key) == 0) {
      return; // the same key as the outer row before: the same run
    }
    run.clear();
    runKey = key;
    while (true) {
      readInnerAhead();
      if (innerAhead == null || compare(innerAheadKey, key) > 0) {
        return;
      }
      if (compare(innerAheadKey, key) == 0) {
        run.add(innerAhead);
      }
      innerAhead = null; // consumed (either in the run or below the key: it matches nothing later)
    }
  }

  @Override
  protected TupleSlot produce() {
    while (true) {
      if (outerRow == null) {
        TupleSlot o = outer.next();
        if (o == null) {
          return null;
        }
        outerRow = VirtualSlot.of(o.toArray());
        Object[] key = keyOf(outerKeys, outerRow);
        if (HashKey.hasNull(key)) {
          run.clear();
          runKey = null;
        } else {
          positionRun(key);
        }
        runPosition = 0;
        matched = false;
      }
      while (runPosition < run.size()) {
        slot.bind(outerRow, VirtualSlot.of(run.get(runPosition++)));
        if (passes(joinQuals, slot)) {
          matched = true;
          return slot;
        }
      }
      TupleSlot o = outerRow;
      outerRow = null;
      if (!matched && join.type() == JoinType.LEFT) {
        return slot.bind(o, null);
      }
    }
  }

  @Override
  protected void rescanNode() {
    outer.rescan();
    inner.rescan();
    reset();
  }

}
