package dev.parallax.sql.stats;

import dev.parallax.executor.expr.Ordering;
import dev.parallax.mvcc.ColumnType;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * ANALYZE's arithmetic: rows are offered one at a time in physical order (the scan of every live
 * row), a uniform random sample of at most {@code 300 x target} of them is kept (reservoir
 * sampling, so one pass and bounded memory whatever the table's size), and {@link #build} turns
 * the sample into per-column statistics.
 *
 * <p>Why these rules (the same reasoning as PostgreSQL's ANALYZE, in our own code): 300 x target
 * rows bound the histogram's error for target buckets; the number of distinct values is scaled
 * from the sample with the Haas-Stokes estimator, which treats values seen once as the evidence
 * of values never seen; a value is "most common" only if it was seen clearly more often than an
 * average value, otherwise the histogram describes it as well; a column whose distinct count is
 * more than a tenth of the rows is stored as a fraction so that it scales with the table.
 *
 * <p>Not thread-safe: one ANALYZE owns one builder.
 */
public final class StatisticsBuilder {
  /** PostgreSQL's default_statistics_target: MCV entries and histogram buckets per column. */
  public static final int DEFAULT_TARGET = 100;

  private final ColumnType[] types;
  private final int target;
  private final int capacity;
  private final Object[][] sample;
  private final long[] positions;
  private final SplittableRandom random;
  private long seen;

  public StatisticsBuilder(List<ColumnType> types, int target, long seed) {
    if (target < 1 || target > 10_000) {
      throw new IllegalArgumentException("statistics target " + target + " is outside 1..10000");
    }
    this.types = types.toArray(new ColumnType[0]);
    this.target = target;
    this.capacity = 300 * target;
    this.sample = new Object[capacity][];
    this.positions = new long[capacity];
    this.random = new SplittableRandom(seed);
  }

  /** Offers the next row in physical order; the builder keeps it or not, and copies what it keeps. */
  public void add(Object[] row) {
    long i = seen++;
    if (i < capacity) {
      keep((int) i, row, i);
      return;
    }
    long j = random.nextLong(i + 1);
    if (j < capacity) {
      keep((int) j, row, i);
    }
  }

  private void keep(int at, Object[] row, long position) {
    sample[at] = row.clone();
    positions[at] = position;
  }

  /** Rows offered so far. */
  public long rowsSeen() {
    return seen;
  }

  /** The statistics of every column from the rows offered; {@code pages} is the table's size now. */
  public TableStatistics build(long pages) {
    int n = (int) Math.min(seen, capacity);
    List<ColumnStatistics> columns = new ArrayList<>(types.length);
    for (int c = 0; c < types.length; c++) {
      columns.add(column(c, n));
    }
    return new TableStatistics(seen, pages, n, columns);
  }

  private ColumnStatistics column(int c, int n) {
    if (n == 0) {
      return new ColumnStatistics(0, 0, width(types[c], null), List.of(), new double[0], List.of(), 0);
    }
    // Non-null values with their physical positions, sorted by value (ties by position, so that
    // a column stored in order correlates perfectly).
    Integer[] order = new Integer[n];
    int nonNull = 0;
    double widthSum = 0;
    for (int r = 0; r < n; r++) {
      Object v = sample[r][c];
      if (v != null) {
        order[nonNull++] = r;
        widthSum += width(types[c], v);
      }
    }
    double nullFraction = (n - nonNull) / (double) n;
    if (nonNull == 0) {
      return new ColumnStatistics(1, 0, width(types[c], null), List.of(), new double[0], List.of(), 0);
    }
    Integer[] byValue = Arrays.copyOf(order, nonNull);
    Comparator<Integer> cmp = (a, b) -> {
      int k = Ordering.compare(sample[a][c], sample[b][c], false);
      return k != 0 ? k : Long.compare(positions[a], positions[b]);
    };
    Arrays.sort(byValue, cmp);

    // Runs of equal values: distinct count, singletons, and the count of each.
    List<Object> values = new ArrayList<>();
    List<Integer> counts = new ArrayList<>();
    int singletons = 0;
    for (int i = 0; i < nonNull; ) {
      Object v = sample[byValue[i]][c];
      int j = i + 1;
      while (j < nonNull && Ordering.compare(sample[byValue[j]][c], v, false) == 0) {
        j++;
      }
      values.add(v);
      counts.add(j - i);
      if (j - i == 1) {
        singletons++;
      }
      i = j;
    }
    int d = values.size();
    boolean wholeTable = seen <= capacity;
    double totalNonNull = seen * (1 - nullFraction);
    double distinct;
    if (wholeTable || singletons == 0) {
      // Every value was seen at least twice (or the sample is the table): assume all were seen.
      distinct = d;
    } else if (singletons == d) {
      // Every sampled value unique: a key-like column, as many values as rows.
      distinct = totalNonNull;
    } else {
      double duj1 = nonNull * (double) d / (nonNull - singletons + singletons * nonNull / totalNonNull);
      distinct = Math.max(d, Math.min(duj1, totalNonNull));
    }
    double storedDistinct = distinct > 0.1 * seen ? -(distinct / seen) : Math.rint(distinct);

    // Most common values: all of them when every value fits, else those clearly above average.
    Integer[] byCount = new Integer[d];
    for (int i = 0; i < d; i++) {
      byCount[i] = i;
    }
    Arrays.sort(byCount, (a, b) -> {
      int k = Integer.compare(counts.get(b), counts.get(a));
      return k != 0 ? k : Integer.compare(a, b);
    });
    boolean allFit = d <= target && (wholeTable || singletons == 0);
    double average = nonNull / distinct;
    List<Object> mcv = new ArrayList<>();
    List<Double> freqs = new ArrayList<>();
    boolean[] inMcv = new boolean[d];
    for (int k = 0; k < d && mcv.size() < target; k++) {
      int i = byCount[k];
      int count = counts.get(i);
      if (!allFit && (count < 2 || count <= 1.25 * average)) {
        break;
      }
      mcv.add(values.get(i));
      freqs.add(count / (double) n);
      inMcv[i] = true;
    }

    // Histogram over the rest: target + 1 bounds at equal steps through the remaining values.
    List<Object> rest = new ArrayList<>();
    for (int i = 0; i < d; i++) {
      if (!inMcv[i]) {
        for (int k = 0; k < counts.get(i); k++) {
          rest.add(values.get(i));
        }
      }
    }
    List<Object> bounds = new ArrayList<>();
    int restDistinct = d - mcv.size();
    if (restDistinct >= 2) {
      int nb = Math.min(target + 1, restDistinct);
      for (int b = 0; b < nb; b++) {
        int at = (int) Math.round((double) b * (rest.size() - 1) / (nb - 1));
        Object v = rest.get(at);
        if (bounds.isEmpty() || Ordering.compare(bounds.get(bounds.size() - 1), v, false) != 0) {
          bounds.add(v);
        }
      }
      if (bounds.size() < 2) {
        bounds.clear();
      }
    }
    double[] f = new double[freqs.size()];
    for (int i = 0; i < f.length; i++) {
      f[i] = freqs.get(i);
    }
    return new ColumnStatistics(nullFraction, storedDistinct, widthSum / nonNull, mcv, f, bounds,
        correlation(byValue, nonNull));
  }

  /** Pearson correlation of value rank (the array order) and physical rank of the sampled rows. */
  private double correlation(Integer[] byValue, int m) {
    if (m < 2) {
      return 1;
    }
    Integer[] byPosition = byValue.clone();
    Arrays.sort(byPosition, Comparator.comparingLong(r -> positions[r]));
    int[] physicalRank = new int[sample.length];
    for (int i = 0; i < m; i++) {
      physicalRank[byPosition[i]] = i;
    }
    double mean = (m - 1) / 2.0;
    double cov = 0;
    double var = 0;
    for (int i = 0; i < m; i++) {
      double x = i - mean;
      double y = physicalRank[byValue[i]] - mean;
      cov += x * y;
      var += x * x;
    }
    return var == 0 ? 1 : cov / var;
  }

  /** Bytes a value takes as stored (a rough width for costing; variable types by content). */
  static double width(ColumnType type, Object v) {
    if (type.fixedWidth() > 0) {
      return type.fixedWidth();
    }
    if (v == null) {
      return 32;
    }
    if (v instanceof String s) {
      return 4 + s.length();
    }
    if (v instanceof byte[] b) {
      return 4 + b.length;
    }
    if (v instanceof BigDecimal d) {
      return 4 + d.unscaledValue().bitLength() / 8 + 1;
    }
    return 8;
  }
}
