package dev.parallax.api;

import static dev.parallax.executor.plan.PlanBuilder.col;
import static dev.parallax.executor.plan.PlanBuilder.lit;
import static dev.parallax.executor.plan.PlanBuilder.param;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallax.executor.exec.QueryCursor;
import dev.parallax.executor.plan.AggCall;
import dev.parallax.executor.plan.Expr;
import dev.parallax.executor.plan.JoinType;
import dev.parallax.executor.plan.ModifyTablePlan.Operation;
import dev.parallax.executor.plan.NestLoopPlan;
import dev.parallax.executor.plan.Plan;
import dev.parallax.executor.plan.PlanBuilder;
import dev.parallax.mvcc.ColumnType;
import dev.parallax.mvcc.IndexKeyCodec;
import dev.parallax.storage.BufferUsage;
import dev.parallax.storage.StorageSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * EXPLAIN ANALYZE's per-node "Buffers: shared hit=N read=M": every pin a node makes (its own
 * pages, index descents, heap fetches, index insertions) is counted once, as a hit when the page
 * was in the pool and as a read when it was not, and a node's figures include its children's.
 */
class ExplainBuffersTest {
  private static final String PAD = "x".repeat(200);

  private static Database db(int poolPages) {
    return Database.inMemory(DatabaseSettings.defaults().withAutovacuumIntervalMillis(0)
        .withStorage(StorageSettings.defaults().withBufferPoolPages(poolPages)));
  }

  private static Table fill(Session s, int rows) {
    Table t = s.createTable("t", List.of(Column.of("id", ColumnType.INTEGER), Column.of("pad", ColumnType.TEXT)), List.of("id"));
    s.begin();
    for (int i = 0; i < rows; i++) {
      s.insert("t", i, PAD);
    }
    s.commit();
    s.scan("t"); // sets hint bits, so the measured runs dirty nothing
    return s.table("t").orElseThrow();
  }

  /** {hit, read} of the first node whose line contains {@code label}; {0, 0} when it shows no Buffers line. */
  static long[] buffers(String explain, String label) {
    String[] lines = explain.split("\n");
    for (int i = 0; i < lines.length; i++) {
      if (!lines[i].contains(label)) {
        continue;
      }
      for (int j = i + 1; j < lines.length && !lines[j].contains("->"); j++) {
        if (lines[j].trim().startsWith("Buffers: shared")) {
          return new long[] {number(lines[j], "hit"), number(lines[j], "read")};
        }
      }
      return new long[] {0, 0};
    }
    throw new AssertionError("no node " + label + " in\n" + explain);
  }

  private static long number(String line, String name) {
    Matcher m = Pattern.compile(name + "=(\\d+)").matcher(line);
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }

  @Test
  void aSeqScanPinsEveryPageOnceAndItsParentIncludesThem() {
    try (Database db = db(4096); Session s = db.openSession()) {
      Table t = fill(s, 2000);
      int blocks = db.storage().bufferPool().blockCount(t.relation());
      assertTrue(blocks > 20, "the table spans many pages: " + blocks);
      PlanBuilder b = new PlanBuilder();
      Plan plan = b.aggregate(b.seqScan(t.relation(), t.name(), t.columnTypes(), List.of(), null, 2000),
          List.of(AggCall.countStar()), List.of(), null);
      String explain = s.explainAnalyze(plan);
      long[] scan = buffers(explain, "Seq Scan on t");
      assertEquals(blocks, scan[0], "every page was in the pool, pinned once:\n" + explain);
      assertEquals(0, scan[1], explain);
      assertTrue(explain.contains("Buffers: shared hit=" + blocks + "\n"), "PostgreSQL's layout, no read=0:\n" + explain);
      assertEquals(List.of(scan[0], scan[1]), List.of(buffers(explain, "Aggregate")[0], buffers(explain, "Aggregate")[1]),
          "the aggregate's figure includes its child's:\n" + explain);
      // without ANALYZE nothing is counted
      try (QueryCursor c = s.run(plan)) {
        assertTrue(c.next());
        assertEquals(0, c.state().metrics().sharedHit());
      }
    }
  }

  @Test
  void pagesNotInThePoolAreCountedAsReads() {
    try (Database db = db(64); Session s = db.openSession()) {
      Table t = fill(s, 10_000);
      int blocks = db.storage().bufferPool().blockCount(t.relation());
      assertTrue(blocks > 3 * 64, "the table is several times the pool: " + blocks);
      PlanBuilder b = new PlanBuilder();
      Plan plan = b.seqScan(t.relation(), t.name(), t.columnTypes(), List.of(), null, 10_000);
      String explain = s.explainAnalyze(plan);
      long[] scan = buffers(explain, "Seq Scan on t");
      assertEquals(blocks, scan[0] + scan[1], "each page pinned once, found or read:\n" + explain);
      assertTrue(scan[1] >= blocks - 64, "at most a pool's worth can have been found:\n" + explain);
      assertTrue(explain.contains(" read=" + scan[1]), explain);
    }
  }

  @Test
  void anIndexScanCountsItsDescentAndHeapFetchAndANestedLoopIncludesEveryLoop() {
    try (Database db = db(4096); Session s = db.openSession()) {
      Table t = fill(s, 3000);
      Index pkey = t.index("t_pkey").orElseThrow();
      // what one descent of this tree pins, measured on this thread through the tree itself
      BufferUsage usage = BufferUsage.current();
      long before = usage.sharedHit() + usage.sharedRead();
      assertEquals(1, db.tree(pkey.relation()).lookup(IndexKeyCodec.encode(new ColumnType[] {ColumnType.INTEGER},
          new Object[] {1234})).length);
      long descent = usage.sharedHit() + usage.sharedRead() - before;
      assertTrue(descent >= 2, "3000 keys need more than one index level: " + descent);

      PlanBuilder b = new PlanBuilder();
      List<Expr> key = List.of(param(0, ColumnType.INTEGER));
      Plan point = b.indexScan(t.relation(), t.name(), t.columnTypes(), pkey.relation(), pkey.name(), List.of(0), key, true,
          key, true, true, false, List.of(), null, 1);
      String explain = s.explainAnalyze(point, 1234);
      long[] scan = buffers(explain, "Index Scan using t_pkey on t");
      assertEquals(0, scan[1], explain);
      // the descent, the heap page, and at most one right sibling to see that the key run ended
      assertTrue(scan[0] >= descent + 1 && scan[0] <= descent + 2, "descent " + descent + ":\n" + explain);

      List<Object[]> keys = new ArrayList<>();
      for (int k : new int[] {5, 777, 2999, 123456}) {
        keys.add(new Object[] {k});
      }
      Plan outer = b.values(List.of(ColumnType.INTEGER), keys, List.of(), null);
      List<Expr> outerKey = List.of(new Expr.OuterParam(0, ColumnType.INTEGER));
      Plan inner = b.indexScan(t.relation(), t.name(), t.columnTypes(), pkey.relation(), pkey.name(), List.of(0), outerKey,
          true, outerKey, true, true, false, List.of(), null, 1);
      Plan join = b.nestLoop(outer, inner, JoinType.INNER, List.of(), List.of(new NestLoopPlan.NestParam(0, 0)), List.of(),
          List.of(col(0, ColumnType.INTEGER)));
      String nl = s.explainAnalyze(join);
      long[] innerFigures = buffers(nl, "Index Scan using t_pkey on t");
      assertTrue(innerFigures[0] >= 4 * descent + 3, "four descents and three heap fetches:\n" + nl);
      long[] joinFigures = buffers(nl, "Nested Loop");
      assertEquals(innerFigures[0], joinFigures[0], "the join's figure includes every loop of its inner side:\n" + nl);

      // index-only after vacuum: the index pages and the visibility map, no heap page
      db.vacuum();
      Plan only = b.indexScan(t.relation(), t.name(), t.columnTypes(), pkey.relation(), pkey.name(), List.of(0),
          List.of(lit(10)), true, List.of(lit(20)), true, true, true, List.of(), null, 11);
      String io = s.explainAnalyze(only);
      assertTrue(io.contains("Heap Fetches: 0"), io);
      assertTrue(buffers(io, "Index Only Scan")[0] >= descent, io);
    }
  }

  @Test
  void modifyTableCountsItsHeapAndIndexWrites() {
    try (Database db = db(4096); Session s = db.openSession()) {
      Table t = fill(s, 3000);
      Table plain = s.createTable("plain", Column.of("id", ColumnType.INTEGER), Column.of("pad", ColumnType.TEXT));
      List<Object[]> rows = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        rows.add(new Object[] {10_000 + i, "p"});
      }
      String withIndex = s.explainAnalyze(insert(t, rows));
      String withoutIndex = s.explainAnalyze(insert(plain, rows));
      long indexed = buffers(withIndex, "Insert on t")[0];
      long heapOnly = buffers(withoutIndex, "Insert on plain")[0];
      assertTrue(heapOnly >= 190, "a heap page pinned per row (a few rows go to new, unpinned pages):\n" + withoutIndex);
      assertTrue(indexed - heapOnly >= 2 * 200, "each row's unique insertion descends at least two index levels: "
          + indexed + " vs " + heapOnly + "\n" + withIndex + withoutIndex);
      assertEquals(0, buffers(withIndex, "Values Scan")[0], withIndex);
    }
  }

  private static Plan insert(Table t, List<Object[]> rows) {
    PlanBuilder b = new PlanBuilder();
    return b.modify(b.values(t.columnTypes(), rows, List.of(), null), Operation.INSERT, t.relation(), t.name(),
        t.columnTypes(), -1, null, null);
  }
}
