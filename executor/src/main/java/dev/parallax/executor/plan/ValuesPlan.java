package dev.parallax.executor.plan;

import dev.parallax.mvcc.ColumnType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Rows given in the plan itself (VALUES (...), (...)). Each row is copied, nulls allowed. */
public record ValuesPlan(int id, List<ColumnType> inputTypes, List<Object[]> rows, List<Expr> quals,
    List<Expr> targetList, double estimatedRows, double estimatedCost) implements Plan {
  public ValuesPlan {
    inputTypes = List.copyOf(inputTypes);
    List<Object[]> copy = new ArrayList<>();
    for (Object[] r : rows) {
      copy.add(r.clone());
    }
    rows = java.util.Collections.unmodifiableList(copy);
    quals = List.copyOf(quals);
    targetList = targetList == null ? null : List.copyOf(targetList);
  }

  /** Row {@code i}, a private copy. */
  public Object[] row(int i) {
    return rows.get(i).clone();
  }

  @Override
  public List<Plan> children() {
    return List.of();
  }

  @Override
  public String label() {
    return "Values Scan";
  }

  @Override
  public String toString() {
    return "ValuesPlan[" + id + ", " + rows.stream().map(Arrays::toString).toList() + "]";
  }
}
