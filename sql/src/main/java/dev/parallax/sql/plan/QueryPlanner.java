package dev.parallax.sql.plan;

import dev.parallax.executor.plan.AggCall;
import dev.parallax.executor.plan.Expr;
import dev.parallax.executor.plan.JoinType;
import dev.parallax.executor.plan.Plan;
import dev.parallax.executor.plan.SortKey;
import dev.parallax.mvcc.ColumnType;
import dev.parallax.sql.bind.Bound;
import dev.parallax.sql.bind.Exprs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Plans a bound query. The FROM tree is planned bottom-up in the order written, pushing each
 * qual as far down as the join types allow (into a table's scan, where it can pick an index);
 * then come aggregation (hashed; HAVING as its filter), the select list as the top node's target
 * list, DISTINCT (hashed), ORDER BY (a Sort), LIMIT / OFFSET, and a projection that drops the
 * hidden ORDER BY columns. UNION ALL is an Append; UNION adds a hashed DISTINCT over it.
 *
 * <p>Qual placement (what may move below a join): a filter on a join's output moves into an
 * input unless that input is null-extended by the join (the inner side of LEFT, the outer of
 * RIGHT, both of FULL); an ON condition of an outer join that reads only the null-extended side
 * moves into it; the rest stay on the join (ON conditions as join quals, filters as its quals).
 *
 * <p>Where the parallel planner adds Gather paths: {@link #planSelect}, after the FROM tree is
 * planned and before aggregation (a partial Agg under a Gather, the final Agg above it), once the
 * parallel issue lands; scans are marked parallel-safe already.
 */
public final class QueryPlanner {
  private final Nodes nodes = new Nodes();
  private final JoinPlanner joins = new JoinPlanner(nodes);

  /** The plan of {@code q}; its output row is the query's visible columns. */
  public Plan plan(Bound.Query q) {
    if (q instanceof Bound.Select s) {
      return planSelect(s);
    }
    if (q instanceof Bound.Values v) {
      return nodes.values(v.types(), v.rows(), List.of(), null);
    }
    return planSetOp((Bound.SetOp) q);
  }

  Nodes nodes() {
    return nodes;
  }

  private Plan planSetOp(Bound.SetOp s) {
    Plan p;
    if (s.right() == null) {
      p = plan(s.left());
    } else {
      Plan l = castTo(plan(s.left()), s.types());
      Plan r = castTo(plan(s.right()), s.types());
      p = nodes.append(List.of(l, r));
      if (!s.all()) {
        p = distinct(p);
      }
    }
    return orderAndLimit(p, s.orderBy(), s.limit(), s.offset(), s.types().size());
  }

  private Plan castTo(Plan p, List<ColumnType> types) {
    List<ColumnType> have = p.outputTypes();
    if (have.equals(types)) {
      return p;
    }
    List<Expr> targets = new ArrayList<>();
    for (int i = 0; i < types.size(); i++) {
      Expr c = new Expr.Column(i, have.get(i));
      targets.add(have.get(i) == types.get(i) ? c : new Expr.Cast(c, types.get(i)));
    }
    return nodes.project(p, targets);
  }

  private Plan distinct(Plan p) {
    List<Expr> keys = new ArrayList<>();
    List<ColumnType> types = p.outputTypes();
    for (int i = 0; i < types.size(); i++) {
      keys.add(new Expr.Column(i, types.get(i)));
    }
    return nodes.aggregate(p, keys, List.of(), List.of(), null);
  }

  private Plan orderAndLimit(Plan p, List<SortKey> order, long limit, long offset, int visible) {
    if (!order.isEmpty()) {
      p = nodes.sort(p, order);
    }
    if (limit >= 0 || offset > 0) {
      p = nodes.limit(p, limit, offset);
    }
    List<ColumnType> types = p.outputTypes();
    if (types.size() > visible) {
      List<Expr> keep = new ArrayList<>();
      for (int i = 0; i < visible; i++) {
        keep.add(new Expr.Column(i, types.get(i)));
      }
      p = nodes.project(p, keep);
    }
    return p;
  }

  Plan planSelect(Bound.Select s) {
    JoinPlanner.Rel from;
    if (s.from() == null) {
      from = new JoinPlanner.Rel(nodes.values(List.of(), List.<Object[]>of(new Object[0]), s.where(), null), List.of(), Set.of());
    } else {
      from = planFrom(s, s.from(), s.where());
    }
    Map<Integer, Integer> pos = JoinPlanner.positions(from.layout());
    Plan p;
    if (s.aggregated()) {
      List<Expr> groupBy = JoinPlanner.remap(s.groupBy(), pos);
      List<AggCall> aggs = new ArrayList<>();
      for (AggCall a : s.aggregates()) {
        aggs.add(new AggCall(a.fn(), a.arg() == null ? null : JoinPlanner.remap(a.arg(), pos),
            a.filter() == null ? null : JoinPlanner.remap(a.filter(), pos), a.distinct(), a.delimiter()));
      }
      p = nodes.aggregate(from.plan(), groupBy, aggs, s.having(), s.targets());
    } else {
      p = nodes.withTargets(from.plan(), JoinPlanner.remap(s.targets(), pos));
    }
    if (s.distinct()) {
      p = distinct(p);
    }
    return orderAndLimit(p, s.orderBy(), s.limit(), s.offset(), s.visible());
  }

  /** Plans a FROM subtree with {@code filters} (global columns) that must hold on its rows. */
  JoinPlanner.Rel planFrom(Bound.Select s, Bound.FromNode node, List<Expr> filters) {
    if (node instanceof Bound.Rel r) {
      Bound.RangeEntry e = s.range().get(r.range());
      List<Expr> local = JoinPlanner.remap(filters, JoinPlanner.tablePositions(e));
      Plan scan = e.subquery() instanceof Bound.Values v ? nodes.values(v.types(), v.rows(), local, null)
          : e.subquery() != null ? nodes.subqueryScan(plan(e.subquery()), local) : AccessPaths.best(nodes, e.table(), local);
      List<Integer> layout = new ArrayList<>();
      for (int i = 0; i < e.width(); i++) {
        layout.add(e.offset() + i);
      }
      return new JoinPlanner.Rel(scan, layout, Set.of(r.range()));
    }
    Bound.Join j = (Bound.Join) node;
    Set<Integer> leftCols = columnsOf(s, j.left());
    Set<Integer> rightCols = columnsOf(s, j.right());
    JoinType type = j.type();
    List<Expr> toLeft = new ArrayList<>();
    List<Expr> toRight = new ArrayList<>();
    List<Expr> joinQuals = new ArrayList<>();
    List<Expr> above = new ArrayList<>();
    List<Expr> all = new ArrayList<>(filters);
    if (type == JoinType.INNER) {
      all.addAll(j.on());
    }
    for (Expr q : all) {
      Set<Integer> cols = Exprs.columns(q);
      boolean left = !cols.isEmpty() && leftCols.containsAll(cols);
      boolean right = !cols.isEmpty() && rightCols.containsAll(cols);
      if (left && (type == JoinType.INNER || type == JoinType.LEFT || type == JoinType.SEMI || type == JoinType.ANTI)) {
        toLeft.add(q);
      } else if (right && (type == JoinType.INNER || type == JoinType.RIGHT)) {
        toRight.add(q);
      } else if (type == JoinType.INNER) {
        joinQuals.add(q);
      } else {
        above.add(q);
      }
    }
    if (type != JoinType.INNER) {
      for (Expr q : j.on()) {
        Set<Integer> cols = Exprs.columns(q);
        if ((type == JoinType.LEFT || type == JoinType.SEMI || type == JoinType.ANTI) && !cols.isEmpty()
            && rightCols.containsAll(cols)) {
          toRight.add(q);
        } else if (type == JoinType.RIGHT && !cols.isEmpty() && leftCols.containsAll(cols)) {
          toLeft.add(q);
        } else {
          joinQuals.add(q);
        }
      }
    }
    JoinPlanner.Rel left = planFrom(s, j.left(), toLeft);
    JoinPlanner.Rel right = planFrom(s, j.right(), toRight);
    Bound.RangeEntry innerTable = j.right() instanceof Bound.Rel r ? s.range().get(r.range()) : null;
    JoinPlanner.Rel best = joins.join(left, right, innerTable, toRight, type, joinQuals, above);
    if (type == JoinType.INNER && j.left() instanceof Bound.Rel l) {
      // the two sides the other way round, so a base table on the left can be the inner side of a
      // parameterised nested loop (the seed of the join-order search: two relations)
      JoinPlanner.Rel swapped = joins.join(right, left, s.range().get(l.range()), toLeft, type, joinQuals, above);
      if (swapped.plan().estimatedCost() < best.plan().estimatedCost()) {
        best = swapped;
      }
    }
    return best;
  }

  private static Set<Integer> columnsOf(Bound.Select s, Bound.FromNode node) {
    Set<Integer> out = new TreeSet<>();
    if (node instanceof Bound.Rel r) {
      Bound.RangeEntry e = s.range().get(r.range());
      for (int i = 0; i < e.width(); i++) {
        out.add(e.offset() + i);
      }
      return out;
    }
    Bound.Join j = (Bound.Join) node;
    out.addAll(columnsOf(s, j.left()));
    out.addAll(columnsOf(s, j.right()));
    return out;
  }
}
