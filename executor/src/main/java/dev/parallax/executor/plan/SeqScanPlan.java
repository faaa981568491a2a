package dev.parallax.executor.plan;

import dev.parallax.mvcc.ColumnType;
import java.util.List;

/** A sequential scan of a heap relation with the statement's snapshot. */
public record SeqScanPlan(int id, int relation, String table, List<ColumnType> inputTypes, List<Expr> quals,
    List<Expr> targetList, double estimatedRows, double estimatedCost) implements Plan {
  public SeqScanPlan {
    inputTypes = List.copyOf(inputTypes);
    quals = List.copyOf(quals);
    targetList = targetList == null ? null : List.copyOf(targetList);
  }

  @Override
  public List<Plan> children() {
    return List.of();
  }

  @Override
  public String label() {
    return "Seq Scan on " + table;
  }
}
