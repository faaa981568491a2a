package dev.parallax.txn.lock;

/**
 * The four row lock strengths of SELECT ... FOR KEY SHARE / FOR SHARE / FOR NO KEY UPDATE /
 * FOR UPDATE, with their own conflict table. UPDATE takes FOR NO KEY UPDATE unless it changes a
 * key column (then FOR UPDATE); DELETE takes FOR UPDATE.
 *
 * <p>A tuple lock in the lock table uses the table mode {@link #tableMode()} chosen so that the
 * table-mode conflict table reproduces this one (as PostgreSQL does); a test checks every pair.
 */
public enum RowLockStrength {
  FOR_KEY_SHARE(LockMode.ACCESS_SHARE),
  FOR_SHARE(LockMode.ROW_SHARE),
  FOR_NO_KEY_UPDATE(LockMode.EXCLUSIVE),
  FOR_UPDATE(LockMode.ACCESS_EXCLUSIVE);

  private final LockMode tableMode;

  RowLockStrength(LockMode tableMode) {
    this.tableMode = tableMode;
  }

  /** The row lock conflict table, written out as PostgreSQL documents it. */
  public boolean conflictsWith(RowLockStrength other) {
    return switch (this) {
      case FOR_KEY_SHARE -> other == FOR_UPDATE;
      case FOR_SHARE -> other == FOR_NO_KEY_UPDATE || other == FOR_UPDATE;
      case FOR_NO_KEY_UPDATE -> other != FOR_KEY_SHARE;
      case FOR_UPDATE -> true;
    };
  }

  /** The table lock mode used for this strength on a tuple lock tag. */
  public LockMode tableMode() {
    return tableMode;
  }
}
