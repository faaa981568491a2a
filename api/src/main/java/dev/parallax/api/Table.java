package dev.parallax.api;

import dev.parallax.mvcc.ColumnType;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A table as the catalog describes it: its name, its relation (file) number, its columns (with
 * their DEFAULTs), its indexes and its CHECK constraints (named, type-checked against the columns
 * by {@link CheckDdl} before the catalog stores them). Immutable: DDL makes a new one.
 */
public record Table(String name, int relation, List<Column> columns, List<Index> indexes, List<CheckConstraint> checks) {
  public Table {
    columns = List.copyOf(columns);
    indexes = List.copyOf(indexes);
    checks = List.copyOf(checks);
  }

  public Table(String name, int relation, List<Column> columns, List<Index> indexes) {
    this(name, relation, columns, indexes, List.of());
  }

  public Table(String name, int relation, List<Column> columns) {
    this(name, relation, columns, List.of());
  }

  public Optional<CheckConstraint> check(String checkName) {
    return checks.stream().filter(c -> c.name().equals(checkName)).findFirst();
  }

  /**
   * A row of every column's DEFAULT, evaluated now (NULL for a column without one): what an
   * INSERT that names no columns stores. A caller filling some columns itself can take
   * {@link Column#defaultValue()} as an expression instead (it reads no columns).
   */
  public Object[] defaultRow() {
    Object[] row = new Object[columns.size()];
    for (int i = 0; i < row.length; i++) {
      row[i] = ColumnDefaults.evaluate(columns.get(i));
    }
    return row;
  }

  /** Index of the named column; 42703 naming table and column if it does not exist. */
  public int columnIndex(String column) {
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).name().equals(column)) {
        return i;
      }
    }
    throw new DatabaseException(SqlState.UNDEFINED_COLUMN,
        "column \"" + column + "\" of relation \"" + name + "\" does not exist");
  }

  public Optional<Index> index(String indexName) {
    return indexes.stream().filter(i -> i.name().equals(indexName)).findFirst();
  }

  Table withIndex(Index index) {
    List<Index> more = new ArrayList<>(indexes);
    more.add(index);
    return new Table(name, relation, columns, more, checks);
  }

  Table withoutIndex(String indexName) {
    List<Index> fewer = new ArrayList<>(indexes);
    fewer.removeIf(i -> i.name().equals(indexName));
    return new Table(name, relation, columns, fewer, checks);
  }

  /** The relation numbers this table owns: its heap and its indexes. */
  List<Integer> relations() {
    List<Integer> out = new ArrayList<>();
    out.add(relation);
    indexes.forEach(i -> out.add(i.relation()));
    return out;
  }

  /** The column types in order (what a scan plan of this table reads). */
  public List<ColumnType> columnTypes() {
    return List.of(types());
  }

  ColumnType[] types() {
    ColumnType[] t = new ColumnType[columns.size()];
    for (int i = 0; i < t.length; i++) {
      t[i] = columns.get(i).type();
    }
    return t;
  }
}
