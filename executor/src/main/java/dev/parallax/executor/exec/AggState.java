package dev.parallax.executor.exec;

import dev.parallax.executor.expr.ExprState;
import dev.parallax.executor.plan.AggCall;
import dev.parallax.executor.plan.AggPlan;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Aggregation: consumes its child on the first call. Plain (no GROUP BY) returns one row even
 * over no input; grouped keeps a hash table of groups (first-seen order; nulls are one group)
 * and returns one row per group. Each aggregate's argument and FILTER are compiled once; each
 * group only holds its accumulators. In memory: the spill above work_mem is still to come.
 */
final class AggState extends OneChildState {
  private final AggPlan agg;
  private ExprState[] groupBy;
  private ExprState[] args;
  private ExprState[] filters;
  private Iterator<Object[]> results;

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
    for (int i = 0; i < args.length; i++) {
      args[i] = calls.get(i).arg() == null ? null : compile(calls.get(i).arg());
      filters[i] = calls.get(i).filter() == null ? null : compile(calls.get(i).filter());
    }
    results = null;
  }

  /** One group: its key values and one accumulator per aggregate. */
  private record Group(Object[] key, Accumulator[] accumulators) {}

  private void compute() {
    List<AggCall> calls = agg.aggregates();
    Map<List<Object>, Group> groups = new LinkedHashMap<>();
    Group plain = groupBy.length == 0 ? newGroup(new Object[0], calls) : null;
    boolean[] longs = new boolean[calls.size()];
    for (int i = 0; i < longs.length; i++) {
      longs[i] = Accumulator.takesLongs(calls.get(i));
    }
    for (TupleSlot row = child.next(); row != null; row = child.next()) {
      Group g = plain;
      if (g == null) {
        Object[] key = new Object[groupBy.length];
        for (int i = 0; i < key.length; i++) {
          key[i] = groupBy[i].value(row);
        }
        g = groups.computeIfAbsent(HashKey.of(key), k -> newGroup(key, calls));
      }
      for (int i = 0; i < args.length; i++) {
        if (filters[i] != null && !filters[i].test(row)) {
          continue;
        }
        Accumulator acc = g.accumulators()[i];
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
          }
        }
      }
    }
    List<Object[]> out = new java.util.ArrayList<>();
    for (Group g : plain != null ? List.of(plain) : groups.values()) {
      Object[] row = new Object[g.key().length + calls.size()];
      System.arraycopy(g.key(), 0, row, 0, g.key().length);
      for (int i = 0; i < calls.size(); i++) {
        row[g.key().length + i] = g.accumulators()[i].result();
      }
      out.add(row);
    }
    results = out.iterator();
  }

  private static Group newGroup(Object[] key, List<AggCall> calls) {
    Accumulator[] acc = new Accumulator[calls.size()];
    for (int i = 0; i < acc.length; i++) {
      acc[i] = new Accumulator(calls.get(i));
    }
    return new Group(key, acc);
  }

  @Override
  protected TupleSlot produce() {
    if (results == null) {
      compute();
    }
    return results.hasNext() ? new VirtualSlot(results.next()) : null;
  }

  @Override
  protected void rescanNode() {
    child.rescan();
    results = null;
  }

}
