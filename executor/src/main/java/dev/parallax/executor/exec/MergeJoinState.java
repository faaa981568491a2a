package dev.parallax.executor.exec;

import dev.parallax.executor.expr.ExprState;
import dev.parallax.executor.expr.Ordering;
import dev.parallax.executor.plan.JoinType;
import dev.parallax.executor.plan.MergeJoinPlan;
import dev.parallax.mvcc.ColumnType;
import java.util.BitSet;

/**
 * Merge join over inputs sorted ascending, nulls last, on the join keys: every join type. The
 * two sides advance in step. For an outer row with key k, inner rows below k match nothing (RIGHT
 * and FULL return them null-extended as they pass), and the inner rows equal to k form the run,
 * kept in a {@link RowBuffer} (in memory up to work_mem, then in a temporary file). Each
 * following outer row with the same key re-reads the run from its start (the mark / restore of
 * PostgreSQL's merge join, without asking the inner node to support it), joining the pairs that
 * pass the extra join quals. When an outer row with a greater key arrives, or the outer side
 * ends, RIGHT / FULL return the run's rows no outer row matched; after the outer side ends they
 * return every inner row left. A key holding a null matches nothing: such outer rows are
 * returned unmatched (LEFT, FULL, ANTI), and inner ones sort last and are returned at the end.
 * SEMI returns an outer row on its first match; ANTI one without any.
 *
 * <p>Outer rows are not copied: the outer side is not called again until the node is done with
 * its row. A rescan rescans both sides (a Sort below re-reads its sorted rows).
 */
final class MergeJoinState extends JoinState {
  // fixed at init
  private final MergeJoinPlan join;
  private ExprState[] outerKeys;
  private ExprState[] innerKeys;
  private boolean keepOuter;
  private boolean keepInner;
  private ArraySlot innerSlot;
  private TempFiles temp;
  private RowBuffer run;

  // per scan
  /** The inner row read ahead (the first not yet in a run or returned), and its key. */
  private Object[] innerAhead;
  private Object[] innerAheadKey;
  private boolean innerDone;
  private boolean outerDone;
  private Object[] runKey;
  private final BitSet runMatched = new BitSet();
  /** A run being left whose unmatched rows RIGHT / FULL still return; null when none. */
  private RowBuffer.Cursor leaving;

  // per outer row
  private TupleSlot outerRow;
  private Object[] outerKey;
  private boolean outerHasRun;
  private boolean needRun;
  private boolean outerMatched;
  private RowBuffer.Cursor cursor;

  MergeJoinState(MergeJoinPlan plan, ExecContext ctx, PlanState outer, PlanState inner) {
    super(plan, ctx, outer, inner, plan.joinQuals());
    this.join = plan;
  }

  @Override
  protected void initJoin() {
    outerKeys = compileAll(join.outerKeys());
    innerKeys = compileAll(join.innerKeys());
    JoinType t = join.type();
    keepOuter = t == JoinType.LEFT || t == JoinType.FULL || t == JoinType.ANTI;
    keepInner = t == JoinType.RIGHT || t == JoinType.FULL;
    ColumnType[] innerTypes = join.inner().outputTypes().toArray(new ColumnType[0]);
    innerSlot = new ArraySlot(innerTypes.length);
    temp = new TempFiles("merge");
    run = new RowBuffer(temp, innerTypes, ctx.workMemBytes());
    reset();
  }

  private void reset() {
    innerAhead = null;
    innerDone = false;
    outerDone = false;
    closeCursors();
    run.clear();
    runKey = null;
    runMatched.clear();
    outerRow = null;
    needRun = false;
  }

  private void closeCursors() {
    if (cursor != null) {
      cursor.close();
      cursor = null;
    }
    if (leaving != null) {
      leaving.close();
      leaving = null;
    }
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

  /** Leaves the current run: RIGHT / FULL first return its unmatched rows. */
  private void leaveRun() {
    if (cursor != null) {
      cursor.close();
      cursor = null;
    }
    if (runKey != null && keepInner) {
      leaving = run.cursor();
    } else {
      run.clear();
      runMatched.clear();
    }
    runKey = null;
  }

  @Override
  protected TupleSlot produce() {
    while (true) {
      if (leaving != null) {
        for (Object[] r = leaving.next(); r != null; r = leaving.next()) {
          if (!runMatched.get(leaving.position())) {
            return slot.bind(null, innerSlot.bind(r));
          }
        }
        leaving.close();
        leaving = null;
        run.clear();
        runMatched.clear();
      }
      if (outerDone) {
        if (!keepInner) {
          return null;
        }
        readInnerAhead();
        if (innerAhead == null) {
          return null;
        }
        Object[] r = innerAhead;
        innerAhead = null;
        return slot.bind(null, innerSlot.bind(r));
      }
      if (outerRow == null) {
        TupleSlot o = outer.next();
        if (o == null) {
          outerDone = true;
          leaveRun();
          continue;
        }
        outerRow = o; // not copied: the outer side is not called again until we are done with it
        outerKey = keyOf(outerKeys, o);
        outerMatched = false;
        outerHasRun = !HashKey.hasNull(outerKey);
        if (outerHasRun) {
          if (runKey != null && compare(runKey, outerKey) == 0) {
            cursor = run.cursor(); // the same key as the outer row before: back to the run's start
          } else {
            leaveRun();
            needRun = true;
            continue; // return the left run's unmatched rows first (RIGHT / FULL)
          }
        }
      }
      if (needRun) {
        readInnerAhead();
        while (innerAhead != null && compare(innerAheadKey, outerKey) < 0) {
          Object[] r = innerAhead; // below every outer key still to come: matches nothing
          innerAhead = null;
          if (keepInner) {
            return slot.bind(null, innerSlot.bind(r));
          }
          readInnerAhead();
        }
        while (innerAhead != null && compare(innerAheadKey, outerKey) == 0) {
          run.add(innerAhead);
          innerAhead = null;
          readInnerAhead();
        }
        runKey = outerKey;
        needRun = false;
        cursor = run.cursor();
      }
      if (outerHasRun) {
        for (Object[] r = cursor.next(); r != null; r = cursor.next()) {
          slot.bind(outerRow, innerSlot.bind(r));
          if (!passes(joinQuals, slot)) {
            continue;
          }
          outerMatched = true;
          if (keepInner) {
            runMatched.set(cursor.position());
          }
          if (join.type() == JoinType.SEMI) {
            TupleSlot o = outerRow;
            finishOuter();
            return slot.bind(o, null);
          }
          if (join.type() == JoinType.ANTI) {
            break;
          }
          return slot;
        }
      }
      TupleSlot o = outerRow;
      finishOuter();
      if (!outerMatched && keepOuter) {
        return slot.bind(o, null);
      }
    }
  }

  private void finishOuter() {
    outerRow = null;
    if (cursor != null) {
      cursor.close();
      cursor = null;
    }
  }

  /** How many runs of equal inner keys outgrew work_mem and went to a temporary file. */
  int runsSpilled() {
    return run.spills();
  }

  TempFiles tempFiles() {
    return temp;
  }

  @Override
  protected void rescanNode() {
    outer.rescan();
    inner.rescan();
    reset();
  }

  @Override
  public void end() {
    closeCursors();
    run.clear();
    temp.close();
    super.end();
  }
}
