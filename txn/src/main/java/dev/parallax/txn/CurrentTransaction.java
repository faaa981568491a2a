package dev.parallax.txn;

/**
 * What heap operations and visibility checks need from the transaction that is running them:
 * its own ids, its command counter and its combo command ids. Implemented by the session's
 * transaction (and later by a parallel worker's restored copy of it).
 */
public interface CurrentTransaction {
  /**
   * The id of the current (sub)transaction, assigning it (and the parents' ids first) on the first
   * write. Raises a {@code 25006} error in a read-only transaction.
   */
  long xidForWrite();

  /** The top-level id, or 0 while none is assigned (read-only so far). */
  long topXid();

  /**
   * True if {@code xid} is counted as this transaction's own: the top-level id, or a sub id that
   * has not been rolled back (current or sub-committed).
   */
  boolean isCurrentXid(long xid);

  /** The current command id: changes made by this command are not yet seen by it. */
  int commandId();

  /** Combo command ids of this transaction (created when it deletes a row it inserted). */
  ComboCommandIds comboCommandIds();

  IsolationLevel isolation();

  /**
   * Throws 57014 if the running statement was cancelled ({@code Session.cancel}) or has run past
   * its statement_timeout. Long loops call it every few hundred rows (PostgreSQL's
   * CHECK_FOR_INTERRUPTS); it must be cheap: a volatile read and a clock read. A transaction
   * without either (a parallel worker's copy, for now) never throws.
   */
  default void checkForInterrupts() {}
}
