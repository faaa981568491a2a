package dev.parallax.api;

import java.util.Arrays;

/**
 * The part of an index a scan reads, as values of the leading index columns. A bound names the
 * first k columns' values (k may be less than the index's columns): {@code equal(5)} on an index
 * over (a, b) reads every row with a = 5, whatever b; {@code between(new Object[] {1}, new
 * Object[] {3})} every row with 1 <= a <= 3. A null value stands for SQL NULL and matches NULL
 * (nulls sort after every value, as in PostgreSQL's default). A null bound is open.
 */
public final class KeyRange {
  private static final KeyRange ALL = new KeyRange(null, true, null, true);

  private final Object[] lower;
  private final boolean lowerInclusive;
  private final Object[] upper;
  private final boolean upperInclusive;

  private KeyRange(Object[] lower, boolean lowerInclusive, Object[] upper, boolean upperInclusive) {
    this.lower = lower == null ? null : lower.clone();
    this.lowerInclusive = lowerInclusive;
    this.upper = upper == null ? null : upper.clone();
    this.upperInclusive = upperInclusive;
  }

  public static KeyRange all() {
    return ALL;
  }

  /** Rows whose leading index columns equal {@code values}. */
  public static KeyRange equal(Object... values) {
    return new KeyRange(values, true, values, true);
  }

  public static KeyRange atLeast(Object... values) {
    return new KeyRange(values, true, null, true);
  }

  public static KeyRange greaterThan(Object... values) {
    return new KeyRange(values, false, null, true);
  }

  public static KeyRange atMost(Object... values) {
    return new KeyRange(null, true, values, true);
  }

  public static KeyRange lessThan(Object... values) {
    return new KeyRange(null, true, values, false);
  }

  /** Both bounds inclusive. */
  public static KeyRange between(Object[] from, Object[] to) {
    return new KeyRange(from, true, to, true);
  }

  public static KeyRange of(Object[] from, boolean fromInclusive, Object[] to, boolean toInclusive) {
    return new KeyRange(from, fromInclusive, to, toInclusive);
  }

  Object[] lower() {
    return lower;
  }

  boolean lowerInclusive() {
    return lowerInclusive;
  }

  Object[] upper() {
    return upper;
  }

  boolean upperInclusive() {
    return upperInclusive;
  }

  @Override
  public String toString() {
    return (lower == null ? "(-inf" : (lowerInclusive ? "[" : "(") + Arrays.toString(lower)) + ", "
        + (upper == null ? "+inf)" : Arrays.toString(upper) + (upperInclusive ? "]" : ")"));
  }
}
