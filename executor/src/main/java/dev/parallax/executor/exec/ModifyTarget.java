package dev.parallax.executor.exec;

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
   * Locks the row whose version the statement read at {@code tid} (SELECT ... FOR ...); returns
   * the values of the version locked (under READ COMMITTED possibly a newer one), or null when
   * the row is gone or SKIP LOCKED skipped it.
   */
  Object[] lock(long tid, dev.parallax.executor.plan.LockRowsPlan.LockStrength strength,
      dev.parallax.executor.plan.LockRowsPlan.WaitPolicy policy);
}
