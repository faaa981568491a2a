package dev.parallax.executor.plan;

import dev.parallax.mvcc.ColumnType;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import java.util.List;

/**
 * The ON CONFLICT clause of an INSERT: what to do when a proposed row's key is already held by a
 * live row on one of the arbiter indexes.
 *
 * <p>{@code arbiterIndexes} names the unique indexes whose conflicts take this path (empty: every
 * unique index of the table, PostgreSQL's rule for a DO NOTHING without a target); a conflict on
 * any other unique index is still a 23505. The api resolves {@code (cols)} and {@code ON
 * CONSTRAINT name} into these names ({@code ConflictArbiters}).
 *
 * <p>DO UPDATE: {@code set} (one expression per table column) and {@code where} are evaluated over
 * the existing row followed by the proposed row: columns {@code 0..n-1} are the existing row's
 * current values (the version that was locked), {@code n..2n-1} are PostgreSQL's EXCLUDED. That is
 * the same layout as every other "new values" expression of ModifyTable (target's current values,
 * then the child row), since the child row of an INSERT is the proposed row. A row for which
 * {@code where} is not true is left as it is (but stays locked, as in PostgreSQL).
 */
public record OnConflict(Action action, List<String> arbiterIndexes, List<Expr> set, Expr where) {
  public enum Action { NOTHING, UPDATE }

  public OnConflict {
    arbiterIndexes = List.copyOf(arbiterIndexes);
    set = set == null ? null : List.copyOf(set);
    if (action == Action.UPDATE) {
      if (arbiterIndexes.isEmpty()) {
        throw new DatabaseException(SqlState.SYNTAX_ERROR,
            "ON CONFLICT DO UPDATE requires inference specification or constraint name");
      }
      if (set == null) {
        throw new IllegalArgumentException("ON CONFLICT DO UPDATE needs its SET expressions");
      }
    } else if (set != null || where != null) {
      throw new IllegalArgumentException("ON CONFLICT DO NOTHING has no SET or WHERE");
    }
    if (where != null && where.type() != ColumnType.BOOLEAN) {
      throw new DatabaseException(SqlState.DATATYPE_MISMATCH, "argument of ON CONFLICT WHERE must be type boolean, not type "
          + where.type().sqlName());
    }
  }

  /** DO NOTHING on the named arbiters (empty: any unique index). */
  public static OnConflict doNothing(List<String> arbiterIndexes) {
    return new OnConflict(Action.NOTHING, arbiterIndexes, null, null);
  }

  /** DO UPDATE SET ... [WHERE ...] on the named arbiters. */
  public static OnConflict doUpdate(List<String> arbiterIndexes, List<Expr> set, Expr where) {
    return new OnConflict(Action.UPDATE, arbiterIndexes, set, where);
  }
}
