package dev.parallax.executor.expr;

/**
 * The order of SQL values of one type, as sorts and min / max use it: the same as comparison
 * operators (and as indexes), with nulls first or last as asked.
 */
public final class Ordering {
  private Ordering() {}

  /** Compares two values of one type; nulls before everything when {@code nullsFirst}, else after. */
  public static int compare(Object x, Object y, boolean nullsFirst) {
    if (x == null || y == null) {
      if (x == y) {
        return 0;
      }
      return (x == null) == nullsFirst ? -1 : 1;
    }
    if (x instanceof Integer a) {
      return Integer.compare(a, (Integer) y);
    }
    if (x instanceof Long a) {
      return Long.compare(a, (Long) y);
    }
    if (x instanceof Double a) {
      return ExprState.compareDoubles(a, (Double) y);
    }
    if (x instanceof Boolean a) {
      return Boolean.compare(a, (Boolean) y);
    }
    return ExprState.compareObjects(x, y);
  }
}
