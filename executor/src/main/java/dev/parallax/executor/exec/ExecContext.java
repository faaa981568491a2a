package dev.parallax.executor.exec;

import dev.parallax.mvcc.Heap;
import dev.parallax.txn.CurrentTransaction;
import dev.parallax.txn.Snapshot;

/**
 * What every state node of one execution shares: the heap, the transaction and the statement's
 * snapshot, the external parameters, whether to time each node (EXPLAIN ANALYZE), the internal
 * parameters nodes pass down ({@link ExecParams}, mutable, one per execution), how index
 * trees are opened, and the tables ModifyTable changes (by relation).
 */
public record ExecContext(Heap heap, CurrentTransaction tx, Snapshot snapshot, Object[] params, boolean analyze,
    ExecParams execParams, java.util.function.IntFunction<dev.parallax.storage.btree.BTree> indexes,
    java.util.function.IntFunction<ModifyTarget> targets) {
  public ExecContext {
    params = params == null ? new Object[0] : params.clone();
    execParams = execParams == null ? new ExecParams() : execParams;
  }

  public ExecContext(Heap heap, CurrentTransaction tx, Snapshot snapshot, Object[] params, boolean analyze) {
    this(heap, tx, snapshot, params, analyze, null, null, null);
  }
}
