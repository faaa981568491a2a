package dev.parallax.executor.plan;

import dev.parallax.mvcc.ColumnType;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;

/**
 * One aggregate: {@code fn(arg)} over the input rows, optionally only those passing
 * {@code filter} (FILTER (WHERE ...)). {@code arg} is null for count(*). Result types follow
 * PostgreSQL: count is bigint; sum of integer is bigint, of bigint or numeric is numeric, of
 * double is double; avg of integers and numeric is numeric, of double is double; min and max keep
 * the argument's type.
 */
public record AggCall(AggFunction fn, Expr arg, Expr filter) {
  public AggCall {
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
    };
  }

  @Override
  public String toString() {
    return fn.sqlName() + "(" + (arg == null ? "*" : arg) + ")" + (filter == null ? "" : " FILTER (WHERE " + filter + ")");
  }
}
