package dev.parallax.txn.lock;

import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The heavyweight lock manager: relation, tuple, transaction-id and object locks in the eight
 * table modes, held by {@link LockOwner}s until they release them or their transaction ends.
 *
 * <h2>Where a lock lives</h2>
 * <ol>
 *   <li>In the owner's local counts when it already holds the (tag, mode): no shared state.
 *   <li>In the owner's fast-path slots for a weak mode on a relation while no strong lock on a
 *       relation of the same hash bucket is held or awaited ({@link #strongLocks} is zero): the
 *       only synchronisation is the owner's own, uncontended, monitor.
 *   <li>Otherwise in the shared table: {@value #PARTITIONS} partitions, each a map of
 *       {@link LockEntry} under its own lock.
 * </ol>
 * A strong relation lock first raises the bucket's counter, then moves every owner's fast-path
 * entries for that relation into the table, then asks the table. Weak requesters read the counter
 * under their fast-path monitor, and the mover takes the same monitor, so either the weak
 * requester sees the counter raised and goes to the table, or its entry is there to be moved.
 *
 * <h2>Waiting</h2>
 * A blocked request parks in the entry's queue. It wakes when granted, when cancelled, at its lock
 * timeout or statement deadline, and every {@code deadlockTimeoutMillis}, when it runs the
 * {@link DeadlockDetector}. A grant that races with a timeout wins: the caller gets the lock.
 *
 * <p>Lock order: an owner's fast-path monitor before a partition lock; partition locks in index
 * order. Nothing takes a fast-path monitor while holding a partition lock.
 */
public final class LockManager {
  static final int PARTITIONS = 16;
  static final int STRONG_BUCKETS = 1024;

  final Partition[] partitions = new Partition[PARTITIONS];
  /** Per bucket of relation tags: strong locks held or requested. */
  private final AtomicIntegerArray strongLocks = new AtomicIntegerArray(STRONG_BUCKETS);
  /** Every owner ever created, for moving fast-path entries and for the lock view. Owners are reused. */
  private final List<LockOwner> owners = new CopyOnWriteArrayList<>();
  private final ConcurrentLinkedQueue<LockOwner> idleOwners = new ConcurrentLinkedQueue<>();
  private final DeadlockDetector detector = new DeadlockDetector(this);

  private final LongAdder waits = new LongAdder();
  private final LongAdder deadlocks = new LongAdder();
  private final LongAdder timeouts = new LongAdder();

  public LockManager() {
    for (int i = 0; i < PARTITIONS; i++) {
      partitions[i] = new Partition();
    }
  }

  /** A fresh (or reused, empty) owner named {@code name}. Give it back with {@link #retire}. */
  public LockOwner newOwner(String name) {
    LockOwner o = idleOwners.poll();
    if (o == null) {
      o = new LockOwner(this, name);
      owners.add(o);
    } else {
      o.rename(name);
    }
    return o;
  }

  /** Releases everything {@code owner} holds and keeps it for reuse. */
  public void retire(LockOwner owner) {
    releaseAll(owner);
    owner.leader = owner;
    owner.level = 0;
    owner.cancelRequested = false;
    idleOwners.add(owner);
  }

  Partition partitionOf(LockTag tag) {
    return partitions[tag.spread() & (PARTITIONS - 1)];
  }

  private static int strongBucket(LockTag tag) {
    return (tag.spread() >>> 4) & (STRONG_BUCKETS - 1);
  }

  private static boolean fastPathEligible(LockTag tag, LockMode mode) {
    return tag.kind() == LockTag.Kind.RELATION && mode.isWeak();
  }

  // ---- acquire ---------------------------------------------------------------------------------

  /** Takes {@code mode} on {@code tag}, waiting as long as needed (subject to deadlock detection). */
  public void lock(LockOwner owner, LockTag tag, LockMode mode) {
    acquire(owner, tag, mode, LockWait.BLOCK);
  }

  /**
   * Takes {@code mode} on {@code tag}. Returns true once held; false only under SKIP_LOCKED when it
   * is not available. Throws 55P03 (NOWAIT, lock timeout), 57014 (cancel, statement timeout) or
   * 40P01 (deadlock).
   */
  public boolean acquire(LockOwner owner, LockTag tag, LockMode mode, LockWait wait) {
    int m = mode.ordinal();
    LockOwner.LocalLock local = owner.local.get(tag);
    if (local != null && local.count[m] > 0) {
      local.count[m]++;
      return true;
    }
    boolean fastPath = fastPathEligible(tag, mode);
    if (fastPath && tryFastPath(owner, tag, mode)) {
      remember(owner, tag, local, m, false);
      return true;
    }
    boolean strong = tag.kind() == LockTag.Kind.RELATION && mode.isStrong();
    if (strong) {
      strongLocks.incrementAndGet(strongBucket(tag));
      moveFastPathEntries(tag);
    }
    boolean granted = false;
    try {
      granted = acquireInTable(owner, tag, mode, wait);
    } finally {
      if (strong && !granted) {
        strongLocks.decrementAndGet(strongBucket(tag));
      }
    }
    if (granted) {
      remember(owner, tag, local, m, strong);
    }
    return granted;
  }

  private static void remember(LockOwner owner, LockTag tag, LockOwner.LocalLock local, int m, boolean strong) {
    if (local == null) {
      local = new LockOwner.LocalLock();
      owner.local.put(tag, local);
    }
    local.count[m] = 1;
    local.level[m] = owner.level;
    if (strong) {
      local.strongCounted |= 1 << m;
    }
  }

  private boolean tryFastPath(LockOwner owner, LockTag tag, LockMode mode) {
    int relation = (int) tag.a();
    synchronized (owner.fastPath) {
      if (strongLocks.get(strongBucket(tag)) != 0) {
        return false;
      }
      int free = -1;
      for (int i = 0; i < LockOwner.FAST_PATH_SLOTS; i++) {
        if (owner.fastPathModes[i] == 0) {
          if (free < 0) {
            free = i;
          }
        } else if (owner.fastPathRelation[i] == relation) {
          owner.fastPathModes[i] |= mode.bit();
          return true;
        }
      }
      if (free < 0) {
        return false;
      }
      owner.fastPathRelation[free] = relation;
      owner.fastPathModes[free] = mode.bit();
      return true;
    }
  }

  /** Moves every owner's fast-path entries for {@code tag}'s relation into the shared table. */
  private void moveFastPathEntries(LockTag tag) {
    int relation = (int) tag.a();
    Partition part = partitionOf(tag);
    for (LockOwner o : owners) {
      synchronized (o.fastPath) {
        for (int i = 0; i < LockOwner.FAST_PATH_SLOTS; i++) {
          if (o.fastPathModes[i] != 0 && o.fastPathRelation[i] == relation) {
            part.lock.lock();
            try {
              LockEntry e = part.entries.computeIfAbsent(tag, LockEntry::new);
              for (LockMode mode : LockMode.values()) {
                if ((o.fastPathModes[i] & mode.bit()) != 0) {
                  e.grant(o, mode);
                }
              }
            } finally {
              part.lock.unlock();
            }
            o.fastPathModes[i] = 0;
          }
        }
      }
    }
  }

  private boolean acquireInTable(LockOwner owner, LockTag tag, LockMode mode, LockWait wait) {
    Partition part = partitionOf(tag);
    Waiter w;
    part.lock.lock();
    try {
      LockEntry e = part.entries.computeIfAbsent(tag, LockEntry::new);
      if (e.grantableNow(owner, mode)) {
        e.grant(owner, mode);
        return true;
      }
      if (wait.policy() != LockWait.Policy.BLOCK) {
        if (e.isUnused()) {
          part.entries.remove(tag);
        }
        if (wait.policy() == LockWait.Policy.SKIP_LOCKED) {
          return false;
        }
        throw new DatabaseException(SqlState.LOCK_NOT_AVAILABLE,
            "could not obtain " + mode.displayName() + " on " + tag + " (NOWAIT)");
      }
      w = e.enqueue(owner, mode);
      if (w == null) {
        return true;
      }
    } catch (DeadlockDetectedException d) {
      deadlocks.increment();
      throw d;
    } finally {
      part.lock.unlock();
    }
    waits.increment();
    return awaitGrant(w, wait);
  }

  private boolean awaitGrant(Waiter w, LockWait wait) {
    LockOwner owner = w.owner;
    owner.waiting = w;
    try {
      long start = w.waitStartNanos;
      long deadlockEvery = TimeUnit.MILLISECONDS.toNanos(Math.max(1, wait.deadlockTimeoutMillis()));
      long nextCheck = start + deadlockEvery;
      long lockDeadline = wait.lockTimeoutMillis() > 0
          ? start + TimeUnit.MILLISECONDS.toNanos(wait.lockTimeoutMillis()) : Long.MAX_VALUE;
      long statementDeadline = wait.statementDeadlineNanos() != 0 ? wait.statementDeadlineNanos() : Long.MAX_VALUE;
      while (true) {
        if (w.state == Waiter.GRANTED) {
          return true;
        }
        long now = System.nanoTime();
        if (owner.cancelRequested || Thread.interrupted()) {
          owner.cancelRequested = false;
          giveUp(w, SqlState.QUERY_CANCELED, "canceling statement due to user request");
          return true;
        }
        if (now - statementDeadline >= 0) {
          giveUp(w, SqlState.QUERY_CANCELED, "canceling statement due to statement timeout");
          return true;
        }
        if (now - lockDeadline >= 0) {
          timeouts.increment();
          giveUp(w, SqlState.LOCK_NOT_AVAILABLE, "canceling statement due to lock timeout");
          return true;
        }
        if (now - nextCheck >= 0) {
          DeadlockDetectedException deadlock = detector.check(w);
          if (deadlock != null) {
            deadlocks.increment();
            throw deadlock;
          }
          nextCheck = now + deadlockEvery;
          continue;
        }
        long until = Math.min(nextCheck, Math.min(lockDeadline, statementDeadline));
        LockSupport.parkNanos(this, Math.max(1, until - now));
      }
    } finally {
      owner.waiting = null;
    }
  }

  /** Leaves the queue and throws; returns normally only if the lock was granted meanwhile. */
  private void giveUp(Waiter w, String sqlState, String message) {
    Partition part = partitionOf(w.entry.tag);
    part.lock.lock();
    try {
      if (w.state == Waiter.GRANTED) {
        return;
      }
      w.entry.removeWaiter(w);
      dropIfUnused(part, w.entry);
    } finally {
      part.lock.unlock();
    }
    throw new DatabaseException(sqlState, message + " while waiting for " + w.mode.displayName() + " on " + w.entry.tag);
  }

  void dropIfUnused(Partition part, LockEntry e) {
    if (e.isUnused()) {
      part.entries.remove(e.tag, e);
    }
  }

  // ---- release ---------------------------------------------------------------------------------

  /** Releases one acquisition of {@code mode} on {@code tag}; the lock goes when the last one does. */
  public void release(LockOwner owner, LockTag tag, LockMode mode) {
    LockOwner.LocalLock local = owner.local.get(tag);
    int m = mode.ordinal();
    if (local == null || local.count[m] == 0) {
      throw new IllegalStateException(owner.name() + " does not hold " + mode.displayName() + " on " + tag);
    }
    if (--local.count[m] > 0) {
      return;
    }
    releaseHeld(owner, tag, mode, local);
    if (local.isEmpty()) {
      owner.local.remove(tag);
    }
  }

  /** Gives up a (tag, mode) whose local count just reached zero. */
  private void releaseHeld(LockOwner owner, LockTag tag, LockMode mode, LockOwner.LocalLock local) {
    if (fastPathEligible(tag, mode) && releaseFastPath(owner, tag, mode)) {
      return;
    }
    Partition part = partitionOf(tag);
    part.lock.lock();
    try {
      LockEntry e = part.entries.get(tag);
      if (e == null || !e.ungrant(owner, mode)) {
        throw new IllegalStateException("lock table lost " + mode.displayName() + " on " + tag + " of " + owner.name());
      }
      e.wakeWaiters();
      dropIfUnused(part, e);
    } finally {
      part.lock.unlock();
    }
    int bit = 1 << mode.ordinal();
    if ((local.strongCounted & bit) != 0) {
      local.strongCounted &= ~bit;
      strongLocks.decrementAndGet(strongBucket(tag));
    }
  }

  private static boolean releaseFastPath(LockOwner owner, LockTag tag, LockMode mode) {
    int relation = (int) tag.a();
    synchronized (owner.fastPath) {
      for (int i = 0; i < LockOwner.FAST_PATH_SLOTS; i++) {
        if (owner.fastPathRelation[i] == relation && (owner.fastPathModes[i] & mode.bit()) != 0) {
          owner.fastPathModes[i] &= ~mode.bit();
          return true;
        }
      }
      return false;
    }
  }

  /** Releases every lock {@code owner} holds (transaction end, leaving a group). */
  public void releaseAll(LockOwner owner) {
    releaseFromLevel(owner, 0);
  }

  void releaseFromLevel(LockOwner owner, int fromLevel) {
    Iterator<Map.Entry<LockTag, LockOwner.LocalLock>> it = owner.local.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<LockTag, LockOwner.LocalLock> en = it.next();
      LockOwner.LocalLock local = en.getValue();
      for (LockMode mode : LockMode.values()) {
        int m = mode.ordinal();
        if (local.count[m] > 0 && local.level[m] >= fromLevel) {
          local.count[m] = 0;
          releaseHeld(owner, en.getKey(), mode, local);
        }
      }
      if (local.isEmpty()) {
        it.remove();
      }
    }
    owner.level = Math.min(owner.level, Math.max(0, fromLevel));
  }

  // ---- introspection ---------------------------------------------------------------------------

  /** Whether {@code owner} holds {@code mode} on {@code tag}. */
  public boolean holds(LockOwner owner, LockTag tag, LockMode mode) {
    LockOwner.LocalLock local = owner.local.get(tag);
    return local != null && local.count[mode.ordinal()] > 0;
  }

  /**
   * Every held and awaited lock, like pg_locks: fast-path entries first (owner by owner), then
   * the shared table (partition by partition, each consistent in itself).
   */
  public List<LockInfo> locks() {
    List<LockInfo> out = new ArrayList<>();
    for (LockOwner o : owners) {
      synchronized (o.fastPath) {
        for (int i = 0; i < LockOwner.FAST_PATH_SLOTS; i++) {
          for (LockMode mode : LockMode.values()) {
            if ((o.fastPathModes[i] & mode.bit()) != 0) {
              out.add(new LockInfo(LockTag.relation(o.fastPathRelation[i]), mode, true, true, o.name(),
                  o.leader.name(), 0));
            }
          }
        }
      }
    }
    for (Partition part : partitions) {
      part.lock.lock();
      try {
        addTableRows(part, out);
      } finally {
        part.lock.unlock();
      }
    }
    return out;
  }

  /** The shared table's rows; the caller holds every partition lock. */
  List<LockInfo> tableView() {
    List<LockInfo> out = new ArrayList<>();
    for (Partition part : partitions) {
      addTableRows(part, out);
    }
    return out;
  }

  private static void addTableRows(Partition part, List<LockInfo> out) {
    for (LockEntry e : part.entries.values()) {
      addRows(e, out);
    }
  }

  /** One entry's rows: holders, then waiters in queue order. */
  static void addRows(LockEntry e, List<LockInfo> out) {
    for (LockEntry.Holding h : e.holders) {
      for (LockMode mode : LockMode.values()) {
        if ((h.mask & mode.bit()) != 0) {
          out.add(new LockInfo(e.tag, mode, true, false, h.owner.name(), h.owner.leader.name(), 0));
        }
      }
    }
    for (Waiter w : e.waiters) {
      out.add(new LockInfo(e.tag, w.mode, false, false, w.owner.name(), w.owner.leader.name(), w.waitStartNanos));
    }
  }


  /** True when nothing is held or awaited anywhere and no strong-lock counter is raised. */
  public boolean isEmpty() {
    for (int i = 0; i < STRONG_BUCKETS; i++) {
      if (strongLocks.get(i) != 0) {
        return false;
      }
    }
    return locks().isEmpty();
  }

  public LockStats stats() {
    return new LockStats(waits.sum(), deadlocks.sum(), timeouts.sum(), detector.runs());
  }

  /** One slice of the shared table. */
  static final class Partition {
    final ReentrantLock lock = new ReentrantLock();
    // guarded by lock
    final HashMap<LockTag, LockEntry> entries = new HashMap<>();
  }
}
