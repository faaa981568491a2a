package dev.parallax.executor.exec;

import dev.parallax.executor.expr.ExprCompiler;
import dev.parallax.executor.expr.ExprState;
import dev.parallax.executor.expr.Ordering;
import dev.parallax.executor.plan.AggCall;
import dev.parallax.executor.plan.AggPlan;
import dev.parallax.mvcc.ColumnType;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

/**
 * Plain aggregation: consumes its child on the first call and returns one row of results (even
 * over no rows: count 0, the rest null), then the end. Sums of bigint switch to exact decimal
 * only when a long would overflow, so the common case stays on primitives.
 */
final class AggState extends PlanState {
  private final AggPlan agg;
  private final PlanState child;
  private boolean done;

  AggState(AggPlan plan, ExecContext ctx, PlanState child) {
    super(plan, ctx);
    this.agg = plan;
    this.child = child;
  }

  @Override
  public List<PlanState> children() {
    return List.of(child);
  }

  @Override
  protected void initNode() {
    child.init();
    done = false;
  }

  /** The running state of one aggregate. */
  private static final class Accumulator {
    final AggCall call;
    final ExprState arg;
    final ExprState filter;
    long count;
    long longSum;
    BigDecimal bigSum;
    double doubleSum;
    Object extreme;

    Accumulator(AggCall call, ExecContext ctx) {
      this.call = call;
      this.arg = call.arg() == null ? null : new ExprState(ExprCompiler.compile(call.arg()), ctx.params());
      this.filter = call.filter() == null ? null : new ExprState(ExprCompiler.compile(call.filter()), ctx.params());
    }

    void add(TupleSlot row) {
      if (filter != null && !filter.test(row)) {
        return;
      }
      if (arg == null) {
        count++;
        return;
      }
      Object v = arg.value(row);
      if (v == null) {
        return;
      }
      count++;
      switch (call.fn()) {
        case COUNT -> { }
        case SUM, AVG -> addToSum(v);
        case MIN -> {
          if (extreme == null || Ordering.compare(v, extreme, false) < 0) {
            extreme = v;
          }
        }
        case MAX -> {
          if (extreme == null || Ordering.compare(v, extreme, false) > 0) {
            extreme = v;
          }
        }
      }
    }

    private void addToSum(Object v) {
      if (v instanceof Double x) {
        doubleSum += x;
      } else if (v instanceof BigDecimal x) {
        bigSum = bigSum == null ? x : bigSum.add(x);
      } else {
        long x = ((Number) v).longValue();
        long r = longSum + x;
        if (((longSum ^ r) & (x ^ r)) < 0) { // overflow: carry on exactly
          bigSum = (bigSum == null ? BigDecimal.ZERO : bigSum).add(BigDecimal.valueOf(longSum)).add(BigDecimal.valueOf(x));
          longSum = 0;
        } else {
          longSum = r;
        }
      }
    }

    Object result() {
      ColumnType t = call.resultType();
      switch (call.fn()) {
        case COUNT:
          return count;
        case MIN:
        case MAX:
          return extreme;
        default:
          break;
      }
      if (count == 0) {
        return null;
      }
      if (t == ColumnType.DOUBLE) {
        return call.fn() == dev.parallax.executor.plan.AggFunction.SUM ? doubleSum : doubleSum / count;
      }
      BigDecimal exact = (bigSum == null ? BigDecimal.ZERO : bigSum).add(BigDecimal.valueOf(longSum));
      if (call.fn() == dev.parallax.executor.plan.AggFunction.AVG) {
        return exact.divide(BigDecimal.valueOf(count), Math.max(16, exact.scale()), RoundingMode.HALF_UP);
      }
      if (t == ColumnType.BIGINT) {
        try {
          return exact.longValueExact();
        } catch (ArithmeticException e) {
          throw new DatabaseException(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, "bigint out of range");
        }
      }
      return exact;
    }
  }

  @Override
  protected TupleSlot produce() {
    if (done) {
      return null;
    }
    done = true;
    List<AggCall> calls = agg.aggregates();
    Accumulator[] acc = new Accumulator[calls.size()];
    for (int i = 0; i < acc.length; i++) {
      acc[i] = new Accumulator(calls.get(i), ctx);
    }
    for (TupleSlot row = child.next(); row != null; row = child.next()) {
      for (Accumulator a : acc) {
        a.add(row);
      }
    }
    Object[] out = new Object[acc.length];
    for (int i = 0; i < acc.length; i++) {
      out[i] = acc[i].result();
    }
    return new VirtualSlot(out);
  }

  @Override
  protected void rescanNode() {
    child.rescan();
    done = false;
  }

  @Override
  public void end() {
    child.end();
  }
}
