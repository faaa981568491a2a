package dev.parallax.executor.plan;

import dev.parallax.mvcc.ColumnType;
import java.util.List;

/** OFFSET {@code offset} LIMIT {@code limit} ({@code limit} negative: no limit). */
public record LimitPlan(int id, Plan child, long limit, long offset, double estimatedRows, double estimatedCost)
    implements Plan {
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
    return child.outputTypes();
  }

  @Override
  public List<Plan> children() {
    return List.of(child);
  }

  @Override
  public String label() {
    return "Limit";
  }
}
