package dev.parallax.api;

import dev.parallax.executor.exec.VirtualSlot;
import dev.parallax.executor.expr.ExprCompiler;
import dev.parallax.executor.expr.ExprProgram;
import dev.parallax.executor.expr.ExprState;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Enforces a table's CHECK constraints on every row version it writes: the session's insert and
 * update and ModifyTable's (through {@link TableTarget}) each call {@link #enforce} once per row,
 * after NOT NULL and types (so 23502 comes first, as in PostgreSQL) and before the heap is
 * touched, so a violating statement has changed nothing when it fails.
 *
 * <p>A check passes when its value is true or NULL; false raises {@link CheckViolation} (23514)
 * naming the first failing check in definition order and the row.
 *
 * <p>Cost: the programs are compiled once per table version (a {@link Table} is immutable, and the
 * cache holds it weakly, so a replaced or dropped version's programs go with it); each user (a
 * statement) makes its own {@link ExprState}s from them, since states are single-threaded. A table
 * without checks costs one emptiness test per row.
 */
final class CheckConstraints {
  private static final CheckConstraints NONE = new CheckConstraints(null, new ExprState[0]);
  private static final Map<Table, ExprProgram[]> COMPILED = Collections.synchronizedMap(new WeakHashMap<>());

  private static final java.time.format.DateTimeFormatter TIMESTAMP =
      java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss");

  /** A table version and its programs; immutable, published whole through {@link #last}. */
  private record Compiled(Table table, ExprProgram[] programs) {}

  /**
   * The version compiled or looked up last, tested by identity before the cache (whose lookup
   * hashes the whole {@code Table} record): consecutive writes mostly meet the same version.
   */
  private static volatile Compiled last;

  private final Table table;
  private final ExprState[] states;

  private CheckConstraints(Table table, ExprState[] states) {
    this.table = table;
    this.states = states;
  }

  /** The checks of this table version, ready for one thread to enforce. */
  static CheckConstraints of(Table table) {
    if (table.checks().isEmpty()) {
      return NONE;
    }
    Compiled recent = last;
    ExprProgram[] programs;
    if (recent != null && recent.table() == table) {
      programs = recent.programs();
    } else {
      programs = COMPILED.computeIfAbsent(table, t -> {
        ExprProgram[] out = new ExprProgram[t.checks().size()];
        for (int i = 0; i < out.length; i++) {
          out[i] = ExprCompiler.compile(t.checks().get(i).predicate());
        }
        return out;
      });
      last = new Compiled(table, programs);
    }
    ExprState[] states = new ExprState[programs.length];
    for (int i = 0; i < states.length; i++) {
      states[i] = new ExprState(programs[i], new Object[0]);
    }
    return new CheckConstraints(table, states);
  }

  /** Raises 23514 if a check is false for {@code values} (a row in column order, as given to insert). */
  void enforce(Object[] values) {
    if (states.length == 0) {
      return;
    }
    Object[] row = RowValues.coerce(table, values);
    VirtualSlot slot = VirtualSlot.of(row);
    for (int i = 0; i < states.length; i++) {
      if (Boolean.FALSE.equals(states[i].value(slot))) {
        throw new CheckViolation(table.name(), table.checks().get(i).name(), failingRow(row));
      }
    }
  }

  /** PostgreSQL's detail line, values in their text output form. */
  static String failingRow(Object[] row) {
    StringBuilder b = new StringBuilder("Failing row contains (");
    for (int i = 0; i < row.length; i++) {
      b.append(i == 0 ? "" : ", ").append(text(row[i]));
    }
    return b.append(").").toString();
  }

  private static String text(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof Boolean bool) {
      return bool ? "t" : "f";
    }
    if (v instanceof Double d) {
      if (d.isNaN()) {
        return "NaN";
      }
      if (d.isInfinite()) {
        return d > 0 ? "Infinity" : "-Infinity";
      }
      if (d == Math.rint(d) && Math.abs(d) < 1e15) {
        return (d == 0 && 1 / d < 0 ? "-" : "") + Long.toString(d.longValue());
      }
      return Double.toString(d).replace("E-", "e-").replace("E", "e+");
    }
    if (v instanceof BigDecimal n) {
      return n.toPlainString();
    }
    if (v instanceof LocalDateTime t) {
      String out = t.format(TIMESTAMP);
      int micros = t.getNano() / 1000;
      return micros == 0 ? out : out + ("." + String.format("%06d", micros)).replaceAll("0+$", "");
    }
    if (v instanceof byte[] bytes) {
      return "\\x" + HexFormat.of().formatHex(bytes);
    }
    return v.toString();
  }
}
