package dev.parallax.executor.exec;

import dev.parallax.mvcc.Heap;
import dev.parallax.txn.CurrentTransaction;
import dev.parallax.txn.Snapshot;

/**
 * What every state node of one execution shares: the heap, the transaction and the statement's
 * snapshot, the external parameters, whether to time each node (EXPLAIN ANALYZE), the internal
 * parameters nodes pass down ({@link ExecParams}, mutable, one per execution), how index
 * trees are opened, the tables ModifyTable changes (by relation), and work_mem: how much a sort
 * keeps in memory before it spills sorted runs to temporary files.
 */
public record ExecContext(Heap heap, CurrentTransaction tx, Snapshot snapshot, Object[] params, boolean analyze,
    ExecParams execParams, java.util.function.IntFunction<dev.parallax.storage.btree.BTree> indexes,
    java.util.function.IntFunction<ModifyTarget> targets, long workMemBytes) {
  /** PostgreSQL's default work_mem. */
  public static final long DEFAULT_WORK_MEM = 4L << 20;

  public ExecContext {
    params = params == null ? new Object[0] : params.clone();
    execParams = execParams == null ? new ExecParams() : execParams;
    if (workMemBytes <= 0) {
      workMemBytes = DEFAULT_WORK_MEM;
    }
  }

  public ExecContext(Heap heap, CurrentTransaction tx, Snapshot snapshot, Object[] params, boolean analyze,
      ExecParams execParams, java.util.function.IntFunction<dev.parallax.storage.btree.BTree> indexes,
      java.util.function.IntFunction<ModifyTarget> targets) {
    this(heap, tx, snapshot, params, analyze, execParams, indexes, targets, DEFAULT_WORK_MEM);
  }

  /** The table ModifyTable or LockRows changes; an execution without targets cannot (a read-only caller). */
  ModifyTarget target(int relation, String node) {
    if (targets == null) {
      throw new IllegalStateException("this execution cannot run " + node + " (no targets in its context)");
    }
    return targets.apply(relation);
  }

  /** The same execution settings with another work_mem (what a sort or hash may hold in memory). */
  public ExecContext withWorkMem(long bytes) {
    return new ExecContext(heap, tx, snapshot, params, analyze, execParams, indexes, targets, bytes);
  }

  public ExecContext(Heap heap, CurrentTransaction tx, Snapshot snapshot, Object[] params, boolean analyze) {
    this(heap, tx, snapshot, params, analyze, null, null, null);
  }
}
