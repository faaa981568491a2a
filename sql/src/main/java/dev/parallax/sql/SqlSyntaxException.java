package dev.parallax.sql;

import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;

/**
 * A syntax error (42601): the message names the offending token as PostgreSQL does ("syntax error
 * at or near ..."), and {@link #position()} is its 1-based character offset in the statement text
 * (0 when the error is at the end of the input), which a shell uses to point at it.
 */
public final class SqlSyntaxException extends DatabaseException {
  private final int position;

  public SqlSyntaxException(String message, int position) {
    super(SqlState.SYNTAX_ERROR, message);
    this.position = position;
  }

  public int position() {
    return position;
  }
}
