package dev.parallax.api;

import dev.parallax.executor.exec.ModifyTarget;
import dev.parallax.mvcc.ColumnType;
import dev.parallax.mvcc.HeapResult;
import dev.parallax.mvcc.HeapTuple;
import dev.parallax.mvcc.Tid;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import dev.parallax.storage.btree.BTree;
import dev.parallax.txn.Transaction;
import dev.parallax.txn.lock.LockWait;
import dev.parallax.txn.lock.RowLockStrength;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A table as ModifyTable changes it: the same row operations as the session's own insert, update
 * and delete (types and NOT NULL checked, every index maintained, unique keys enforced, concurrent
 * changes handled by {@link RowChange}), for one transaction. INSERT ... ON CONFLICT goes through
 * {@link Upsert}; MERGE's matched rows through {@link #mergeMatched}, whose not-matched inserts are
 * plain {@link #insert}s.
 */
final class TableTarget implements ModifyTarget {
  private final Database db;
  private final Transaction t;
  private final Table table;
  private final ColumnType[] types;
  private final CheckConstraints checks;

  TableTarget(Database db, Transaction t, Table table) {
    this.db = db;
    this.t = t;
    this.table = table;
    this.types = table.types();
    this.checks = CheckConstraints.of(table);
  }

  @Override
  public long insert(Object[] row) {
    checks.enforce(row);
    Tid tid = db.heap().insert(table.relation(), t, RowValues.encode(table, row));
    IndexMaintenance.addEntries(db, t, table, row, tid);
    return BTree.tid(tid.block(), tid.slot());
  }

  private HeapTuple version(long tid) {
    return db.heap().fetch(table.relation(), new Tid(BTree.tidBlock(tid), BTree.tidSlot(tid)), t.statementSnapshot(), t);
  }

  @Override
  public Object[] update(long tid, UnaryOperator<Object[]> newRow) {
    HeapTuple read = version(tid);
    if (read == null) {
      return null;
    }
    Object[][] written = new Object[1][];
    HeapResult r = RowChange.apply(db, t, table, RowId.of(read), RowLockStrength.FOR_NO_KEY_UPDATE.tableMode(),
        LockWait.Policy.BLOCK, (at, current) -> {
          Object[] before = current.values(types);
          Object[] row = newRow.apply(before.clone()); // a copy: the function may change its argument
          if (row == null) {
            return HeapResult.INVISIBLE;
          }
          checks.enforce(row);
          written[0] = row;
          return db.heap().update(table.relation(), at, RowValues.encode(table, row), t,
              IndexMaintenance.hotAllowed(table, before, row));
        });
    if (r == null) {
      return null;
    }
    IndexMaintenance.addEntriesAfterUpdate(db, t, table, written[0], r);
    return written[0];
  }

  @Override
  public Object[] delete(long tid) {
    HeapTuple read = version(tid);
    if (read == null) {
      return null;
    }
    Object[][] old = new Object[1][];
    HeapResult r = RowChange.apply(db, t, table, RowId.of(read), RowLockStrength.FOR_UPDATE.tableMode(),
        LockWait.Policy.BLOCK, (at, current) -> {
          old[0] = current.values(types);
          return db.heap().delete(table.relation(), at, t);
        });
    return r == null ? null : old[0];
  }

  @Override
  public Object[] lock(long tid, dev.parallax.executor.plan.LockRowsPlan.LockStrength strength,
      dev.parallax.executor.plan.LockRowsPlan.WaitPolicy policy) {
    HeapTuple read = version(tid);
    if (read == null) {
      return null;
    }
    RowLockStrength s = RowLockStrength.valueOf(strength.name());
    LockWait.Policy p = LockWait.Policy.valueOf(policy.name());
    Object[][] locked = new Object[1][];
    HeapResult r = RowChange.apply(db, t, table, RowId.of(read), s.tableMode(), p, (at, current) -> {
      locked[0] = current.values(types);
      return db.heap().lock(table.relation(), at, t);
    });
    return r == null ? null : locked[0];
  }

  @Override
  public Object[] insertOnConflict(Object[] row, List<String> arbiters, UnaryOperator<Object[]> onConflict) {
    Upsert upsert = new Upsert(db, t, table);
    return upsert.run(row, upsert.arbiters(arbiters), onConflict);
  }

  @Override
  public RowAction mergeMatched(long tid, Function<Object[], RowAction> decide) {
    HeapTuple read = version(tid);
    if (read == null) {
      return null;
    }
    RowAction[] done = new RowAction[1];
    HeapResult r = RowChange.apply(db, t, table, RowId.of(read), RowLockStrength.FOR_UPDATE.tableMode(),
        LockWait.Policy.BLOCK, (at, current) -> {
          // called again with the newest version after a concurrent update (READ COMMITTED): the
          // clauses are chosen afresh from the first
          Object[] values = current.values(types);
          RowAction a = decide.apply(values);
          HeapResult res;
          switch (a.command()) {
            case UPDATE:
              checks.enforce(a.values());
              res = db.heap().update(table.relation(), at, RowValues.encode(table, a.values()), t);
              break;
            case DELETE:
              res = db.heap().delete(table.relation(), at, t);
              a = new RowAction(a.command(), values, a.clause());
              break;
            default:
              done[0] = new RowAction(a.command(), values, a.clause());
              return HeapResult.INVISIBLE; // DO NOTHING: no change, no lock
          }
          if (res.code() == HeapResult.Code.SELF_MODIFIED) {
            throw new DatabaseException(SqlState.CARDINALITY_VIOLATION, "MERGE command cannot affect row a second time");
          }
          done[0] = res.code() == HeapResult.Code.OK ? a : null;
          return res;
        });
    if (r == null) {
      return done[0]; // DO NOTHING, or null: deleted meanwhile (READ COMMITTED)
    }
    if (done[0].command() == dev.parallax.executor.plan.MergeAction.Command.UPDATE) {
      IndexMaintenance.addEntries(db, t, table, done[0].values(), r.newTid());
    }
    return done[0];
  }
}
