package dev.parallax.txn;

/**
 * The fate of other transactions, as the commit log and the running-transaction table know it
 * now (not as of a snapshot). Visibility code asks {@link #isInProgress} before
 * {@link #didCommit}: a transaction is marked committed in the commit log before it leaves the
 * running table, so checking in the other order could see neither.
 */
public interface TransactionStatus {
  /** True while the transaction owning {@code xid} (top-level or sub id) has not ended. */
  boolean isInProgress(long xid);

  /**
   * True if {@code xid} committed (a sub id: its whole tree committed). A sub id that is
   * sub-committed under a top-level transaction still running answers false.
   */
  boolean didCommit(long xid);

  /**
   * Whether {@code xid}'s commit record is durable, for a transaction {@link #didCommit} says
   * committed. With asynchronous commit a commit is acknowledged before its record is flushed, and
   * a committed hint bit on a page written before that record could survive a crash that loses
   * the commit; so the hint waits for this. Synchronous commits are durable when they end.
   */
  default boolean commitDurable(long xid) {
    return true;
  }

  /** Ended without committing: aborted, rolled back to a savepoint, or lost in a crash. */
  default boolean didAbort(long xid) {
    return !isInProgress(xid) && !didCommit(xid);
  }
}
