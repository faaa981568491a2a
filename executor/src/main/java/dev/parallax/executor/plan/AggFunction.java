package dev.parallax.executor.plan;

/** The aggregate functions the executor computes. */
public enum AggFunction {
  COUNT, SUM, AVG, MIN, MAX, BOOL_AND, BOOL_OR, STRING_AGG;

  public String sqlName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
