package dev.parallax.txn.lock;

/**
 * How a lock request behaves when it cannot be granted at once.
 *
 * @param policy block, fail at once (NOWAIT, 55P03), or give up quietly (SKIP LOCKED)
 * @param lockTimeoutMillis longest wait for this lock (0 = no limit): then 55P03
 * @param statementDeadlineNanos {@link System#nanoTime()} at which the statement is cancelled
 *     (0 = none): then 57014
 * @param deadlockTimeoutMillis how long to wait before looking for a deadlock, and between looks
 */
public record LockWait(Policy policy, long lockTimeoutMillis, long statementDeadlineNanos, long deadlockTimeoutMillis) {
  public enum Policy { BLOCK, NOWAIT, SKIP_LOCKED }

  public static final long DEFAULT_DEADLOCK_TIMEOUT_MILLIS = 1000;

  public static final LockWait BLOCK = new LockWait(Policy.BLOCK, 0, 0, DEFAULT_DEADLOCK_TIMEOUT_MILLIS);
  public static final LockWait NOWAIT = BLOCK.withPolicy(Policy.NOWAIT);
  public static final LockWait SKIP_LOCKED = BLOCK.withPolicy(Policy.SKIP_LOCKED);

  public LockWait withPolicy(Policy p) {
    return new LockWait(p, lockTimeoutMillis, statementDeadlineNanos, deadlockTimeoutMillis);
  }

  public LockWait withLockTimeout(long millis) {
    return new LockWait(policy, millis, statementDeadlineNanos, deadlockTimeoutMillis);
  }

  public LockWait withStatementDeadline(long nanoTime) {
    return new LockWait(policy, lockTimeoutMillis, nanoTime, deadlockTimeoutMillis);
  }

  public LockWait withDeadlockTimeout(long millis) {
    return new LockWait(policy, lockTimeoutMillis, statementDeadlineNanos, millis);
  }
}
