package dev.parallax.executor.plan;

import dev.parallax.mvcc.ColumnType;
import java.util.ArrayList;
import java.util.List;

/** A join: its input row is the outer row's columns, then the inner row's. */
public sealed interface JoinPlan extends Plan permits NestLoopPlan, HashJoinPlan, MergeJoinPlan {
  Plan outer();

  Plan inner();

  JoinType type();

  /** Checks that equi-join keys pair up with matching types (42883 otherwise). */
  static void checkKeys(List<Expr> outerKeys, List<Expr> innerKeys, String join) {
    if (outerKeys.isEmpty() || outerKeys.size() != innerKeys.size()) {
      throw new IllegalArgumentException("a " + join + " needs one inner key per outer key");
    }
    for (int i = 0; i < outerKeys.size(); i++) {
      if (outerKeys.get(i).type() != innerKeys.get(i).type()) {
        throw new dev.parallax.storage.DatabaseException(dev.parallax.storage.SqlState.UNDEFINED_FUNCTION,
            "operator does not exist: " + outerKeys.get(i).type().sqlName() + " = " + innerKeys.get(i).type().sqlName());
      }
    }
  }

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
