package dev.parallax.api.cli;

import static dev.parallax.executor.plan.PlanBuilder.add;
import static dev.parallax.executor.plan.PlanBuilder.assign;
import static dev.parallax.executor.plan.PlanBuilder.col;
import static dev.parallax.executor.plan.PlanBuilder.eq;
import static dev.parallax.executor.plan.PlanBuilder.gt;
import static dev.parallax.executor.plan.PlanBuilder.lit;
import static dev.parallax.executor.plan.PlanBuilder.lt;

import dev.parallax.api.Column;
import dev.parallax.api.Database;
import dev.parallax.api.Row;
import dev.parallax.api.Session;
import dev.parallax.api.Table;
import dev.parallax.executor.exec.QueryCursor;
import dev.parallax.executor.plan.Expr;
import dev.parallax.executor.plan.JoinType;
import dev.parallax.executor.plan.MergeAction;
import dev.parallax.executor.plan.Plan;
import dev.parallax.executor.plan.PlanBuilder;
import dev.parallax.mvcc.ColumnType;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The demo's MERGE scene: a batch of stock movements (sku, delta) merged into a stock table,
 * each source row taking the first WHEN clause that applies, with RETURNING showing what each
 * action did (merge_action()) and EXPLAIN ANALYZE counting them:
 *
 * <pre>
 *   MERGE INTO stock t USING batch s ON t.sku = s.sku
 *   WHEN MATCHED AND t.qty + s.delta &lt; 1 THEN DELETE
 *   WHEN MATCHED AND s.delta = 0 THEN DO NOTHING
 *   WHEN MATCHED THEN UPDATE SET qty = t.qty + s.delta
 *   WHEN NOT MATCHED AND s.delta &gt; 0 THEN INSERT VALUES (s.sku, s.delta)
 *   RETURNING t.sku, t.qty, merge_action()
 * </pre>
 */
final class MergeScene {
  private static final String TABLE = "stock";
  private static final ColumnType B = ColumnType.BIGINT;
  private final Database db;
  private final PrintStream out;

  MergeScene(Database db, PrintStream out) {
    this.db = db;
    this.out = out;
  }

  /** Runs the scene; true when the returned actions and the table are what the clauses say. */
  boolean run() {
    out.println("== 7. MERGE: a batch of stock movements, each row taking the first WHEN clause that applies ==");
    try (Session s = db.openSession()) {
      if (s.table(TABLE).isPresent()) {
        s.dropTable(TABLE);
      }
      s.createTable(TABLE, List.of(Column.of("sku", B), Column.of("qty", B)), List.of("sku"));
      s.begin();
      for (long sku = 1; sku <= 4; sku++) {
        s.insert(TABLE, sku, 10L);
      }
      s.commit();
      Table t = s.table(TABLE).orElseThrow();
      List<Object[]> batch = List.of(new Object[] {1L, 5L}, new Object[] {2L, -10L}, new Object[] {3L, 0L},
          new Object[] {6L, 7L}, new Object[] {7L, -3L});
      out.println("  stock: sku 1..4 with qty 10; batch (sku, delta): "
          + batch.stream().map(Arrays::toString).toList());
      Plan merge = plan(t, batch);
      List<String> actions = new ArrayList<>();
      try (QueryCursor c = s.run(merge)) {
        while (c.next()) {
          Object[] r = c.row();
          out.printf("  %-6s sku %d -> qty %d (delta %d)%n", r[2], r[0], r[1], r[3]);
          actions.add(r[2] + " " + r[0]);
        }
      }
      out.println("  (sku 3: delta 0, DO NOTHING; sku 7: not matched and delta <= 0, no clause: neither is returned)");
      Map<Long, Long> stock = new TreeMap<>();
      for (Row r : s.scan(TABLE)) {
        stock.put((Long) r.get("sku"), (Long) r.get("qty"));
      }
      out.println("  stock now: " + stock);
      // the same batch again under EXPLAIN ANALYZE, rolled back: sku 1 and 6 are matched now, 2 and 7 are not
      out.println("  the same batch again, EXPLAIN ANALYZE (rolled back):");
      s.begin();
      String analyzed = s.explainAnalyze(merge);
      s.rollback();
      out.print(analyzed.lines().filter(l -> l.startsWith("Merge") || l.contains("Tuples:"))
          .map(l -> "    " + l.replaceAll("\\s*\\(actual.*", "").trim() + "\n").reduce("", String::concat));
      boolean counted = analyzed.contains("Tuples: inserted=0 updated=2 deleted=0 skipped=3");
      out.println();
      return counted && actions.equals(List.of("UPDATE 1", "DELETE 2", "INSERT 6"))
          && stock.equals(Map.of(1L, 15L, 3L, 10L, 4L, 10L, 6L, 7L));
    }
  }

  /** Source LEFT JOIN (row identity, sku, qty) of stock; change rows are t.sku, t.qty, then the join row. */
  static Plan plan(Table t, List<Object[]> batch) {
    List<ColumnType> types = t.columnTypes();
    PlanBuilder b = new PlanBuilder();
    Plan source = b.values(List.of(B, B), batch, List.of(), null);
    Plan target = b.seqScan(t.relation(), t.name(), types, List.of(), List.of(new Expr.RowIdentity(), col(0, B), col(1, B)), 10);
    // join row: s.sku 0, s.delta 1, t.rowid 2, t.sku 3, t.qty 4; in the change row add 2 (t.sku 0, t.qty 1 first)
    Plan join = b.hashJoin(source, target, JoinType.LEFT, List.of(col(0, B)), List.of(col(1, B)), List.of(), List.of(), null);
    Expr qty = col(1, B);
    Expr sku = col(2, B);
    Expr delta = col(3, B);
    List<MergeAction> actions = List.of(
        MergeAction.matchedDelete(lt(add(qty, delta), lit(1L))),
        MergeAction.matchedNothing(eq(delta, lit(0L))),
        MergeAction.matchedUpdate(null, assign(types, Map.of(1, add(qty, delta)))),
        MergeAction.notMatchedInsert(gt(delta, lit(0L)), List.of(sku, delta)));
    return b.merge(join, t.relation(), t.name(), types, 2, actions,
        List.of(col(0, B), col(1, B), PlanBuilder.mergeAction(types, join), delta));
  }
}
