package dev.parallax.tests;

import dev.parallax.api.Column;
import dev.parallax.api.Database;
import dev.parallax.api.DatabaseSettings;
import dev.parallax.api.Row;
import dev.parallax.api.Session;
import dev.parallax.mvcc.ColumnType;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import dev.parallax.txn.IsolationLevel;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The process that {@link CrashTortureTest} kills. It opens the database (recovering it), makes
 * sure the bank exists, then runs transfer transactions from several threads until killed. Each
 * transaction moves money between two accounts AND inserts a journal row (worker, seq, from, to,
 * amount); after {@code commit()} returns it prints {@code ACK worker seq}. Accounts are found
 * through the bank's primary key; the journal has a unique index on (worker, seq) and one on src,
 * so every commit also changes three B+trees. Every tenth
 * transaction instead inserts a journal row with amount 0 and rolls back: such a row must never be
 * seen after recovery. A small buffer pool and frequent checkpoints make evictions and checkpoints
 * happen while transactions run.
 *
 * <p>Usage: {@code CrashChild DIR THREADS SEED}.
 */
public final class CrashChild {
  static final int ACCOUNTS = 400;
  static final long START = 1_000;
  /** Text padding so the accounts spread over many pages. */
  static final String PAD = "x".repeat(120);

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int threads = Integer.parseInt(args[1]);
    long seed = Long.parseLong(args[2]);
    PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false);
    DatabaseSettings settings = DatabaseSettings.defaults()
        .withStorage(DatabaseSettings.defaults().storage().withBufferPoolPages(64).withCheckpointIntervalMillis(150))
        .withAutovacuumIntervalMillis(300);
    Database db = Database.open(dir, settings);
    try (Session s = db.openSession()) {
      if (s.table("bank").isEmpty()) {
        s.begin();
        s.createTable("bank", List.of(Column.notNull("id", ColumnType.BIGINT), Column.notNull("balance", ColumnType.BIGINT),
            Column.of("pad", ColumnType.TEXT)), List.of("id"));
        s.createTable("journal", Column.notNull("worker", ColumnType.INTEGER), Column.notNull("seq", ColumnType.BIGINT),
            Column.notNull("src", ColumnType.BIGINT), Column.notNull("dst", ColumnType.BIGINT),
            Column.notNull("amount", ColumnType.BIGINT));
        s.createIndex("journal", List.of("worker", "seq"), true);
        for (long i = 0; i < ACCOUNTS; i++) {
          s.insert("bank", i, START, PAD);
        }
        s.commit();
        // built over existing rows (bottom-up), then maintained by every later insert
        s.createIndex("journal", List.of("src"), false);
      }
    }
    long firstSeq = System.currentTimeMillis() * 1000; // distinct from any earlier run's sequence numbers
    synchronized (out) {
      out.println("READY " + firstSeq);
      out.flush();
    }
    for (int w = 0; w < threads; w++) {
      int worker = w;
      Thread t = new Thread(() -> work(db, worker, firstSeq, new Random(seed * 31 + worker), out), "torture-" + w);
      t.start();
    }
  }

  private static void work(Database db, int worker, long firstSeq, Random rnd, PrintStream out) {
    try (Session s = db.openSession()) {
      long seq = firstSeq;
      while (true) {
        seq++;
        long from = rnd.nextInt(ACCOUNTS);
        long to = rnd.nextInt(ACCOUNTS);
        if (from == to) {
          continue;
        }
        long amount = 1 + rnd.nextInt(100);
        boolean abort = rnd.nextInt(10) == 0;
        try {
          s.begin(IsolationLevel.REPEATABLE_READ);
          if (abort) {
            s.insert("journal", worker, seq, from, to, 0L);
            s.rollback();
            continue;
          }
          Row a = s.lookup("bank", "bank_pkey", Math.min(from, to)).get(0);
          Row b = s.lookup("bank", "bank_pkey", Math.max(from, to)).get(0);
          long da = a.getLong("id") == from ? -amount : amount;
          s.update("bank", a.id(), Map.of("balance", a.getLong("balance") + da));
          s.update("bank", b.id(), Map.of("balance", b.getLong("balance") - da));
          s.insert("journal", worker, seq, from, to, amount);
          s.commit();
          synchronized (out) {
            out.println("ACK " + worker + " " + seq);
            out.flush();
          }
        } catch (DatabaseException e) {
          if (s.inTransaction()) {
            s.rollback();
          }
          if (!SqlState.SERIALIZATION_FAILURE.equals(e.sqlState())) {
            synchronized (out) {
              out.println("ERROR " + e);
              out.flush();
            }
            return;
          }
        }
      }
    }
  }
}
