package dev.parallax.api;

import dev.parallax.mvcc.HeapResult;
import dev.parallax.mvcc.HeapTuple;
import dev.parallax.mvcc.Tid;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import dev.parallax.txn.Transaction;
import dev.parallax.txn.lock.LockManager;
import dev.parallax.txn.lock.LockMode;
import dev.parallax.txn.lock.LockTag;
import dev.parallax.txn.lock.LockWait;

/**
 * The loop every update, delete and row lock of the low-level API runs, handling concurrent
 * changes to the target row:
 *
 * <ul>
 *   <li>BEING_MODIFIED: another transaction holds the row. Take the heavyweight tuple lock (so
 *       that several waiters for one row queue fairly, in arrival order), wait for the other
 *       transaction's id lock, then try again (it may have aborted, leaving the row as it was).
 *       Both waits are lock-manager waits: they take part in deadlock detection and honour NOWAIT
 *       (55P03), SKIP LOCKED (the row is skipped), lock_timeout, statement_timeout and cancel.
 *   <li>UPDATED / DELETED by a committed transaction the snapshot does not see: under REPEATABLE
 *       READ and SERIALIZABLE that is a serialization failure (40001); under READ COMMITTED a
 *       delete means the row is gone, an update means: follow the ctid chain to the newest version
 *       and apply the change there, re-reading its values.
 *   <li>SELF_MODIFIED: this transaction already changed the row in this or a later command; like
 *       PostgreSQL, the change is skipped (the caller reports "no row").
 * </ul>
 */
final class RowChange {
  private RowChange() {}

  @FunctionalInterface
  interface Attempt {
    HeapResult apply(Tid target, HeapTuple current);
  }

  /**
   * The successful result, or null when there is no visible row to change (or SKIP LOCKED skipped
   * it). {@code tupleMode} is the tuple-lock mode of the row lock strength the change needs.
   */
  static HeapResult apply(Database db, Transaction t, Table table, RowId start, LockMode tupleMode,
      LockWait.Policy policy, Attempt attempt) {
    Tid tid = start.tid();
    HeapTuple current = db.heap().fetch(table.relation(), tid, t.statementSnapshot(), t);
    if (current != null && current.xmin() != start.writer()) {
      current = null; // the slot now holds another row: the version the id named is gone
    }
    if (current == null && !t.isolation().usesTransactionSnapshot()) {
      // READ COMMITTED: the row id may name a version replaced since the caller read it (in an
      // earlier statement); the statement acts on the row's newest version it can see.
      current = db.heap().latestVersion(table.relation(), tid, start.writer(), t.statementSnapshot(), t);
      tid = current == null ? tid : current.tid();
    }
    if (current == null) {
      return null;
    }
    LockManager locks = db.transactions().locks();
    LockWait wait = t.lockWait().withPolicy(policy);
    LockTag tupleLock = null;
    try {
      while (true) {
        HeapResult r = attempt.apply(tid, current);
        switch (r.code()) {
          case OK:
            return r;
          case INVISIBLE:
          case SELF_MODIFIED:
            return null;
          case BEING_MODIFIED:
            if (tupleLock == null) {
              LockTag tag = LockTag.tuple(table.relation(), tid.block(), tid.slot());
              if (!locks.acquire(t.lockOwner(), tag, tupleMode, wait)) {
                return null;
              }
              tupleLock = tag;
            }
            if (!db.transactions().waitForEnd(t, r.conflictingXid(), wait)) {
              return null;
            }
            // Try the same version again: its values never change, so `current` still describes
            // it. If the other transaction aborted the change goes through; if it committed an
            // update or delete the retry says so and the cases below decide. (Not re-read with
            // the statement's snapshot: under READ COMMITTED `tid` may already be a newer
            // version than that snapshot sees, reached by following the chain, and treating it
            // as gone would lose this update.)
            continue;
          case UPDATED:
          case DELETED:
            if (t.isolation().usesTransactionSnapshot()) {
              throw new DatabaseException(SqlState.SERIALIZATION_FAILURE,
                  "could not serialize access due to concurrent " + (r.code() == HeapResult.Code.UPDATED ? "update" : "delete")
                      + " of row " + tid + " in table \"" + table.name() + "\"");
            }
            if (r.code() == HeapResult.Code.DELETED) {
              return null;
            }
            // READ COMMITTED: re-apply the change to the newest committed version, following the
            // update chain from the version we tried (latestVersion checks each link's xmin).
            current = db.heap().latestVersion(table.relation(), tid, t.latestSnapshot(), t);
            if (current == null) {
              return null;
            }
            tid = current.tid();
            continue;
          default:
            throw new IllegalStateException("unexpected heap result " + r.code());
        }
      }
    } catch (DatabaseException e) {
      if (policy == LockWait.Policy.NOWAIT && SqlState.LOCK_NOT_AVAILABLE.equals(e.sqlState())) {
        throw new DatabaseException(SqlState.LOCK_NOT_AVAILABLE,
            "could not obtain lock on row in relation \"" + table.name() + "\"", e);
      }
      throw e;
    } finally {
      if (tupleLock != null) {
        locks.release(t.lockOwner(), tupleLock, tupleMode);
      }
    }
  }
}
