package dev.parallax.tests.stress;

/**
 * One TPC-B transaction as pgbench's default script runs it: add {@code delta} to an account,
 * read the account's balance, add it to a teller and a branch, append a history row; commit. An
 * implementation owns one session and says how each step runs (physical plans or SQL prepared
 * statements); a failed transaction is rolled back before the exception leaves.
 */
interface TpcbClient extends AutoCloseable {
  /** Runs the transaction; returns the account's balance as read after its update. */
  default int transaction(int aid, int bid, int tid, int delta) {
    begin();
    try {
      addToAccount(aid, delta);
      int balance = selectBalance(aid);
      addToTeller(tid, delta);
      addToBranch(bid, delta);
      insertHistory(tid, bid, aid, delta);
      commit();
      return balance;
    } catch (RuntimeException e) {
      rollbackIfOpen();
      throw e;
    }
  }

  /** BEGIN at READ COMMITTED (pgbench's default level). */
  void begin();

  void addToAccount(int aid, int delta);

  void addToTeller(int tid, int delta);

  void addToBranch(int bid, int delta);

  void insertHistory(int tid, int bid, int aid, int delta);

  void commit();

  void rollbackIfOpen();

  /** A primary-key select of one account's balance (also the select benchmark, autocommit). */
  int selectBalance(int aid);

  @Override
  void close();
}
