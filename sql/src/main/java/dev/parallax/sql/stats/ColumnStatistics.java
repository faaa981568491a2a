package dev.parallax.sql.stats;

import java.util.Arrays;
import java.util.List;

/**
 * What ANALYZE learnt about one column from its sample: the planner's only knowledge of the
 * values, so every estimate of a qual on this column starts here.
 *
 * @param nullFraction share of rows whose value is NULL (0..1)
 * @param distinct number of distinct non-null values: positive is an absolute count; negative is
 *     minus a fraction of the table's rows (the column grows with the table, as a key does), so
 *     the estimate stays right as rows are added without a new ANALYZE
 * @param averageWidth average width in bytes of the non-null values, as stored
 * @param mostCommonValues the values seen most often, most frequent first (never NULL)
 * @param mostCommonFrequencies the share of all rows (nulls included) each of those values has
 * @param histogramBounds the non-null values that are not most-common, cut into equally populated
 *     buckets: bound i is the lower edge of bucket i, the last is the highest value; empty when
 *     there are too few of them
 * @param correlation between the physical order of rows and the order of this column's values,
 *     -1..1 (1: stored in ascending order); what an index scan's cost of heap visits depends on
 */
public record ColumnStatistics(double nullFraction, double distinct, double averageWidth, List<Object> mostCommonValues,
    double[] mostCommonFrequencies, List<Object> histogramBounds, double correlation) {
  public ColumnStatistics {
    mostCommonValues = List.copyOf(mostCommonValues);
    mostCommonFrequencies = mostCommonFrequencies.clone();
    histogramBounds = List.copyOf(histogramBounds);
    if (mostCommonValues.size() != mostCommonFrequencies.length) {
      throw new IllegalArgumentException("one frequency per most common value");
    }
  }

  /** The distinct count for a table of {@code rows} rows, never below 1. */
  public double distinctFor(double rows) {
    double d = distinct >= 0 ? distinct : -distinct * rows;
    return Math.max(1, Math.min(d, Math.max(1, rows)));
  }

  /** The share of rows that hold one of the most common values. */
  public double mostCommonTotal() {
    double sum = 0;
    for (double f : mostCommonFrequencies) {
      sum += f;
    }
    return sum;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ColumnStatistics c && c.nullFraction == nullFraction && c.distinct == distinct
        && c.averageWidth == averageWidth && c.mostCommonValues.equals(mostCommonValues)
        && Arrays.equals(c.mostCommonFrequencies, mostCommonFrequencies) && c.histogramBounds.equals(histogramBounds)
        && c.correlation == correlation;
  }

  @Override
  public int hashCode() {
    return Double.hashCode(distinct) * 31 + mostCommonValues.hashCode();
  }

  @Override
  public String toString() {
    return "ColumnStatistics[nullFraction=" + nullFraction + ", distinct=" + distinct + ", mcv=" + mostCommonValues
        + ", freqs=" + Arrays.toString(mostCommonFrequencies) + ", histogram=" + histogramBounds.size()
        + " bounds, correlation=" + correlation + "]";
  }
}
