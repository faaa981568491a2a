package dev.parallax.executor.plan;

import dev.parallax.mvcc.ColumnType;

/**
 * SELECT ... FOR UPDATE / NO KEY UPDATE / SHARE / KEY SHARE [NOWAIT | SKIP LOCKED]: locks the
 * table row each child row came from (its identity in {@code rowIdColumn}) before returning the
 * child row. A row locked by another transaction is waited for (NOWAIT: 55P03; SKIP LOCKED: the
 * row is skipped); a row deleted meanwhile is skipped; one updated meanwhile is 40001 under
 * REPEATABLE READ and under READ COMMITTED is locked in its newest version (the re-check of the
 * query's quals against it, EvalPlanQual, is still to come).
 */
public record LockRowsPlan(int id, Plan child, int relation, String table, int rowIdColumn, LockStrength strength,
    WaitPolicy waitPolicy, double estimatedRows, double estimatedCost) implements PassThroughPlan {
  /** The four row lock strengths, weakest last. */
  public enum LockStrength { FOR_UPDATE, FOR_NO_KEY_UPDATE, FOR_SHARE, FOR_KEY_SHARE }

  public enum WaitPolicy { BLOCK, NOWAIT, SKIP_LOCKED }

  public LockRowsPlan {
    if (rowIdColumn < 0 || child.outputTypes().get(rowIdColumn) != ColumnType.BIGINT) {
      throw new IllegalArgumentException("LockRows needs the row identity column of its child");
    }
  }

  @Override
  public boolean parallelSafe() {
    return false;
  }

  @Override
  public String label() {
    return "LockRows";
  }
}
