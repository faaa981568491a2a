package dev.parallax.txn;

import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import java.util.Arrays;

/**
 * A parallel worker's restored copy of its leader's transaction: the same own ids, command id and
 * combo command ids, so every visibility answer equals the leader's. Workers run in parallel mode:
 * they may not assign ids (and so may not write).
 */
final class WorkerTransaction implements CurrentTransaction {
  private final TransactionState state;
  private final ComboCommandIds combo;

  WorkerTransaction(TransactionState state) {
    this.state = state;
    this.combo = ComboCommandIds.importFrom(state.comboCommandIds());
  }

  @Override
  public long xidForWrite() {
    throw new DatabaseException(SqlState.INVALID_TRANSACTION_STATE,
        "cannot assign transaction ids during a parallel operation");
  }

  @Override
  public long topXid() {
    return state.topXid();
  }

  @Override
  public boolean isCurrentXid(long xid) {
    return xid != Xids.INVALID && Arrays.binarySearch(state.currentXids(), xid) >= 0;
  }

  @Override
  public int commandId() {
    return state.commandId();
  }

  @Override
  public ComboCommandIds comboCommandIds() {
    return combo;
  }

  @Override
  public IsolationLevel isolation() {
    return state.isolation();
  }
}
