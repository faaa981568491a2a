package dev.parallax.txn.lock;

import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

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
 *   <li>Otherwise in the shared {@link LockTable}: a concurrent map of {@link LockEntry}, each
 *       under its own latch, so requests on different tags share no written memory.
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
 * <p>Lock order: an owner's fast-path monitor before an entry latch. A thread holds at most one
 * entry latch, except the deadlock detector (one at a time, under its own gate), which holds the
 * latches of every entry with a waiter. Nothing takes a fast-path monitor while holding a latch.
 *
 * <h2>What the uncontended path writes</h2>
 * Only the owner's own local counts and the entry (its latch word and holder fields). No shared
 * counter: statistics are {@link LongAdder}s bumped only when a request waits, deadlocks or times
 * out, and the deadlock detector finds the entries it must latch through {@link LockOwner#waiting}
 * rather than through a registry every acquire would write.
 */
public final class LockManager {
  static final int STRONG_BUCKETS = 1024;

  final LockTable table;
  /** Per bucket of relation tags: strong locks held or requested. */
  private final AtomicIntegerArray strongLocks = new AtomicIntegerArray(STRONG_BUCKETS);
  /** Every owner ever created, for moving fast-path entries, the detector and the lock view. Owners are reused. */
  final List<LockOwner> owners = new CopyOnWriteArrayList<>();
  private final ConcurrentLinkedQueue<LockOwner> idleOwners = new ConcurrentLinkedQueue<>();
  private final DeadlockDetector detector = new DeadlockDetector(this);

  private final LongAdder waits = new LongAdder();
  private final LongAdder deadlocks = new LongAdder();
  private final LongAdder timeouts = new LongAdder();

  public LockManager() {
    this(LockTable.DEFAULT_RETAINED);
  }

  /** A lock manager whose table keeps up to {@code retainedEntries} entries when they fall unused. */
  LockManager(int retainedEntries) {
    table = new LockTable(retainedEntries);
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
    LockEntry granted = null;
    try {
      granted = acquireInTable(owner, tag, mode, wait);
    } finally {
      if (strong && granted == null) {
        strongLocks.decrementAndGet(strongBucket(tag));
      }
    }
    if (granted != null) {
      remember(owner, tag, local, m, strong).entry = granted;
    }
    return granted != null;
  }

  private static LockOwner.LocalLock remember(LockOwner owner, LockTag tag, LockOwner.LocalLock local, int m,
      boolean strong) {
    if (local == null) {
      local = new LockOwner.LocalLock();
      owner.local.put(tag, local);
    }
    local.count[m] = 1;
    local.level[m] = owner.level;
    if (strong) {
      local.strongCounted |= 1 << m;
    }
    return local;
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
    for (LockOwner o : owners) {
      synchronized (o.fastPath) {
        for (int i = 0; i < LockOwner.FAST_PATH_SLOTS; i++) {
          if (o.fastPathModes[i] != 0 && o.fastPathRelation[i] == relation) {
            LockEntry e = table.latched(tag);
            try {
              for (LockMode mode : LockMode.values()) {
                if ((o.fastPathModes[i] & mode.bit()) != 0) {
                  e.grant(o, mode);
                }
              }
            } finally {
              e.unlatch();
            }
            o.fastPathModes[i] = 0;
          }
        }
      }
    }
  }

  /** The entry on which {@code mode} was granted, or null (SKIP_LOCKED only). */
  private LockEntry acquireInTable(LockOwner owner, LockTag tag, LockMode mode, LockWait wait) {
    Waiter w;
    LockEntry e = table.latched(tag);
    try {
      if (e.grantableNow(owner, mode)) {
        e.grant(owner, mode);
        return e;
      }
      if (wait.policy() != LockWait.Policy.BLOCK) {
        table.dropIfUnused(e);
        if (wait.policy() == LockWait.Policy.SKIP_LOCKED) {
          return null;
        }
        throw new DatabaseException(SqlState.LOCK_NOT_AVAILABLE,
            "could not obtain " + mode.displayName() + " on " + tag + " (NOWAIT)");
      }
      w = e.enqueue(owner, mode);
      if (w == null) {
        return e;
      }
      // Published before the latch is released, so a detector that latches every entry some
      // owner is waiting on sees every waiter queued before it started.
      owner.waiting = w;
    } catch (DeadlockDetectedException d) {
      deadlocks.increment();
      throw d;
    } finally {
      e.unlatch();
    }
    waits.increment();
    awaitGrant(w, wait);
    return e;
  }

  /** Returns once {@code w} is granted; throws if it gives up. */
  private void awaitGrant(Waiter w, LockWait wait) {
    LockOwner owner = w.owner;
    try {
      long start = w.waitStartNanos;
      long deadlockEvery = TimeUnit.MILLISECONDS.toNanos(Math.max(1, wait.deadlockTimeoutMillis()));
      long nextCheck = start + deadlockEvery;
      long lockDeadline = wait.lockTimeoutMillis() > 0
          ? start + TimeUnit.MILLISECONDS.toNanos(wait.lockTimeoutMillis()) : Long.MAX_VALUE;
      long statementDeadline = wait.statementDeadlineNanos() != 0 ? wait.statementDeadlineNanos() : Long.MAX_VALUE;
      while (true) {
        if (w.state == Waiter.GRANTED) {
          return;
        }
        long now = System.nanoTime();
        if (owner.cancelRequested || Thread.interrupted()) {
          owner.cancelRequested = false;
          giveUp(w, SqlState.QUERY_CANCELED, "canceling statement due to user request");
          return;
        }
        if (now - statementDeadline >= 0) {
          giveUp(w, SqlState.QUERY_CANCELED, "canceling statement due to statement timeout");
          return;
        }
        if (now - lockDeadline >= 0) {
          timeouts.increment();
          giveUp(w, SqlState.LOCK_NOT_AVAILABLE, "canceling statement due to lock timeout");
          return;
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
    LockEntry e = w.entry;
    e.latch();
    try {
      if (w.state == Waiter.GRANTED) {
        return;
      }
      e.removeWaiter(w);
      table.dropIfUnused(e);
    } finally {
      e.unlatch();
    }
    throw new DatabaseException(sqlState, message + " while waiting for " + w.mode.displayName() + " on " + w.entry.tag);
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
    LockEntry e = latchedEntryOf(tag, local);
    try {
      if (e == null || !e.ungrant(owner, mode)) {
        throw new IllegalStateException("lock table lost " + mode.displayName() + " on " + tag + " of " + owner.name());
      }
      if (!e.waiters.isEmpty()) {
        e.wakeWaiters();
      }
      table.dropIfUnused(e);
    } finally {
      if (e != null) {
        e.unlatch();
      }
    }
    int bit = 1 << mode.ordinal();
    if ((local.strongCounted & bit) != 0) {
      local.strongCounted &= ~bit;
      strongLocks.decrementAndGet(strongBucket(tag));
    }
  }

  /**
   * The live entry of a tag {@code local} holds something on in the table, latched (null if none).
   * The entry remembered at the grant saves a map lookup; it is stale (dead) only when every mode
   * granted through it was released while a fast-path mode, moved to the table later, stayed held.
   */
  private LockEntry latchedEntryOf(LockTag tag, LockOwner.LocalLock local) {
    LockEntry e = local.entry;
    return e != null && e.latchIfLive() ? e : table.latchedIfPresent(tag);
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
   * the shared table (entry by entry, each consistent in itself).
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
    table.addRows(out);
    return out;
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
}
