package dev.parallax.sql.stats;

import java.util.List;

/**
 * A table's statistics as of its last ANALYZE: how many rows and pages it had, and one
 * {@link ColumnStatistics} per column in table order. Immutable, so a plan can keep the statistics
 * it was made from and the plan cache can tell when they changed (by identity).
 *
 * @param rowCount rows counted (all live rows were visited, or the estimate from the sample's
 *     pages); the planner scales it by the table's current page count when that has grown
 * @param pages the table's heap pages at the time
 * @param sampledRows how many rows the column statistics come from
 */
public record TableStatistics(double rowCount, long pages, int sampledRows, List<ColumnStatistics> columns) {
  public TableStatistics {
    columns = List.copyOf(columns);
  }

  public ColumnStatistics column(int i) {
    return columns.get(i);
  }

  /**
   * The row count scaled to a table that now has {@code currentPages} pages, assuming the same
   * density as when analyzed (PostgreSQL does the same with reltuples / relpages).
   */
  public double rowsAt(long currentPages) {
    if (pages <= 0 || currentPages <= 0) {
      return rowCount;
    }
    return rowCount / pages * currentPages;
  }
}
