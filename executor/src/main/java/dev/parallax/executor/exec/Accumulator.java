package dev.parallax.executor.exec;

import dev.parallax.executor.expr.Ordering;
import dev.parallax.executor.plan.AggCall;
import dev.parallax.executor.plan.AggFunction;
import dev.parallax.mvcc.ColumnType;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The running state of one aggregate in one group. Sums of integers stay on a long until it
 * would overflow, then carry on in exact decimal, so the common case has no allocation.
 */
final class Accumulator {
  private final AggCall call;
  private long count;
  private long longSum;
  private BigDecimal bigSum;
  private double doubleSum;
  private Object extreme;
  /** DISTINCT: the argument values seen (normalised so that SQL-equal values are one entry). */
  private final java.util.Set<Object> seen;
  private StringBuilder text;

  Accumulator(AggCall call) {
    this.call = call;
    this.seen = call.distinct() ? new java.util.HashSet<>() : null;
  }

  /** count(*): one more row. */
  void addRow() {
    count++;
  }

  /** Whether integer values may go through {@link #addLong} (no boxing) for this aggregate. */
  static boolean takesLongs(AggCall call) {
    ColumnType t = call.arg() == null ? null : call.arg().type();
    return !call.distinct() && (t == ColumnType.INTEGER || t == ColumnType.BIGINT)
        && (call.fn() == AggFunction.COUNT || call.fn() == AggFunction.SUM || call.fn() == AggFunction.AVG);
  }

  /** A non-null integer argument value (see {@link #takesLongs}). */
  void addLong(long x) {
    count++;
    if (call.fn() != AggFunction.COUNT) {
      addToLongSum(x);
    }
  }

  /** A (non-null) argument value. */
  void add(Object v) {
    if (seen != null && !seen.add(HashKey.normalise(v))) {
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
      case BOOL_AND -> extreme = extreme == null ? v : (Boolean) extreme && (Boolean) v;
      case BOOL_OR -> extreme = extreme == null ? v : (Boolean) extreme || (Boolean) v;
      case STRING_AGG -> {
        if (text == null) {
          text = new StringBuilder();
        } else {
          text.append(call.delimiter());
        }
        text.append((String) v);
      }
    }
  }

  private void addToSum(Object v) {
    if (v instanceof Double x) {
      doubleSum += x;
    } else if (v instanceof BigDecimal x) {
      bigSum = bigSum == null ? x : bigSum.add(x);
    } else {
      addToLongSum(((Number) v).longValue());
    }
  }

  private void addToLongSum(long x) {
    long r = longSum + x;
    if (((longSum ^ r) & (x ^ r)) < 0) { // overflow: carry on exactly
      bigSum = (bigSum == null ? BigDecimal.ZERO : bigSum).add(BigDecimal.valueOf(longSum)).add(BigDecimal.valueOf(x));
      longSum = 0;
    } else {
      longSum = r;
    }
  }

  Object result() {
    switch (call.fn()) {
      case COUNT:
        return count;
      case MIN:
      case MAX:
      case BOOL_AND:
      case BOOL_OR:
        return extreme;
      case STRING_AGG:
        return text == null ? null : text.toString();
      default:
        break;
    }
    if (count == 0) {
      return null;
    }
    ColumnType t = call.resultType();
    if (t == ColumnType.DOUBLE) {
      return call.fn() == AggFunction.SUM ? doubleSum : doubleSum / count;
    }
    BigDecimal exact = (bigSum == null ? BigDecimal.ZERO : bigSum).add(BigDecimal.valueOf(longSum));
    if (call.fn() == AggFunction.AVG) {
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
