package dev.parallax.executor.plan;


/** OFFSET {@code offset} LIMIT {@code limit} ({@code limit} negative: no limit). */
public record LimitPlan(int id, Plan child, long limit, long offset, double estimatedRows, double estimatedCost)
    implements PassThroughPlan {
  @Override
  public String label() {
    return "Limit";
  }
}
