package dev.parallax.api;

import dev.parallax.mvcc.ColumnType;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import java.util.List;

/** A table as the catalog describes it: its name, its relation (file) number and its columns. */
public record Table(String name, int relation, List<Column> columns) {
  public Table {
    columns = List.copyOf(columns);
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

  ColumnType[] types() {
    ColumnType[] t = new ColumnType[columns.size()];
    for (int i = 0; i < t.length; i++) {
      t[i] = columns.get(i).type();
    }
    return t;
  }
}
