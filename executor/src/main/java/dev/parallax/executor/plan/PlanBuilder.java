package dev.parallax.executor.plan;

import dev.parallax.mvcc.ColumnType;
import java.util.Arrays;
import java.util.List;

/**
 * Builds physical plans directly (for tests, the demo, and the SQL planner to come), handing out
 * node ids and rough estimates. Expression helpers are static: {@code col(0, BIGINT)},
 * {@code lit(7)}, {@code eq(a, b)}, {@code and(p, q)} and so on.
 */
public final class PlanBuilder {
  private int nextId = 1;

  public SeqScanPlan seqScan(int relation, String table, List<ColumnType> types, List<Expr> quals, List<Expr> targets,
      double estimatedRows) {
    double rows = quals.isEmpty() ? estimatedRows : Math.max(1, estimatedRows / 3);
    return new SeqScanPlan(nextId++, relation, table, types, quals, targets, rows, estimatedRows * 0.01);
  }

  /** An index scan; {@code lower} / {@code upper} are leading-column values (null: open). */
  public IndexScanPlan indexScan(int relation, String table, List<ColumnType> types, int indexRelation, String index,
      List<Integer> keyColumns, List<Expr> lower, boolean lowerInclusive, List<Expr> upper, boolean upperInclusive,
      boolean forward, boolean indexOnly, List<Expr> quals, List<Expr> targets, double estimatedRows) {
    return new IndexScanPlan(nextId++, relation, table, types, indexRelation, index, keyColumns, lower, lowerInclusive,
        upper, upperInclusive, forward, indexOnly, quals, targets, estimatedRows, 0.5 + estimatedRows * 0.01);
  }

  public ModifyTablePlan modify(Plan child, ModifyTablePlan.Operation op, int relation, String table,
      List<ColumnType> tableTypes, int rowIdColumn, List<Expr> newValues, List<Expr> returning) {
    return new ModifyTablePlan(nextId++, child, op, relation, table, tableTypes, rowIdColumn, newValues, returning,
        child.estimatedRows(), child.estimatedCost() + child.estimatedRows() * 0.01);
  }

  /** INSERT ... ON CONFLICT: the child's rows are the proposed rows. */
  public ModifyTablePlan insertOnConflict(Plan child, int relation, String table, List<ColumnType> tableTypes,
      OnConflict onConflict, List<Expr> returning) {
    return new ModifyTablePlan(nextId++, child, ModifyTablePlan.Operation.INSERT, relation, table, tableTypes, -1, null,
        returning, onConflict, null, child.estimatedRows(), child.estimatedCost() + child.estimatedRows() * 0.02);
  }

  /**
   * MERGE: {@code join} is the source-to-target join whose column {@code rowIdColumn} is the
   * target's row identity (null when not matched); {@code actions} are the WHEN clauses in order.
   */
  public ModifyTablePlan merge(Plan join, int relation, String table, List<ColumnType> tableTypes, int rowIdColumn,
      List<MergeAction> actions, List<Expr> returning) {
    return new ModifyTablePlan(nextId++, join, ModifyTablePlan.Operation.MERGE, relation, table, tableTypes, rowIdColumn,
        null, returning, null, actions, join.estimatedRows(), join.estimatedCost() + join.estimatedRows() * 0.02);
  }

  /**
   * A whole new row for UPDATE / ON CONFLICT DO UPDATE / MERGE UPDATE: the target's current value
   * for every column not in {@code assignments} (column index -> expression).
   */
  public static List<Expr> assign(List<ColumnType> tableTypes, java.util.Map<Integer, Expr> assignments) {
    java.util.List<Expr> row = new java.util.ArrayList<>();
    for (int i = 0; i < tableTypes.size(); i++) {
      Expr e = assignments.get(i);
      row.add(e != null ? e : col(i, tableTypes.get(i)));
    }
    return row;
  }

  /** ON CONFLICT's EXCLUDED.column: the proposed row's column, after the existing row's. */
  public static Expr.Column excluded(List<ColumnType> tableTypes, int column) {
    return col(tableTypes.size() + column, tableTypes.get(column));
  }

  /** Column {@code column} of the child row in a new-values expression (after the target's columns). */
  public static Expr.Column childColumn(List<ColumnType> tableTypes, Plan child, int column) {
    return col(tableTypes.size() + column, child.outputTypes().get(column));
  }

  /** MERGE RETURNING's {@code merge_action()}: the name of the action that ran. */
  public static Expr.Column mergeAction(List<ColumnType> tableTypes, Plan join) {
    return col(tableTypes.size() + join.outputTypes().size(), ColumnType.TEXT);
  }

  public LockRowsPlan lockRows(Plan child, int relation, String table, int rowIdColumn, LockRowsPlan.LockStrength strength,
      LockRowsPlan.WaitPolicy policy) {
    return new LockRowsPlan(nextId++, child, relation, table, rowIdColumn, strength, policy, child.estimatedRows(),
        child.estimatedCost() + child.estimatedRows() * 0.01);
  }

  public AppendPlan append(Plan... children) {
    double rows = 0;
    double cost = 0;
    for (Plan c : children) {
      rows += c.estimatedRows();
      cost += c.estimatedCost();
    }
    return new AppendPlan(nextId++, List.of(children), rows, cost);
  }

  public MaterialPlan material(Plan child) {
    return new MaterialPlan(nextId++, child, false, child.estimatedRows(), child.estimatedCost() + child.estimatedRows() * 0.001);
  }

  /** Unique over sorted input: drops rows equal to the previous one. */
  public MaterialPlan unique(Plan child) {
    return new MaterialPlan(nextId++, child, true, Math.max(1, child.estimatedRows() / 2),
        child.estimatedCost() + child.estimatedRows() * 0.001);
  }

  public SubqueryScanPlan subquery(Plan child, List<Expr> quals, List<Expr> targets) {
    return new SubqueryScanPlan(nextId++, child, quals, targets, child.estimatedRows(), child.estimatedCost());
  }

  /** A merge join; both inputs must be sorted ascending on their keys (NULLS LAST). */
  public MergeJoinPlan mergeJoin(Plan outer, Plan inner, JoinType type, List<Expr> outerKeys, List<Expr> innerKeys,
      List<Expr> joinQuals, List<Expr> quals, List<Expr> targets) {
    return new MergeJoinPlan(nextId++, outer, inner, type, outerKeys, innerKeys, joinQuals, quals, targets,
        Math.max(outer.estimatedRows(), inner.estimatedRows()),
        outer.estimatedCost() + inner.estimatedCost() + (outer.estimatedRows() + inner.estimatedRows()) * 0.005);
  }

  public ValuesPlan values(List<ColumnType> types, List<Object[]> rows, List<Expr> quals, List<Expr> targets) {
    return new ValuesPlan(nextId++, types, rows, quals, targets, rows.size(), rows.size() * 0.01);
  }

  /** {@code generate_series(args...)} in FROM. */
  public FunctionScanPlan generateSeries(List<Expr> args, List<Expr> quals, List<Expr> targets, double estimatedRows) {
    return new FunctionScanPlan(nextId++, FunctionScanPlan.TableFunction.GENERATE_SERIES, args, quals, targets,
        estimatedRows, estimatedRows * 0.01);
  }

  public LimitPlan limit(Plan child, long limit, long offset) {
    double rows = limit < 0 ? Math.max(0, child.estimatedRows() - offset) : Math.min(limit, child.estimatedRows());
    return new LimitPlan(nextId++, child, limit, offset, rows, child.estimatedCost());
  }

  public SortPlan sort(Plan child, SortKey... keys) {
    double n = Math.max(2, child.estimatedRows());
    return new SortPlan(nextId++, child, Arrays.asList(keys), child.estimatedRows(),
        child.estimatedCost() + n * Math.log(n) * 0.0025);
  }

  public AggPlan aggregate(Plan child, List<AggCall> aggregates, List<Expr> having, List<Expr> targets) {
    return groupAggregate(child, List.of(), aggregates, having, targets);
  }

  public AggPlan groupAggregate(Plan child, List<Expr> groupBy, List<AggCall> aggregates, List<Expr> having,
      List<Expr> targets) {
    double rows = groupBy.isEmpty() ? 1 : Math.max(1, child.estimatedRows() / 10);
    return new AggPlan(nextId++, child, groupBy, aggregates, having, targets, rows,
        child.estimatedCost() + child.estimatedRows() * 0.0025);
  }

  /** GROUP BY over input already sorted on {@code groupBy} (a GroupAggregate: streams, one group in memory). */
  public AggPlan sortedAggregate(Plan child, List<Expr> groupBy, List<AggCall> aggregates, List<Expr> having,
      List<Expr> targets) {
    double rows = Math.max(1, child.estimatedRows() / 10);
    return new AggPlan(nextId++, child, groupBy, aggregates, having, targets, rows,
        child.estimatedCost() + child.estimatedRows() * 0.002, AggStrategy.SORTED);
  }

  /** A k-way merge of children each sorted on {@code keys}. */
  public MergeAppendPlan mergeAppend(List<SortKey> keys, Plan... children) {
    double rows = 0;
    double cost = 0;
    for (Plan c : children) {
      rows += c.estimatedRows();
      cost += c.estimatedCost();
    }
    return new MergeAppendPlan(nextId++, List.of(children), keys, rows, cost + rows * 0.002);
  }

  /** A Result: one row of {@code targets} (no child), or a projection of {@code child}'s rows; gated by {@code oneTimeQuals}. */
  public ResultPlan result(Plan child, List<Expr> oneTimeQuals, List<Expr> quals, List<Expr> targets) {
    double rows = child == null ? 1 : child.estimatedRows();
    return new ResultPlan(nextId++, child, oneTimeQuals, quals, targets, rows,
        (child == null ? 0 : child.estimatedCost()) + 0.01);
  }

  public NestLoopPlan nestLoop(Plan outer, Plan inner, JoinType type, List<Expr> joinQuals, List<NestLoopPlan.NestParam> params,
      List<Expr> quals, List<Expr> targets) {
    double rows = Math.max(1, outer.estimatedRows() * Math.max(1, inner.estimatedRows()) / 10);
    return new NestLoopPlan(nextId++, outer, inner, type, joinQuals, params, quals, targets, rows,
        outer.estimatedCost() + outer.estimatedRows() * inner.estimatedCost());
  }

  public HashJoinPlan hashJoin(Plan outer, Plan inner, JoinType type, List<Expr> outerKeys, List<Expr> innerKeys,
      List<Expr> joinQuals, List<Expr> quals, List<Expr> targets) {
    return new HashJoinPlan(nextId++, outer, inner, type, outerKeys, innerKeys, joinQuals, quals, targets,
        Math.max(outer.estimatedRows(), inner.estimatedRows()),
        outer.estimatedCost() + inner.estimatedCost() + (outer.estimatedRows() + inner.estimatedRows()) * 0.01);
  }

  // ---- expressions ---------------------------------------------------------------------------

  public static Expr.Column col(int index, ColumnType type) {
    return new Expr.Column(index, type);
  }

  /** A constant whose type follows its Java class (Integer: integer, Long: bigint, ...). */
  public static Expr.Constant lit(Object value) {
    for (ColumnType t : ColumnType.values()) {
      if (t.javaType().isInstance(value)) {
        return new Expr.Constant(value, t);
      }
    }
    throw new IllegalArgumentException("no SQL type for " + value);
  }

  public static Expr.Constant nullOf(ColumnType type) {
    return new Expr.Constant(null, type);
  }

  public static Expr.Param param(int index, ColumnType type) {
    return new Expr.Param(index, type);
  }

  public static Expr op(BinaryOp op, Expr a, Expr b) {
    return new Expr.Binary(op, a, b);
  }

  public static Expr eq(Expr a, Expr b) {
    return op(BinaryOp.EQ, a, b);
  }

  public static Expr lt(Expr a, Expr b) {
    return op(BinaryOp.LT, a, b);
  }

  public static Expr gt(Expr a, Expr b) {
    return op(BinaryOp.GT, a, b);
  }

  public static Expr add(Expr a, Expr b) {
    return op(BinaryOp.ADD, a, b);
  }

  public static Expr mod(Expr a, Expr b) {
    return op(BinaryOp.MOD, a, b);
  }

  public static Expr and(Expr... args) {
    return new Expr.And(List.of(args));
  }

  public static Expr or(Expr... args) {
    return new Expr.Or(List.of(args));
  }

  public static Expr not(Expr a) {
    return new Expr.Not(a);
  }

  public static Expr isNull(Expr a) {
    return new Expr.IsNull(a, false);
  }
}
