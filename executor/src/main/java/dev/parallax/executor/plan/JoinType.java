package dev.parallax.executor.plan;

/**
 * How a join treats rows without a partner. INNER keeps matched pairs; LEFT also keeps each
 * unmatched outer row with nulls for the inner columns; RIGHT and FULL do the same for inner rows
 * (and both sides); SEMI returns each outer row that has a partner once, ANTI each that has none
 * (their inner columns read as nulls).
 */
public enum JoinType {
  INNER, LEFT, RIGHT, FULL, SEMI, ANTI;

  public String label() {
    return switch (this) {
      case INNER -> "";
      case LEFT -> " Left";
      case RIGHT -> " Right";
      case FULL -> " Full";
      case SEMI -> " Semi";
      case ANTI -> " Anti";
    };
  }
}
