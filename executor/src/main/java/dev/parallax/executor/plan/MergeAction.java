package dev.parallax.executor.plan;

import dev.parallax.mvcc.ColumnType;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import java.util.List;

/**
 * One WHEN clause of a MERGE: {@code WHEN [NOT] MATCHED [AND condition] THEN command}. The clauses
 * of a plan are tried in order, among those of the row's kind (matched or not), and the first
 * whose condition is true (null: always) runs; when none does the row is left alone.
 *
 * <p>{@code condition} and {@code values} are evaluated over the target row followed by the
 * child (join) row: columns {@code 0..n-1} are the target's current values (all null for a NOT
 * MATCHED row), {@code n..} the child row. UPDATE's values are the whole new row, so they can be
 * recomputed from a newer version under READ COMMITTED; INSERT's values are the new row.
 */
public record MergeAction(boolean matched, Expr condition, Command command, List<Expr> values) {
  public enum Command { UPDATE, DELETE, INSERT, NOTHING }

  public MergeAction {
    values = values == null ? null : List.copyOf(values);
    boolean needsValues = command == Command.UPDATE || command == Command.INSERT;
    if (needsValues != (values != null)) {
      throw new IllegalArgumentException("MERGE " + command + (needsValues ? " needs" : " takes no") + " values");
    }
    if (matched ? command == Command.INSERT : command == Command.UPDATE || command == Command.DELETE) {
      throw new DatabaseException(SqlState.SYNTAX_ERROR, "WHEN " + (matched ? "MATCHED" : "NOT MATCHED") + " cannot "
          + command);
    }
    if (condition != null && condition.type() != ColumnType.BOOLEAN) {
      throw new DatabaseException(SqlState.DATATYPE_MISMATCH, "argument of WHEN must be type boolean, not type "
          + condition.type().sqlName());
    }
  }

  public static MergeAction matchedUpdate(Expr condition, List<Expr> values) {
    return new MergeAction(true, condition, Command.UPDATE, values);
  }

  public static MergeAction matchedDelete(Expr condition) {
    return new MergeAction(true, condition, Command.DELETE, null);
  }

  public static MergeAction matchedNothing(Expr condition) {
    return new MergeAction(true, condition, Command.NOTHING, null);
  }

  public static MergeAction notMatchedInsert(Expr condition, List<Expr> values) {
    return new MergeAction(false, condition, Command.INSERT, values);
  }

  public static MergeAction notMatchedNothing(Expr condition) {
    return new MergeAction(false, condition, Command.NOTHING, null);
  }

  @Override
  public String toString() {
    return "WHEN " + (matched ? "MATCHED" : "NOT MATCHED") + (condition == null ? "" : " AND " + condition) + " THEN "
        + (command == Command.NOTHING ? "DO NOTHING" : command.name());
  }
}
