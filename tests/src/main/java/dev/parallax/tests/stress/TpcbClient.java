package dev.parallax.tests.stress;

/**
 * One TPC-B transaction as pgbench's default script runs it: add {@code delta} to an account,
 * read the account's balance, add it to a teller and a branch, append a history row; commit. An
 * implementation owns one session; a failed transaction is rolled back before the exception
 * leaves.
 */
interface TpcbClient extends AutoCloseable {
  /** Runs the transaction; returns the account's balance as read after its update. */
  int transaction(int aid, int bid, int tid, int delta);

  /** A primary-key select of one account's balance, autocommit (the select benchmark). */
  int selectBalance(int aid);

  @Override
  void close();
}
