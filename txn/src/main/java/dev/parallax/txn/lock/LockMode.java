package dev.parallax.txn.lock;

/**
 * The eight table lock modes, weakest first, with PostgreSQL's conflict table. A mode's bit is
 * {@code 1 << ordinal()}; {@link #conflicts()} is the mask of modes it cannot coexist with (held
 * by a transaction outside the requester's lock group).
 *
 * <p>The three weak modes (ACCESS SHARE, ROW SHARE, ROW EXCLUSIVE) are what ordinary reads and
 * writes take; they conflict only with the strong modes (SHARE and above), which is what lets
 * them skip the shared lock table (the fast path) while no strong lock is around.
 */
public enum LockMode {
  ACCESS_SHARE("AccessShareLock"),
  ROW_SHARE("RowShareLock"),
  ROW_EXCLUSIVE("RowExclusiveLock"),
  SHARE_UPDATE_EXCLUSIVE("ShareUpdateExclusiveLock"),
  SHARE("ShareLock"),
  SHARE_ROW_EXCLUSIVE("ShareRowExclusiveLock"),
  EXCLUSIVE("ExclusiveLock"),
  ACCESS_EXCLUSIVE("AccessExclusiveLock");

  private static final LockMode[] ALL = values();
  private static final int[] CONFLICTS = new int[ALL.length];

  static {
    conflict(ACCESS_SHARE, ACCESS_EXCLUSIVE);
    conflict(ROW_SHARE, EXCLUSIVE, ACCESS_EXCLUSIVE);
    conflict(ROW_EXCLUSIVE, SHARE, SHARE_ROW_EXCLUSIVE, EXCLUSIVE, ACCESS_EXCLUSIVE);
    conflict(SHARE_UPDATE_EXCLUSIVE, SHARE_UPDATE_EXCLUSIVE, SHARE, SHARE_ROW_EXCLUSIVE, EXCLUSIVE, ACCESS_EXCLUSIVE);
    conflict(SHARE, ROW_EXCLUSIVE, SHARE_UPDATE_EXCLUSIVE, SHARE_ROW_EXCLUSIVE, EXCLUSIVE, ACCESS_EXCLUSIVE);
    conflict(SHARE_ROW_EXCLUSIVE, ROW_EXCLUSIVE, SHARE_UPDATE_EXCLUSIVE, SHARE, SHARE_ROW_EXCLUSIVE, EXCLUSIVE,
        ACCESS_EXCLUSIVE);
    conflict(EXCLUSIVE, ROW_SHARE, ROW_EXCLUSIVE, SHARE_UPDATE_EXCLUSIVE, SHARE, SHARE_ROW_EXCLUSIVE, EXCLUSIVE,
        ACCESS_EXCLUSIVE);
    conflict(ACCESS_EXCLUSIVE, ALL);
  }

  private static void conflict(LockMode m, LockMode... others) {
    for (LockMode o : others) {
      CONFLICTS[m.ordinal()] |= o.bit();
      CONFLICTS[o.ordinal()] |= m.bit(); // the table is symmetric
    }
  }

  private final String displayName;

  LockMode(String displayName) {
    this.displayName = displayName;
  }

  public int bit() {
    return 1 << ordinal();
  }

  /** Mask of the modes this one conflicts with. */
  public int conflicts() {
    return CONFLICTS[ordinal()];
  }

  public boolean conflictsWith(LockMode other) {
    return (conflicts() & other.bit()) != 0;
  }

  /** ACCESS SHARE, ROW SHARE, ROW EXCLUSIVE: eligible for the fast path on relations. */
  public boolean isWeak() {
    return ordinal() <= ROW_EXCLUSIVE.ordinal();
  }

  /** Conflicts with some weak mode: taking it must first move weak fast-path locks to the table. */
  public boolean isStrong() {
    return ordinal() >= SHARE.ordinal();
  }

  /** PostgreSQL's name, as pg_locks shows it. */
  public String displayName() {
    return displayName;
  }

  static LockMode of(int ordinal) {
    return ALL[ordinal];
  }

  /** Names of the modes in a mask, for messages. */
  static String describe(int mask) {
    StringBuilder b = new StringBuilder();
    for (LockMode m : ALL) {
      if ((mask & m.bit()) != 0) {
        b.append(b.length() == 0 ? "" : "+").append(m.displayName);
      }
    }
    return b.toString();
  }
}
