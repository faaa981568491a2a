package dev.parallax.executor.plan;

import dev.parallax.mvcc.ColumnType;
import java.util.List;

/** Sorts its child's rows by {@code keys} (stable: equal rows keep their input order). */
public record SortPlan(int id, Plan child, List<SortKey> keys, double estimatedRows, double estimatedCost) implements Plan {
  public SortPlan {
    keys = List.copyOf(keys);
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
    return child.outputTypes();
  }

  @Override
  public List<Plan> children() {
    return List.of(child);
  }

  @Override
  public String label() {
    return "Sort";
  }
}
