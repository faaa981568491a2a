package dev.parallax.api;

import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;

/**
 * 23514: a row that makes a CHECK constraint false. Carries what PostgreSQL's error report
 * carries besides the message: the table, the constraint and the detail line naming the row
 * ({@code Failing row contains (...)}).
 */
public final class CheckViolation extends DatabaseException {
  private final String table;
  private final String constraint;
  private final String detail;

  CheckViolation(String table, String constraint, String detail) {
    super(SqlState.CHECK_VIOLATION, "new row for relation \"" + table + "\" violates check constraint \""
        + constraint + "\"");
    this.table = table;
    this.constraint = constraint;
    this.detail = detail;
  }

  public String table() {
    return table;
  }

  public String constraint() {
    return constraint;
  }

  /** PostgreSQL's DETAIL line: {@code Failing row contains (1, -5, null).} */
  public String detail() {
    return detail;
  }

  @Override
  public String toString() {
    return super.toString() + "\nDETAIL:  " + detail;
  }
}
