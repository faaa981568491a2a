package dev.parallax.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallax.mvcc.ColumnType;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import dev.parallax.txn.IsolationLevel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Many sessions insert, re-key and delete rows of a table with a unique index over a small key
 * domain, committing or rolling back at random, while vacuum runs underneath (removing index
 * entries between its phases). Whatever the interleaving: no two visible rows ever share a key
 * (checked by readers during the run and at the end), the net row count equals what the committed
 * transactions did, every failure is a typed 23505 / 40P01 / 40001, and the index agrees with the
 * heap at the end.
 */
class UniqueIndexConcurrencyTest {
  private static final int THREADS = 6;
  private static final int TXNS = 250;
  private static final int KEYS = 120;

  @Test
  void noDuplicateKeyIsEverVisibleAndTheIndexStaysConsistent() throws Exception {
    for (long seed = 1; seed <= 2; seed++) {
      run(seed);
    }
  }

  private void run(long seed) throws Exception {
    try (Database db = Database.inMemory(DatabaseSettings.defaults().withAutovacuumIntervalMillis(0))) {
      try (Session s = db.openSession()) {
        s.createTable("u", Column.notNull("k", ColumnType.BIGINT), Column.of("v", ColumnType.TEXT));
        s.createIndex("u", List.of("k"), true);
      }
      AtomicLong net = new AtomicLong();
      AtomicLong violations = new AtomicLong();
      AtomicLong deadlocks = new AtomicLong();
      ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
      AtomicBoolean stop = new AtomicBoolean();
      CountDownLatch start = new CountDownLatch(1);
      List<Thread> threads = new ArrayList<>();
      for (int w = 0; w < THREADS; w++) {
        long mySeed = seed * 1000 + w;
        threads.add(new Thread(() -> work(db, new Random(mySeed), start, net, violations, deadlocks, failures)));
      }
      Thread vacuum = new Thread(() -> {
        while (!stop.get()) {
          db.vacuum();
        }
      });
      Thread reader = new Thread(() -> {
        try (Session r = db.openSession()) {
          while (!stop.get()) {
            r.begin(IsolationLevel.REPEATABLE_READ);
            List<Row> rows = r.scan("u");
            Set<Long> keys = new HashSet<>();
            for (Row row : rows) {
              if (!keys.add(row.getLong("k"))) {
                failures.add("two visible rows with key " + row.getLong("k"));
              }
            }
            // the same snapshot through the index: the same rows
            int viaIndex = r.indexScan("u", "u_k_key", KeyRange.all(), true).size();
            if (viaIndex != rows.size()) {
              failures.add("index scan saw " + viaIndex + " rows, heap scan " + rows.size());
            }
            r.commit();
          }
        }
      });
      threads.forEach(Thread::start);
      vacuum.start();
      reader.start();
      start.countDown();
      for (Thread t : threads) {
        t.join(120_000);
        assertTrue(!t.isAlive(), "a session hung");
      }
      stop.set(true);
      vacuum.join(30_000);
      reader.join(30_000);
      assertTrue(failures.isEmpty(), failures.toString());
      try (Session s = db.openSession()) {
        List<Row> rows = s.scan("u");
        assertEquals(net.get(), rows.size(), "rows left = inserts - deletes of committed transactions");
        assertEquals(rows.size(), new HashSet<>(rows.stream().map(r -> r.getLong("k")).toList()).size());
        for (Row r : rows) {
          assertEquals(1, s.lookup("u", "u_k_key", r.getLong("k")).size());
        }
      }
      db.vacuum();
      CheckReport report = db.check();
      assertTrue(report.ok(), report.problems().toString());
      assertTrue(violations.get() > 0, "the workload should provoke unique violations");
    }
  }

  private static void work(Database db, Random rnd, CountDownLatch start, AtomicLong net, AtomicLong violations,
      AtomicLong deadlocks, ConcurrentLinkedQueue<String> failures) {
    try (Session s = db.openSession()) {
      s.setDeadlockTimeout(Duration.ofMillis(50));
      start.await();
      for (int i = 0; i < TXNS; i++) {
        long delta = 0;
        try {
          s.begin(rnd.nextBoolean() ? IsolationLevel.READ_COMMITTED : IsolationLevel.REPEATABLE_READ);
          int ops = 1 + rnd.nextInt(3);
          for (int o = 0; o < ops; o++) {
            long k = rnd.nextInt(KEYS);
            switch (rnd.nextInt(4)) {
              case 0, 1 -> {
                s.insert("u", k, "w");
                delta++;
              }
              case 2 -> {
                List<Row> found = s.lookup("u", "u_k_key", k);
                if (!found.isEmpty() && s.delete("u", found.get(0).id())) {
                  delta--;
                }
              }
              default -> {
                List<Row> found = s.lookup("u", "u_k_key", k);
                if (!found.isEmpty()) {
                  s.update("u", found.get(0).id(), java.util.Map.of("k", (long) rnd.nextInt(KEYS)));
                }
              }
            }
          }
          if (rnd.nextInt(5) == 0) {
            s.rollback();
          } else {
            s.commit();
            net.addAndGet(delta);
          }
        } catch (DatabaseException e) {
          if (s.inTransaction()) {
            s.rollback();
          }
          switch (e.sqlState()) {
            case SqlState.UNIQUE_VIOLATION -> violations.incrementAndGet();
            case SqlState.DEADLOCK_DETECTED -> deadlocks.incrementAndGet();
            case SqlState.SERIALIZATION_FAILURE -> { }
            default -> failures.add(e.toString());
          }
        }
      }
    } catch (InterruptedException e) {
      failures.add(e.toString());
    }
  }
}
