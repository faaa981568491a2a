package dev.parallax.executor.plan;

import dev.parallax.mvcc.ColumnType;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import java.util.List;

/**
 * The rows of every child merged into one sequence ordered by {@code keys}, each child already
 * sorted on them (UNION ALL ... ORDER BY over sorted inputs, or partitions read in index order).
 * Equal keys come in child order, so a merge of stable inputs is stable. Every child must produce
 * the same column types; the keys are expressions over that row.
 */
public record MergeAppendPlan(int id, List<Plan> children, List<SortKey> keys, double estimatedRows,
    double estimatedCost) implements Plan {
  public MergeAppendPlan {
    children = List.copyOf(children);
    keys = List.copyOf(keys);
    if (children.isEmpty()) {
      throw new IllegalArgumentException("Merge Append needs at least one child");
    }
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("Merge Append needs at least one sort key");
    }
    for (Plan c : children) {
      if (!c.outputTypes().equals(children.get(0).outputTypes())) {
        throw new DatabaseException(SqlState.DATATYPE_MISMATCH, "each UNION query must have the same column types: "
            + children.get(0).outputTypes() + " and " + c.outputTypes());
      }
    }
  }

  @Override
  public List<Expr> quals() {
    return List.of();
  }

  @Override
  public List<Expr> targetList() {
    return null;
  }

  @Override
  public List<ColumnType> inputTypes() {
    return children.get(0).outputTypes();
  }

  @Override
  public String label() {
    return "Merge Append";
  }
}
