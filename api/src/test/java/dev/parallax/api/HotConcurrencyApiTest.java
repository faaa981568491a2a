package dev.parallax.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallax.mvcc.ColumnType;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import dev.parallax.txn.IsolationLevel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Transfers between a few hot rows (HOT updates through the primary key, REPEATABLE READ with
 * retries, random aborts) while REPEATABLE READ readers scan both indexes, and vacuum and explicit prunes run: a
 * reader's transaction sees one unchanging set of balances summing to zero through either index,
 * each row exactly once; at the end the balances sum to zero, every row is found once through
 * each index and {@link Database#check()} is clean.
 */
class HotConcurrencyApiTest {
  private static final int ROWS = 6;

  @Test
  void transfersBetweenHotRowsKeepEveryViewConsistent() throws Exception {
    for (int round = 0; round < 2; round++) {
      runRound(round);
    }
  }

  private void runRound(int round) throws Exception {
    try (Database db = Database.inMemory(DatabaseSettings.defaults().withAutovacuumIntervalMillis(round == 0 ? 0 : 20))) {
      try (Session s = db.openSession()) {
        s.createTable("acc", List.of(Column.notNull("id", ColumnType.INTEGER), Column.of("bal", ColumnType.BIGINT),
            Column.of("tag", ColumnType.TEXT)), List.of("id"));
        s.createIndex("acc_tag", "acc", List.of("tag"), false);
        for (int i = 0; i < ROWS; i++) {
          s.insert("acc", i, 0L, "t" + i);
        }
      }
      int relation;
      try (Session s = db.openSession()) {
        relation = s.table("acc").orElseThrow().relation();
      }
      AtomicBoolean stop = new AtomicBoolean();
      List<Throwable> errors = new CopyOnWriteArrayList<>();
      int writers = 3;
      CyclicBarrier start = new CyclicBarrier(writers + 3);
      List<Thread> threads = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        SplittableRandom rnd = new SplittableRandom(round * 100L + w);
        threads.add(thread(errors, () -> {
          try (Session s = db.openSession()) {
            start.await();
            for (int i = 0; i < 250; i++) {
              int a = rnd.nextInt(ROWS);
              int b = (a + 1 + rnd.nextInt(ROWS - 1)) % ROWS;
              long d = rnd.nextInt(1, 100);
              // REPEATABLE READ: the row ids read by one statement stay valid for the next (the
              // transaction's snapshot holds back pruning); a concurrent update is 40001, retried.
              s.begin(IsolationLevel.REPEATABLE_READ);
              try {
                // Lower id first: no deadlocks between transfers.
                move(s, Math.min(a, b), a < b ? -d : d);
                move(s, Math.max(a, b), a < b ? d : -d);
              } catch (DatabaseException e) {
                s.rollback();
                if (!SqlState.SERIALIZATION_FAILURE.equals(e.sqlState()) && !SqlState.DEADLOCK_DETECTED.equals(e.sqlState())) {
                  throw e;
                }
                i--;
                continue;
              }
              if (rnd.nextInt(6) == 0) {
                s.rollback();
              } else {
                s.commit();
              }
            }
          }
        }));
      }
      threads.add(thread(errors, () -> {
        try (Session s = db.openSession()) {
          start.await();
          while (!stop.get()) {
            s.begin(IsolationLevel.REPEATABLE_READ);
            List<Long> first = balances(s, "acc_pkey");
            assertEquals(0L, first.stream().mapToLong(Long::longValue).sum(), "a snapshot's balances sum to zero");
            for (int k = 0; k < 5; k++) {
              assertEquals(first, balances(s, "acc_pkey"), "the same balances again through the primary key");
              assertEquals(first, balances(s, "acc_tag"), "and through the other index");
            }
            s.commit();
          }
        }
      }));
      threads.add(thread(errors, () -> {
        SplittableRandom rnd = new SplittableRandom(round);
        start.await();
        while (!stop.get()) {
          if (rnd.nextInt(4) == 0) {
            db.vacuum();
          } else {
            db.heap().prune(relation, rnd.nextInt(Math.max(1, db.storage().bufferPool().blockCount(relation))));
          }
          Thread.sleep(1);
        }
      }));
      threads.add(thread(errors, () -> {
        start.await();
      }));
      for (Thread t : threads) {
        t.start();
      }
      for (int i = 0; i < writers; i++) {
        threads.get(i).join(120_000);
      }
      stop.set(true);
      for (Thread t : threads) {
        t.join(60_000);
      }
      assertTrue(errors.isEmpty(), () -> "round " + round + ": " + errors);
      try (Session s = db.openSession()) {
        assertEquals(0L, balances(s, "acc_pkey").stream().mapToLong(Long::longValue).sum());
        assertEquals(balances(s, "acc_pkey"), balances(s, "acc_tag"));
        CheckReport check = db.check();
        assertTrue(check.ok(), check.problems().toString());
        db.vacuum();
        check = db.check();
        assertTrue(check.ok(), check.problems().toString());
      }
    }
  }

  private static void move(Session s, int id, long delta) {
    List<Row> rows = s.lookup("acc", "acc_pkey", id);
    assertEquals(1, rows.size(), "row " + id);
    Row r = rows.get(0);
    if (s.update("acc", r.id(), Map.of("bal", r.getLong("bal") + delta)) == null) {
      throw new AssertionError("row " + id + " vanished");
    }
  }

  /** Balances by id, each row seen exactly once through {@code index}. */
  private static List<Long> balances(Session s, String index) {
    Long[] out = new Long[ROWS];
    for (Row r : s.indexScan("acc", index, KeyRange.all(), true)) {
      int id = (Integer) r.get("id");
      assertTrue(out[id] == null, "row " + id + " seen twice through " + index);
      out[id] = (Long) r.get("bal");
    }
    for (int i = 0; i < ROWS; i++) {
      assertTrue(out[i] != null, "row " + i + " not seen through " + index);
    }
    return List.of(out);
  }

  @FunctionalInterface
  private interface Body {
    void run() throws Exception;
  }

  private static Thread thread(List<Throwable> errors, Body body) {
    return new Thread(() -> {
      try {
        body.run();
      } catch (Throwable e) {
        errors.add(e);
      }
    });
  }
}
