package dev.parallax.txn;

import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import dev.parallax.txn.lock.LockOwner;
import dev.parallax.txn.lock.LockWait;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One session's transaction: its ids, savepoints, command counter, combo command ids and
 * snapshots. Used by one thread at a time (the session's); the manager reads
 * {@link #runningXids} and {@link #snapshotXmin} under its running-table lock.
 *
 * <h2>Ids</h2>
 * A transaction gets its top-level id on its first write ({@link #xidForWrite}), never if it only
 * reads. Each savepoint opens a sub-transaction whose id is also assigned on first write, parents
 * first, so a child id is always larger than its parent's. The ids "counted as current" are the top
 * id and every sub id not rolled back: rows they wrote are this transaction's own.
 *
 * <h2>Savepoints</h2>
 * RELEASE merges the savepoint's sub-transaction (and those below it) into its parent: their ids
 * stay current and commit with the top-level. ROLLBACK TO aborts them (commit log ABORTED, logged),
 * so their rows become invisible to everyone including this transaction, and starts a fresh
 * sub-transaction under the same name, as PostgreSQL does. The command counter is not rewound.
 *
 * <h2>Snapshots</h2>
 * {@link #startStatement} fixes the statement's snapshot: new each statement under READ
 * COMMITTED, the first one for the whole transaction otherwise. Its command id is the command
 * counter at statement start, so a statement never sees its own changes.
 */
public final class Transaction implements CurrentTransaction {
  private enum State { ACTIVE, COMMITTED, ABORTED }

  /** One open savepoint. */
  private static final class Level {
    final String name;
    long xid;
    final List<Long> owned = new ArrayList<>();

    Level(String name) {
      this.name = name;
    }
  }

  private final TransactionManager manager;
  private final IsolationLevel isolation;
  private final boolean readOnly;
  private final List<Level> levels = new ArrayList<>();
  private final Set<Long> currentSubXids = new HashSet<>();
  private final ComboCommandIds combo = new ComboCommandIds();
  private volatile long topXid;
  private List<Long> topOwned = new ArrayList<>();
  private int commandId;
  private Snapshot transactionSnapshot;
  private Snapshot statementSnapshot;
  private State state = State.ACTIVE;

  // guarded by the manager's running-table lock
  final List<Long> runningXids = new ArrayList<>();
  // guarded by the manager's running-table lock
  long snapshotXmin;

  private final LockOwner lockOwner;
  private final boolean ownsLockOwner;
  private LockWait lockWait = LockWait.BLOCK;

  Transaction(TransactionManager manager, IsolationLevel isolation, boolean readOnly, LockOwner lockOwner,
      boolean ownsLockOwner) {
    this.manager = manager;
    this.isolation = isolation;
    this.readOnly = readOnly;
    this.lockOwner = lockOwner;
    this.ownsLockOwner = ownsLockOwner;
  }

  /** Holds this transaction's locks; savepoint levels follow {@link #savepointDepth}. */
  public LockOwner lockOwner() {
    return lockOwner;
  }

  boolean ownsLockOwner() {
    return ownsLockOwner;
  }

  /** How lock waits of this transaction behave (lock_timeout, statement deadline, deadlock_timeout). */
  public LockWait lockWait() {
    return lockWait;
  }

  public void setLockWait(LockWait wait) {
    this.lockWait = wait;
  }

  /** Cancel requests come through the lock owner (shared by the session); the deadline through the lock wait. */
  @Override
  public void checkForInterrupts() {
    if (lockOwner != null && lockOwner.takeCancelRequest()) {
      throw new DatabaseException(SqlState.QUERY_CANCELED, "canceling statement due to user request");
    }
    long deadline = lockWait.statementDeadlineNanos();
    if (deadline != 0 && System.nanoTime() - deadline >= 0) {
      throw new DatabaseException(SqlState.QUERY_CANCELED, "canceling statement due to statement timeout");
    }
  }

  @Override
  public long xidForWrite() {
    checkActive();
    if (readOnly) {
      throw new DatabaseException(SqlState.READ_ONLY_TRANSACTION, "cannot execute a write in a read-only transaction");
    }
    if (topXid == Xids.INVALID) {
      topXid = manager.assignXid(this, 0);
      topOwned.add(topXid);
    }
    long current = topXid;
    for (int i = 0; i < levels.size(); i++) {
      Level l = levels.get(i);
      if (l.xid == Xids.INVALID) {
        l.xid = manager.assignXid(this, i + 1);
        l.owned.add(l.xid);
        currentSubXids.add(l.xid);
      }
      current = l.xid;
    }
    return current;
  }

  @Override
  public long topXid() {
    return topXid;
  }

  /** The innermost assigned (sub)transaction id, or 0. */
  public long currentXid() {
    long current = topXid;
    for (Level l : levels) {
      if (l.xid != Xids.INVALID) {
        current = l.xid;
      }
    }
    return current;
  }

  @Override
  public boolean isCurrentXid(long xid) {
    if (xid == Xids.INVALID) {
      return false;
    }
    return xid == topXid || (!currentSubXids.isEmpty() && currentSubXids.contains(xid));
  }

  @Override
  public int commandId() {
    return commandId;
  }

  /** Ends the current command: later statements see its changes. */
  public void commandCounterIncrement() {
    checkActive();
    if (commandId == Integer.MAX_VALUE) {
      throw new DatabaseException(SqlState.PROGRAM_LIMIT_EXCEEDED,
          "cannot have more than 2^31-1 commands in a transaction");
    }
    commandId++;
  }

  @Override
  public ComboCommandIds comboCommandIds() {
    return combo;
  }

  @Override
  public IsolationLevel isolation() {
    return isolation;
  }

  public boolean isReadOnly() {
    return readOnly;
  }

  public boolean isActive() {
    return state == State.ACTIVE;
  }

  // ---- snapshots ----

  /** Begins a statement: fixes the snapshot it reads with. Returns it. */
  public Snapshot startStatement() {
    checkActive();
    if (isolation.usesTransactionSnapshot()) {
      if (transactionSnapshot == null) {
        transactionSnapshot = manager.takeSnapshot(this, true);
      }
      statementSnapshot = transactionSnapshot.withCommandId(commandId);
    } else {
      statementSnapshot = manager.takeSnapshot(this, true);
    }
    return statementSnapshot;
  }

  /** The current statement's snapshot (starting a statement if none has started). */
  public Snapshot statementSnapshot() {
    checkActive();
    if (statementSnapshot == null) {
      return startStatement();
    }
    return statementSnapshot;
  }

  /**
   * A snapshot taken now, for READ COMMITTED re-checks of the newest row version; it does not
   * change the statement's snapshot or the vacuum horizon already recorded.
   */
  public Snapshot latestSnapshot() {
    checkActive();
    return manager.takeSnapshot(this, false).withCommandId(commandId);
  }

  // ---- savepoints ----

  public void savepoint(String name) {
    checkActive();
    if (name == null || name.isEmpty()) {
      throw new DatabaseException(SqlState.INVALID_SAVEPOINT, "savepoint name must not be empty");
    }
    levels.add(new Level(name));
    lockOwner.enterLevel(levels.size());
  }

  public void releaseSavepoint(String name) {
    checkActive();
    int i = find(name);
    List<Long> parentOwned = i == 0 ? topOwned : levels.get(i - 1).owned;
    for (int k = i; k < levels.size(); k++) {
      parentOwned.addAll(levels.get(k).owned);
    }
    truncate(i);
    lockOwner.mergeIntoParent(i + 1); // the released levels' locks (and id locks) go to the parent
  }

  public void rollbackToSavepoint(String name) {
    checkActive();
    int i = find(name);
    List<Long> abort = new ArrayList<>();
    for (int k = i; k < levels.size(); k++) {
      abort.addAll(levels.get(k).owned);
    }
    long[] ids = abort.stream().mapToLong(Long::longValue).toArray();
    manager.abortSubtransactions(this, ids);
    for (long x : ids) {
      currentSubXids.remove(x);
    }
    lockOwner.releaseFromLevel(i + 1); // locks taken since the savepoint, with the aborted ids' locks
    truncate(i);
    levels.add(new Level(name));
    lockOwner.enterLevel(levels.size());
  }

  private int find(String name) {
    for (int i = levels.size() - 1; i >= 0; i--) {
      if (levels.get(i).name.equals(name)) {
        return i;
      }
    }
    throw new DatabaseException(SqlState.INVALID_SAVEPOINT, "savepoint \"" + name + "\" does not exist");
  }

  private void truncate(int size) {
    while (levels.size() > size) {
      levels.remove(levels.size() - 1);
    }
  }

  public int savepointDepth() {
    return levels.size();
  }

  // ---- end ----

  public void commit() {
    checkActive();
    manager.commit(this);
    state = State.COMMITTED;
  }

  public void rollback() {
    checkActive();
    manager.abort(this);
    state = State.ABORTED;
  }

  /** Ids to settle at the end: top and every sub id not rolled back (sorted). */
  long[] liveXids() {
    long[] out = new long[(topXid == 0 ? 0 : 1) + currentSubXids.size()];
    int n = 0;
    if (topXid != 0) {
      out[n++] = topXid;
    }
    for (long x : currentSubXids) {
      out[n++] = x;
    }
    Arrays.sort(out);
    return out;
  }

  /** The copyable state a parallel worker restores. */
  public TransactionState exportState() {
    checkActive();
    return new TransactionState(topXid, currentXid(), liveXids(), commandId, isolation, readOnly, combo.export(),
        transactionSnapshot);
  }

  private void checkActive() {
    if (state != State.ACTIVE) {
      throw new DatabaseException(SqlState.NO_ACTIVE_TRANSACTION,
          "transaction is " + (state == State.COMMITTED ? "committed" : "rolled back") + "; begin a new one");
    }
  }

  @Override
  public String toString() {
    return "Transaction[xid=" + topXid + ", " + isolation + (readOnly ? ", read only" : "") + ", cid=" + commandId
        + ", " + state + "]";
  }
}
