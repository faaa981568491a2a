package dev.parallax.api;

import dev.parallax.mvcc.HeapResult;
import dev.parallax.mvcc.HeapTuple;
import dev.parallax.mvcc.Tid;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import dev.parallax.txn.Transaction;

/**
 * The loop every update, delete and row lock of the low-level API runs, handling concurrent
 * changes to the target row:
 *
 * <ul>
 *   <li>BEING_MODIFIED: another transaction holds the row; wait for it to end, then try again
 *       (it may have aborted, leaving the row as it was).
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

  /** The successful result, or null when there is no visible row to change. */
  static HeapResult apply(Database db, Transaction t, Table table, Tid start, Attempt attempt) {
    Tid tid = start;
    HeapTuple current = db.heap().fetch(table.relation(), tid, t.statementSnapshot(), t);
    if (current == null) {
      return null;
    }
    while (true) {
      HeapResult r = attempt.apply(tid, current);
      switch (r.code()) {
        case OK:
          return r;
        case INVISIBLE:
        case SELF_MODIFIED:
          return null;
        case BEING_MODIFIED:
          db.waits().waitForEnd(t, r.conflictingXid());
          current = db.heap().fetch(table.relation(), tid, t.statementSnapshot(), t);
          if (current == null) {
            return null;
          }
          continue;
        case UPDATED:
        case DELETED:
          if (t.isolation().usesTransactionSnapshot()) {
            throw new DatabaseException(SqlState.SERIALIZATION_FAILURE,
                "could not serialize access due to concurrent " + (r.code() == HeapResult.Code.UPDATED ? "update" : "delete")
                    + " of row " + RowId.of(tid) + " in table \"" + table.name() + "\"");
          }
          if (r.code() == HeapResult.Code.DELETED) {
            return null;
          }
          tid = r.newCtid();
          current = db.heap().fetch(table.relation(), tid, t.statementSnapshot(), t);
          if (current == null) {
            return null;
          }
          continue;
        default:
          throw new IllegalStateException("unexpected heap result " + r.code());
      }
    }
  }
}
