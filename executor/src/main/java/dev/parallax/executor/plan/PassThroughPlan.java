package dev.parallax.executor.plan;

import dev.parallax.mvcc.ColumnType;
import java.util.List;

/**
 * A node with one child whose rows it passes on unchanged in shape (Limit, Sort, LockRows,
 * Materialize / Unique): no quals, no target list, its child's columns.
 */
public sealed interface PassThroughPlan extends Plan permits LimitPlan, SortPlan, LockRowsPlan, MaterialPlan {
  Plan child();

  @Override
  default List<Expr> quals() {
    return List.of();
  }

  @Override
  default List<Expr> targetList() {
    return null;
  }

  @Override
  default List<ColumnType> inputTypes() {
    return child().outputTypes();
  }

  @Override
  default List<Plan> children() {
    return List.of(child());
  }
}
