package dev.parallax.tests.stress;

import dev.parallax.api.Database;
import dev.parallax.api.PreparedStatement;
import dev.parallax.api.Session;
import dev.parallax.api.SqlResult;

/**
 * TPC-B through SQL prepared statements, pgbench's default script statement for statement:
 * each statement is parsed and planned once per session ({@code Session.prepare}) and then
 * executed with parameters, so this measures the SQL layer's per-execution cost on top of the
 * executor's ({@link PlanTpcbClient}).
 */
final class SqlTpcbClient implements TpcbClient {
  private final Session session;
  private final PreparedStatement begin;
  private final PreparedStatement updateAccount;
  private final PreparedStatement selectAccount;
  private final PreparedStatement updateTeller;
  private final PreparedStatement updateBranch;
  private final PreparedStatement insertHistory;
  private final PreparedStatement commit;

  SqlTpcbClient(Database db) {
    session = db.openSession();
    begin = session.prepare("BEGIN ISOLATION LEVEL READ COMMITTED");
    updateAccount = session.prepare("UPDATE pgbench_accounts SET abalance = abalance + $2 WHERE aid = $1");
    selectAccount = session.prepare("SELECT abalance FROM pgbench_accounts WHERE aid = $1");
    updateTeller = session.prepare("UPDATE pgbench_tellers SET tbalance = tbalance + $2 WHERE tid = $1");
    updateBranch = session.prepare("UPDATE pgbench_branches SET bbalance = bbalance + $2 WHERE bid = $1");
    insertHistory = session.prepare(
        "INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES ($1, $2, $3, $4, now())");
    commit = session.prepare("COMMIT");
  }

  private int select(int aid) {
    SqlResult r = selectAccount.execute(aid);
    if (r.rows().size() != 1) {
      throw new IllegalStateException("account " + aid + " gave " + r.rows().size() + " rows");
    }
    return (Integer) r.get(0, 0);
  }

  @Override
  public void begin() {
    begin.execute();
  }

  @Override
  public void addToAccount(int aid, int delta) {
    updateAccount.execute(aid, delta);
  }

  @Override
  public void addToTeller(int tid, int delta) {
    updateTeller.execute(tid, delta);
  }

  @Override
  public void addToBranch(int bid, int delta) {
    updateBranch.execute(bid, delta);
  }

  @Override
  public void insertHistory(int tid, int bid, int aid, int delta) {
    insertHistory.execute(tid, bid, aid, delta);
  }

  @Override
  public void commit() {
    commit.execute();
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
}
