package dev.parallax.sql.bind;

import dev.parallax.executor.expr.ExprCompiler;
import dev.parallax.executor.expr.ExprState;
import dev.parallax.executor.exec.VirtualSlot;
import dev.parallax.executor.plan.Expr;
import dev.parallax.mvcc.ColumnType;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import java.util.List;
import java.util.Locale;

/**
 * Type names, implicit casts and literal typing, following PostgreSQL:
 * <ul>
 *   <li>the numeric types widen implicitly integer -> bigint -> numeric -> double precision, so
 *       {@code int_col + 1.5} is numeric and {@code bigint_col = 1} compares as bigint;
 *   <li>a quoted literal has no type until its context gives one ({@code int_col = '7'} reads
 *       '7' as an integer; with no context it is text);
 *   <li>assignment (INSERT values, UPDATE SET) also converts between numeric types the other way
 *       (with a range check), as PostgreSQL's assignment casts do; nothing else converts
 *       implicitly (42804).
 * </ul>
 * Casts of constants are folded at bind time, so a literal coerced to a column's type is a
 * constant of that type (which an index scan can use as a bound).
 */
public final class Types {
  private Types() {}

  /** The type named in a CREATE TABLE or CAST; 0A000 for the ones the engine does not have. */
  public static ColumnType named(String name, List<String> args) {
    String n = name.toLowerCase(Locale.ROOT).replaceAll("\\s+", " ").trim();
    boolean hasArgs = args != null && !args.isEmpty();
    int paren = n.indexOf('(');
    if (paren >= 0) {
      hasArgs = true; // "varchar (20)": the parser keeps the modifiers in the name
      n = n.substring(0, paren).trim();
    }
    switch (n) {
      case "integer", "int", "int4" -> {
        return noArgs(ColumnType.INTEGER, n, hasArgs);
      }
      case "bigint", "int8" -> {
        return noArgs(ColumnType.BIGINT, n, hasArgs);
      }
      case "double precision", "float8", "double" -> {
        return noArgs(ColumnType.DOUBLE, n, hasArgs);
      }
      case "text" -> {
        return noArgs(ColumnType.TEXT, n, hasArgs);
      }
      case "varchar", "character varying" -> {
        return ColumnType.TEXT; // the length limit is not kept by the catalog yet (see the README)
      }
      case "boolean", "bool" -> {
        return noArgs(ColumnType.BOOLEAN, n, hasArgs);
      }
      case "numeric", "decimal" -> {
        if (hasArgs) {
          throw unsupported("type " + n + " with precision and scale");
        }
        return ColumnType.NUMERIC;
      }
      case "timestamp", "timestamp without time zone" -> {
        return noArgs(ColumnType.TIMESTAMP, n, hasArgs);
      }
      case "bytea" -> {
        return noArgs(ColumnType.BYTEA, n, hasArgs);
      }
      default -> throw unsupported("type " + n);
    }
  }

  private static ColumnType noArgs(ColumnType t, String n, boolean hasArgs) {
    if (hasArgs) {
      throw unsupported("type modifiers on " + n);
    }
    return t;
  }

  static DatabaseException unsupported(String what) {
    return new DatabaseException(SqlState.FEATURE_NOT_SUPPORTED, "feature not supported: " + what);
  }

  /** Rank of a numeric type in the widening order, or -1. */
  static int numericRank(ColumnType t) {
    return switch (t) {
      case INTEGER -> 0;
      case BIGINT -> 1;
      case NUMERIC -> 2;
      case DOUBLE -> 3;
      default -> -1;
    };
  }

  /** Whether {@code from} converts to {@code to} implicitly (the widening order). */
  static boolean implicit(ColumnType from, ColumnType to) {
    return from == to || (numericRank(from) >= 0 && numericRank(to) >= 0 && numericRank(from) <= numericRank(to));
  }

  /** The type both converge to, or null if neither converts implicitly to the other. */
  static ColumnType common(ColumnType a, ColumnType b) {
    if (implicit(a, b)) {
      return b;
    }
    if (implicit(b, a)) {
      return a;
    }
    return null;
  }

  /** {@code e} as type {@code to}: a folded constant, or a Cast node. */
  static Expr cast(Expr e, ColumnType to) {
    if (e.type() == to) {
      return e;
    }
    Expr c = new Expr.Cast(e, to);
    return e instanceof Expr.Constant ? fold(c) : c;
  }

  /** Evaluates an expression without columns now (casts of literals, and so on). */
  static Expr.Constant fold(Expr e) {
    Object v = new ExprState(ExprCompiler.compile(e), new Object[0]).value(VirtualSlot.of());
    return new Expr.Constant(v, e.type());
  }
}
