package dev.parallax.executor.exec;

import dev.parallax.executor.plan.AggPlan;
import dev.parallax.executor.plan.Expr;
import dev.parallax.executor.plan.LimitPlan;
import dev.parallax.executor.plan.Plan;
import dev.parallax.executor.plan.SortPlan;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * EXPLAIN in PostgreSQL's text layout: one line per node with the planner's estimates, and with
 * ANALYZE the actual time to the first row and in total (milliseconds per loop), rows per loop and
 * loops; details (filters, sort keys, rows removed, and PostgreSQL's {@code Buffers: shared hit=N
 * read=M}: the node's buffer pins, children included, omitted when none) indented below. Plans carry no column names:
 * a column is {@code $n} of the node's input row, and join conditions mark the inner side's
 * columns {@code inner.$n}.
 */
public final class Explain {
  private Explain() {}

  /** The plan with its estimates. */
  public static String plan(Plan plan) {
    StringBuilder out = new StringBuilder();
    write(plan, null, 0, out);
    return out.toString();
  }

  /** The plan with estimates and the actual figures of an execution that has run. */
  public static String analyzed(PlanState root) {
    StringBuilder out = new StringBuilder();
    write(root.plan(), root, 0, out);
    return out.toString();
  }

  private static void write(Plan p, PlanState s, int depth, StringBuilder out) {
    String indent = depth == 0 ? "" : "  ".repeat(depth * 3 - 2) + "->  ";
    String detail = "  ".repeat(depth * 3 + (depth == 0 ? 1 : 1));
    out.append(indent).append(p.label());
    out.append(String.format(Locale.ROOT, "  (cost=0.00..%.2f rows=%d width=%d)", p.estimatedCost(),
        Math.round(p.estimatedRows()), p.outputTypes().size() * 8));
    if (s != null) {
      NodeMetrics m = s.metrics();
      long loops = Math.max(1, m.loops());
      out.append(String.format(Locale.ROOT, " (actual time=%.3f..%.3f rows=%d loops=%d)",
          Math.max(0, m.startupNanos()) / 1e6 / loops, m.totalNanos() / 1e6 / loops, m.rows() / loops, m.loops()));
    }
    out.append('\n');
    if (p instanceof dev.parallax.executor.plan.ResultPlan rp && !rp.oneTimeQuals().isEmpty()) {
      out.append(detail).append("One-Time Filter: ").append(rp.oneTimeQuals().stream().map(Expr::toString)
          .collect(Collectors.joining(" AND "))).append('\n');
    }
    if (!p.quals().isEmpty()) {
      out.append(detail).append(p instanceof AggPlan ? "Filter (HAVING): " : "Filter: ")
          .append(p.quals().stream().map(Expr::toString).collect(Collectors.joining(" AND "))).append('\n');
      if (s != null) {
        out.append(detail).append("Rows Removed by Filter: ").append(s.metrics().removedByFilter()).append('\n');
      }
    }
    if (p instanceof dev.parallax.executor.plan.IndexScanPlan ip) {
      out.append(detail).append("Index Cond: ").append(ip.lower() == null ? "(-inf" : (ip.lowerInclusive() ? "[" : "(")
          + ip.lower()).append(", ").append(ip.upper() == null ? "+inf)" : ip.upper() + (ip.upperInclusive() ? "]" : ")"))
          .append('\n');
      if (s instanceof IndexScanState is && ip.indexOnly()) {
        out.append(detail).append("Heap Fetches: ").append(is.heapFetches).append('\n');
      }
    }
    if (p instanceof SortPlan sp) {
      out.append(detail).append("Sort Key: ").append(sp.keys().stream()
          .map(k -> k.expr() + (k.descending() ? " DESC" : "")).collect(Collectors.joining(", "))).append('\n');
      if (s instanceof SortState ss && ss.method != null) {
        out.append(detail).append("Sort Method: ").append(ss.method).append("  ")
            .append(ss.method.equals("quicksort") ? "Memory: " : "Disk: ").append((ss.methodBytes + 1023) / 1024).append("kB\n");
      }
    }
    if (p instanceof dev.parallax.executor.plan.HashJoinPlan hj) {
      StringBuilder cond = new StringBuilder();
      for (int i = 0; i < hj.outerKeys().size(); i++) {
        cond.append(i == 0 ? "" : " AND ").append(hj.outerKeys().get(i)).append(" = inner.").append(hj.innerKeys().get(i));
      }
      out.append(detail).append("Hash Cond: (").append(cond).append(")\n");
    }
    if (p instanceof dev.parallax.executor.plan.MergeJoinPlan mj) {
      StringBuilder cond = new StringBuilder();
      for (int i = 0; i < mj.outerKeys().size(); i++) {
        cond.append(i == 0 ? "" : " AND ").append(mj.outerKeys().get(i)).append(" = inner.").append(mj.innerKeys().get(i));
      }
      out.append(detail).append("Merge Cond: (").append(cond).append(")\n");
    }
    if (p instanceof dev.parallax.executor.plan.NestLoopPlan nl && !nl.joinQuals().isEmpty()) {
      out.append(detail).append("Join Filter: ").append(nl.joinQuals().stream().map(Expr::toString)
          .collect(Collectors.joining(" AND "))).append('\n');
    }
    if (p instanceof AggPlan ap && !ap.groupBy().isEmpty()) {
      out.append(detail).append("Group Key: ").append(ap.groupBy().stream().map(Expr::toString)
          .collect(Collectors.joining(", "))).append('\n');
    }
    if (p instanceof AggPlan ap) {
      out.append(detail).append("Aggregates: ").append(ap.aggregates().stream().map(Object::toString)
          .collect(Collectors.joining(", "))).append('\n');
    }
    writeNodeDetails(p, s, detail, out);
    if (p instanceof LimitPlan lp && lp.offset() > 0) {
      out.append(detail).append("Offset: ").append(lp.offset()).append('\n');
    }
    if (p instanceof dev.parallax.executor.plan.ModifyTablePlan mp) {
      ModifyTableExplain.details(mp, s, detail, out);
    }
    if (s != null && (s.metrics().sharedHit() > 0 || s.metrics().sharedRead() > 0)) {
      out.append(detail).append("Buffers: shared");
      if (s.metrics().sharedHit() > 0) {
        out.append(" hit=").append(s.metrics().sharedHit());
      }
      if (s.metrics().sharedRead() > 0) {
        out.append(" read=").append(s.metrics().sharedRead());
      }
      out.append('\n');
    }
    writeSubPlans(p, s, depth, detail, out);
    for (int i = 0; i < p.children().size(); i++) {
      write(p.children().get(i), s == null ? null : s.children().get(i), depth + 1, out);
    }
  }

  /** A node's sub-queries, as PostgreSQL shows them: "SubPlan N" and the sub-query's tree below. */
  private static void writeSubPlans(Plan p, PlanState s, int depth, String detail, StringBuilder out) {
    if (s != null) {
      for (SubPlanState sp : s.subPlans) {
        out.append(detail).append("SubPlan ").append(sp.expr().plan().id()).append('\n');
        write(sp.expr().plan(), sp.state(), depth + 1, out);
      }
      return;
    }
    List<Expr> exprs = new java.util.ArrayList<>(p.quals());
    if (p.targetList() != null) {
      exprs.addAll(p.targetList());
    }
    for (Expr.SubPlan sp : SubPlans.in(exprs)) {
      out.append(detail).append("SubPlan ").append(sp.plan().id()).append('\n');
      write(sp.plan(), null, depth + 1, out);
    }
  }

  /**
   * Details of the hash and merge joins, the hashed Aggregate and Merge Append (a Result's
   * One-Time Filter is written above, before the Filter, where PostgreSQL puts it).
   */
  private static void writeNodeDetails(Plan p, PlanState s, String detail, StringBuilder out) {
    java.util.List<Expr> joinFilter = p instanceof dev.parallax.executor.plan.HashJoinPlan h ? h.joinQuals()
        : p instanceof dev.parallax.executor.plan.MergeJoinPlan m ? m.joinQuals() : java.util.List.of();
    if (!joinFilter.isEmpty()) {
      out.append(detail).append("Join Filter: ").append(joinFilter.stream().map(Expr::toString)
          .collect(Collectors.joining(" AND "))).append('\n');
    }
    if (s instanceof HashJoinState hs && hs.hashDetail() != null) {
      out.append(detail).append(hs.hashDetail()).append('\n');
    }
    if (s instanceof AggState as && as.hashed() != null && as.hashed().batches() > 0) {
      out.append(detail).append(as.hashed().detail()).append('\n');
    }
    if (p instanceof dev.parallax.executor.plan.MergeAppendPlan mp) {
      out.append(detail).append("Sort Key: ").append(mp.keys().stream()
          .map(k -> k.expr() + (k.descending() ? " DESC" : "")).collect(Collectors.joining(", "))).append('\n');
    }
  }
}
