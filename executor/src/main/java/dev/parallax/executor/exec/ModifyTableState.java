package dev.parallax.executor.exec;

import dev.parallax.executor.expr.ExprState;
import dev.parallax.executor.plan.MergeAction;
import dev.parallax.executor.plan.ModifyTablePlan;
import dev.parallax.executor.plan.OnConflict;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Applies its child's rows to the target table through {@link ModifyTarget}, one row at a time
 * (so a statement's own changes are not seen by its own scan: the scan's snapshot is the
 * statement's, taken before the first change, and changes carry the statement's command id).
 * With RETURNING it emits each changed row; otherwise it returns nothing and counts.
 *
 * <p>New values are computed inside the target's callbacks, from the version the change is
 * finally applied to (see {@link ModifyTablePlan}): the "change row" handed to the expressions is
 * that version's values followed by a copy of the child row, so a retry on a newer version under
 * READ COMMITTED re-applies the same expressions to it. MERGE's clause choice happens there too,
 * which is why a concurrently updated target row has its WHEN MATCHED clauses tried again from the
 * first. What EvalPlanQual will add: re-checking the child's quals (the join condition and any
 * filters on the target) against the newer version before the clauses run; today a newer version
 * that no longer satisfies the join is still changed, as UPDATE does.
 */
final class ModifyTableState extends OneChildState {
  private final ModifyTablePlan modify;
  private final int width;
  private ExprState[] newValues;
  private ExprState[] conflictSet;
  private ExprState conflictWhere;
  private ExprState[] mergeConditions;
  private ExprState[][] mergeValues;
  private ModifyTarget target;
  private long affected;
  /** EXPLAIN ANALYZE: rows inserted, updated, deleted, left alone (no clause, DO NOTHING), and ON CONFLICT conflicts. */
  long inserted;
  long updated;
  long deleted;
  long skipped;
  long conflicts;

  ModifyTableState(ModifyTablePlan plan, ExecContext ctx, PlanState child) {
    super(plan, ctx, child);
    this.modify = plan;
    this.width = plan.tableTypes().size();
  }

  /** Rows inserted, updated or deleted so far. */
  public long affected() {
    return affected;
  }

  @Override
  protected void initSelf() {
    newValues = compileAll(modify.newValues());
    OnConflict oc = modify.onConflict();
    if (oc != null && oc.action() == OnConflict.Action.UPDATE) {
      conflictSet = compileAll(oc.set());
      conflictWhere = oc.where() == null ? null : compile(oc.where());
    }
    List<MergeAction> actions = modify.mergeActions();
    if (actions != null) {
      mergeConditions = new ExprState[actions.size()];
      mergeValues = new ExprState[actions.size()][];
      for (int i = 0; i < actions.size(); i++) {
        MergeAction a = actions.get(i);
        mergeConditions[i] = a.condition() == null ? null : compile(a.condition());
        mergeValues[i] = compileAll(a.values());
      }
    }
    target = ctx.target(modify.relation(), "ModifyTable");
  }

  private ExprState[] compileAll(List<dev.parallax.executor.plan.Expr> exprs) {
    if (exprs == null) {
      return null;
    }
    ExprState[] out = new ExprState[exprs.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = compile(exprs.get(i));
    }
    return out;
  }

  @Override
  protected TupleSlot produce() {
    while (true) {
      TupleSlot slot = child.next();
      if (slot == null) {
        return null;
      }
      Object[] input = slot.toArray();
      Object[] changed;
      String action = null;
      switch (modify.operation()) {
        case INSERT -> {
          changed = modify.onConflict() == null ? plainInsert(input) : insertOnConflict(input);
          action = "INSERT";
        }
        case UPDATE -> {
          Object id = input[modify.rowIdColumn()];
          changed = id == null ? null : target.update((Long) id, current -> evalRow(newValues, changeRow(current, input)));
          updated += changed == null ? 0 : 1;
        }
        case DELETE -> {
          Object id = input[modify.rowIdColumn()];
          changed = id == null ? null : target.delete((Long) id);
          deleted += changed == null ? 0 : 1;
        }
        default -> {
          ModifyTarget.RowAction done = merge(input);
          changed = done == null || done.command() == MergeAction.Command.NOTHING ? null : done.values();
          action = done == null ? null : done.command().name();
        }
      }
      if (changed == null) {
        skipped++;
        continue; // gone meanwhile, changed by this statement already, or left alone
      }
      affected++;
      if (modify.returning() != null) {
        return new VirtualSlot(returningRow(changed, input, action));
      }
    }
  }

  private Object[] plainInsert(Object[] row) {
    target.insert(row);
    inserted++;
    return row;
  }

  private Object[] insertOnConflict(Object[] proposed) {
    OnConflict oc = modify.onConflict();
    boolean[] conflicted = {false};
    UnaryOperator<Object[]> resolve = oc.action() == OnConflict.Action.NOTHING ? null : existing -> {
      conflicted[0] = true;
      Object[] in = changeRow(existing, proposed);
      if (conflictWhere != null && !conflictWhere.test(new VirtualSlot(in))) {
        return null;
      }
      return evalRow(conflictSet, in);
    };
    Object[] written = target.insertOnConflict(proposed, oc.arbiterIndexes(), resolve);
    if (resolve == null ? written == null : conflicted[0]) {
      conflicts++;
      updated += written == null ? 0 : 1;
    } else {
      inserted++;
    }
    return written;
  }

  /** MERGE: the matched clauses for a row with a target, else (or when it vanished) the not-matched ones. */
  private ModifyTarget.RowAction merge(Object[] input) {
    Object id = input[modify.rowIdColumn()];
    if (id != null) {
      ModifyTarget.RowAction done = target.mergeMatched((Long) id, current -> choose(true, changeRow(current, input)));
      if (done != null) {
        count(done.command());
        return done;
      }
    }
    ModifyTarget.RowAction chosen = choose(false, changeRow(new Object[width], input));
    if (chosen.command() == MergeAction.Command.INSERT) {
      target.insert(chosen.values());
    }
    count(chosen.command());
    return chosen;
  }

  private void count(MergeAction.Command c) {
    switch (c) {
      case INSERT -> inserted++;
      case UPDATE -> updated++;
      case DELETE -> deleted++;
      default -> { } // NOTHING: counted as skipped by produce
    }
  }

  /** The first clause of the kind whose condition holds over {@code in}; NOTHING when none does. */
  private ModifyTarget.RowAction choose(boolean matched, Object[] in) {
    List<MergeAction> actions = modify.mergeActions();
    VirtualSlot slot = new VirtualSlot(in);
    for (int i = 0; i < actions.size(); i++) {
      MergeAction a = actions.get(i);
      if (a.matched() != matched || (mergeConditions[i] != null && !mergeConditions[i].test(slot))) {
        continue;
      }
      return new ModifyTarget.RowAction(a.command(), mergeValues[i] == null ? null : evalRow(mergeValues[i], in), i);
    }
    return new ModifyTarget.RowAction(MergeAction.Command.NOTHING, null, -1);
  }

  /** The target's current values, then the child row. */
  private Object[] changeRow(Object[] current, Object[] input) {
    Object[] in = new Object[width + input.length];
    System.arraycopy(current, 0, in, 0, width);
    System.arraycopy(input, 0, in, width, input.length);
    return in;
  }

  private static Object[] evalRow(ExprState[] exprs, Object[] in) {
    VirtualSlot slot = new VirtualSlot(in);
    Object[] out = new Object[exprs.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = exprs[i].value(slot);
    }
    return out;
  }

  private Object[] returningRow(Object[] changed, Object[] input, String action) {
    boolean merge = modify.operation() == ModifyTablePlan.Operation.MERGE;
    Object[] out = new Object[width + input.length + (merge ? 1 : 0)];
    System.arraycopy(changed, 0, out, 0, width);
    System.arraycopy(input, 0, out, width, input.length);
    if (merge) {
      out[out.length - 1] = action;
    }
    return out;
  }

  @Override
  protected void rescanNode() {
    throw new UnsupportedOperationException("ModifyTable is not rescanned");
  }

}
