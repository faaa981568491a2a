package dev.parallax.executor.exec;

import dev.parallax.executor.expr.ExprState;
import dev.parallax.executor.plan.HashJoinPlan;
import dev.parallax.executor.plan.JoinType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a hash table of the inner rows on the first call, then streams the outer rows through
 * it. For RIGHT and FULL joins it remembers which inner rows matched and emits the others, null
 * extended, after the outer side ends. A rescan keeps the table unless something the inner side
 * reads changed. In memory: the spill to disk above work_mem is still to come.
 */
final class HashJoinState extends JoinState {
  private final HashJoinPlan join;
  private ExprState[] outerKeys;
  private ExprState[] innerKeys;
  /** Inner rows by key; each entry's last element is the row's index in {@code innerRows}. */
  private Map<List<Object>, List<Integer>> table;
  private List<Object[]> innerRows;
  private boolean[] innerMatched;
  private TupleSlot outerRow;
  private List<Integer> candidates;
  private int candidate;
  private boolean outerMatched;
  private int unmatchedInner = -1;

  HashJoinState(HashJoinPlan plan, ExecContext ctx, PlanState outer, PlanState inner) {
    super(plan, ctx, outer, inner, plan.joinQuals());
    this.join = plan;
  }

  @Override
  protected void initJoin() {
    outerKeys = compileAll(join.outerKeys());
    innerKeys = compileAll(join.innerKeys());
    table = null;
  }

  private void build() {
    table = new HashMap<>();
    innerRows = new ArrayList<>();
    for (TupleSlot r = inner.next(); r != null; r = inner.next()) {
      Object[] key = keyOf(innerKeys, r);
      int index = innerRows.size();
      innerRows.add(r.toArray());
      if (!HashKey.hasNull(key)) {
        table.computeIfAbsent(HashKey.of(key), k -> new ArrayList<>(2)).add(index);
      }
    }
    innerMatched = new boolean[innerRows.size()];
    outerRow = null;
    unmatchedInner = -1;
  }

  @Override
  protected TupleSlot produce() {
    if (table == null) {
      build();
    }
    JoinType type = join.type();
    while (unmatchedInner < 0) {
      if (outerRow == null) {
        TupleSlot o = outer.next();
        if (o == null) {
          unmatchedInner = 0; // outer side done: RIGHT / FULL emit the inner rows nobody matched
          break;
        }
        outerRow = VirtualSlot.of(o.toArray());
        Object[] key = keyOf(outerKeys, outerRow);
        candidates = HashKey.hasNull(key) ? List.of() : table.getOrDefault(HashKey.of(key), List.of());
        candidate = 0;
        outerMatched = false;
      }
      while (candidate < candidates.size()) {
        int index = candidates.get(candidate++);
        slot.bind(outerRow, VirtualSlot.of(innerRows.get(index)));
        if (!passes(joinQuals, slot)) {
          continue;
        }
        outerMatched = true;
        innerMatched[index] = true;
        if (type == JoinType.SEMI) {
          candidate = candidates.size();
          return slot.bind(outerRow, null);
        }
        if (type != JoinType.ANTI) {
          return slot;
        }
      }
      TupleSlot o = outerRow;
      outerRow = null;
      if (!outerMatched && (type == JoinType.LEFT || type == JoinType.FULL || type == JoinType.ANTI)) {
        return slot.bind(o, null);
      }
    }
    if (type == JoinType.RIGHT || type == JoinType.FULL) {
      while (unmatchedInner < innerRows.size()) {
        int i = unmatchedInner++;
        if (!innerMatched[i]) {
          return slot.bind(null, VirtualSlot.of(innerRows.get(i)));
        }
      }
    }
    return null;
  }

  @Override
  protected void rescanNode() {
    outer.rescan();
    if (inner.paramsChanged()) {
      inner.rescan();
      table = null;
    } else if (table != null) {
      java.util.Arrays.fill(innerMatched, false);
      outerRow = null;
      unmatchedInner = -1;
    }
  }

  @Override
  public void end() {
    table = null;
    innerRows = null;
    super.end();
  }
}
