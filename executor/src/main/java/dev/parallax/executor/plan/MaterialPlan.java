package dev.parallax.executor.plan;


/**
 * Keeps its child's rows as they are read, so that a rescan (a nested loop's inner side) replays
 * them instead of running the child again; {@code unique} drops rows equal to the one before
 * (Unique, over sorted input).
 */
public record MaterialPlan(int id, Plan child, boolean unique, double estimatedRows, double estimatedCost) implements PassThroughPlan {
  @Override
  public String label() {
    return unique ? "Unique" : "Materialize";
  }
}
