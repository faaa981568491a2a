package dev.parallax.executor.plan;

import dev.parallax.mvcc.ColumnType;
import java.util.List;

/**
 * Plain aggregation (no GROUP BY): one output row of the aggregates over every input row, even
 * when there is none (count 0, the others null). The aggregates' results form this node's input
 * row for {@code quals} (HAVING) and {@code targetList}.
 */
public record AggPlan(int id, Plan child, List<AggCall> aggregates, List<Expr> quals, List<Expr> targetList,
    double estimatedRows, double estimatedCost) implements Plan {
  public AggPlan {
    aggregates = List.copyOf(aggregates);
    quals = List.copyOf(quals);
    targetList = targetList == null ? null : List.copyOf(targetList);
  }

  /** The types of the aggregates' results, which quals and the target list see. */
  @Override
  public List<ColumnType> inputTypes() {
    return aggregates.stream().map(AggCall::resultType).toList();
  }

  @Override
  public List<Plan> children() {
    return List.of(child);
  }

  @Override
  public String label() {
    return "Aggregate";
  }
}
