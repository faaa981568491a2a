package dev.parallax.api;

import static dev.parallax.executor.plan.PlanBuilder.add;
import static dev.parallax.executor.plan.PlanBuilder.assign;
import static dev.parallax.executor.plan.PlanBuilder.childColumn;
import static dev.parallax.executor.plan.PlanBuilder.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallax.executor.plan.Expr;
import dev.parallax.executor.plan.JoinType;
import dev.parallax.executor.plan.ModifyTablePlan.Operation;
import dev.parallax.executor.plan.Plan;
import dev.parallax.executor.plan.PlanBuilder;
import dev.parallax.mvcc.ColumnType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * UPDATE g SET v = g.v + s.delta FROM s WHERE g.id = s.sid RETURNING g.id, g.v, s.delta, and
 * DELETE FROM g USING s WHERE g.id = s.sid: the new values read the joined source row; a target
 * row joined to several source rows is changed once, by the first of them in the join's order
 * (PostgreSQL leaves which one unspecified); under READ COMMITTED the same expression is applied
 * to the newest version.
 */
class UpdateFromPlanTest {
  static final ColumnType B = ColumnType.BIGINT;
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

  /** Join row: rowid, id, v (the target scan), then sid, delta (the source); rowid at 0. */
  private Plan join(PlanBuilder b, List<Object[]> source) {
    Plan target = b.seqScan(t.relation(), t.name(), types, List.of(), List.of(new Expr.RowIdentity(), col(0, B), col(1, B)), 100);
    Plan src = b.values(List.of(B, B), source, List.of(), null);
    return b.hashJoin(target, src, JoinType.INNER, List.of(col(1, B)), List.of(col(0, B)), List.of(), List.of(), null);
  }

  private Plan updateFrom(List<Object[]> source) {
    PlanBuilder b = new PlanBuilder();
    Plan j = join(b, source);
    Expr delta = childColumn(types, j, 4);
    return b.modify(j, Operation.UPDATE, t.relation(), t.name(), types, 0, assign(types, Map.of(1, add(col(1, B), delta))),
        List.of(col(0, B), col(1, B), delta));
  }

  private Map<Long, Long> table() {
    Map<Long, Long> out = new HashMap<>();
    for (Row r : s.scan("g")) {
      out.put((Long) r.get("id"), (Long) r.get("v"));
    }
    return out;
  }

  @Test
  void newValuesReadTheSourceAndEachTargetRowIsUpdatedOnce() {
    Random rnd = new Random(99);
    for (long i = 0; i < 40; i++) {
      s.insert("g", i, 1000 * i);
    }
    for (int round = 0; round < 20; round++) {
      Map<Long, Long> before = table();
      List<Object[]> source = new ArrayList<>();
      Map<Long, Set<Long>> deltas = new HashMap<>();
      for (int i = 0; i < 30; i++) {
        long sid = rnd.nextInt(50); // some match no target
        long delta = 1 + rnd.nextInt(100);
        source.add(new Object[] {sid, delta});
        deltas.computeIfAbsent(sid, k -> new HashSet<>()).add(delta);
      }
      List<String> out = UpsertPlanTest.drain(s.run(updateFrom(source)));
      Map<Long, Long> after = table();
      Set<Long> updated = new HashSet<>();
      for (String row : out) {
        String[] f = row.substring(1, row.length() - 1).split(", ");
        long id = Long.parseLong(f[0]);
        long v = Long.parseLong(f[1]);
        long delta = Long.parseLong(f[2]);
        assertTrue(updated.add(id), "row " + id + " updated twice in round " + round);
        assertTrue(deltas.get(id).contains(delta), "delta from one of the row's source rows");
        assertEquals(before.get(id) + delta, v, "v = old v + that delta");
        assertEquals(v, after.get(id));
      }
      for (Map.Entry<Long, Long> e : before.entrySet()) {
        boolean joined = deltas.containsKey(e.getKey());
        assertEquals(joined, updated.contains(e.getKey()), "row " + e.getKey() + " updated iff joined");
        if (!joined) {
          assertEquals(e.getValue(), after.get(e.getKey()));
        }
      }
    }
  }

  @Test
  void deleteUsingDeletesEachJoinedRowOnce() {
    for (long i = 0; i < 10; i++) {
      s.insert("g", i, i);
    }
    PlanBuilder b = new PlanBuilder();
    Plan j = join(b, List.of(new Object[] {1L, 0L}, new Object[] {1L, 0L}, new Object[] {4L, 0L}, new Object[] {42L, 0L}));
    List<String> out = UpsertPlanTest.drain(s.run(b.modify(j, Operation.DELETE, t.relation(), t.name(), types, 0, null,
        List.of(col(0, B)))));
    assertEquals(Set.of("[1]", "[4]"), new HashSet<>(out));
    assertEquals(2, out.size());
    assertEquals(8, table().size());
  }

  @Test
  void readCommittedReappliesTheSourceDeltaToTheNewestVersion() {
    s.insert("g", 1L, 10L);
    try (Session other = db.openSession()) {
      other.begin();
      other.update("g", other.lookup("g", "g_pkey", 1L).get(0).id(), Map.of("v", 500L));
      CompletableFuture<List<String>> f = CompletableFuture.supplyAsync(
          () -> UpsertPlanTest.drain(s.run(updateFrom(List.<Object[]>of(new Object[] {1L, 7L})))));
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (db.locks().stream().allMatch(l -> l.granted()) && !f.isDone()) {
        assertTrue(System.nanoTime() < deadline, "never waited");
        Thread.onSpinWait();
      }
      other.commit();
      assertEquals(List.of("[1, 507, 7]"), f.join());
    }
  }
}
