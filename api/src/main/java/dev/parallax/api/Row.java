package dev.parallax.api;

import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import java.util.Arrays;

/** One visible row version, copied out of its page: its row id and its values. */
public record Row(Table table, RowId id, Object[] values) {
  public Object get(int index) {
    if (index < 0 || index >= values.length) {
      throw new DatabaseException(SqlState.UNDEFINED_COLUMN,
          "column index " + index + " does not exist in table \"" + table.name() + "\"");
    }
    return values[index];
  }

  public Object get(String column) {
    return values[table.columnIndex(column)];
  }

  public long getLong(String column) {
    Object v = get(column);
    if (v instanceof Number n) {
      return n.longValue();
    }
    throw new DatabaseException(SqlState.DATATYPE_MISMATCH,
        "column \"" + column + "\" of table \"" + table.name() + "\" is " + (v == null ? "null" : "not a number"));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Row r && r.id.equals(id) && r.table.equals(table) && Arrays.equals(r.values, values);
  }

  @Override
  public int hashCode() {
    return id.hashCode() * 31 + Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder().append(id).append(' ');
    for (int i = 0; i < values.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(table.columns().get(i).name()).append('=');
      sb.append(values[i] instanceof byte[] b ? "\\x" + java.util.HexFormat.of().formatHex(b) : values[i]);
    }
    return sb.toString();
  }
}
