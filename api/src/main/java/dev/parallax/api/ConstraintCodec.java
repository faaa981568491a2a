package dev.parallax.api;

import dev.parallax.executor.plan.Expr;
import dev.parallax.executor.plan.ExprCodec;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The catalog row's fifth column: a table's column DEFAULTs and CHECK constraints, the
 * expressions in {@link ExprCodec}'s form. Null when the table has neither, so rows of plain
 * tables (and rows written before this column existed, which read it as null) look the same.
 *
 * <pre>
 *  | version 1 | n defaults | (column position, length, expr)* | n checks | (name length, name, length, expr)* |
 * </pre>
 * Numbers are unsigned varints; names UTF-8.
 */
final class ConstraintCodec {
  private static final int VERSION = 1;

  private ConstraintCodec() {}

  /** What a catalog row records of the table's defaults and checks, or null for none. */
  static byte[] encode(Table table) {
    List<Integer> withDefault = new ArrayList<>();
    for (int i = 0; i < table.columns().size(); i++) {
      if (table.columns().get(i).defaultValue() != null) {
        withDefault.add(i);
      }
    }
    if (withDefault.isEmpty() && table.checks().isEmpty()) {
      return null;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(VERSION);
    varint(out, withDefault.size());
    for (int i : withDefault) {
      varint(out, i);
      bytes(out, ExprCodec.encode(table.columns().get(i).defaultValue()));
    }
    varint(out, table.checks().size());
    for (CheckConstraint c : table.checks()) {
      bytes(out, c.name().getBytes(StandardCharsets.UTF_8));
      bytes(out, ExprCodec.encode(c.predicate()));
    }
    return out.toByteArray();
  }

  /** The decoded parts: the columns with their defaults set, and the checks. */
  record Decoded(List<Column> columns, List<CheckConstraint> checks) {}

  static Decoded decode(String table, List<Column> columns, byte[] data) {
    if (data == null) {
      return new Decoded(columns, List.of());
    }
    int[] pos = {0};
    int version = u8(table, data, pos);
    if (version != VERSION) {
      throw corrupt(table, "constraint encoding version " + version + " is not supported");
    }
    List<Column> cols = new ArrayList<>(columns);
    int defaults = varint(table, data, pos);
    for (int k = 0; k < defaults; k++) {
      int i = varint(table, data, pos);
      if (i >= cols.size()) {
        throw corrupt(table, "default for column number " + i + " of " + cols.size());
      }
      cols.set(i, cols.get(i).withDefault(ExprCodec.decode(bytes(table, data, pos))));
    }
    int n = varint(table, data, pos);
    List<CheckConstraint> checks = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      String name = new String(bytes(table, data, pos), StandardCharsets.UTF_8);
      Expr predicate = ExprCodec.decode(bytes(table, data, pos));
      checks.add(new CheckConstraint(name, predicate));
    }
    if (pos[0] != data.length) {
      throw corrupt(table, "trailing bytes in the constraint encoding");
    }
    return new Decoded(cols, checks);
  }

  private static void varint(ByteArrayOutputStream out, int v) {
    while ((v & ~0x7F) != 0) {
      out.write((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    out.write(v);
  }

  private static void bytes(ByteArrayOutputStream out, byte[] b) {
    varint(out, b.length);
    out.write(b, 0, b.length);
  }

  private static int u8(String table, byte[] data, int[] pos) {
    if (pos[0] >= data.length) {
      throw corrupt(table, "constraint encoding is truncated");
    }
    return data[pos[0]++] & 0xFF;
  }

  private static int varint(String table, byte[] data, int[] pos) {
    int v = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      int b = u8(table, data, pos);
      v |= (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        if (v < 0) {
          break;
        }
        return v;
      }
    }
    throw corrupt(table, "bad number in the constraint encoding");
  }

  private static byte[] bytes(String table, byte[] data, int[] pos) {
    int n = varint(table, data, pos);
    if (n > data.length - pos[0]) {
      throw corrupt(table, "constraint encoding is truncated");
    }
    byte[] out = java.util.Arrays.copyOfRange(data, pos[0], pos[0] + n);
    pos[0] += n;
    return out;
  }

  private static DatabaseException corrupt(String table, String what) {
    return new DatabaseException(SqlState.DATA_CORRUPTED, "catalog row of table \"" + table + "\": " + what);
  }
}
