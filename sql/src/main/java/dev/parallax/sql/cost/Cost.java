package dev.parallax.sql.cost;

/**
 * A path's estimated cost in the planner's abstract units (one sequential page read = 1): what
 * it costs before the first row comes out ({@code startup}: a sort or a hash table must be built
 * first) and after the last ({@code total}). LIMIT and EXISTS care about the first; everything
 * else compares the second.
 */
public record Cost(double startup, double total) {
  public static final Cost ZERO = new Cost(0, 0);

  public Cost {
    if (!(startup >= 0) || !(total >= startup)) {
      throw new IllegalArgumentException("cost " + startup + ".." + total);
    }
  }

  public Cost plus(Cost other) {
    return new Cost(startup + other.startup, total + other.total);
  }

  /** The cost of reading only {@code fraction} of the rows (a LIMIT): startup plus that share of the run. */
  public Cost fraction(double fraction) {
    double f = Math.max(0, Math.min(1, fraction));
    return new Cost(startup, startup + (total - startup) * f);
  }

  @Override
  public String toString() {
    return String.format("cost=%.2f..%.2f", startup, total);
  }
}
