package dev.parallax.executor.exec;

import dev.parallax.executor.expr.ExprState;
import dev.parallax.executor.plan.FunctionScanPlan;
import dev.parallax.mvcc.ColumnType;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import java.math.BigDecimal;
import java.util.List;

/**
 * generate_series: computes the next value on demand, so a huge series costs no memory. Integer
 * series stop instead of overflowing (as PostgreSQL's do); a zero step is 22023; a NULL
 * argument gives no rows.
 */
final class FunctionScanState extends PlanState {
  private static final TupleSlot NO_INPUT = new VirtualSlot(0);
  private final FunctionScanPlan fn;
  private ExprState[] args;
  private final VirtualSlot out = new VirtualSlot(1);
  private Object next;
  private Object stop;
  private Object step;

  FunctionScanState(FunctionScanPlan plan, ExecContext ctx) {
    super(plan, ctx);
    this.fn = plan;
  }

  @Override
  public List<PlanState> children() {
    return List.of();
  }

  @Override
  protected void initNode() {
    args = new ExprState[fn.args().size()];
    for (int i = 0; i < args.length; i++) {
      args[i] = compile(fn.args().get(i));
    }
    start();
  }

  private void start() {
    Object from = args[0].value(NO_INPUT);
    stop = args[1].value(NO_INPUT);
    ColumnType t = fn.args().get(0).type();
    step = args.length > 2 ? args[2].value(NO_INPUT) : one(t);
    if (step != null && signum(step) == 0) {
      throw new DatabaseException(SqlState.INVALID_PARAMETER_VALUE, "step size cannot equal zero");
    }
    next = from == null || stop == null || step == null ? null : from;
  }

  private static Object one(ColumnType t) {
    return switch (t) {
      case INTEGER -> 1;
      case BIGINT -> 1L;
      default -> BigDecimal.ONE;
    };
  }

  private static int signum(Object v) {
    if (v instanceof Integer i) {
      return Integer.signum(i);
    }
    if (v instanceof Long l) {
      return Long.signum(l);
    }
    return ((BigDecimal) v).signum();
  }

  /** Whether {@code v} is past {@code stop} in the step's direction. */
  private boolean beyond(Object v) {
    int c;
    if (v instanceof Integer i) {
      c = Integer.compare(i, (Integer) stop);
    } else if (v instanceof Long l) {
      c = Long.compare(l, (Long) stop);
    } else {
      c = ((BigDecimal) v).compareTo((BigDecimal) stop);
    }
    return signum(step) > 0 ? c > 0 : c < 0;
  }

  /** The value after {@code v}, or null when adding the step would overflow (the series ends). */
  private Object advance(Object v) {
    try {
      if (v instanceof Integer i) {
        return Math.addExact(i, (Integer) step);
      }
      if (v instanceof Long l) {
        return Math.addExact(l, (Long) step);
      }
    } catch (ArithmeticException overflow) {
      return null;
    }
    return ((BigDecimal) v).add((BigDecimal) step);
  }

  @Override
  protected TupleSlot produce() {
    if (next == null || beyond(next)) {
      next = null;
      return null;
    }
    out.set(0, next);
    next = advance(next);
    return out;
  }

  @Override
  protected void rescanNode() {
    start();
  }

  @Override
  public void end() {}
}
