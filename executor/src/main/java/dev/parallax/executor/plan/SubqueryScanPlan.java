package dev.parallax.executor.plan;

import dev.parallax.mvcc.ColumnType;
import java.util.List;

/**
 * A subquery in FROM: its child's rows, filtered by {@code quals} and reshaped by
 * {@code targetList}, both over the child's output columns.
 */
public record SubqueryScanPlan(int id, Plan child, List<Expr> quals, List<Expr> targetList, double estimatedRows,
    double estimatedCost) implements Plan {
  public SubqueryScanPlan {
    quals = List.copyOf(quals);
    targetList = targetList == null ? null : List.copyOf(targetList);
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
    return "Subquery Scan";
  }
}
