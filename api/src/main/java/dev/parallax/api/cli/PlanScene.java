package dev.parallax.api.cli;

import static dev.parallax.executor.plan.PlanBuilder.col;
import static dev.parallax.executor.plan.PlanBuilder.lit;
import static dev.parallax.executor.plan.PlanBuilder.mod;

import dev.parallax.api.Database;
import dev.parallax.api.Session;
import dev.parallax.api.Table;
import dev.parallax.executor.exec.QueryCursor;
import dev.parallax.executor.plan.AggCall;
import dev.parallax.executor.plan.AggFunction;
import dev.parallax.executor.plan.Expr;
import dev.parallax.executor.plan.JoinType;
import dev.parallax.executor.plan.Plan;
import dev.parallax.executor.plan.PlanBuilder;
import dev.parallax.mvcc.ColumnType;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * The demo's executor scene: a plan joining the accounts to a small table of branches (each
 * account belongs to branch id % 3), grouped by branch with count and sum, then its EXPLAIN
 * ANALYZE. The totals must add up to the bank's.
 */
final class PlanScene {
  private final Database db;
  private final PrintStream out;
  private final String table;

  PlanScene(Database db, PrintStream out, String table) {
    this.db = db;
    this.out = out;
    this.table = table;
  }

  /** Runs the scene; true when the branch totals add up to {@code expectedTotal}. */
  boolean run(long expectedTotal) {
    out.println("== 6. A plan: accounts joined to branches, grouped, and its EXPLAIN ANALYZE ==");
    try (Session s = db.openSession()) {
      Table t = s.table(table).orElseThrow();
      PlanBuilder b = new PlanBuilder();
      // accounts (id, owner, balance) projected to (id % 3, balance)
      Plan accounts = b.seqScan(t.relation(), t.name(), t.columnTypes(), List.of(),
          List.of(mod(col(0, ColumnType.BIGINT), lit(3L)), col(2, ColumnType.BIGINT)), 50);
      Plan branches = b.values(List.of(ColumnType.BIGINT, ColumnType.TEXT),
          List.of(new Object[] {0L, "north"}, new Object[] {1L, "south"}, new Object[] {2L, "west"}), List.of(), null);
      Plan join = b.hashJoin(accounts, branches, JoinType.INNER, List.of(col(0, ColumnType.BIGINT)),
          List.of(col(0, ColumnType.BIGINT)), List.of(), List.of(), null);
      Expr branchName = col(3, ColumnType.TEXT);
      Plan grouped = b.groupAggregate(join, List.of(branchName),
          List.of(AggCall.countStar(), AggCall.of(AggFunction.SUM, col(1, ColumnType.BIGINT))), List.of(), null);
      Plan plan = b.sort(grouped, dev.parallax.executor.plan.SortKey.asc(col(0, ColumnType.TEXT)));
      long total = 0;
      try (QueryCursor c = s.run(plan)) {
        while (c.next()) {
          Object[] row = c.row();
          out.println("  " + Arrays.toString(row));
          total += ((java.math.BigDecimal) row[2]).longValueExact();
        }
      }
      out.print(s.explainAnalyze(plan).lines().map(l -> "  " + l + "\n").reduce("", String::concat));
      out.println();
      return total == expectedTotal;
    }
  }
}
