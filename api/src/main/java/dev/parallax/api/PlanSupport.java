package dev.parallax.api;

import dev.parallax.executor.exec.ExecContext;
import dev.parallax.executor.plan.Plan;
import dev.parallax.executor.plan.SeqScanPlan;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import dev.parallax.txn.Transaction;
import dev.parallax.txn.lock.LockMode;
import dev.parallax.txn.lock.LockTag;

/**
 * What a session does around running a plan: the execution context (heap, snapshot, index trees,
 * the tables ModifyTable and LockRows change, through {@link TableTarget}) and the table locks the
 * plan needs, taken before it starts as any statement takes them.
 */
final class PlanSupport {
  private PlanSupport() {}

  static ExecContext context(Database db, Transaction t, Object[] params, boolean analyze) {
    return new ExecContext(db.heap(), t, t.statementSnapshot(), params, analyze, null, db::tree,
        relation -> new TableTarget(db, t, tableByRelation(db, relation, t)));
  }

  private static Table tableByRelation(Database db, int relation, Transaction t) {
    for (Table tab : db.catalog().tables(t)) {
      if (tab.relation() == relation) {
        return tab;
      }
    }
    throw new DatabaseException(SqlState.UNDEFINED_TABLE, "relation " + relation + " does not exist");
  }

  /** Locks what the plan reads (ACCESS SHARE), locks for rows (ROW SHARE) and changes (ROW EXCLUSIVE). */
  static void lockScanned(Database db, Plan plan, Transaction t) {
    if (plan instanceof SeqScanPlan scan) {
      lockRelation(db, scan.relation(), scan.table(), t, LockMode.ACCESS_SHARE);
    }
    if (plan instanceof dev.parallax.executor.plan.ModifyTablePlan m) {
      lockRelation(db, m.relation(), m.table(), t, LockMode.ROW_EXCLUSIVE);
    }
    if (plan instanceof dev.parallax.executor.plan.LockRowsPlan lr) {
      lockRelation(db, lr.relation(), lr.table(), t, LockMode.ROW_SHARE);
    }
    if (plan instanceof dev.parallax.executor.plan.IndexScanPlan scan) {
      lockRelation(db, scan.relation(), scan.table(), t, LockMode.ACCESS_SHARE);
      if (!db.storage().bufferPool().relationExists(scan.indexRelation())) {
        throw new DatabaseException(SqlState.UNDEFINED_OBJECT, "index \"" + scan.index() + "\" does not exist");
      }
    }
    java.util.List<Plan> children = plan.children();
    for (int i = 0; i < children.size(); i++) { // no iterator: this runs per statement
      lockScanned(db, children.get(i), t);
    }
  }

  private static void lockRelation(Database db, int relation, String name, Transaction t, LockMode mode) {
    if (!db.storage().bufferPool().relationExists(relation)) {
      throw new DatabaseException(SqlState.UNDEFINED_TABLE, "relation \"" + name + "\" does not exist");
    }
    db.transactions().locks().acquire(t.lockOwner(), LockTag.relation(relation), mode, t.lockWait());
  }
}
