package dev.parallax.txn;

/** Transaction isolation levels, with PostgreSQL's meaning. READ UNCOMMITTED behaves as READ COMMITTED. */
public enum IsolationLevel {
  /** A new snapshot for every statement. */
  READ_COMMITTED,
  /** One snapshot for the whole transaction; a write that meets a concurrent change fails (40001). */
  REPEATABLE_READ,
  /** REPEATABLE READ plus detection of dangerous read/write structures (serializable snapshot isolation). */
  SERIALIZABLE;

  /** Whether the transaction keeps the snapshot of its first statement. */
  public boolean usesTransactionSnapshot() {
    return this != READ_COMMITTED;
  }
}
