package dev.parallax.txn.lock;

/**
 * One row of the lock view (like pg_locks): a mode held or awaited by an owner on a tag.
 *
 * @param tag what is locked
 * @param mode the mode
 * @param granted held (true) or awaited (false)
 * @param fastPath held in the owner's fast-path slots rather than the shared table
 * @param owner the owner's name (e.g. "transaction 42")
 * @param groupLeader the name of the owner's lock-group leader (itself when not in a group)
 * @param waitStartNanos for a waiter, {@link System#nanoTime()} when it began waiting; else 0
 */
public record LockInfo(LockTag tag, LockMode mode, boolean granted, boolean fastPath, String owner, String groupLeader,
    long waitStartNanos) {}
