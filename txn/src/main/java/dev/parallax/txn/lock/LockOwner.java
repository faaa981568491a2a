package dev.parallax.txn.lock;

import java.util.HashMap;

/**
 * Whoever holds and awaits locks: a transaction, or a parallel worker inside one. Created by
 * {@link LockManager#newOwner} and used by one thread at a time (its session's), except for the
 * fields marked otherwise.
 *
 * <h2>Local counts</h2>
 * {@link #local} counts how often each (tag, mode) was taken, so that taking a lock the owner
 * already holds never touches shared state, and remembers the savepoint level that first took
 * it: rolling back to a savepoint releases what was taken after it, releasing a savepoint hands
 * its locks to the enclosing level.
 *
 * <h2>Fast-path slots</h2>
 * Up to {@link #FAST_PATH_SLOTS} relations with the weak modes held, kept here instead of in the
 * shared table. Guarded by {@link #fastPath}: the owner takes it to add or remove an entry, and a
 * strong-lock requester takes it to move entries of its relation into the shared table.
 *
 * <h2>What other threads touch</h2>
 * Lock and release write only this owner's own state: the local counts and, for fast-path locks,
 * the slots under its own {@link #fastPath} monitor (uncontended unless a strong requester is
 * moving entries). Other threads only read {@link #leader}, the name and
 * {@link #waiting}, and write {@link #cancelRequested}; none of those is written on the
 * uncontended path, so owners of different sessions write no common field there. Nor is any
 * field of this object written per lock: a pool of emptied {@link LocalLock}s kept here was tried
 * and removed, because its top index (written twice per lock + release) would share a cache line
 * with the neighbouring owner's, the collector laying owners out side by side in the order of the
 * manager's owner list. With it the fast path measured 18.5 M/s with 8 threads (29.8 M/s without,
 * before; the machine was loaded during both later attempts to compare, so that is not conclusive).
 *
 * <h2>Lock groups</h2>
 * {@link #leader} is the group this owner belongs to (itself when in none). Holders with the same
 * leader never conflict. It changes only while the owner holds no locks (joining before its first
 * lock, leaving after releasing all), so holders in the table never change group.
 */
public final class LockOwner {
  static final int FAST_PATH_SLOTS = 16;

  /** Per (tag) counts and levels for the eight modes. */
  static final class LocalLock {
    final int[] count = new int[LockMode.values().length];
    final int[] level = new int[LockMode.values().length];
    /** Modes whose acquisition raised the relation's strong-lock counter (lowered at release). */
    int strongCounted;
    /** The table entry of the last grant through the table (saves the lookup at release); may be stale. */
    LockEntry entry;

    boolean isEmpty() {
      for (int c : count) {
        if (c != 0) {
          return false;
        }
      }
      return true;
    }
  }

  final LockManager manager;
  final HashMap<LockTag, LocalLock> local = new HashMap<>();
  int level;

  final Object fastPath = new Object();
  // guarded by fastPath
  final int[] fastPathRelation = new int[FAST_PATH_SLOTS];
  // guarded by fastPath; bits of weak modes held, 0 = slot free
  final int[] fastPathModes = new int[FAST_PATH_SLOTS];

  volatile LockOwner leader = this;
  /**
   * A String, or the Long id of the virtual transaction it runs: every statement in autocommit
   * begins a transaction, and formatting "virtual transaction N" each time cost more than the
   * rest of naming; it is formatted only when someone reads it (a view, a deadlock message).
   */
  private volatile Object name;
  /** The request this owner is blocked on, if any: read by cancel, the view and the detector. */
  volatile Waiter waiting;
  /** Set by {@link #cancel} from another thread; consumed by the wait it interrupts. */
  volatile boolean cancelRequested;

  LockOwner(LockManager manager, String name) {
    this.manager = manager;
    this.name = name;
  }

  public String name() {
    Object n = name;
    return n instanceof String ? (String) n : "virtual transaction " + n;
  }

  /** Names the owner after the virtual transaction it now runs (formatted on demand). */
  public void renameVirtual(long virtualTransactionId) {
    this.name = virtualTransactionId;
  }

  /** Renames the owner (a transaction names itself by its id once it has one). */
  public void rename(String name) {
    this.name = name;
  }

  // ---- lock groups ----

  /** The group's leader: itself unless it joined a group. */
  public LockOwner leader() {
    return leader;
  }

  /**
   * Joins {@code groupLeader}'s lock group (a parallel worker joining its leader). Must hold no
   * locks; the leader must not itself be a member of another group.
   */
  public void joinGroup(LockOwner groupLeader) {
    if (!local.isEmpty()) {
      throw new IllegalStateException(name + " holds locks and cannot join a lock group");
    }
    if (groupLeader.leader != groupLeader) {
      throw new IllegalArgumentException(groupLeader.name + " is a member of another lock group");
    }
    leader = groupLeader;
  }

  /** Leaves the group, releasing every lock this member holds. */
  public void leaveGroup() {
    manager.releaseAll(this);
    leader = this;
  }

  // ---- savepoint levels ----

  /** The savepoint level new locks are recorded at (0 = the transaction itself). */
  public int level() {
    return level;
  }

  /** Opens savepoint level {@code level}; later locks belong to it. */
  public void enterLevel(int newLevel) {
    level = newLevel;
  }

  /** Rollback to a savepoint: releases every lock first taken at {@code fromLevel} or deeper. */
  public void releaseFromLevel(int fromLevel) {
    manager.releaseFromLevel(this, fromLevel);
  }

  /** Release of a savepoint: locks of {@code fromLevel} and deeper now belong to the level above. */
  public void mergeIntoParent(int fromLevel) {
    for (LocalLock l : local.values()) {
      for (int m = 0; m < l.level.length; m++) {
        if (l.count[m] > 0 && l.level[m] >= fromLevel) {
          l.level[m] = fromLevel - 1;
        }
      }
    }
    level = fromLevel - 1;
  }

  // ---- cancel ----

  /**
   * Cancels the wait this owner is blocked in, if any (from any thread): the waiting call throws
   * 57014. Returns whether it was waiting.
   */
  public boolean cancel() {
    Waiter w = waiting;
    if (w == null) {
      return false;
    }
    cancelRequested = true;
    w.wake();
    return true;
  }

  /**
   * Asks the statement running under this owner to stop (from any thread): a lock wait it is in
   * ends at once with 57014, and a running plan at its next interrupt check
   * ({@code CurrentTransaction.checkForInterrupts}). The request stays pending until one of them
   * consumes it or {@link #clearCancelRequest} drops it (a new statement starts clean).
   */
  public void requestCancel() {
    cancelRequested = true;
    Waiter w = waiting;
    if (w != null) {
      w.wake();
    }
  }

  /** Consumes a pending cancel request: whether there was one. */
  public boolean takeCancelRequest() {
    if (!cancelRequested) {
      return false;
    }
    cancelRequested = false;
    return true;
  }

  /** Drops a cancel request that arrived after the statement it was meant for ended. */
  public void clearCancelRequest() {
    if (cancelRequested) { // a read, not a fenced write, on every statement
      cancelRequested = false;
    }
  }

  /** Number of distinct (tag, mode) locks held. */
  public int heldCount() {
    int n = 0;
    for (LocalLock l : local.values()) {
      for (int c : l.count) {
        n += c > 0 ? 1 : 0;
      }
    }
    return n;
  }

  @Override
  public String toString() {
    return name();
  }
}
