package dev.parallax.sql.plan;

import dev.parallax.executor.plan.BinaryOp;
import dev.parallax.executor.plan.Expr;
import dev.parallax.executor.plan.JoinType;
import dev.parallax.executor.plan.NestLoopPlan;
import dev.parallax.executor.plan.Plan;
import dev.parallax.sql.SqlCatalog;
import dev.parallax.sql.bind.Bound;
import dev.parallax.sql.bind.Exprs;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Joins two planned inputs, choosing the method by cost: a hash join when there are equality
 * keys (every join type); a nested loop whose inner side is an index scan parameterised by the
 * outer row when the inner side is a base table with an index on its join key (INNER, LEFT);
 * a nested loop over a materialised inner side otherwise (INNER, LEFT; RIGHT by swapping the
 * sides). A FULL join without equality keys is 0A000, as in PostgreSQL.
 *
 * <p>Where the join-order search (dynamic programming up to 8 relations, greedy above) will go:
 * {@link QueryPlanner#planFrom} joins in the order written; it calls {@link #join} for each pair, so
 * a search only has to call it for candidate pairs and keep the cheapest per relation set.
 */
final class JoinPlanner {
  private final Nodes nodes;

  JoinPlanner(Nodes nodes) {
    this.nodes = nodes;
  }

  /** A planned input: its plan, the global column number of each output column, its range entries. */
  record Rel(Plan plan, List<Integer> layout, Set<Integer> ranges) {}

  /**
   * Joins {@code outer} and {@code inner}. {@code innerTable} (its range entry, with the quals
   * already pushed into its scan) is given when the inner side is one base table, for the
   * parameterised index path. {@code joinQuals} are the join's conditions, {@code filters} what
   * must hold on its output rows.
   */
  Rel join(Rel outer, Rel inner, Bound.RangeEntry innerTable, List<Expr> innerQuals, JoinType type, List<Expr> joinQuals,
      List<Expr> filters) {
    List<Integer> layout = new ArrayList<>(outer.layout());
    layout.addAll(inner.layout());
    Set<Integer> ranges = new java.util.TreeSet<>(outer.ranges());
    ranges.addAll(inner.ranges());
    Map<Integer, Integer> outerPos = positions(outer.layout());
    Map<Integer, Integer> innerPos = positions(inner.layout());
    Map<Integer, Integer> joinedPos = positions(layout);

    List<Expr> outerKeys = new ArrayList<>();
    List<Expr> innerKeys = new ArrayList<>();
    List<Expr> others = new ArrayList<>();
    List<Expr> keyQuals = new ArrayList<>();
    for (Expr q : joinQuals) {
      if (q instanceof Expr.Binary b && b.op() == BinaryOp.EQ) {
        Set<Integer> l = Exprs.columns(b.left());
        Set<Integer> r = Exprs.columns(b.right());
        if (!l.isEmpty() && !r.isEmpty() && outerPos.keySet().containsAll(l) && innerPos.keySet().containsAll(r)) {
          outerKeys.add(b.left());
          innerKeys.add(b.right());
          keyQuals.add(q);
          continue;
        }
        if (!l.isEmpty() && !r.isEmpty() && innerPos.keySet().containsAll(l) && outerPos.keySet().containsAll(r)) {
          outerKeys.add(b.right());
          innerKeys.add(b.left());
          keyQuals.add(q);
          continue;
        }
      }
      others.add(q);
    }
    double filterSel = CostModel.selectivity(filters) * CostModel.selectivity(others);
    double outRows = CostModel.joinRows(outer.plan().estimatedRows(), inner.plan().estimatedRows(), !outerKeys.isEmpty(), filterSel);
    if (type == JoinType.LEFT || type == JoinType.FULL) {
      outRows = Math.max(outRows, outer.plan().estimatedRows());
    }
    if (type == JoinType.SEMI || type == JoinType.ANTI) {
      outRows = Math.max(1, Math.min(outRows, outer.plan().estimatedRows()) * (type == JoinType.ANTI ? 0.5 : 1));
    }
    if (type == JoinType.RIGHT || type == JoinType.FULL) {
      outRows = Math.max(outRows, inner.plan().estimatedRows());
    }
    List<Expr> mappedFilters = remap(filters, joinedPos);
    Plan best = null;

    if (!outerKeys.isEmpty()) {
      double cost = CostModel.hashJoin(outer.plan().estimatedCost(), outer.plan().estimatedRows(), inner.plan().estimatedCost(),
          inner.plan().estimatedRows(), outRows);
      best = nodes.hashJoin(outer.plan(), inner.plan(), type, remap(outerKeys, outerPos), remap(innerKeys, innerPos),
          remap(others, joinedPos), mappedFilters, outRows, cost);
    }
    boolean loop = type == JoinType.INNER || type == JoinType.LEFT || type == JoinType.SEMI || type == JoinType.ANTI;
    if (innerTable != null && loop && !outerKeys.isEmpty()) {
      Plan p = parameterised(outer, innerTable, innerQuals, type, outerKeys, innerKeys, keyQuals, others, joinedPos,
          mappedFilters, outRows);
      if (p != null && (best == null || p.estimatedCost() < best.estimatedCost())) {
        best = p;
      }
    }
    if (loop) {
      Plan inner2 = nodes.material(inner.plan());
      double cost = CostModel.nestLoop(outer.plan().estimatedCost(), outer.plan().estimatedRows(), inner2.estimatedCost(),
          inner.plan().estimatedRows(), outRows, true);
      if (best == null || cost < best.estimatedCost()) {
        best = nodes.nestLoop(outer.plan(), inner2, type, remap(joinQuals, joinedPos), List.of(), mappedFilters, outRows, cost);
      }
    }
    if (best == null && type == JoinType.RIGHT) {
      // swap the sides: a LEFT nested loop with the old inner side outside
      Rel swapped = join(inner, outer, null, List.of(), JoinType.LEFT, joinQuals, filters);
      return swapped;
    }
    if (best == null) {
      throw new DatabaseException(SqlState.FEATURE_NOT_SUPPORTED,
          "feature not supported: FULL JOIN is only supported with equality join conditions");
    }
    return new Rel(best, layout, ranges);
  }

  /**
   * A nested loop whose inner side is an index scan of {@code table} with the join key's outer
   * values as internal parameters, or null if no index of the table starts with an inner key column.
   */
  private Plan parameterised(Rel outer, Bound.RangeEntry table, List<Expr> innerQuals, JoinType type, List<Expr> outerKeys,
      List<Expr> innerKeys, List<Expr> keyQuals, List<Expr> others, Map<Integer, Integer> joinedPos,
      List<Expr> mappedFilters, double outRows) {
    SqlCatalog.Table t = table.table();
    Map<Integer, Integer> outerPos = positions(outer.layout());
    List<Expr> local = new ArrayList<>(remap(innerQuals, tablePositions(table)));
    List<NestLoopPlan.NestParam> params = new ArrayList<>();
    List<Expr> unusedKeys = new ArrayList<>();
    for (int i = 0; i < outerKeys.size(); i++) {
      Expr ok = outerKeys.get(i);
      Expr ik = innerKeys.get(i);
      if (ok instanceof Expr.Column oc && ik instanceof Expr.Column ic) {
        int slot = params.size();
        params.add(new NestLoopPlan.NestParam(outerPos.get(oc.index()), slot));
        local.add(new Expr.Binary(BinaryOp.EQ, new Expr.Column(ic.index() - table.offset(), ic.type()),
            new Expr.OuterParam(slot, oc.type())));
      } else {
        unusedKeys.add(keyQuals.get(i));
      }
    }
    if (params.isEmpty()) {
      return null;
    }
    Plan bestInner = null;
    for (SqlCatalog.Index index : t.indexes()) {
      AccessPaths.IndexMatch m = AccessPaths.match(index, local);
      if (m == null || m.used().stream().noneMatch(u -> Exprs.rewrite(u, x -> x) != null && hasOuterParam(u))) {
        continue;
      }
      Plan p = AccessPaths.indexScan(nodes, t, m, local);
      if (bestInner == null || p.estimatedCost() < bestInner.estimatedCost()) {
        bestInner = p;
      }
    }
    if (bestInner == null) {
      return null;
    }
    List<Expr> joinQuals = new ArrayList<>(unusedKeys);
    joinQuals.addAll(others);
    double cost = CostModel.nestLoop(outer.plan().estimatedCost(), outer.plan().estimatedRows(), bestInner.estimatedCost(),
        bestInner.estimatedRows(), outRows, false);
    return nodes.nestLoop(outer.plan(), bestInner, type, remap(joinQuals, joinedPos), params, mappedFilters, outRows, cost);
  }

  private static boolean hasOuterParam(Expr e) {
    boolean[] found = new boolean[1];
    Exprs.rewrite(e, x -> {
      if (x instanceof Expr.OuterParam) {
        found[0] = true;
      }
      return x;
    });
    return found[0];
  }

  static Map<Integer, Integer> positions(List<Integer> layout) {
    Map<Integer, Integer> m = new HashMap<>();
    for (int i = 0; i < layout.size(); i++) {
      m.put(layout.get(i), i);
    }
    return m;
  }

  static Map<Integer, Integer> tablePositions(Bound.RangeEntry e) {
    Map<Integer, Integer> m = new HashMap<>();
    for (int i = 0; i < e.width(); i++) {
      m.put(e.offset() + i, i);
    }
    return m;
  }

  /** Global column numbers rewritten to positions of an input row. */
  static List<Expr> remap(List<Expr> es, Map<Integer, Integer> pos) {
    return Exprs.all(es, x -> x instanceof Expr.Column c ? new Expr.Column(position(pos, c.index()), c.type()) : x);
  }

  static Expr remap(Expr e, Map<Integer, Integer> pos) {
    return Exprs.rewrite(e, x -> x instanceof Expr.Column c ? new Expr.Column(position(pos, c.index()), c.type()) : x);
  }

  private static int position(Map<Integer, Integer> pos, int global) {
    Integer p = pos.get(global);
    if (p == null) {
      throw new IllegalStateException("column " + global + " is not in the input row " + pos.keySet());
    }
    return p;
  }
}
