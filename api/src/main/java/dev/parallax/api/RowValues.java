package dev.parallax.api;

import dev.parallax.mvcc.ColumnType;
import dev.parallax.mvcc.RowCodec;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import java.math.BigDecimal;
import java.time.LocalDateTime;

/**
 * Checks a row's values against its table (count, Java type per column type, NOT NULL) with
 * messages naming table and column, then encodes it. Widening is allowed where it loses nothing
 * (an Integer into a bigint column, an integral value into numeric or double).
 */
final class RowValues {
  private RowValues() {}

  static byte[] encode(Table table, Object[] values) {
    return RowCodec.encode(table.types(), coerce(table, values));
  }

  /** The row as stored: each value checked (count, type, NOT NULL) and widened to its column's class. */
  static Object[] coerce(Table table, Object[] values) {
    if (values.length != table.columns().size()) {
      throw new DatabaseException(SqlState.DATATYPE_MISMATCH, "table \"" + table.name() + "\" has "
          + table.columns().size() + " columns but " + values.length + " values were given");
    }
    Object[] row = new Object[values.length];
    for (int i = 0; i < values.length; i++) {
      Column c = table.columns().get(i);
      Object v = values[i];
      if (v == null) {
        if (c.notNull()) {
          throw new DatabaseException(SqlState.NOT_NULL_VIOLATION, "null value in column \"" + c.name()
              + "\" of relation \"" + table.name() + "\" violates not-null constraint");
        }
        continue;
      }
      row[i] = coerce(table, c, v);
    }
    return row;
  }

  private static Object coerce(Table table, Column c, Object v) {
    Object out = switch (c.type()) {
      case INTEGER -> v instanceof Integer || v instanceof Short || v instanceof Byte ? ((Number) v).intValue() : null;
      case BIGINT -> v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte
          ? ((Number) v).longValue() : null;
      case DOUBLE -> v instanceof Double || v instanceof Float || v instanceof Integer || v instanceof Long
          ? ((Number) v).doubleValue() : null;
      case TEXT -> v instanceof String ? v : null;
      case BOOLEAN -> v instanceof Boolean ? v : null;
      case NUMERIC -> v instanceof BigDecimal ? v
          : v instanceof Integer || v instanceof Long ? BigDecimal.valueOf(((Number) v).longValue()) : null;
      case TIMESTAMP -> v instanceof LocalDateTime ? v : null;
      case BYTEA -> v instanceof byte[] ? v : null;
    };
    if (out == null) {
      throw new DatabaseException(SqlState.DATATYPE_MISMATCH, "column \"" + c.name() + "\" of relation \""
          + table.name() + "\" is of type " + c.type().name().toLowerCase() + " but the value is a "
          + v.getClass().getSimpleName());
    }
    return out;
  }
}
