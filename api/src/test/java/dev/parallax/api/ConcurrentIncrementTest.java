package dev.parallax.api;

import static dev.parallax.executor.plan.PlanBuilder.add;
import static dev.parallax.executor.plan.PlanBuilder.col;
import static dev.parallax.executor.plan.PlanBuilder.param;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallax.executor.exec.QueryCursor;
import dev.parallax.executor.plan.Expr;
import dev.parallax.executor.plan.ModifyTablePlan.Operation;
import dev.parallax.executor.plan.Plan;
import dev.parallax.executor.plan.PlanBuilder;
import dev.parallax.mvcc.ColumnType;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import dev.parallax.txn.IsolationLevel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;

/**
 * READ COMMITTED's promise for {@code UPDATE t SET v = v + $2 WHERE k = $1}: however many
 * sessions add to the same few rows at once, every committed increment is in the final values
 * (no update lost, none applied twice). Writers hit a handful of hot rows, so a row's update
 * chain grows while others wait on it and a waiter often has to follow it more than once: the
 * case where a version newer than the statement's snapshot is itself being modified.
 */
class ConcurrentIncrementTest {
  @Test
  void everyCommittedIncrementIsApplied() throws Exception {
    for (int round = 0; round < 5; round++) {
      runRound(round);
    }
  }

  private void runRound(int round) throws Exception {
    try (Database db = Database.inMemory(DatabaseSettings.defaults().withAutovacuumIntervalMillis(round % 2 == 0 ? 0 : 5))) {
      int rows = 3;
      int threads = 6;
      int perThread = 300;
      try (Session s = db.openSession()) {
        s.createTable("c", List.of(Column.notNull("k", ColumnType.INTEGER), Column.of("v", ColumnType.BIGINT)), List.of("k"));
        for (int k = 0; k < rows; k++) {
          s.insert("c", k, 0L);
        }
      }
      AtomicLongArray expected = new AtomicLongArray(rows);
      AtomicInteger deadlocks = new AtomicInteger();
      CyclicBarrier start = new CyclicBarrier(threads);
      List<Thread> workers = new ArrayList<>();
      List<Throwable> errors = new ArrayList<>();
      for (int w = 0; w < threads; w++) {
        long seed = round * 100L + w;
        Thread t = new Thread(() -> {
          try (Session s = db.openSession()) {
            Plan plan = increment(s);
            SplittableRandom r = new SplittableRandom(seed);
            start.await();
            for (int i = 0; i < perThread; i++) {
              int k = r.nextInt(rows);
              long delta = r.nextInt(1, 1000);
              boolean twoStatements = r.nextInt(4) == 0;
              s.begin(IsolationLevel.READ_COMMITTED);
              try {
                run(s, plan, k, delta);
                if (twoStatements) {
                  run(s, plan, (k + 1) % rows, delta); // rows in any order: real deadlocks happen
                }
              } catch (DatabaseException e) {
                if (!SqlState.DEADLOCK_DETECTED.equals(e.sqlState())) {
                  throw e;
                }
                s.rollback();
                deadlocks.incrementAndGet();
                continue;
              }
              if (r.nextInt(10) == 0) {
                s.rollback();
                continue;
              }
              s.commit();
              expected.addAndGet(k, delta);
              if (twoStatements) {
                expected.addAndGet((k + 1) % rows, delta);
              }
            }
          } catch (Throwable e) {
            synchronized (errors) {
              errors.add(e);
            }
          }
        });
        workers.add(t);
        t.start();
      }
      for (Thread t : workers) {
        t.join(120_000);
      }
      assertTrue(errors.isEmpty(), () -> "round " + round + ": " + errors);
      assertTrue(deadlocks.get() < threads * perThread / 10, "deadlocks: " + deadlocks);
      try (Session s = db.openSession()) {
        for (int k = 0; k < rows; k++) {
          assertEquals(expected.get(k), s.lookup("c", "c_pkey", k).get(0).get("v"), "round " + round + ", row " + k);
        }
        CheckReport check = db.check();
        assertTrue(check.ok(), check.problems().toString());
      }
    }
  }

  /** UPDATE c SET v = v + $2 WHERE k = $1, through the primary key. */
  private static Plan increment(Session s) {
    Table t = s.table("c").orElseThrow();
    Index pkey = t.index("c_pkey").orElseThrow();
    PlanBuilder b = new PlanBuilder();
    List<Expr> key = List.of(param(0, ColumnType.INTEGER));
    Plan scan = b.indexScan(t.relation(), t.name(), t.columnTypes(), pkey.relation(), pkey.name(), List.of(0), key, true,
        key, true, true, false, List.of(), List.of(new Expr.RowIdentity()), 1);
    return b.modify(scan, Operation.UPDATE, t.relation(), t.name(), t.columnTypes(), 0,
        List.of(col(0, ColumnType.INTEGER), add(col(1, ColumnType.BIGINT), param(1, ColumnType.BIGINT))), null);
  }

  private static void run(Session s, Plan plan, int k, long delta) {
    try (QueryCursor c = s.run(plan, k, delta)) {
      while (c.next()) {
        // no RETURNING
      }
    }
  }
}
