package dev.parallax.api;

import static dev.parallax.executor.plan.PlanBuilder.add;
import static dev.parallax.executor.plan.PlanBuilder.assign;
import static dev.parallax.executor.plan.PlanBuilder.col;
import static dev.parallax.executor.plan.PlanBuilder.excluded;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallax.executor.plan.OnConflict;
import dev.parallax.executor.plan.Plan;
import dev.parallax.executor.plan.PlanBuilder;
import dev.parallax.mvcc.ColumnType;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import dev.parallax.txn.IsolationLevel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * INSERT ... ON CONFLICT against another session: an insert of the same key still in progress is
 * waited for, then decided by its outcome (commit: the conflict path; abort: our insert), never a
 * 23505; READ COMMITTED updates the newest version; REPEATABLE READ raises 40001 for a row its
 * snapshot does not see. Then many sessions upserting counters, committing or aborting at random:
 * no lost increment, no duplicate, no unique violation.
 */
class UpsertConcurrencyTest {
  static final ColumnType B = ColumnType.BIGINT;
  Database db;
  Session s;
  Session other;
  Table t;

  @BeforeEach
  void open() {
    db = Database.inMemory(DatabaseSettings.defaults().withAutovacuumIntervalMillis(0));
    s = db.openSession();
    other = db.openSession();
    s.createTable("c", List.of(Column.of("k", B), Column.of("n", B)), List.of("k"));
    t = s.table("c").orElseThrow();
  }

  @AfterEach
  void close() {
    other.close();
    CheckReport r = db.check();
    db.close();
    assertTrue(r.ok(), r.problems().toString());
  }

  /** INSERT INTO c VALUES (k, n) ON CONFLICT (k) DO UPDATE SET n = c.n + EXCLUDED.n RETURNING k, n (or DO NOTHING). */
  static Plan upsert(Table t, boolean doUpdate, long k, long n) {
    List<ColumnType> types = t.columnTypes();
    PlanBuilder b = new PlanBuilder();
    OnConflict oc = doUpdate
        ? OnConflict.doUpdate(ConflictArbiters.forColumns(t, List.of("k")), assign(types, Map.of(1, add(col(1, B), excluded(types, 1)))), null)
        : OnConflict.doNothing(ConflictArbiters.forColumns(t, List.of("k")));
    return b.insertOnConflict(b.values(types, List.<Object[]>of(new Object[] {k, n}), List.of(), null), t.relation(), t.name(),
        types, oc, List.of(col(0, B), col(1, B)));
  }

  private List<String> upsertIn(Session session, boolean doUpdate, long k, long n) {
    return UpsertPlanTest.drain(session.run(upsert(t, doUpdate, k, n)));
  }

  /** Runs {@code work} on another thread and returns once it is waiting for a lock. */
  private <T> CompletableFuture<T> blocked(java.util.function.Supplier<T> work) {
    CompletableFuture<T> f = CompletableFuture.supplyAsync(work);
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (db.locks().stream().allMatch(l -> l.granted()) && !f.isDone()) {
      assertTrue(System.nanoTime() < deadline, "never waited");
      Thread.onSpinWait();
    }
    if (f.isDone()) {
      throw new AssertionError("finished without waiting: " + (f.isCompletedExceptionally() ? "failed" : f.join()));
    }
    return f;
  }

  private long n(long k) {
    List<Row> rows = s.lookup("c", "c_pkey", k);
    assertEquals(1, rows.size(), "rows with key " + k);
    return rows.get(0).getLong("n");
  }

  @Test
  void waitsForAnInsertInProgressThenTakesTheConflictPathWhenItCommits() {
    other.begin();
    other.insert("c", 1L, 100L);
    CompletableFuture<List<String>> f = blocked(() -> upsertIn(s, true, 1, 1));
    other.commit();
    assertEquals(List.of("[1, 101]"), f.join(), "updated the row the other transaction inserted");
    assertEquals(101, n(1));

    other.begin();
    other.insert("c", 2L, 200L);
    CompletableFuture<List<String>> g = blocked(() -> upsertIn(s, false, 2, 1));
    other.commit();
    assertEquals(List.of(), g.join(), "DO NOTHING: nothing returned");
    assertEquals(200, n(2));
  }

  @Test
  void waitsForAnInsertInProgressThenInsertsWhenItAborts() {
    for (boolean doUpdate : new boolean[] {true, false}) {
      long k = doUpdate ? 1 : 2;
      other.begin();
      other.insert("c", k, 100L);
      CompletableFuture<List<String>> f = blocked(() -> upsertIn(s, doUpdate, k, 1));
      other.rollback();
      assertEquals(List.of("[" + k + ", 1]"), f.join());
      assertEquals(1, n(k));
    }
  }

  @Test
  void readCommittedUpdatesTheNewestVersionOfARowBeingUpdated() {
    s.insert("c", 1L, 1L);
    other.begin();
    other.update("c", other.lookup("c", "c_pkey", 1L).get(0).id(), Map.of("n", 50L));
    CompletableFuture<List<String>> f = blocked(() -> upsertIn(s, true, 1, 1));
    other.commit();
    assertEquals(List.of("[1, 51]"), f.join());
    // a row being deleted: once the delete commits there is no conflict any more
    other.begin();
    other.delete("c", other.lookup("c", "c_pkey", 1L).get(0).id());
    CompletableFuture<List<String>> g = blocked(() -> upsertIn(s, true, 1, 7));
    other.commit();
    assertEquals(List.of("[1, 7]"), g.join());
  }

  @Test
  void repeatableReadRaises40001ForAConflictingRowItsSnapshotDoesNotSee() {
    for (boolean doUpdate : new boolean[] {true, false}) {
      s.begin(IsolationLevel.REPEATABLE_READ);
      s.scan("c"); // the snapshot
      other.insert("c", 10L, 1L); // committed after it
      DatabaseException e = assertThrows(DatabaseException.class, () -> upsertIn(s, doUpdate, 10, 1));
      assertEquals(SqlState.SERIALIZATION_FAILURE, e.sqlState(), doUpdate ? "DO UPDATE" : "DO NOTHING");
      s.rollback();
      other.delete("c", other.lookup("c", "c_pkey", 10L).get(0).id());
    }
    // a row the snapshot sees, updated by a transaction that commits while we wait for it
    s.insert("c", 3L, 1L);
    s.begin(IsolationLevel.REPEATABLE_READ);
    s.scan("c");
    other.begin();
    other.update("c", other.lookup("c", "c_pkey", 3L).get(0).id(), Map.of("n", 9L));
    CompletableFuture<List<String>> f = blocked(() -> upsertIn(s, true, 3, 1));
    other.commit();
    DatabaseException e = assertThrows(java.util.concurrent.CompletionException.class, f::join).getCause() instanceof DatabaseException d
        ? d : null;
    assertEquals(SqlState.SERIALIZATION_FAILURE, e == null ? null : e.sqlState());
    s.rollback();
    // and a row that was there all along is upserted as usual
    s.begin(IsolationLevel.REPEATABLE_READ);
    assertEquals(List.of("[3, 10]"), upsertIn(s, true, 3, 1));
    s.commit();
  }

  /**
   * Sessions upsert +delta into a few hot keys (DO UPDATE) or insert-if-absent (DO NOTHING),
   * holding the transaction open a little and committing or rolling back at random, in both
   * isolation levels (REPEATABLE READ may fail with 40001, which rolls back). At the end every key's
   * n is exactly the sum of the committed deltas: no increment lost, none applied twice, one row a
   * key, and no 23505 ever.
   */
  @Test
  void concurrentUpsertsLoseNothing() throws Exception {
    int threads = 4;
    int keys = 6;
    int txns = 300;
    AtomicLongArray committed = new AtomicLongArray(keys);
    AtomicLongArray present = new AtomicLongArray(keys);
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> ts = new ArrayList<>();
    for (int w = 0; w < threads; w++) {
      long seed = 77 + w;
      ts.add(new Thread(() -> {
        Random rnd = new Random(seed);
        try (Session me = db.openSession()) {
          start.await();
          for (int i = 0; i < txns; i++) {
            int k = rnd.nextInt(keys);
            long delta = 1 + rnd.nextInt(9);
            boolean doUpdate = rnd.nextInt(4) != 0;
            boolean rr = rnd.nextInt(4) == 0;
            me.begin(rr ? IsolationLevel.REPEATABLE_READ : IsolationLevel.READ_COMMITTED);
            try {
              List<String> out = UpsertPlanTest.drain(me.run(upsert(t, doUpdate, k, delta)));
              if (rnd.nextInt(3) == 0) {
                Thread.yield();
              }
              if (rnd.nextInt(5) == 0) {
                me.rollback();
                continue;
              }
              me.commit();
              if (doUpdate || !out.isEmpty()) {
                committed.addAndGet(k, delta);
              }
              present.set(k, 1);
            } catch (DatabaseException e) {
              if (!(rr && SqlState.SERIALIZATION_FAILURE.equals(e.sqlState()))) {
                failures.add(e.sqlState() + " " + e.getMessage());
              }
              me.rollback();
            }
          }
        } catch (Throwable e) {
          failures.add(e.toString());
        }
      }));
    }
    ts.forEach(Thread::start);
    start.countDown();
    for (Thread th : ts) {
      th.join(120_000);
    }
    assertTrue(failures.isEmpty(), failures.size() + " failures, first: " + failures.stream().limit(3).toList());
    List<Row> rows = s.scan("c");
    long expectedRows = 0;
    for (int k = 0; k < keys; k++) {
      expectedRows += present.get(k);
      if (present.get(k) == 1) {
        assertEquals(committed.get(k), n(k), "key " + k);
      }
    }
    assertEquals(expectedRows, rows.size());
  }

  /**
   * Two unique indexes, both arbiters (DO NOTHING without a target): sessions propose random (k,
   * code) pairs from small domains, so a row often conflicts on one index, the other, or both, and
   * each upsert nests the two stripes. No 23505 and no deadlock may come out of it; at the end no
   * key or code is held twice and every row some transaction reported inserting and committed is
   * there.
   */
  @Test
  void doNothingOnTwoArbitersNeverRaisesAndKeepsBothKeysUnique() throws Exception {
    s.createTable("p", List.of(Column.of("k", B), Column.of("code", B)), List.of("k"));
    s.createIndex("p_code_key", "p", List.of("code"), true);
    Table p = s.table("p").orElseThrow();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<String> committedRows = new ConcurrentLinkedQueue<>();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> ts = new ArrayList<>();
    for (int w = 0; w < 4; w++) {
      long seed = 500 + w;
      ts.add(new Thread(() -> {
        Random rnd = new Random(seed);
        PlanBuilder b = new PlanBuilder();
        try (Session me = db.openSession()) {
          start.await();
          for (int i = 0; i < 250; i++) {
            long k = rnd.nextInt(30);
            long code = rnd.nextInt(30);
            Plan plan = b.insertOnConflict(b.values(p.columnTypes(), List.<Object[]>of(new Object[] {k, code}), List.of(), null),
                p.relation(), p.name(), p.columnTypes(), OnConflict.doNothing(ConflictArbiters.any(p)),
                List.of(col(0, B), col(1, B)));
            me.begin();
            try {
              List<String> out = UpsertPlanTest.drain(me.run(plan));
              if (rnd.nextInt(4) == 0) {
                me.rollback();
                continue;
              }
              me.commit();
              committedRows.addAll(out);
            } catch (DatabaseException e) {
              failures.add(e.sqlState() + " " + e.getMessage());
              me.rollback();
            }
          }
        } catch (Throwable e) {
          failures.add(e.toString());
        }
      }));
    }
    ts.forEach(Thread::start);
    start.countDown();
    for (Thread th : ts) {
      th.join(120_000);
    }
    assertTrue(failures.isEmpty(), failures.size() + " failures, first: " + failures.stream().limit(3).toList());
    java.util.Set<String> rows = new java.util.HashSet<>();
    java.util.Set<Long> ks = new java.util.HashSet<>();
    java.util.Set<Long> codes = new java.util.HashSet<>();
    for (Row r : s.scan("p")) {
      assertTrue(ks.add(r.getLong("k")) && codes.add(r.getLong("code")), "duplicate in " + r);
      rows.add("[" + r.getLong("k") + ", " + r.getLong("code") + "]");
    }
    assertEquals(new java.util.HashSet<>(committedRows), rows, "exactly the rows reported inserted and committed");
    assertEquals(committedRows.size(), rows.size());
  }
}
