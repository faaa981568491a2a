package dev.parallax.executor.plan;

/** One ORDER BY key: an expression over the input row, its direction and where nulls go. */
public record SortKey(Expr expr, boolean descending, boolean nullsFirst) {
  /** ASC NULLS LAST, PostgreSQL's default. */
  public static SortKey asc(Expr e) {
    return new SortKey(e, false, false);
  }

  /** DESC NULLS FIRST, PostgreSQL's default for DESC. */
  public static SortKey desc(Expr e) {
    return new SortKey(e, true, true);
  }
}
