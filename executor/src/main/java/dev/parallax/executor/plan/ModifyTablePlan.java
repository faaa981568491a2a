package dev.parallax.executor.plan;

import dev.parallax.mvcc.ColumnType;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import java.util.ArrayList;
import java.util.List;

/**
 * INSERT, UPDATE, DELETE or MERGE of the rows its child produces.
 *
 * <ul>
 *   <li>INSERT: each child row is the new row (in the table's column order); with {@code
 *       onConflict}, a row whose key an arbiter index already holds takes the ON CONFLICT path.
 *   <li>UPDATE and DELETE: the child row carries the target version's identity ({@link
 *       Expr.RowIdentity}) in column {@code rowIdColumn}. The child may be a join (UPDATE ... FROM,
 *       DELETE ... USING); a target row met more than once is changed once, by the first child row
 *       that reaches it (PostgreSQL leaves the choice unspecified; ours is the join's order).
 *   <li>MERGE: the child is the source-to-target join (an outer join when there is a NOT MATCHED
 *       action), whose {@code rowIdColumn} is the target's row identity, null for a source row with
 *       no target row; {@code mergeActions} are the WHEN clauses, in order.
 * </ul>
 *
 * <p>Every expression that makes a new row — UPDATE's {@code newValues}, ON CONFLICT's SET and
 * WHERE, MERGE's conditions and values — sees one layout: the target's current values (columns
 * {@code 0..n-1}, n = the table's width; null for MERGE's NOT MATCHED), then the child row. The
 * target's part is re-read from the version the change is finally applied to, so under READ
 * COMMITTED the expressions are re-applied to the newest version (the hook EvalPlanQual will
 * extend by re-checking the join's quals too).
 *
 * <p>{@code returning} sees the row written (for DELETE the old one) followed by the child row;
 * for MERGE one more TEXT column, {@link #mergeActionColumn()}, says which action ran ("INSERT",
 * "UPDATE", "DELETE"), like PostgreSQL 17's {@code merge_action()}. Without RETURNING the node
 * returns nothing and counts the rows it changed.
 */
public record ModifyTablePlan(int id, Plan child, Operation operation, int relation, String table,
    List<ColumnType> tableTypes, int rowIdColumn, List<Expr> newValues, List<Expr> returning, OnConflict onConflict,
    List<MergeAction> mergeActions, double estimatedRows, double estimatedCost) implements Plan {
  public enum Operation { INSERT, UPDATE, DELETE, MERGE }

  /** INSERT / UPDATE / DELETE without ON CONFLICT (the original shape). */
  public ModifyTablePlan(int id, Plan child, Operation operation, int relation, String table, List<ColumnType> tableTypes,
      int rowIdColumn, List<Expr> newValues, List<Expr> returning, double estimatedRows, double estimatedCost) {
    this(id, child, operation, relation, table, tableTypes, rowIdColumn, newValues, returning, null, null, estimatedRows,
        estimatedCost);
  }

  public ModifyTablePlan {
    tableTypes = List.copyOf(tableTypes);
    newValues = newValues == null ? null : List.copyOf(newValues);
    returning = returning == null ? null : List.copyOf(returning);
    mergeActions = mergeActions == null ? null : List.copyOf(mergeActions);
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
    if (onConflict != null && operation != Operation.INSERT) {
      throw new IllegalArgumentException("ON CONFLICT belongs to INSERT");
    }
    if ((operation == Operation.MERGE) != (mergeActions != null && !mergeActions.isEmpty())) {
      throw new IllegalArgumentException("MERGE, and only MERGE, has WHEN clauses");
    }
    // UPDATE's new values keep their original contract (the target coerces, as RowValues does);
    // the clauses added with ON CONFLICT and MERGE give each column exactly its type
    if (onConflict != null && onConflict.set() != null) {
      checkRow("ON CONFLICT DO UPDATE", onConflict.set(), tableTypes, table);
    }
    if (mergeActions != null) {
      for (MergeAction a : mergeActions) {
        if (a.values() != null) {
          checkRow("MERGE " + a.command(), a.values(), tableTypes, table);
        }
      }
    }
  }

  private static void checkRow(String what, List<Expr> values, List<ColumnType> types, String table) {
    if (values.size() != types.size()) {
      throw new IllegalArgumentException(what + " needs one value per column of \"" + table + "\"");
    }
    for (int i = 0; i < values.size(); i++) {
      ColumnType t = values.get(i).type();
      if (t != types.get(i)) {
        throw new DatabaseException(SqlState.DATATYPE_MISMATCH, what + ": column " + i + " of \"" + table + "\" is of type "
            + types.get(i).sqlName() + " but expression is of type " + t.sqlName());
      }
    }
  }

  /** The row a new-values expression sees: the target's columns, then the child row. */
  public List<ColumnType> changeInputTypes() {
    List<ColumnType> in = new ArrayList<>(tableTypes);
    in.addAll(child.outputTypes());
    return List.copyOf(in);
  }

  /** MERGE's RETURNING: the column holding the name of the action that ran; -1 for other operations. */
  public int mergeActionColumn() {
    return operation == Operation.MERGE ? tableTypes.size() + child.outputTypes().size() : -1;
  }

  @Override
  public List<Expr> quals() {
    return List.of();
  }

  @Override
  public List<Expr> targetList() {
    return returning;
  }

  /** The row RETURNING sees: the row written, the child row, and for MERGE the action's name. */
  @Override
  public List<ColumnType> inputTypes() {
    List<ColumnType> in = new ArrayList<>(changeInputTypes());
    if (operation == Operation.MERGE) {
      in.add(ColumnType.TEXT);
    }
    return List.copyOf(in);
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
      case MERGE -> "Merge on " + table;
    };
  }
}
