package dev.parallax.api;

import dev.parallax.executor.exec.VirtualSlot;
import dev.parallax.executor.expr.ExprCompiler;
import dev.parallax.executor.expr.ExprState;
import dev.parallax.executor.plan.Expr;
import dev.parallax.mvcc.ColumnType;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import java.math.BigDecimal;
import java.time.LocalDateTime;

/**
 * Column DEFAULTs: checked and coerced when a column is defined, evaluated when a row is inserted
 * without a value for the column (PostgreSQL's pg_attrdef and its assignment coercion).
 *
 * <p>Coercion follows PostgreSQL's assignment casts among our types: any two of integer, bigint,
 * numeric and double precision (narrowing ones round, and fail with 22003 at insert time when
 * out of range), and anything to text (its output form). Every other pair, say boolean to
 * integer or text to timestamp, is 42804. The coerced expression is what the catalog stores, so
 * a default's type is always its column's.
 */
final class ColumnDefaults {
  private ColumnDefaults() {}

  static Expr coerce(String column, ColumnType type, Expr value) {
    ExprWalk.forEach(value, node -> {
      if (node instanceof Expr.Column) {
        throw new DatabaseException(SqlState.FEATURE_NOT_SUPPORTED,
            "cannot use column reference in DEFAULT expression of column \"" + column + "\"");
      }
    });
    ExprWalk.requireStorable(value, "DEFAULT expression of column \"" + column + "\"");
    if (value.type() == type) {
      return value;
    }
    if (assignable(value.type(), type)) {
      return new Expr.Cast(value, type);
    }
    throw new DatabaseException(SqlState.DATATYPE_MISMATCH, "column \"" + column + "\" is of type " + type.sqlName()
        + " but default expression is of type " + value.type().sqlName());
  }

  /** Whether PostgreSQL casts {@code from} to {@code to} implicitly or in assignment. */
  static boolean assignable(ColumnType from, ColumnType to) {
    return from == to || to == ColumnType.TEXT || Expr.isNumeric(from) && Expr.isNumeric(to);
  }

  /** A constant expression for a Java value, typed by its class. */
  static Expr constant(String column, Object v) {
    ColumnType t = v instanceof Integer ? ColumnType.INTEGER : v instanceof Long ? ColumnType.BIGINT
        : v instanceof Double ? ColumnType.DOUBLE : v instanceof String ? ColumnType.TEXT
        : v instanceof Boolean ? ColumnType.BOOLEAN : v instanceof BigDecimal ? ColumnType.NUMERIC
        : v instanceof LocalDateTime ? ColumnType.TIMESTAMP : v instanceof byte[] ? ColumnType.BYTEA : null;
    if (t == null) {
      throw new DatabaseException(SqlState.DATATYPE_MISMATCH, "default of column \"" + column + "\" cannot be a "
          + (v == null ? "null without a type" : v.getClass().getSimpleName()));
    }
    return new Expr.Constant(v, t);
  }

  /** The value the column takes when an insert omits it: its default evaluated now, or null. */
  static Object evaluate(Column c) {
    Expr e = c.defaultValue();
    if (e == null) {
      return null;
    }
    if (e instanceof Expr.Constant k) {
      return k.value();
    }
    return new ExprState(ExprCompiler.compile(e), new Object[0]).value(VirtualSlot.of());
  }
}
