package dev.parallax.executor.plan;

import dev.parallax.mvcc.ColumnType;
import java.util.List;

/**
 * Keeps its child's rows as they are read, so that a rescan (a nested loop's inner side) replays
 * them instead of running the child again; {@code unique} drops rows equal to the one before
 * (Unique, over sorted input).
 */
public record MaterialPlan(int id, Plan child, boolean unique, double estimatedRows, double estimatedCost) implements Plan {
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
    return unique ? "Unique" : "Materialize";
  }
}
