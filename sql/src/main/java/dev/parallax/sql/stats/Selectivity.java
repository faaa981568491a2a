package dev.parallax.sql.stats;

import dev.parallax.executor.expr.Ordering;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Estimates of the share of a table's rows a qual keeps, from a column's {@link ColumnStatistics}
 * (or, when the column was never analyzed, PostgreSQL's default guesses, so that plans are still
 * reasonable before the first ANALYZE). Every result is in 0..1.
 *
 * <p>The model, as PostgreSQL's: a column's rows split into nulls, the most common values (each
 * with its measured frequency) and the rest, spread evenly over the histogram's buckets and, for
 * equality, evenly over the distinct values that are not most common. Columns are assumed
 * independent.
 */
public final class Selectivity {
  /** Selectivity of {@code col = x} with nothing known (PostgreSQL's DEFAULT_EQ_SEL). */
  public static final double DEFAULT_EQ = 0.005;
  /** Selectivity of {@code col < x} with nothing known (DEFAULT_INEQ_SEL). */
  public static final double DEFAULT_INEQ = 1.0 / 3;
  /** Selectivity of {@code a < col < b} with nothing known (DEFAULT_RANGE_INEQ_SEL). */
  public static final double DEFAULT_RANGE = 0.005;
  /** Distinct values assumed for a column never analyzed (DEFAULT_NUM_DISTINCT). */
  public static final double DEFAULT_DISTINCT = 200;
  /** Selectivity of a qual the estimator does not understand. */
  public static final double DEFAULT_OTHER = 0.25;

  private Selectivity() {}

  /** {@code col IS NULL}. */
  public static double isNull(ColumnStatistics s) {
    return s == null ? DEFAULT_EQ : s.nullFraction();
  }

  /** {@code col = v} for a known constant {@code v} (NULL matches nothing). */
  public static double equalsValue(ColumnStatistics s, double rows, Object v) {
    if (v == null) {
      return 0;
    }
    if (s == null) {
      return rows > 0 && rows < DEFAULT_DISTINCT ? 1 / Math.max(1, rows) : DEFAULT_EQ;
    }
    List<Object> mcv = s.mostCommonValues();
    double leastCommon = 1;
    for (int i = 0; i < mcv.size(); i++) {
      if (Ordering.compare(mcv.get(i), v, false) == 0) {
        return s.mostCommonFrequencies()[i];
      }
      leastCommon = Math.min(leastCommon, s.mostCommonFrequencies()[i]);
    }
    double rest = 1 - s.nullFraction() - s.mostCommonTotal();
    double others = s.distinctFor(rows) - mcv.size();
    double sel = others >= 1 ? rest / others : rest / 2;
    // A value not among the most common cannot be more common than the least common of them.
    if (!mcv.isEmpty()) {
      sel = Math.min(sel, leastCommon);
    }
    return clamp(sel);
  }

  /** {@code col = $1} or {@code col = other_col} of an unknown value: the average non-null value. */
  public static double equalsUnknown(ColumnStatistics s, double rows) {
    if (s == null) {
      return rows > 0 && rows < DEFAULT_DISTINCT ? 1 / Math.max(1, rows) : DEFAULT_EQ;
    }
    return clamp((1 - s.nullFraction()) / s.distinctFor(rows));
  }

  /** {@code col IN (v1, v2, ...)}: the sum of the equalities of the distinct non-null values. */
  public static double in(ColumnStatistics s, double rows, List<Object> values) {
    double sum = 0;
    for (int i = 0; i < values.size(); i++) {
      Object v = values.get(i);
      boolean repeated = false;
      for (int j = 0; j < i && !repeated; j++) {
        repeated = v != null && Ordering.compare(values.get(j), v, false) == 0;
      }
      if (!repeated) {
        sum += equalsValue(s, rows, v);
      }
    }
    return clamp(sum);
  }

  /** {@code col < v} ({@code col <= v} when {@code inclusive}); NULL compares to nothing. */
  public static double lessThan(ColumnStatistics s, Object v, boolean inclusive) {
    if (v == null) {
      return 0;
    }
    if (s == null) {
      return DEFAULT_INEQ;
    }
    double mcvPart = 0;
    List<Object> mcv = s.mostCommonValues();
    for (int i = 0; i < mcv.size(); i++) {
      int k = Ordering.compare(mcv.get(i), v, false);
      if (k < 0 || (inclusive && k == 0)) {
        mcvPart += s.mostCommonFrequencies()[i];
      }
    }
    double rest = Math.max(0, 1 - s.nullFraction() - s.mostCommonTotal());
    List<Object> h = s.histogramBounds();
    if (h.size() < 2) {
      // No histogram: the most common values are all there is, or nothing is known of the rest.
      return clamp(mcvPart + (mcv.isEmpty() ? DEFAULT_INEQ * rest : 0));
    }
    return clamp(mcvPart + rest * histogramFraction(h, v, inclusive));
  }

  /** {@code col > v} ({@code >=} when {@code inclusive}). */
  public static double greaterThan(ColumnStatistics s, Object v, boolean inclusive) {
    if (v == null) {
      return 0;
    }
    if (s == null) {
      return DEFAULT_INEQ;
    }
    return clamp(1 - s.nullFraction() - lessThan(s, v, !inclusive));
  }

  /**
   * {@code lo < col < hi} with either end optional (null = unbounded). Computed as one range, not
   * two independent quals, so that a narrow range is not estimated as a third of a third.
   */
  public static double range(ColumnStatistics s, Object lo, boolean loInclusive, Object hi, boolean hiInclusive) {
    if (lo == null && hi == null) {
      return s == null ? 1 : 1 - s.nullFraction();
    }
    if (s == null) {
      return lo != null && hi != null ? DEFAULT_RANGE : DEFAULT_INEQ;
    }
    double below = lo == null ? 0 : lessThan(s, lo, !loInclusive);
    double above = hi == null ? 0 : greaterThan(s, hi, !hiInclusive);
    // An empty range (lo above hi) comes out at or below zero, and is clamped to nothing.
    return clamp(1 - s.nullFraction() - below - above);
  }

  /**
   * The selectivity of an equi-join {@code a.x = b.y}: the share of the cross product that
   * matches. With most-common-value lists on both sides the matching values are paired exactly
   * and the rest spread over the remaining distinct values; otherwise {@code 1 / max(nd1, nd2)}
   * of the non-null rows.
   */
  public static double joinEquals(ColumnStatistics a, double rowsA, ColumnStatistics b, double rowsB) {
    double nullA = a == null ? 0 : a.nullFraction();
    double nullB = b == null ? 0 : b.nullFraction();
    double ndA = a == null ? defaultDistinct(rowsA) : a.distinctFor(rowsA);
    double ndB = b == null ? defaultDistinct(rowsB) : b.distinctFor(rowsB);
    if (a == null || b == null || a.mostCommonValues().isEmpty() || b.mostCommonValues().isEmpty()) {
      return clamp((1 - nullA) * (1 - nullB) / Math.max(ndA, ndB));
    }
    List<Object> ma = a.mostCommonValues();
    List<Object> mb = b.mostCommonValues();
    double[] fa = a.mostCommonFrequencies();
    double[] fb = b.mostCommonFrequencies();
    boolean[] matchedB = new boolean[mb.size()];
    double matchProduct = 0;
    double matchedFreqA = 0;
    double matchedFreqB = 0;
    int matches = 0;
    for (int i = 0; i < ma.size(); i++) {
      for (int j = 0; j < mb.size(); j++) {
        if (!matchedB[j] && Ordering.compare(ma.get(i), mb.get(j), false) == 0) {
          matchedB[j] = true;
          matchProduct += fa[i] * fb[j];
          matchedFreqA += fa[i];
          matchedFreqB += fb[j];
          matches++;
          break;
        }
      }
    }
    double otherA = Math.max(0, 1 - nullA - a.mostCommonTotal());
    double otherB = Math.max(0, 1 - nullB - b.mostCommonTotal());
    double unmatchedA = a.mostCommonTotal() - matchedFreqA;
    double unmatchedB = b.mostCommonTotal() - matchedFreqB;
    // Side A's view: its unmatched MCVs can only meet B's non-MCV values, spread over B's other
    // distinct values, and A's other rows meet B's other and unmatched rows likewise.
    double selA = matchProduct;
    if (ndB > mb.size()) {
      selA += unmatchedA * otherB / (ndB - mb.size());
    }
    if (ndB > matches) {
      selA += otherA * (otherB + unmatchedB) / (ndB - matches);
    }
    double selB = matchProduct;
    if (ndA > ma.size()) {
      selB += unmatchedB * otherA / (ndA - ma.size());
    }
    if (ndA > matches) {
      selB += otherB * (otherA + unmatchedA) / (ndA - matches);
    }
    return clamp(Math.min(selA, selB));
  }

  /** Groups a GROUP BY on these columns makes of {@code rows} rows (independent columns, capped). */
  public static double groups(List<ColumnStatistics> columns, double rows) {
    double groups = 1;
    for (ColumnStatistics s : columns) {
      double nd = s == null ? defaultDistinct(rows) : s.distinctFor(rows) + (s.nullFraction() > 0 ? 1 : 0);
      groups *= nd;
      if (groups >= rows) {
        return Math.max(1, rows);
      }
    }
    return Math.max(1, Math.min(groups, rows));
  }

  static double defaultDistinct(double rows) {
    return rows > 0 && rows < DEFAULT_DISTINCT ? rows : DEFAULT_DISTINCT;
  }

  /**
   * The share of the histogram's values below {@code v} (or at most {@code v}): whole buckets
   * below it, plus a linear interpolation inside the bucket it falls in where the type has a
   * scalar position (numbers, timestamps, text by its leading characters), else half a bucket.
   */
  static double histogramFraction(List<Object> h, Object v, boolean inclusive) {
    int buckets = h.size() - 1;
    int first = Ordering.compare(v, h.get(0), false);
    if (first < 0 || (first == 0 && !inclusive)) {
      return 0;
    }
    int last = Ordering.compare(v, h.get(buckets), false);
    if (last > 0 || (last == 0 && inclusive)) {
      return 1;
    }
    // Binary search the bucket i with h[i] <= v < h[i+1].
    int lo = 0;
    int hi = buckets;
    while (hi - lo > 1) {
      int mid = (lo + hi) >>> 1;
      if (Ordering.compare(h.get(mid), v, false) <= 0) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    double inside = position(h.get(lo), h.get(lo + 1), v);
    return (lo + inside) / buckets;
  }

  /** Where {@code v} lies between {@code a} and {@code b}, 0..1. */
  static double position(Object a, Object b, Object v) {
    double x;
    double y;
    double z;
    if (a instanceof String sa && b instanceof String sb && v instanceof String sv) {
      int prefix = commonPrefix(sa, sb);
      x = textScalar(sa, prefix);
      y = textScalar(sb, prefix);
      z = textScalar(sv, prefix);
    } else {
      Double da = scalar(a);
      Double db = scalar(b);
      Double dv = scalar(v);
      if (da == null || db == null || dv == null) {
        return 0.5;
      }
      x = da;
      y = db;
      z = dv;
    }
    if (!(y > x)) {
      return 0.5;
    }
    return Math.max(0, Math.min(1, (z - x) / (y - x)));
  }

  static Double scalar(Object v) {
    if (v instanceof Integer i) {
      return (double) i;
    }
    if (v instanceof Long l) {
      return (double) l;
    }
    if (v instanceof Double d) {
      return d.isNaN() ? null : d;
    }
    if (v instanceof BigDecimal d) {
      return d.doubleValue();
    }
    if (v instanceof LocalDateTime t) {
      return (double) t.toEpochSecond(ZoneOffset.UTC) + t.getNano() / 1e9;
    }
    if (v instanceof Boolean b) {
      return b ? 1.0 : 0.0;
    }
    return null;
  }

  private static int commonPrefix(String a, String b) {
    int n = Math.min(a.length(), b.length());
    int i = 0;
    while (i < n && a.charAt(i) == b.charAt(i)) {
      i++;
    }
    return i;
  }

  /** The first characters after {@code prefix}, read as a fraction in base 65,536 (code points' order). */
  private static double textScalar(String s, int prefix) {
    double x = 0;
    double scale = 1;
    for (int i = prefix; i < Math.min(s.length(), prefix + 4); i++) {
      scale /= 65_536;
      x += s.charAt(i) * scale;
    }
    return x;
  }

  private static double clamp(double x) {
    return Double.isNaN(x) ? 0 : Math.max(0, Math.min(1, x));
  }
}
