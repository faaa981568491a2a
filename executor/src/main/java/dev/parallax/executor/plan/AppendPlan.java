package dev.parallax.executor.plan;

import dev.parallax.mvcc.ColumnType;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import java.util.List;

/** The rows of each child in turn (UNION ALL); every child must produce the same column types. */
public record AppendPlan(int id, List<Plan> children, double estimatedRows, double estimatedCost) implements Plan {
  public AppendPlan {
    children = List.copyOf(children);
    if (children.isEmpty()) {
      throw new IllegalArgumentException("Append needs at least one child");
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
    return "Append";
  }
}
