package dev.parallax.api;

import dev.parallax.mvcc.ColumnType;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;

/** One column of a table: a name, a type and whether it may hold null. */
public record Column(String name, ColumnType type, boolean notNull) {
  public Column {
    Identifiers.check(name, "column");
    if (type == null) {
      throw new DatabaseException(SqlState.DATATYPE_MISMATCH, "column \"" + name + "\" has no type");
    }
  }

  public static Column of(String name, ColumnType type) {
    return new Column(name, type, false);
  }

  public static Column notNull(String name, ColumnType type) {
    return new Column(name, type, true);
  }
}
