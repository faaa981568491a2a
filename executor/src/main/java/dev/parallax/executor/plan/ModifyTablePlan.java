package dev.parallax.executor.plan;

import dev.parallax.mvcc.ColumnType;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import java.util.List;

/**
 * INSERT, UPDATE or DELETE of the rows its child produces. INSERT: each child row is the new row
 * (in the table's column order). UPDATE and DELETE: the child row carries the target version's
 * identity ({@link Expr.RowIdentity}) in column {@code rowIdColumn}; UPDATE computes the new row
 * with {@code newValues}, expressions over the target's current values (one per table column),
 * so that they can be re-applied to a newer version. {@code returning} (over the new row, for
 * DELETE the old one) makes the output rows; without it the node returns nothing and counts the
 * rows it changed.
 */
public record ModifyTablePlan(int id, Plan child, Operation operation, int relation, String table,
    List<ColumnType> tableTypes, int rowIdColumn, List<Expr> newValues, List<Expr> returning, double estimatedRows,
    double estimatedCost) implements Plan {
  public enum Operation { INSERT, UPDATE, DELETE }

  public ModifyTablePlan {
    tableTypes = List.copyOf(tableTypes);
    newValues = newValues == null ? null : List.copyOf(newValues);
    returning = returning == null ? null : List.copyOf(returning);
    if (operation == Operation.INSERT && !child.outputTypes().equals(tableTypes)) {
      throw new DatabaseException(SqlState.DATATYPE_MISMATCH, "INSERT into \"" + table + "\" gives " + child.outputTypes()
          + " for columns of types " + tableTypes);
    }
    if (operation != Operation.INSERT && (rowIdColumn < 0 || child.outputTypes().get(rowIdColumn) != ColumnType.BIGINT)) {
      throw new IllegalArgumentException(operation + " needs the target's row identity column");
    }
    if (operation == Operation.UPDATE && (newValues == null || newValues.size() != tableTypes.size())) {
      throw new IllegalArgumentException("UPDATE needs one new value expression per column of \"" + table + "\"");
    }
  }

  @Override
  public List<Expr> quals() {
    return List.of();
  }

  @Override
  public List<Expr> targetList() {
    return returning;
  }

  /** The row RETURNING sees: the table's columns. */
  @Override
  public List<ColumnType> inputTypes() {
    return tableTypes;
  }

  @Override
  public List<Plan> children() {
    return List.of(child);
  }

  @Override
  public boolean parallelSafe() {
    return false;
  }

  @Override
  public String label() {
    return switch (operation) {
      case INSERT -> "Insert on " + table;
      case UPDATE -> "Update on " + table;
      case DELETE -> "Delete on " + table;
    };
  }
}
