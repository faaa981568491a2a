package dev.parallax.api;

import dev.parallax.executor.plan.Expr;
import dev.parallax.mvcc.ColumnType;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * CHECK constraints as CREATE TABLE defines them: each is type-checked against the table's
 * columns and named, before the catalog row is written, so a table is never stored with a check
 * it could not evaluate.
 *
 * <p>Checks: the expression is boolean (42804); every column reference is one of the table's
 * columns with that column's type (42703 / 42804); it reads no parameters or row identity (0A000).
 * Names: explicit names are taken first (a duplicate, or the primary key's name, is 42710); an
 * unnamed check gets PostgreSQL's {@code <table>_<column>_check} when it reads exactly one column
 * or {@code <table>_check} otherwise, then {@code ..._check1}, {@code _check2}... until unused,
 * the table and column parts shortened (the longer first, the column on a tie) to fit 63 characters.
 */
final class CheckDdl {
  /** SQLSTATE duplicate_object (the shared SqlState has no name for it yet). */
  static final String DUPLICATE_OBJECT = "42710";

  private CheckDdl() {}

  /** The checks of a new table, validated and named; {@code reserved} are names taken already. */
  static List<CheckConstraint> define(String table, List<Column> columns, List<CheckConstraint> checks, Set<String> reserved) {
    Set<String> taken = new HashSet<>(reserved);
    for (CheckConstraint c : checks) {
      if (c.name() != null && !taken.add(c.name())) {
        throw new DatabaseException(DUPLICATE_OBJECT, "constraint \"" + c.name() + "\" for relation \"" + table
            + "\" already exists");
      }
    }
    List<CheckConstraint> out = new ArrayList<>();
    for (CheckConstraint c : checks) {
      Set<Integer> read = validate(table, columns, c);
      String name = c.name();
      if (name == null) {
        String column = read.size() == 1 ? columns.get(read.iterator().next()).name() : null;
        name = chooseName(table, column, taken);
        taken.add(name);
      }
      out.add(new CheckConstraint(name, c.predicate()));
    }
    return out;
  }

  /** Type-checks the check against the columns; returns the positions of the columns it reads. */
  private static Set<Integer> validate(String table, List<Column> columns, CheckConstraint c) {
    if (c.predicate().type() != ColumnType.BOOLEAN) {
      throw new DatabaseException(SqlState.DATATYPE_MISMATCH, "argument of CHECK must be type boolean, not type "
          + c.predicate().type().sqlName());
    }
    String where = c.name() == null ? "check constraint" : "check constraint \"" + c.name() + "\"";
    ExprWalk.requireStorable(c.predicate(), where);
    Set<Integer> read = new TreeSet<>();
    ExprWalk.forEach(c.predicate(), node -> {
      if (node instanceof Expr.Column col) {
        if (col.index() < 0 || col.index() >= columns.size()) {
          throw new DatabaseException(SqlState.UNDEFINED_COLUMN, "column number " + col.index() + " of relation \""
              + table + "\" does not exist (it has " + columns.size() + " columns), in " + where);
        }
        Column def = columns.get(col.index());
        if (def.type() != col.type()) {
          throw new DatabaseException(SqlState.DATATYPE_MISMATCH, "column \"" + def.name() + "\" of relation \""
              + table + "\" is of type " + def.type().sqlName() + " but " + where + " reads it as "
              + col.type().sqlName());
        }
        read.add(col.index());
      }
    });
    return read;
  }

  static String chooseName(String table, String column, Set<String> taken) {
    for (int n = 0; ; n++) {
      String name = makeName(table, column, n == 0 ? "check" : "check" + n);
      if (!taken.contains(name)) {
        return name;
      }
    }
  }

  /** {@code table_column_label} (or {@code table_label}), parts shortened the longer first to fit. */
  private static String makeName(String table, String column, String label) {
    String t = table;
    String c = column;
    while (t.length() + (c == null ? 0 : c.length() + 1) + 1 + label.length() > Identifiers.MAX_LENGTH) {
      if (c == null || t.length() > c.length()) {
        t = t.substring(0, t.length() - 1);
      } else {
        c = c.substring(0, c.length() - 1); // PostgreSQL's makeObjectName: the second name on a tie
      }
    }
    return c == null ? t + "_" + label : t + "_" + c + "_" + label;
  }
}
