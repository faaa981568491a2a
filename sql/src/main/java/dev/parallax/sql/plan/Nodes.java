package dev.parallax.sql.plan;

import dev.parallax.executor.plan.AggCall;
import dev.parallax.executor.plan.AggPlan;
import dev.parallax.executor.plan.AppendPlan;
import dev.parallax.executor.plan.Expr;
import dev.parallax.executor.plan.HashJoinPlan;
import dev.parallax.executor.plan.IndexScanPlan;
import dev.parallax.executor.plan.JoinType;
import dev.parallax.executor.plan.LimitPlan;
import dev.parallax.executor.plan.MaterialPlan;
import dev.parallax.executor.plan.ModifyTablePlan;
import dev.parallax.executor.plan.NestLoopPlan;
import dev.parallax.executor.plan.Plan;
import dev.parallax.executor.plan.SeqScanPlan;
import dev.parallax.executor.plan.SortKey;
import dev.parallax.executor.plan.SortPlan;
import dev.parallax.executor.plan.SubqueryScanPlan;
import dev.parallax.executor.plan.ValuesPlan;
import dev.parallax.mvcc.ColumnType;
import java.util.List;

/**
 * Makes the executor's plan records, with node ids unique in the plan and the planner's own
 * estimates. Every record constructor the planner calls is in this file, so a change to a plan
 * record's shape is fixed here and nowhere else. (The executor's {@code PlanBuilder} estimates
 * by rule of thumb; the planner needs its own cost figures in the plan, as EXPLAIN shows them.)
 */
final class Nodes {
  private int nextId = 1;

  SeqScanPlan seqScan(int relation, String table, List<ColumnType> types, List<Expr> quals, double rows, double cost) {
    return new SeqScanPlan(nextId++, relation, table, types, quals, null, rows, cost);
  }

  IndexScanPlan indexScan(int relation, String table, List<ColumnType> types, int indexRelation, String index,
      List<Integer> keyColumns, List<Expr> lower, boolean lowerInclusive, List<Expr> upper, boolean upperInclusive,
      List<Expr> quals, double rows, double cost) {
    return new IndexScanPlan(nextId++, relation, table, types, indexRelation, index, keyColumns, lower, lowerInclusive, upper,
        upperInclusive, true, false, quals, null, rows, cost);
  }

  ValuesPlan values(List<ColumnType> types, List<Object[]> rows, List<Expr> quals, List<Expr> targets) {
    double n = quals.isEmpty() ? rows.size() : Math.max(1, rows.size() * CostModel.selectivity(quals));
    return new ValuesPlan(nextId++, types, rows, quals, targets, n, rows.size() * CostModel.CPU_TUPLE);
  }

  NestLoopPlan nestLoop(Plan outer, Plan inner, JoinType type, List<Expr> joinQuals, List<NestLoopPlan.NestParam> params,
      List<Expr> quals, double rows, double cost) {
    return new NestLoopPlan(nextId++, outer, inner, type, joinQuals, params, quals, null, rows, cost);
  }

  HashJoinPlan hashJoin(Plan outer, Plan inner, JoinType type, List<Expr> outerKeys, List<Expr> innerKeys,
      List<Expr> joinQuals, List<Expr> quals, double rows, double cost) {
    return new HashJoinPlan(nextId++, outer, inner, type, outerKeys, innerKeys, joinQuals, quals, null, rows, cost);
  }

  MaterialPlan material(Plan child) {
    return new MaterialPlan(nextId++, child, false, child.estimatedRows(),
        child.estimatedCost() + child.estimatedRows() * CostModel.CPU_OPERATOR);
  }

  AggPlan aggregate(Plan child, List<Expr> groupBy, List<AggCall> aggregates, List<Expr> having, List<Expr> targets) {
    double groups = CostModel.groups(child.estimatedRows(), groupBy.size());
    double rows = having.isEmpty() ? groups : Math.max(1, groups * CostModel.selectivity(having));
    return new AggPlan(nextId++, child, groupBy, aggregates, having, targets, rows,
        CostModel.aggregate(child.estimatedCost(), child.estimatedRows(), groupBy.size(), aggregates.size()));
  }

  SortPlan sort(Plan child, List<SortKey> keys) {
    return new SortPlan(nextId++, child, keys, child.estimatedRows(), CostModel.sort(child.estimatedCost(), child.estimatedRows()));
  }

  LimitPlan limit(Plan child, long limit, long offset) {
    double rows = Math.max(0, child.estimatedRows() - offset);
    if (limit >= 0) {
      rows = Math.min(rows, limit);
    }
    double fraction = child.estimatedRows() <= 0 ? 1 : Math.min(1, (rows + offset) / child.estimatedRows());
    return new LimitPlan(nextId++, child, limit, offset, rows, child.estimatedCost() * Math.max(fraction, 0.0));
  }

  AppendPlan append(List<Plan> children) {
    double rows = 0;
    double cost = 0;
    for (Plan c : children) {
      rows += c.estimatedRows();
      cost += c.estimatedCost();
    }
    return new AppendPlan(nextId++, children, rows, cost);
  }

  /** A subquery in FROM: its rows filtered by {@code quals} (over its output columns). */
  SubqueryScanPlan subqueryScan(Plan child, List<Expr> quals) {
    return new SubqueryScanPlan(nextId++, child, quals, null, Math.max(1, child.estimatedRows() * CostModel.selectivity(quals)),
        child.estimatedCost() + child.estimatedRows() * quals.size() * CostModel.CPU_OPERATOR);
  }

  SubqueryScanPlan project(Plan child, List<Expr> targets) {
    return new SubqueryScanPlan(nextId++, child, List.of(), targets, child.estimatedRows(),
        child.estimatedCost() + child.estimatedRows() * CostModel.CPU_OPERATOR);
  }

  ModifyTablePlan modify(Plan child, ModifyTablePlan.Operation op, int relation, String table, List<ColumnType> types,
      int rowIdColumn, List<Expr> newValues, List<Expr> returning) {
    return new ModifyTablePlan(nextId++, child, op, relation, table, types, rowIdColumn, newValues, returning,
        child.estimatedRows(), child.estimatedCost() + child.estimatedRows() * CostModel.CPU_TUPLE);
  }

  /**
   * The same node computing {@code targets} as its output (plans that have a target list of their
   * own); any other node gets a projection above it.
   */
  Plan withTargets(Plan p, List<Expr> targets) {
    if (p instanceof SeqScanPlan s && s.targetList() == null) {
      return new SeqScanPlan(s.id(), s.relation(), s.table(), s.inputTypes(), s.quals(), targets, s.estimatedRows(),
          s.estimatedCost());
    }
    if (p instanceof IndexScanPlan s && s.targetList() == null) {
      return new IndexScanPlan(s.id(), s.relation(), s.table(), s.tableTypes(), s.indexRelation(), s.index(), s.keyColumns(),
          s.lower(), s.lowerInclusive(), s.upper(), s.upperInclusive(), s.forward(), s.indexOnly(), s.quals(), targets,
          s.estimatedRows(), s.estimatedCost());
    }
    if (p instanceof ValuesPlan v && v.targetList() == null) {
      return new ValuesPlan(v.id(), v.inputTypes(), v.rows(), v.quals(), targets, v.estimatedRows(), v.estimatedCost());
    }
    if (p instanceof NestLoopPlan n && n.targetList() == null) {
      return new NestLoopPlan(n.id(), n.outer(), n.inner(), n.type(), n.joinQuals(), n.params(), n.quals(), targets,
          n.estimatedRows(), n.estimatedCost());
    }
    if (p instanceof HashJoinPlan h && h.targetList() == null) {
      return new HashJoinPlan(h.id(), h.outer(), h.inner(), h.type(), h.outerKeys(), h.innerKeys(), h.joinQuals(), h.quals(),
          targets, h.estimatedRows(), h.estimatedCost());
    }
    if (p instanceof SubqueryScanPlan q && q.targetList() == null) {
      return new SubqueryScanPlan(q.id(), q.child(), q.quals(), targets, q.estimatedRows(), q.estimatedCost());
    }
    if (p instanceof AggPlan a && a.targetList() == null) {
      return new AggPlan(a.id(), a.child(), a.groupBy(), a.aggregates(), a.quals(), targets, a.estimatedRows(), a.estimatedCost());
    }
    return project(p, targets);
  }
}
