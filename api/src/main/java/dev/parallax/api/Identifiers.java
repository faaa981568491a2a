package dev.parallax.api;

import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;

/** Validation of table and column names: 1 to 63 characters, no control characters. */
final class Identifiers {
  private Identifiers() {}

  static final int MAX_LENGTH = 63;

  static void check(String name, String what) {
    if (name == null || name.isEmpty()) {
      throw new DatabaseException(SqlState.INVALID_NAME, what + " name must not be empty");
    }
    if (name.length() > MAX_LENGTH) {
      throw new DatabaseException(SqlState.INVALID_NAME,
          what + " name \"" + name + "\" is longer than " + MAX_LENGTH + " characters");
    }
    for (int i = 0; i < name.length(); i++) {
      if (Character.isISOControl(name.charAt(i))) {
        throw new DatabaseException(SqlState.INVALID_NAME, what + " name \"" + name + "\" contains a control character");
      }
    }
  }
}
