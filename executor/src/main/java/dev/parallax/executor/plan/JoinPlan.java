package dev.parallax.executor.plan;

import dev.parallax.mvcc.ColumnType;
import java.util.ArrayList;
import java.util.List;

/** A join: its input row is the outer row's columns, then the inner row's. */
public sealed interface JoinPlan extends Plan permits NestLoopPlan, HashJoinPlan, MergeJoinPlan {
  Plan outer();

  Plan inner();

  JoinType type();

  @Override
  default List<ColumnType> inputTypes() {
    List<ColumnType> out = new ArrayList<>(outer().outputTypes());
    out.addAll(inner().outputTypes());
    return out;
  }

  @Override
  default List<Plan> children() {
    return List.of(outer(), inner());
  }
}
