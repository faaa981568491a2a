package dev.parallax.storage;

/**
 * The root of every error Parallax reports to a caller.
 *
 * <p>Each error carries a five-character SQLSTATE-style code (see {@link SqlState}) so that
 * callers can react to the class of failure (retry on 40001 / 40P01, fix input on 22xxx / 23xxx)
 * without parsing messages. Messages name the object involved (table, column, relation and block).
 * After any such error the database stays usable; a session rolls back and goes on.
 */
public class DatabaseException extends RuntimeException {
  private final String sqlState;

  public DatabaseException(String sqlState, String message) {
    super(message);
    this.sqlState = sqlState;
  }

  public DatabaseException(String sqlState, String message, Throwable cause) {
    super(message, cause);
    this.sqlState = sqlState;
  }

  /** The SQLSTATE-style code, for example {@code "40001"}. */
  public String sqlState() {
    return sqlState;
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + " [" + sqlState + "]: " + getMessage();
  }
}
