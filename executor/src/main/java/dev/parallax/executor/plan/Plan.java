package dev.parallax.executor.plan;

import dev.parallax.mvcc.ColumnType;
import java.util.List;

/**
 * A node of a physical plan. Plans are immutable and shareable across threads (a parallel
 * worker runs the same tree); everything that changes while a plan runs lives in the state tree
 * the executor builds from it ({@code exec.PlanState}).
 *
 * <p>Every node has an id unique within its plan, quals (predicates over its input row, ANDed;
 * rows failing them are skipped), a target list (expressions over its input row that make its
 * output row; null means "the input row as it is"), the planner's estimates, and the flags a
 * parallel planner needs.
 */
public sealed interface Plan permits SeqScanPlan, ValuesPlan, AggPlan, JoinPlan, IndexScanPlan, ModifyTablePlan,
    AppendPlan, PassThroughPlan, SubqueryScanPlan, FunctionScanPlan, MergeAppendPlan, ResultPlan {
  int id();

  /** Predicates over the input row, all of which must be true. */
  List<Expr> quals();

  /** The output row's expressions over the input row, or null for the input row unchanged. */
  List<Expr> targetList();

  /** Types of the input row the quals and target list see. */
  List<ColumnType> inputTypes();

  List<Plan> children();

  double estimatedRows();

  double estimatedCost();

  default boolean parallelAware() {
    return false;
  }

  default boolean parallelSafe() {
    return true;
  }

  /** The node's name in EXPLAIN, with what it works on ("Seq Scan on t"). */
  String label();

  /** Types of the output row. */
  default List<ColumnType> outputTypes() {
    List<Expr> tl = targetList();
    return tl == null ? inputTypes() : tl.stream().map(Expr::type).toList();
  }
}
