package dev.parallax.api;

import dev.parallax.executor.plan.Expr;
import dev.parallax.mvcc.ColumnType;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;

/**
 * One column of a table: a name, a type, whether it may hold null, and its DEFAULT (null when it
 * has none: an omitted value is then NULL).
 *
 * <p>A default may not read columns, parameters or the row identity; it may be any constant
 * expression or call ({@code now()}, {@code random()}). Its type is the column's: a default of
 * another type is wrapped in the assignment cast PostgreSQL would apply (see
 * {@link ColumnDefaults#coerce}), and one with no such cast is 42804.
 */
public record Column(String name, ColumnType type, boolean notNull, Expr defaultValue) {
  public Column {
    Identifiers.check(name, "column");
    if (type == null) {
      throw new DatabaseException(SqlState.DATATYPE_MISMATCH, "column \"" + name + "\" has no type");
    }
    if (defaultValue != null) {
      defaultValue = ColumnDefaults.coerce(name, type, defaultValue);
    }
  }

  public Column(String name, ColumnType type, boolean notNull) {
    this(name, type, notNull, null);
  }

  public static Column of(String name, ColumnType type) {
    return new Column(name, type, false);
  }

  public static Column notNull(String name, ColumnType type) {
    return new Column(name, type, true);
  }

  /** This column with {@code value} as its DEFAULT (null: none). */
  public Column withDefault(Expr value) {
    return new Column(name, type, notNull, value);
  }

  /** This column with a constant DEFAULT (a Java value of the column's type, or a narrower number). */
  public Column withDefault(Object constant) {
    if (constant instanceof Expr e) {
      return withDefault(e);
    }
    return withDefault(ColumnDefaults.constant(name, constant));
  }

  Column withNotNull() {
    return new Column(name, type, true, defaultValue);
  }
}
