package dev.parallax.api;

import static dev.parallax.executor.plan.PlanBuilder.add;
import static dev.parallax.executor.plan.PlanBuilder.assign;
import static dev.parallax.executor.plan.PlanBuilder.col;
import static dev.parallax.executor.plan.PlanBuilder.eq;
import static dev.parallax.executor.plan.PlanBuilder.lit;
import static dev.parallax.executor.plan.PlanBuilder.lt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallax.executor.exec.Explain;
import dev.parallax.executor.plan.Expr;
import dev.parallax.executor.plan.JoinType;
import dev.parallax.executor.plan.MergeAction;
import dev.parallax.executor.plan.Plan;
import dev.parallax.executor.plan.PlanBuilder;
import dev.parallax.mvcc.ColumnType;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import dev.parallax.txn.IsolationLevel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * MERGE INTO g USING (VALUES (sid, sv, op)) s ON g.id = s.sid with the clauses below, RETURNING
 * g.id, g.v, merge_action(): random batches against a map (clause order, conditions, matched and
 * not matched), 21000 for a target row matched twice, EXPLAIN, and concurrent writers (REPEATABLE
 * READ 40001; READ COMMITTED: the newest version, clauses chosen again; a row deleted meanwhile
 * takes the NOT MATCHED clauses).
 *
 * <pre>
 *   WHEN MATCHED AND s.op = 0 THEN DELETE
 *   WHEN MATCHED AND s.sv &lt; 0 THEN DO NOTHING
 *   WHEN MATCHED THEN UPDATE SET v = g.v + s.sv
 *   WHEN NOT MATCHED AND s.sv &gt;= 0 THEN INSERT VALUES (s.sid, s.sv)
 * </pre>
 */
class MergePlanTest {
  static final ColumnType B = ColumnType.BIGINT;
  static final ColumnType I = ColumnType.INTEGER;
  static final List<ColumnType> SOURCE = List.of(B, B, I);
  Database db;
  Session s;
  Table t;
  List<ColumnType> types;

  @BeforeEach
  void open() {
    db = Database.inMemory(DatabaseSettings.defaults().withAutovacuumIntervalMillis(0));
    s = db.openSession();
    s.createTable("g", List.of(Column.of("id", B), Column.of("v", B)), List.of("id"));
    t = s.table("g").orElseThrow();
    types = t.columnTypes();
  }

  @AfterEach
  void close() {
    CheckReport r = db.check();
    db.close();
    assertTrue(r.ok(), r.problems().toString());
  }

  /**
   * The join: source LEFT JOIN (target's row identity, id, v) ON sid = id; join row = sid, sv, op,
   * rowid, id, v (rowid at 3). In the change row the target's current values come first (0, 1),
   * then the join row (2..7): s.sid = 2, s.sv = 3, s.op = 4.
   */
  static Plan merge(Table t, List<Object[]> source, boolean withReturning) {
    List<ColumnType> types = t.columnTypes();
    PlanBuilder b = new PlanBuilder();
    Plan src = b.values(SOURCE, source, List.of(), null);
    Plan target = b.seqScan(t.relation(), t.name(), types, List.of(), List.of(new Expr.RowIdentity(), col(0, B), col(1, B)), 100);
    Plan join = b.hashJoin(src, target, JoinType.LEFT, List.of(col(0, B)), List.of(col(1, B)), List.of(), List.of(), null);
    Expr sid = col(2, B);
    Expr sv = col(3, B);
    Expr op = col(4, I);
    List<MergeAction> actions = List.of(
        MergeAction.matchedDelete(eq(op, lit(0))),
        MergeAction.matchedNothing(lt(sv, lit(0L))),
        MergeAction.matchedUpdate(null, assign(types, Map.of(1, add(col(1, B), sv)))),
        MergeAction.notMatchedInsert(PlanBuilder.not(lt(sv, lit(0L))), List.of(sid, sv)));
    return b.merge(join, t.relation(), t.name(), types, 3, actions,
        withReturning ? List.of(col(0, B), col(1, B), PlanBuilder.mergeAction(types, join)) : null);
  }

  private List<String> run(Session session, List<Object[]> source) {
    return UpsertPlanTest.drain(session.run(merge(t, source, true)));
  }

  private Map<Long, Long> table() {
    Map<Long, Long> out = new TreeMap<>();
    for (Row r : s.scan("g")) {
      out.put((Long) r.get("id"), (Long) r.get("v"));
    }
    return out;
  }

  @Test
  void clausesAreTriedInOrderAndReturningNamesTheAction() {
    s.insert("g", 1L, 10L);
    s.insert("g", 2L, 20L);
    s.insert("g", 3L, 30L);
    List<String> out = run(s, List.<Object[]>of(new Object[] {1L, 5L, 0}, new Object[] {2L, -1L, 1}, new Object[] {3L, 4L, 1},
        new Object[] {4L, 40L, 1}, new Object[] {5L, -5L, 1}));
    // 1: delete (op 0 comes first even though sv >= 0); 2: DO NOTHING (not returned);
    // 3: update; 4: insert; 5: not matched with sv < 0: no clause
    assertEquals(new HashSet<>(List.of("[1, 10, DELETE]", "[3, 34, UPDATE]", "[4, 40, INSERT]")), new HashSet<>(out));
    assertEquals(3, out.size());
    assertEquals(Map.of(2L, 20L, 3L, 34L, 4L, 40L), table());
  }

  @Test
  void aTargetRowMatchedTwiceIs21000UnlessOnlyOneMatchChangesIt() {
    s.insert("g", 1L, 10L);
    DatabaseException e = assertThrows(DatabaseException.class,
        () -> run(s, List.<Object[]>of(new Object[] {1L, 1L, 1}, new Object[] {1L, 2L, 1})));
    assertEquals(SqlState.CARDINALITY_VIOLATION, e.sqlState());
    assertEquals("MERGE command cannot affect row a second time", e.getMessage());
    assertEquals(SqlState.CARDINALITY_VIOLATION, assertThrows(DatabaseException.class,
        () -> run(s, List.<Object[]>of(new Object[] {1L, 1L, 0}, new Object[] {1L, 2L, 0}))).sqlState(), "two deletes");
    assertEquals(Map.of(1L, 10L), table(), "rolled back");
    // one of the two matches does nothing: no second change, no error
    assertEquals(List.of("[1, 13, UPDATE]"), run(s, List.<Object[]>of(new Object[] {1L, -1L, 1}, new Object[] {1L, 3L, 1})));
    assertEquals(Map.of(1L, 13L), table());
  }

  @Test
  void explainSaysMergeAndCountsEachAction() {
    s.insert("g", 1L, 10L);
    s.insert("g", 2L, 20L);
    Plan p = merge(t, List.<Object[]>of(new Object[] {1L, 1L, 1}, new Object[] {2L, 1L, 0}, new Object[] {3L, 1L, 1},
        new Object[] {4L, -1L, 1}), false);
    assertTrue(Explain.plan(p).startsWith("Merge on g  (cost="), Explain.plan(p));
    String a = s.explainAnalyze(p);
    assertTrue(a.contains("Tuples: inserted=1 updated=1 deleted=1 skipped=1\n"), a);
  }

  /** Random targets and random batches (distinct source keys, so no 21000) against a map. */
  @Test
  void randomMergesAgreeWithAMap() {
    Random rnd = new Random(4242);
    Map<Long, Long> ref = new HashMap<>();
    for (int round = 0; round < 120; round++) {
      List<Object[]> batch = new ArrayList<>();
      Set<Long> used = new HashSet<>();
      int size = rnd.nextInt(12);
      while (batch.size() < size) {
        long sid = rnd.nextInt(30);
        if (used.add(sid)) {
          batch.add(new Object[] {sid, (long) (rnd.nextInt(21) - 5), rnd.nextInt(6)});
        }
      }
      Set<String> expected = new HashSet<>();
      for (Object[] r : batch) {
        long sid = (Long) r[0];
        long sv = (Long) r[1];
        int op = (Integer) r[2];
        Long cur = ref.get(sid);
        if (cur != null) {
          if (op == 0) {
            ref.remove(sid);
            expected.add(Arrays.toString(new Object[] {sid, cur, "DELETE"}));
          } else if (sv >= 0) {
            ref.put(sid, cur + sv);
            expected.add(Arrays.toString(new Object[] {sid, cur + sv, "UPDATE"}));
          }
        } else if (sv >= 0) {
          ref.put(sid, sv);
          expected.add(Arrays.toString(new Object[] {sid, sv, "INSERT"}));
        }
      }
      List<String> out = run(s, batch);
      assertEquals(expected.size(), out.size(), "round " + round);
      assertEquals(expected, new HashSet<>(out), "round " + round);
      assertEquals(new TreeMap<>(ref), table(), "round " + round);
    }
  }

  @Test
  void repeatableReadRaises40001ForAConcurrentlyChangedTarget() {
    s.insert("g", 1L, 10L);
    try (Session other = db.openSession()) {
      s.begin(IsolationLevel.REPEATABLE_READ);
      s.scan("g");
      other.update("g", other.lookup("g", "g_pkey", 1L).get(0).id(), Map.of("v", 11L));
      assertEquals(SqlState.SERIALIZATION_FAILURE, assertThrows(DatabaseException.class,
          () -> run(s, List.<Object[]>of(new Object[] {1L, 1L, 1}))).sqlState());
      s.rollback();
      s.begin(IsolationLevel.REPEATABLE_READ);
      s.scan("g");
      other.delete("g", other.lookup("g", "g_pkey", 1L).get(0).id());
      assertEquals(SqlState.SERIALIZATION_FAILURE, assertThrows(DatabaseException.class,
          () -> run(s, List.<Object[]>of(new Object[] {1L, 1L, 0}))).sqlState());
      s.rollback();
    }
  }

  @Test
  void readCommittedActsOnTheNewestVersionAndChoosesTheClauseAgain() {
    s.insert("g", 1L, 10L);
    s.insert("g", 2L, 20L);
    try (Session other = db.openSession()) {
      // the newest version gets the update: 100 + 5, not 10 + 5
      other.begin();
      other.update("g", other.lookup("g", "g_pkey", 1L).get(0).id(), Map.of("v", 100L));
      CompletableFuture<List<String>> f = CompletableFuture.supplyAsync(() -> run(s, List.<Object[]>of(new Object[] {1L, 5L, 1})));
      awaitWaiter(f);
      other.commit();
      assertEquals(List.of("[1, 105, UPDATE]"), f.join());
      // a target deleted meanwhile: the source row is not matched any more and is inserted
      other.begin();
      other.delete("g", other.lookup("g", "g_pkey", 2L).get(0).id());
      CompletableFuture<List<String>> g = CompletableFuture.supplyAsync(() -> run(s, List.<Object[]>of(new Object[] {2L, 7L, 1})));
      awaitWaiter(g);
      other.commit();
      assertEquals(List.of("[2, 7, INSERT]"), g.join());
    }
    assertEquals(Map.of(1L, 105L, 2L, 7L), table());
  }

  private void awaitWaiter(CompletableFuture<?> f) {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (db.locks().stream().allMatch(l -> l.granted()) && !f.isDone()) {
      assertTrue(System.nanoTime() < deadline, "never waited");
      Thread.onSpinWait();
    }
    assertTrue(!f.isDone(), "did not wait for the other transaction");
  }
}
