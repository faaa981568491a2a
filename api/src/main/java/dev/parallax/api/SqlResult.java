package dev.parallax.api;

import dev.parallax.mvcc.ColumnType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What one SQL statement returned: its rows (for queries and RETURNING; empty otherwise) with
 * column names and types, its PostgreSQL command tag ("SELECT 2", "INSERT 0 3", "CREATE TABLE"),
 * the number of rows it returned or changed, and any notices (warnings PostgreSQL would print,
 * such as COMMIT with no transaction in progress).
 */
public final class SqlResult {
  private final List<String> columnNames;
  private final List<ColumnType> columnTypes;
  private final List<Object[]> rows;
  private final String commandTag;
  private final long count;
  private final List<String> notices;

  SqlResult(List<String> columnNames, List<ColumnType> columnTypes, List<Object[]> rows, String commandTag, long count,
      List<String> notices) {
    this.columnNames = List.copyOf(columnNames);
    this.columnTypes = List.copyOf(columnTypes);
    this.rows = Collections.unmodifiableList(new ArrayList<>(rows));
    this.commandTag = commandTag;
    this.count = count;
    this.notices = List.copyOf(notices);
  }

  static SqlResult command(String tag, List<String> notices) {
    return new SqlResult(List.of(), List.of(), List.of(), tag, 0, notices);
  }

  /** Whether the statement returns rows (a query, or DML with RETURNING, or EXPLAIN / SHOW). */
  public boolean hasRows() {
    return !columnNames.isEmpty();
  }

  public List<String> columnNames() {
    return columnNames;
  }

  public List<ColumnType> columnTypes() {
    return columnTypes;
  }

  /** The rows; each array is the caller's to keep (not to change: it is shared with this result). */
  public List<Object[]> rows() {
    return rows;
  }

  /** Column {@code column} of row {@code row}. */
  public Object get(int row, int column) {
    return rows.get(row)[column];
  }

  public String commandTag() {
    return commandTag;
  }

  /** Rows returned (queries) or changed (INSERT, UPDATE, DELETE). */
  public long count() {
    return count;
  }

  public List<String> notices() {
    return notices;
  }

  @Override
  public String toString() {
    return commandTag + (hasRows() ? " " + columnNames + " " + rows.size() + " rows" : "");
  }
}
