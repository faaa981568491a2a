package dev.parallax.api;

import dev.parallax.executor.plan.Expr;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import java.util.List;

/**
 * A CHECK constraint of a table: its name and a boolean expression over the table's row
 * ({@link Expr.Column} indexes are the table's column positions). A new or updated row must not
 * make it false; true and NULL both pass, as in SQL.
 *
 * <p>Given to {@code Session.createTable} with a null name ({@link #of}), it is named like
 * PostgreSQL names it: {@code <table>_<column>_check} when it reads exactly one column, else
 * {@code <table>_check}, with a number appended when the name is taken. Build column references
 * by name with {@link #column}, which fails with 42703 for a name not among the columns.
 */
public record CheckConstraint(String name, Expr predicate) {
  public CheckConstraint {
    if (predicate == null) {
      throw new DatabaseException(SqlState.INVALID_PARAMETER_VALUE, "check constraint " + (name == null ? "" : "\""
          + name + "\" ") + "has no expression");
    }
  }

  /** An unnamed check: the name is chosen when the table is created. */
  public static CheckConstraint of(Expr predicate) {
    return new CheckConstraint(null, predicate);
  }

  public static CheckConstraint named(String name, Expr predicate) {
    Identifiers.check(name, "constraint");
    return new CheckConstraint(name, predicate);
  }

  /** A reference to the column called {@code name} of a table with {@code columns}; 42703 if none is. */
  public static Expr.Column column(List<Column> columns, String name) {
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).name().equals(name)) {
        return new Expr.Column(i, columns.get(i).type());
      }
    }
    throw new DatabaseException(SqlState.UNDEFINED_COLUMN, "column \"" + name + "\" does not exist");
  }
}
