package dev.parallax.executor.plan;

import java.util.List;

/** Sorts its child's rows by {@code keys} (stable: equal rows keep their input order). */
public record SortPlan(int id, Plan child, List<SortKey> keys, double estimatedRows, double estimatedCost) implements PassThroughPlan {
  public SortPlan {
    keys = List.copyOf(keys);
  }

  @Override
  public String label() {
    return "Sort";
  }
}
