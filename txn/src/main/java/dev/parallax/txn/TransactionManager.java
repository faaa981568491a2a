package dev.parallax.txn;

import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.RecoveryResult;
import dev.parallax.storage.ResourceManagers;
import dev.parallax.storage.SqlState;
import dev.parallax.storage.StorageEngine;
import dev.parallax.txn.lock.LockManager;
import dev.parallax.txn.lock.LockMode;
import dev.parallax.txn.lock.LockOwner;
import dev.parallax.txn.lock.LockTag;
import dev.parallax.txn.lock.LockWait;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.LongAdder;

/**
 * Transactions of one database: id assignment, the running-transaction table, snapshots,
 * commit and abort, waiting for another transaction to end.
 *
 * <h2>Concurrency</h2>
 * One monitor, {@code running} ("the running table lock"), serialises id assignment, snapshot
 * taking and the removal of ended transactions. Because an id is assigned and entered into the
 * table in one step, a snapshot's {@code xmax} never exceeds an id it fails to list as running.
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>Commit sets the commit-log bits (and, for a durable commit, waits for the log flush)
 *       before the transaction leaves the running table; {@link TransactionStatus} therefore never
 *       answers "not running and not committed" for a transaction that is committing.
 *   <li>An id not running and not committed in the commit log is aborted, including one that was
 *       running when the process crashed: recovery needs no undo.
 *   <li>{@link #oldestXmin} is at or below every running transaction's id and snapshot xmin, so
 *       vacuum never removes a version some snapshot may still see.
 * </ul>
 */
public final class TransactionManager {
  private final StorageEngine storage;
  private final CommitLog clog;
  // guarded by itself
  private final Set<Transaction> running = new LinkedHashSet<>();
  // guarded by running
  private long nextXid = Xids.FIRST_NORMAL;
  private volatile long nextXidVolatile = Xids.FIRST_NORMAL;
  /** Running ids (top-level and live sub ids) -> their transaction. */
  private final Map<Long, Transaction> owners = new ConcurrentHashMap<>();
  /** One latch per running id, released when the id ends (commit, abort, rollback to savepoint). */
  private final Map<Long, CountDownLatch> endLatches = new ConcurrentHashMap<>();
  private final LongAdder commits = new LongAdder();
  private final LongAdder aborts = new LongAdder();
  private final LongAdder snapshots = new LongAdder();
  private final LongAdder assigned = new LongAdder();
  private final Status status = new Status();
  private final LockManager locks = new LockManager();
  private final java.util.concurrent.atomic.AtomicLong virtualIds = new java.util.concurrent.atomic.AtomicLong();

  public TransactionManager(StorageEngine storage) {
    this.storage = storage;
    this.clog = new CommitLog(storage);
    storage.registerRedo(ResourceManagers.TRANSACTION, clog::redo);
    storage.setCheckpointExtra(this::checkpointExtra);
    // Before the end-of-recovery checkpoint records our state, restore it from the log.
    storage.onRecovered(this::afterRecovery);
  }

  private boolean recovered; // guarded by running

  /**
   * After the storage layer's replay: ids continue past every id the log or checkpoint knows.
   * Called by the storage engine from recover(); a second call is a no-op, so callers that still
   * call it explicitly do no harm.
   */
  public void afterRecovery(RecoveryResult r) {
    synchronized (running) {
      if (recovered) {
        return;
      }
      recovered = true;
    }
    long next = Xids.FIRST_NORMAL;
    byte[] extra = r.checkpointExtra();
    if (extra.length >= 16) {
      ByteBuffer b = ByteBuffer.wrap(extra).order(ByteOrder.LITTLE_ENDIAN);
      next = Math.max(next, b.getLong());
      clog.setTruncatedBelow(b.getLong());
    }
    next = Math.max(next, r.maxXidSeen() + 1);
    synchronized (running) {
      nextXid = next;
      nextXidVolatile = next;
    }
    clog.open();
  }

  private byte[] checkpointExtra() {
    return ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
        .putLong(nextXidVolatile).putLong(clog.truncatedBelow()).array();
  }

  /** Begins a transaction with a lock owner of its own (retired when it ends). */
  public Transaction begin(IsolationLevel level, boolean readOnly) {
    return begin(level, readOnly, null);
  }

  /**
   * Begins a transaction whose locks are held by {@code owner} (a session's long-lived owner, so
   * that cancel from another thread always reaches the right one); null for a fresh owner.
   * The owner must hold no locks; the transaction releases everything it took when it ends.
   */
  public Transaction begin(IsolationLevel level, boolean readOnly, LockOwner owner) {
    long vxid = virtualIds.incrementAndGet();
    boolean own = owner == null;
    LockOwner o = own ? locks.newOwner("virtual transaction " + vxid) : owner;
    if (!own) {
      o.renameVirtual(vxid);
    }
    Transaction tx = new Transaction(this, level, readOnly, o, own);
    synchronized (running) {
      running.add(tx);
    }
    return tx;
  }

  /** The lock manager: relation, tuple, transaction-id and object locks. */
  public LockManager locks() {
    return locks;
  }

  public TransactionStatus status() {
    return status;
  }

  /** Assigns a new id to {@code tx} (its top-level id or a sub id) and enters it as running. */
  long assignXid(Transaction tx, int lockLevel) {
    long xid;
    synchronized (running) {
      xid = nextXid++;
      nextXidVolatile = nextXid;
      owners.put(xid, tx);
      endLatches.put(xid, new CountDownLatch(1));
      tx.runningXids.add(xid);
    }
    // Every id is exclusively locked by its holder until it ends: waiting for it is a SHARE
    // request. Taken before the id can appear in any tuple header, so nobody can wait too early.
    LockOwner o = tx.lockOwner();
    int level = o.level();
    o.enterLevel(lockLevel);
    try {
      locks.acquire(o, LockTag.transaction(xid), LockMode.EXCLUSIVE, LockWait.NOWAIT);
    } finally {
      o.enterLevel(level);
    }
    if (lockLevel == 0) {
      o.rename("transaction " + xid);
    }
    assigned.increment();
    clog.ensurePageFor(xid);
    return xid;
  }

  Snapshot takeSnapshot(Transaction tx, boolean recordXmin) {
    snapshots.increment();
    synchronized (running) {
      long xmax = nextXid;
      long[] ids = new long[16];
      int n = 0;
      for (Transaction other : running) {
        if (other == tx) {
          continue;
        }
        for (int i = 0; i < other.runningXids.size(); i++) {
          if (n == ids.length) {
            ids = Arrays.copyOf(ids, n * 2);
          }
          ids[n++] = other.runningXids.get(i);
        }
      }
      ids = Arrays.copyOf(ids, n);
      Arrays.sort(ids);
      long xmin = n == 0 ? xmax : ids[0];
      // Every snapshot handed out must hold back vacuum from what it sees. A statement snapshot
      // replaces the transaction's horizon; a look at the latest state (recordXmin false) only
      // lowers it, which matters when no statement snapshot is registered: otherwise vacuum could
      // remove a version this snapshot still sees and reuse its slot for an unrelated row.
      if (recordXmin || tx.snapshotXmin == 0 || xmin < tx.snapshotXmin) {
        tx.snapshotXmin = xmin;
      }
      return new Snapshot(xmin, xmax, ids, tx.commandId());
    }
  }

  void commit(Transaction tx) {
    long[] ids = tx.liveXids();
    if (ids.length > 0) {
      boolean async = storage.wal().asynchronousCommit();
      if (async) {
        // Registered as "not durable" before the commit log says committed, so that no reader
        // can see it committed without seeing it pending (it would set a committed hint early).
        for (long id : ids) {
          pendingCommits.put(id, Long.MAX_VALUE);
        }
      }
      long lsn = clog.set(ids, CommitLog.COMMITTED, tx.topXid());
      if (!async) {
        storage.wal().flush(lsn);
      } else {
        for (long id : ids) {
          pendingCommits.put(id, lsn);
        }
        for (long id : ids) {
          pendingOrder.add(new long[] {lsn, id});
        }
        forgetDurableCommits();
      }
    }
    commits.increment();
    end(tx);
  }

  void abort(Transaction tx) {
    long[] ids = tx.liveXids();
    if (ids.length > 0) {
      clog.set(ids, CommitLog.ABORTED, tx.topXid());
    }
    aborts.increment();
    end(tx);
  }

  private void end(Transaction tx) {
    List<Long> ids;
    synchronized (running) {
      running.remove(tx);
      ids = new ArrayList<>(tx.runningXids);
      tx.runningXids.clear();
      for (long x : ids) {
        owners.remove(x);
      }
    }
    release(ids);
    // Locks go last: a waiter woken by our id lock finds us settled in the commit log and gone
    // from the running table.
    if (tx.ownsLockOwner()) {
      locks.retire(tx.lockOwner());
    } else {
      locks.releaseAll(tx.lockOwner());
    }
  }

  /** Rolls back sub-transaction ids (ROLLBACK TO SAVEPOINT): aborted in the commit log, no longer running. */
  void abortSubtransactions(Transaction tx, long[] xids) {
    if (xids.length == 0) {
      return;
    }
    clog.set(xids, CommitLog.ABORTED, tx.topXid());
    List<Long> ids = new ArrayList<>();
    synchronized (running) {
      for (long x : xids) {
        tx.runningXids.remove(x);
        owners.remove(x);
        ids.add(x);
      }
    }
    release(ids);
  }

  private void release(List<Long> ids) {
    for (long x : ids) {
      CountDownLatch l = endLatches.remove(x);
      if (l != null) {
        l.countDown();
      }
    }
  }

  /**
   * Waits, as {@code waiter}, until the transaction owning {@code xid} has ended (for a sub id:
   * until it was rolled back or its top-level transaction ended): a SHARE request on the id's lock,
   * released at once, with the waiter's lock-wait settings. Being a lock wait, it takes part in
   * deadlock detection and honours NOWAIT, lock_timeout, statement_timeout and cancel.
   */
  public void waitForEnd(Transaction waiter, long xid) {
    waitForEnd(waiter, xid, waiter.lockWait());
  }

  /** As {@link #waitForEnd(Transaction, long)} with an explicit wait policy; false if SKIP_LOCKED gave up. */
  public boolean waitForEnd(Transaction waiter, long xid, LockWait wait) {
    LockOwner o = waiter.lockOwner();
    long awaited = xid;
    while (status.isInProgress(awaited)) {
      LockTag tag = LockTag.transaction(awaited);
      if (!locks.acquire(o, tag, LockMode.SHARE, wait)) {
        return false;
      }
      locks.release(o, tag, LockMode.SHARE);
      // The lock is free once the id ended or, for a sub id released into its parent, once the
      // top-level transaction ended: then the loop sees it settled. A sub id that merged into a
      // still-running parent stays "in progress" as part of it: wait for the parent.
      long top = topXidOf(awaited);
      if (top == awaited) {
        break;
      }
      awaited = top;
    }
    return true;
  }

  /**
   * Blocks until the transaction that owns {@code xid} has ended, for callers that are not in a
   * transaction (no deadlock detection: they hold no locks anyone could wait for).
   */
  public void waitForEnd(long xid) {
    CountDownLatch l = endLatches.get(xid);
    if (l == null) {
      return;
    }
    try {
      l.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DatabaseException(SqlState.QUERY_CANCELED, "canceling statement: interrupted while waiting for transaction " + xid);
    }
  }

  /** The top-level id of the running transaction that owns {@code xid}, or {@code xid} itself. */
  public long topXidOf(long xid) {
    Transaction t = owners.get(xid);
    long top = t == null ? 0 : t.topXid();
    return top == 0 ? xid : top;
  }

  /**
   * The vacuum horizon: no running transaction's id or snapshot xmin is below it, so a version
   * deleted by a transaction that committed below it is invisible to every snapshot that can exist.
   */
  public long oldestXmin() {
    synchronized (running) {
      long min = nextXid;
      for (Transaction t : running) {
        for (int i = 0; i < t.runningXids.size(); i++) {
          min = Math.min(min, t.runningXids.get(i));
        }
        if (t.snapshotXmin != 0) {
          min = Math.min(min, t.snapshotXmin);
        }
      }
      return min;
    }
  }

  /** Lowest id still running, or the next id: every id below it has ended. */
  long settledBelow() {
    synchronized (running) {
      long min = nextXid;
      for (Transaction t : running) {
        for (int i = 0; i < t.runningXids.size(); i++) {
          min = Math.min(min, t.runningXids.get(i));
        }
      }
      return min;
    }
  }

  public long nextXid() {
    return nextXidVolatile;
  }

  /** Running transactions (with or without an id). */
  public int runningCount() {
    synchronized (running) {
      return running.size();
    }
  }

  /**
   * Forgets commit-log pages wholly below {@code oldestUnfrozenXid}. The caller (vacuum) promises
   * that every tuple still referring to an id below it is frozen or hinted, so those ids are never
   * looked up again except as committed. (The pages are dropped logically: lookups below answer
   * committed and the cache forgets them; reclaiming the file space needs a segmented commit log.)
   */
  public void truncateCommitLog(long oldestUnfrozenXid) {
    clog.setTruncatedBelow(Math.min(oldestUnfrozenXid, settledBelow()));
  }

  /** A view of a leader's transaction for a parallel worker: answers like the leader, never writes. */
  public CurrentTransaction restoreForWorker(TransactionState state) {
    return new WorkerTransaction(state);
  }

  public TransactionStats stats() {
    return new TransactionStats(commits.sum(), aborts.sum(), assigned.sum(), snapshots.sum(), runningCount());
  }

  /** Answers about other transactions: running table first, then the commit log. */
  /**
   * Asynchronous commits whose record may not be durable yet: id -> commit record position
   * (Long.MAX_VALUE while the commit is being written). Entries leave once the log is flushed past
   * them ({@link #forgetDurableCommits}), so the map holds about a WAL writer delay's commits.
   */
  private final Map<Long, Long> pendingCommits = new ConcurrentHashMap<>();
  private final java.util.concurrent.ConcurrentLinkedQueue<long[]> pendingOrder =
      new java.util.concurrent.ConcurrentLinkedQueue<>();

  private void forgetDurableCommits() {
    long flushed = storage.wal().flushedPosition();
    for (long[] head = pendingOrder.peek(); head != null && head[0] <= flushed; head = pendingOrder.peek()) {
      if (pendingOrder.remove(head)) {
        pendingCommits.remove(head[1], head[0]);
      }
    }
  }

  private final class Status implements TransactionStatus {
    @Override
    public boolean commitDurable(long xid) {
      Long lsn = pendingCommits.get(xid);
      return lsn == null || lsn <= storage.wal().flushedPosition();
    }

    @Override
    public boolean isInProgress(long xid) {
      return owners.containsKey(xid);
    }

    @Override
    public boolean didCommit(long xid) {
      if (xid == Xids.FROZEN || xid == Xids.BOOTSTRAP) {
        return true;
      }
      if (!Xids.isNormal(xid)) {
        return false;
      }
      long settled = xid < nextXidVolatile ? settledBelowCheap(xid) : 0;
      return clog.status(xid, settled) == CommitLog.COMMITTED;
    }
  }

  /** A cheap lower bound of {@link #settledBelow}: 0 (no caching) unless recomputed occasionally. */
  private volatile long cachedSettledBelow;
  private volatile long settledComputedAt;

  private long settledBelowCheap(long xid) {
    long now = System.nanoTime();
    if (now - settledComputedAt > 50_000_000L) {
      cachedSettledBelow = settledBelow();
      settledComputedAt = now;
    }
    return cachedSettledBelow;
  }
}
