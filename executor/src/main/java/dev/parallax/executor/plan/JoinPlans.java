package dev.parallax.executor.plan;

import dev.parallax.mvcc.ColumnType;
import java.util.ArrayList;
import java.util.List;

/** What the join plans share: their input row is the outer row's columns, then the inner row's. */
final class JoinPlans {
  private JoinPlans() {}

  static List<ColumnType> joinedTypes(Plan outer, Plan inner) {
    List<ColumnType> out = new ArrayList<>(outer.outputTypes());
    out.addAll(inner.outputTypes());
    return out;
  }
}
