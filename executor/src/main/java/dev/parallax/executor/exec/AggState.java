package dev.parallax.executor.exec;

import dev.parallax.executor.expr.ExprState;
import dev.parallax.executor.plan.AggCall;
import dev.parallax.executor.plan.AggFunction;
import dev.parallax.executor.plan.AggPlan;
import dev.parallax.executor.plan.AggStrategy;
import java.util.List;

/**
 * Aggregation, by the plan's strategy. PLAIN consumes its child on the first call and returns one
 * row even over no input. SORTED streams: rows arrive sorted on the group keys, a group ends
 * when a row with another key arrives, and its row is returned then, so only one group is in
 * memory. HASHED keeps a table of groups ({@link HashAggregation}), spilling beyond work_mem.
 * Group keys compare as GROUP BY does: nulls are one group, -0.0 = 0.0, 1.0 = 1.00.
 *
 * <p>Each aggregate's argument and FILTER are compiled once; a group holds only its
 * accumulators. A rescan replays a hashed result that did not spill when nothing the child reads
 * changed (PostgreSQL keeps its hash table the same way); otherwise it aggregates again.
 */
final class AggState extends OneChildState {
  // fixed at init
  private final AggPlan agg;
  private ExprState[] groupBy;
  private ExprState[] args;
  private ExprState[] filters;
  private boolean[] longs;
  /** Aggregates whose state grows with each value (DISTINCT, string_agg), for the memory count. */
  private boolean[] growing;

  // per scan
  private boolean done;
  private HashAggregation hashed;
  /** SORTED: the group being accumulated, its key (as returned) and its key normalised (as compared). */
  private Accumulator[] current;
  private Object[] currentKey;
  private Object[] currentNormal;

  AggState(AggPlan plan, ExecContext ctx, PlanState child) {
    super(plan, ctx, child);
    this.agg = plan;
  }

  @Override
  protected void initSelf() {
    groupBy = new ExprState[agg.groupBy().size()];
    for (int i = 0; i < groupBy.length; i++) {
      groupBy[i] = compile(agg.groupBy().get(i));
    }
    List<AggCall> calls = agg.aggregates();
    args = new ExprState[calls.size()];
    filters = new ExprState[calls.size()];
    longs = new boolean[calls.size()];
    growing = new boolean[calls.size()];
    for (int i = 0; i < args.length; i++) {
      AggCall c = calls.get(i);
      args[i] = c.arg() == null ? null : compile(c.arg());
      filters[i] = c.filter() == null ? null : compile(c.filter());
      longs[i] = Accumulator.takesLongs(c);
      growing[i] = c.distinct() || c.fn() == AggFunction.STRING_AGG;
    }
    reset();
  }

  private void reset() {
    done = false;
    current = null;
  }

  Accumulator[] newAccumulators() {
    List<AggCall> calls = agg.aggregates();
    Accumulator[] acc = new Accumulator[calls.size()];
    for (int i = 0; i < acc.length; i++) {
      acc[i] = new Accumulator(calls.get(i));
    }
    return acc;
  }

  /** Feeds one input row to a group's accumulators; returns about how many bytes their state grew. */
  long accumulate(Accumulator[] accs, TupleSlot row) {
    long grew = 0;
    for (int i = 0; i < args.length; i++) {
      if (filters[i] != null && !filters[i].test(row)) {
        continue;
      }
      Accumulator acc = accs[i];
      if (args[i] == null) {
        acc.addRow();
      } else if (longs[i]) {
        if (args[i].evalLong(row)) {
          acc.addLong(args[i].lastLong());
        }
      } else {
        Object v = args[i].value(row);
        if (v != null) {
          acc.add(v);
          if (growing[i]) {
            grew += RowSize.value(v) + 32;
          }
        }
      }
    }
    return grew;
  }

  /** The group's key values into {@code key} (as evaluated) and {@code normal} (normalised); both of the group keys' length. */
  void groupKey(TupleSlot row, Object[] key, Object[] normal) {
    for (int i = 0; i < groupBy.length; i++) {
      Object v = groupBy[i].value(row);
      key[i] = v;
      normal[i] = HashKey.normalise(v);
    }
  }

  int keyCount() {
    return groupBy.length;
  }

  int aggregateCount() {
    return args.length;
  }

  /** The output row of a finished group: its key values, then each aggregate's result. */
  static Object[] finish(Object[] key, Accumulator[] accs) {
    Object[] row = new Object[key.length + accs.length];
    System.arraycopy(key, 0, row, 0, key.length);
    for (int i = 0; i < accs.length; i++) {
      row[key.length + i] = accs[i].result();
    }
    return row;
  }

  @Override
  protected TupleSlot produce() {
    AggStrategy s = agg.strategy();
    if (s == AggStrategy.SORTED) {
      return nextSortedGroup();
    }
    if (s == AggStrategy.HASHED) {
      if (hashed == null) {
        hashed = new HashAggregation(this, ctx, agg, child.plan().outputTypes());
      }
      if (!done) {
        hashed.fill(child);
        done = true;
      }
      Object[] row = hashed.next();
      return row == null ? null : new VirtualSlot(row);
    }
    if (done) {
      return null;
    }
    done = true;
    return new VirtualSlot(finish(new Object[0], aggregateAll()));
  }

  /**
   * PLAIN: every input row into one group. The loop of {@link #accumulate} written out over locals,
   * as it was before the sorted and hashed paths came, because it is the per-row path of a
   * whole-table aggregate: calling the shared method per row measured 2-3% slower in
   * ExecutorBenchmark.countSumFiltered (two A/B pairs at load 4-9; within that machine's noise).
   */
  private Accumulator[] aggregateAll() {
    Accumulator[] accs = newAccumulators();
    ExprState[] a = args;
    ExprState[] f = filters;
    boolean[] l = longs;
    for (TupleSlot row = child.next(); row != null; row = child.next()) {
      for (int i = 0; i < a.length; i++) {
        if (f[i] != null && !f[i].test(row)) {
          continue;
        }
        Accumulator acc = accs[i];
        if (a[i] == null) {
          acc.addRow();
        } else if (l[i]) {
          if (a[i].evalLong(row)) {
            acc.addLong(a[i].lastLong());
          }
        } else {
          Object v = a[i].value(row);
          if (v != null) {
            acc.add(v);
          }
        }
      }
    }
    return accs;
  }

  private TupleSlot nextSortedGroup() {
    if (done) {
      return null;
    }
    Object[] key = new Object[groupBy.length];
    Object[] normal = new Object[groupBy.length];
    while (true) {
      TupleSlot row = child.next();
      if (row == null) {
        done = true;
        return current == null ? null : new VirtualSlot(finish(currentKey, current));
      }
      groupKey(row, key, normal);
      if (current != null && java.util.Arrays.equals(normal, currentNormal)) {
        accumulate(current, row);
        continue;
      }
      Object[] finished = current == null ? null : finish(currentKey, current);
      current = newAccumulators();
      currentKey = key.clone();
      currentNormal = normal.clone();
      accumulate(current, row);
      if (finished != null) {
        return new VirtualSlot(finished);
      }
    }
  }

  /** The hashed aggregation of the last scan, or null (EXPLAIN ANALYZE and tests). */
  HashAggregation hashed() {
    return hashed;
  }

  @Override
  protected void rescanNode() {
    if (hashed != null && done && hashed.canReplay() && !child.paramsChanged()) {
      hashed.replay(); // the same input: the same groups
      return;
    }
    child.rescan();
    if (hashed != null) {
      hashed.release();
    }
    reset();
  }

  @Override
  public void end() {
    if (hashed != null) {
      hashed.release();
    }
    super.end();
  }
}
