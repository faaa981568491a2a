package dev.parallax.executor.plan;

import dev.parallax.mvcc.ColumnType;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import java.util.List;

/** Scalar functions: each strict (a null argument makes a null result) except where noted. */
public enum ScalarFunction {
  ABS, LENGTH, LOWER, UPPER, SUBSTRING, NOW, RANDOM;

  public String sqlName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** The result type for these arguments; 42883 if the function does not take them. */
  ColumnType resultType(List<Expr> args) {
    switch (this) {
      case ABS -> {
        require(args.size() == 1 && Expr.isNumeric(args.get(0).type()), args);
        return args.get(0).type();
      }
      case LENGTH -> {
        require(args.size() == 1 && (args.get(0).type() == ColumnType.TEXT || args.get(0).type() == ColumnType.BYTEA), args);
        return ColumnType.INTEGER;
      }
      case LOWER, UPPER -> {
        require(args.size() == 1 && args.get(0).type() == ColumnType.TEXT, args);
        return ColumnType.TEXT;
      }
      case SUBSTRING -> {
        require((args.size() == 2 || args.size() == 3) && args.get(0).type() == ColumnType.TEXT
            && args.subList(1, args.size()).stream().allMatch(a -> a.type() == ColumnType.INTEGER), args);
        return ColumnType.TEXT;
      }
      case NOW -> {
        require(args.isEmpty(), args);
        return ColumnType.TIMESTAMP;
      }
      default -> {
        require(args.isEmpty(), args);
        return ColumnType.DOUBLE;
      }
    }
  }

  private void require(boolean ok, List<Expr> args) {
    if (!ok) {
      throw new DatabaseException(SqlState.UNDEFINED_FUNCTION, "function " + sqlName() + "("
          + String.join(", ", args.stream().map(a -> a.type().sqlName()).toList()) + ") does not exist");
    }
  }
}
