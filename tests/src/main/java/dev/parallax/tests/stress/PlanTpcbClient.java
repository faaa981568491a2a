package dev.parallax.tests.stress;

import static dev.parallax.executor.plan.PlanBuilder.add;
import static dev.parallax.executor.plan.PlanBuilder.col;
import static dev.parallax.executor.plan.PlanBuilder.param;

import dev.parallax.api.Database;
import dev.parallax.api.Index;
import dev.parallax.api.Session;
import dev.parallax.api.Table;
import dev.parallax.executor.exec.QueryCursor;
import dev.parallax.executor.plan.Expr;
import dev.parallax.executor.plan.ModifyTablePlan;
import dev.parallax.executor.plan.Plan;
import dev.parallax.executor.plan.PlanBuilder;
import dev.parallax.mvcc.ColumnType;
import dev.parallax.storage.DatabaseException;
import dev.parallax.txn.IsolationLevel;
import java.util.ArrayList;
import java.util.List;

/**
 * TPC-B through physical plans built once and run per transaction with parameters
 * ({@code Session.run}): the executor's path without SQL parsing or planning, i.e. what a
 * prepared statement costs once its plan is cached. UPDATE is a ModifyTable over a primary-key
 * Index Scan whose new balance is {@code balance + $2}, so under READ COMMITTED a concurrent
 * update of the same row is waited for and the delta applied to the newest version.
 */
final class PlanTpcbClient implements TpcbClient {
  private final Session session;
  private final Plan updateAccount;
  private final Plan selectAccount;
  private final Plan updateTeller;
  private final Plan updateBranch;

  PlanTpcbClient(Database db) {
    session = db.openSession();
    updateAccount = addToBalance("pgbench_accounts", 2);
    selectAccount = selectColumn("pgbench_accounts", 2);
    updateTeller = addToBalance("pgbench_tellers", 2);
    updateBranch = addToBalance("pgbench_branches", 1);
  }

  private Table table(String name) {
    return session.table(name).orElseThrow();
  }

  private Plan byKey(PlanBuilder b, Table t, List<Expr> targets) {
    Index pkey = t.index(t.name() + "_pkey").orElseThrow();
    List<Expr> key = List.of(param(0, ColumnType.INTEGER));
    return b.indexScan(t.relation(), t.name(), t.columnTypes(), pkey.relation(), pkey.name(), List.of(0), key, true, key,
        true, true, false, List.of(), targets, 1);
  }

  /** UPDATE t SET balance = balance + $2 WHERE pk = $1. */
  private Plan addToBalance(String name, int balanceColumn) {
    Table t = table(name);
    PlanBuilder b = new PlanBuilder();
    List<Expr> newValues = new ArrayList<>();
    List<ColumnType> types = t.columnTypes();
    for (int c = 0; c < types.size(); c++) {
      Expr current = col(c, types.get(c));
      newValues.add(c == balanceColumn ? add(current, param(1, ColumnType.INTEGER)) : current);
    }
    return b.modify(byKey(b, t, List.of(new Expr.RowIdentity())), ModifyTablePlan.Operation.UPDATE, t.relation(),
        t.name(), types, 0, newValues, null);
  }

  /** SELECT column FROM t WHERE pk = $1. */
  private Plan selectColumn(String name, int column) {
    Table t = table(name);
    PlanBuilder b = new PlanBuilder();
    return byKey(b, t, List.of(col(column, t.columnTypes().get(column))));
  }

  private void update(Plan plan, int key, int delta) {
    try (QueryCursor c = session.run(plan, key, delta)) {
      while (c.next()) {
        // no RETURNING: nothing to read
      }
    }
  }

  private int select(int aid) {
    try (QueryCursor c = session.run(selectAccount, aid)) {
      if (!c.next()) {
        throw new IllegalStateException("account " + aid + " not found");
      }
      return (Integer) c.get(0);
    }
  }

  @Override
  public void begin() {
    session.begin(IsolationLevel.READ_COMMITTED);
  }

  @Override
  public void addToAccount(int aid, int delta) {
    update(updateAccount, aid, delta);
  }

  @Override
  public void addToTeller(int tid, int delta) {
    update(updateTeller, tid, delta);
  }

  @Override
  public void addToBranch(int bid, int delta) {
    update(updateBranch, bid, delta);
  }

  @Override
  public void insertHistory(int tid, int bid, int aid, int delta) {
    session.insert("pgbench_history", PgbenchTables.historyRow(tid, bid, aid, delta));
  }

  @Override
  public void commit() {
    session.commit();
  }

  @Override
  public void rollbackIfOpen() {
    if (session.inTransaction()) {
      session.rollback();
    }
  }

  @Override
  public int selectBalance(int aid) {
    return select(aid);
  }

  @Override
  public void close() {
    session.close();
  }

  static boolean retryable(DatabaseException e) {
    return "40001".equals(e.sqlState()) || "40P01".equals(e.sqlState());
  }
}
