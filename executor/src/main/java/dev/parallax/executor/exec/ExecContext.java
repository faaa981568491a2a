package dev.parallax.executor.exec;

import dev.parallax.mvcc.Heap;
import dev.parallax.txn.CurrentTransaction;
import dev.parallax.txn.Snapshot;

/**
 * What every state node of one execution shares: the heap, the transaction and the statement's
 * snapshot, the external parameters, and whether to time each node (EXPLAIN ANALYZE).
 */
public record ExecContext(Heap heap, CurrentTransaction tx, Snapshot snapshot, Object[] params, boolean analyze) {
  public ExecContext {
    params = params == null ? new Object[0] : params.clone();
  }
}
