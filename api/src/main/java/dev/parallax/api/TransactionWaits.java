package dev.parallax.api;

import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import dev.parallax.txn.Transaction;
import dev.parallax.txn.TransactionManager;
import java.util.HashMap;
import java.util.Map;

/**
 * Waiting for another transaction to end, with deadlock detection for these waits.
 *
 * <p>Until the lock manager exists (issue 3), the only way one session waits for another is an
 * update, delete or row lock that meets a row version another transaction is changing. This class
 * keeps the wait-for edges (waiting top-level id -> awaited top-level id) and checks, under one
 * monitor, that a new edge does not close a cycle; the transaction that would close it gets
 * 40P01 at once instead of hanging forever. Because every edge is checked when added, the graph
 * never holds a cycle, so the walk ends.
 *
 * <p>The lock manager will replace this with timed detection over all lock kinds and lock groups.
 */
final class TransactionWaits {
  private final TransactionManager transactions;
  // guarded by this
  private final Map<Long, Long> waitsFor = new HashMap<>();

  TransactionWaits(TransactionManager transactions) {
    this.transactions = transactions;
  }

  void waitForEnd(Transaction waiter, long xid) {
    long me = waiter.topXid();
    long awaited = transactions.topXidOf(xid);
    if (me != 0) {
      synchronized (this) {
        StringBuilder cycle = new StringBuilder().append(me);
        for (long t = awaited; t != 0; t = waitsFor.getOrDefault(t, 0L)) {
          cycle.append(" -> ").append(t);
          if (t == me) {
            throw new DatabaseException(SqlState.DEADLOCK_DETECTED, "deadlock detected: transaction " + me
                + " waits for transaction " + awaited + ", which waits for it (" + cycle + ")");
          }
        }
        waitsFor.put(me, awaited);
      }
    }
    try {
      transactions.waitForEnd(xid);
    } finally {
      if (me != 0) {
        synchronized (this) {
          waitsFor.remove(me);
        }
      }
    }
  }
}
