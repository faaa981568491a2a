package dev.parallax.executor.plan;

import dev.parallax.mvcc.ColumnType;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import java.util.List;

/**
 * A Result node. Without a child ({@code SELECT 1 + 2}, no FROM): one row of {@code targetList}
 * evaluated over an empty input row. With a child: its rows, projected by {@code targetList}
 * (null: unchanged) and filtered by {@code quals}. Either way {@code oneTimeQuals} (expressions
 * over no columns: constants and parameters) are evaluated once per scan before anything else,
 * and if one is not true the node returns nothing and never starts its child (PostgreSQL's
 * "One-Time Filter", e.g. {@code WHERE $1 > 0}).
 */
public record ResultPlan(int id, Plan child, List<Expr> oneTimeQuals, List<Expr> quals, List<Expr> targetList,
    double estimatedRows, double estimatedCost) implements Plan {
  public ResultPlan {
    oneTimeQuals = List.copyOf(oneTimeQuals);
    quals = List.copyOf(quals);
    targetList = targetList == null ? null : List.copyOf(targetList);
    if (child == null && targetList == null) {
      throw new IllegalArgumentException("a Result without a child needs a target list");
    }
    for (Expr q : oneTimeQuals) {
      if (q.type() != ColumnType.BOOLEAN) {
        throw new DatabaseException(SqlState.DATATYPE_MISMATCH, "argument of a one-time filter must be type boolean, not "
            + q.type().sqlName());
      }
    }
  }

  @Override
  public List<ColumnType> inputTypes() {
    return child == null ? List.of() : child.outputTypes();
  }

  @Override
  public List<Plan> children() {
    return child == null ? List.of() : List.of(child);
  }

  @Override
  public String label() {
    return "Result";
  }
}
