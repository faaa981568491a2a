package dev.parallax.executor.exec;

import dev.parallax.executor.plan.MergeAction;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * What ModifyTable needs from the layer that owns tables (the api's catalog): changing one row of
 * the target with its constraints and indexes kept, and concurrent changes to that row handled.
 * The executor decides which rows and what values; the target decides what a concurrent change
 * means (waits, REPEATABLE READ's 40001, READ COMMITTED's newest version).
 */
public interface ModifyTarget {
  /** Inserts a row (NOT NULL, types, unique indexes checked); returns the new version's TID, packed. */
  long insert(Object[] row);

  /**
   * Updates the row whose version the statement read at {@code tid}. {@code newRow} computes the
   * new values from the version the change is finally applied to: the one read, or under READ
   * COMMITTED the newest version after a concurrent update (the hook EvalPlanQual will extend by
   * re-checking the statement's quals; returning null skips the row). Returns the new values, or
   * null when there was no row left to change.
   */
  Object[] update(long tid, UnaryOperator<Object[]> newRow);

  /** Deletes the row whose version the statement read at {@code tid}; returns its values, or null if gone. */
  Object[] delete(long tid);

  /**
   * INSERT ... ON CONFLICT: inserts {@code row} unless a live row holds its key on one of the
   * {@code arbiters} (unique index names; empty: every unique index), waiting for an inserter or
   * deleter of that key that is still running and deciding once it has ended. On a conflict,
   * {@code onConflict} null is DO NOTHING; otherwise the conflicting row is locked (under READ
   * COMMITTED its newest version) and {@code onConflict} gets its current values and returns the
   * new row, or null to leave it (WHERE not true). Returns the row inserted or updated, or null.
   * Errors: 21000 when the row was inserted or updated by this same statement (DO UPDATE), 40001
   * under REPEATABLE READ when the conflicting row is not visible to the snapshot.
   */
  Object[] insertOnConflict(Object[] row, List<String> arbiters, UnaryOperator<Object[]> onConflict);

  /** What MERGE does to a matched row: UPDATE (with the new row), DELETE or NOTHING, by WHEN clause {@code clause}. */
  record RowAction(MergeAction.Command command, Object[] values, int clause) {}

  /**
   * MERGE's WHEN MATCHED for the row whose version the statement read at {@code tid}: {@code
   * decide} gets the current values (under READ COMMITTED, after a concurrent update, the newest
   * version's: the clauses are tried again from the first) and picks the action. Returns the
   * action done with the row written (UPDATE), the old row (DELETE) or the current one (NOTHING);
   * null when the row was deleted meanwhile (the caller then tries the NOT MATCHED clauses).
   * A row this statement already changed is 21000.
   */
  RowAction mergeMatched(long tid, Function<Object[], RowAction> decide);

  /**
   * Locks the row whose version the statement read at {@code tid} (SELECT ... FOR ...); returns
   * the values of the version locked (under READ COMMITTED possibly a newer one), or null when
   * the row is gone or SKIP LOCKED skipped it.
   */
  Object[] lock(long tid, dev.parallax.executor.plan.LockRowsPlan.LockStrength strength,
      dev.parallax.executor.plan.LockRowsPlan.WaitPolicy policy);
}
