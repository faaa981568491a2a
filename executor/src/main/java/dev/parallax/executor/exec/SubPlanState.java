package dev.parallax.executor.exec;

import dev.parallax.executor.expr.Ordering;
import dev.parallax.executor.expr.SubPlanEvaluator;
import dev.parallax.executor.plan.Expr;
import dev.parallax.executor.plan.Expr.SubPlan.SubPlanKind;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * The run-time side of one {@link Expr.SubPlan} in one node's expression: the sub-query's own
 * state tree, built and initialised when the owning node compiles the expression, and run each
 * time the expression needs its value.
 *
 * <p>Per evaluation: store the arguments into the sub-query's parameter slots, start it over
 * (the first time: pick up parameters set after init; later: rescan, which re-runs only the
 * parts that read a changed parameter), and read as few rows as the answer needs: one for
 * EXISTS, two for a scalar (to catch a second row, 21000), and for ANY / ALL until the answer is
 * decided. A sub-query that reads no parameter that can change (no arguments, and nothing below
 * it depends on a node above) is run once, and its answer, or for ANY / ALL its values, is kept
 * for the rest of the execution (PostgreSQL's initplan).
 *
 * <p>Invariant: the sub-query's state tree is ended exactly once, at the end of the execution
 * ({@link ExecParams#atEnd}), whatever happened to the node that owns it.
 */
final class SubPlanState implements SubPlanEvaluator {
  private final Expr.SubPlan expr;
  private final ExecContext ctx;
  private final PlanState sub;
  private final int[] slots;
  /** Whether the answer can change between evaluations (arguments or outer parameters). */
  private final boolean correlated;
  private boolean started;
  private boolean cached;
  private Object cachedAnswer;
  private List<Object> cachedValues;
  private boolean ended;

  SubPlanState(Expr.SubPlan expr, ExecContext ctx) {
    this.expr = expr;
    this.ctx = ctx;
    this.sub = Executor.build(expr.plan(), ctx);
    sub.init();
    this.slots = expr.paramSlots().stream().mapToInt(Integer::intValue).toArray();
    this.correlated = slots.length > 0 || !outerDependencies().isEmpty();
    ctx.execParams().atEnd(this::end);
  }

  Expr.SubPlan expr() {
    return expr;
  }

  /** The sub-query's state tree (its figures are EXPLAIN ANALYZE's). */
  PlanState state() {
    return sub;
  }

  /** Internal parameters the sub-query reads that it does not set itself: the owning node depends on them. */
  BitSet outerDependencies() {
    BitSet deps = (BitSet) sub.paramDeps.clone();
    for (int s : slots) {
      deps.clear(s);
    }
    return deps;
  }

  @Override
  public Object evaluate(Object[] args, Object test) {
    if (!correlated && cached) {
      return expr.kind() == SubPlanKind.ANY || expr.kind() == SubPlanKind.ALL ? compareAll(test, cachedValues)
          : cachedAnswer;
    }
    for (int i = 0; i < slots.length; i++) {
      ctx.execParams().set(slots[i], args[i]);
    }
    if (!started) {
      started = true;
      sub.refreshParams();
    } else {
      sub.rescan();
    }
    Object answer;
    switch (expr.kind()) {
      case EXISTS -> answer = sub.next() != null;
      case SCALAR -> {
        TupleSlot first = sub.next();
        Object value = first == null ? null : first.get(0);
        if (first != null && sub.next() != null) {
          throw new DatabaseException(SqlState.CARDINALITY_VIOLATION,
              "more than one row returned by a subquery used as an expression");
        }
        answer = value;
      }
      default -> {
        if (!correlated) {
          List<Object> values = new ArrayList<>();
          for (TupleSlot row = sub.next(); row != null; row = sub.next()) {
            values.add(row.get(0));
          }
          cachedValues = values;
          cached = true;
          return compareAll(test, values);
        }
        answer = compareStreaming(test);
      }
    }
    if (!correlated) {
      cachedAnswer = answer;
      cached = true;
    }
    return answer;
  }

  /** ANY / ALL over the sub-query's rows as they come, stopping once the answer is decided. */
  private Object compareStreaming(Object test) {
    boolean any = expr.kind() == SubPlanKind.ANY;
    boolean sawNull = false;
    for (TupleSlot row = sub.next(); row != null; row = sub.next()) {
      Boolean r = compare(test, row.get(0));
      if (r == null) {
        sawNull = true;
      } else if (r == any) {
        return any; // ANY: one true decides; ALL: one false decides
      }
    }
    return sawNull ? null : !any;
  }

  private Object compareAll(Object test, List<Object> values) {
    boolean any = expr.kind() == SubPlanKind.ANY;
    boolean sawNull = false;
    for (Object v : values) {
      Boolean r = compare(test, v);
      if (r == null) {
        sawNull = true;
      } else if (r == any) {
        return any;
      }
    }
    return sawNull ? null : !any;
  }

  private Boolean compare(Object left, Object right) {
    if (left == null || right == null) {
      return null;
    }
    return expr.op().holds(Ordering.compare(left, right, false));
  }

  void end() {
    if (!ended) {
      ended = true;
      sub.end();
    }
  }
}
