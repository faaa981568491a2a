package dev.parallax.executor.plan;

import dev.parallax.mvcc.ColumnType;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import java.util.List;

/**
 * A set-returning function in FROM: {@code generate_series(start, stop [, step])} over integer,
 * bigint or numeric, one row per value from start towards stop by step (default 1), both ends
 * included when reached. The arguments are expressions without an input row (constants,
 * parameters, a nested loop's internal parameters), evaluated at each start and rescan.
 */
public record FunctionScanPlan(int id, TableFunction function, List<Expr> args, List<Expr> quals, List<Expr> targetList,
    double estimatedRows, double estimatedCost) implements Plan {
  public enum TableFunction { GENERATE_SERIES }

  public FunctionScanPlan {
    args = List.copyOf(args);
    quals = List.copyOf(quals);
    targetList = targetList == null ? null : List.copyOf(targetList);
    if (args.size() < 2 || args.size() > 3) {
      throw new DatabaseException(SqlState.UNDEFINED_FUNCTION, "function generate_series takes 2 or 3 arguments, not "
          + args.size());
    }
    ColumnType t = args.get(0).type();
    for (Expr a : args) {
      if (a.type() != t || (t != ColumnType.INTEGER && t != ColumnType.BIGINT && t != ColumnType.NUMERIC)) {
        throw new DatabaseException(SqlState.UNDEFINED_FUNCTION, "function generate_series("
            + String.join(", ", args.stream().map(x -> x.type().sqlName()).toList()) + ") does not exist");
      }
    }
  }

  @Override
  public List<ColumnType> inputTypes() {
    return List.of(args.get(0).type());
  }

  @Override
  public List<Plan> children() {
    return List.of();
  }

  @Override
  public String label() {
    return "Function Scan on generate_series";
  }
}
