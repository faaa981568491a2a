package dev.parallax.executor.plan;

import dev.parallax.mvcc.ColumnType;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;

/**
 * One aggregate: {@code fn([DISTINCT] arg)} over the input rows, optionally only those passing
 * {@code filter} (FILTER (WHERE ...)). {@code arg} is null for count(*); {@code delimiter} is
 * string_agg's. Result types follow PostgreSQL: count is bigint; sum of integer is bigint, of
 * bigint or numeric is numeric, of double is double; avg of integers and numeric is numeric, of
 * double is double; min and max keep the argument's type; bool_and / bool_or are boolean;
 * string_agg is text. Every aggregate but count skips null arguments, and is null over no rows.
 */
public record AggCall(AggFunction fn, Expr arg, Expr filter, boolean distinct, String delimiter) {
  public AggCall(AggFunction fn, Expr arg, Expr filter) {
    this(fn, arg, filter, false, null);
  }

  public AggCall {
    if ((fn == AggFunction.BOOL_AND || fn == AggFunction.BOOL_OR) && arg != null && arg.type() != ColumnType.BOOLEAN) {
      throw new DatabaseException(SqlState.UNDEFINED_FUNCTION, "function " + fn.sqlName() + "(" + arg.type().sqlName()
          + ") does not exist");
    }
    if (fn == AggFunction.STRING_AGG && (arg == null || arg.type() != ColumnType.TEXT || delimiter == null)) {
      throw new DatabaseException(SqlState.UNDEFINED_FUNCTION, "string_agg needs a text argument and a delimiter");
    }
    if (distinct && arg == null) {
      throw new DatabaseException(SqlState.SYNTAX_ERROR, "DISTINCT needs an argument");
    }
    if (arg == null && fn != AggFunction.COUNT) {
      throw new DatabaseException(SqlState.SYNTAX_ERROR, fn.sqlName() + "(*) is not an aggregate");
    }
    if ((fn == AggFunction.SUM || fn == AggFunction.AVG) && arg != null && !Expr.isNumeric(arg.type())) {
      throw new DatabaseException(SqlState.UNDEFINED_FUNCTION, "function " + fn.sqlName() + "(" + arg.type().sqlName()
          + ") does not exist");
    }
    if (filter != null && filter.type() != ColumnType.BOOLEAN) {
      throw new DatabaseException(SqlState.DATATYPE_MISMATCH, "argument of FILTER must be type boolean");
    }
  }

  public static AggCall countStar() {
    return new AggCall(AggFunction.COUNT, null, null);
  }

  public static AggCall of(AggFunction fn, Expr arg) {
    return new AggCall(fn, arg, null);
  }

  public ColumnType resultType() {
    return switch (fn) {
      case COUNT -> ColumnType.BIGINT;
      case SUM -> arg.type() == ColumnType.INTEGER ? ColumnType.BIGINT
          : arg.type() == ColumnType.DOUBLE ? ColumnType.DOUBLE : ColumnType.NUMERIC;
      case AVG -> arg.type() == ColumnType.DOUBLE ? ColumnType.DOUBLE : ColumnType.NUMERIC;
      case MIN, MAX -> arg.type();
      case BOOL_AND, BOOL_OR -> ColumnType.BOOLEAN;
      case STRING_AGG -> ColumnType.TEXT;
    };
  }

  @Override
  public String toString() {
    return fn.sqlName() + "(" + (distinct ? "DISTINCT " : "") + (arg == null ? "*" : arg)
        + (delimiter == null ? "" : ", '" + delimiter + "'") + ")" + (filter == null ? "" : " FILTER (WHERE " + filter + ")");
  }
}
