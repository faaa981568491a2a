package dev.parallax.executor.plan;

import dev.parallax.mvcc.ColumnType;
import java.util.List;

/**
 * Aggregation. Without {@code groupBy}: one row of the aggregates over every input row, even when
 * there is none (count 0, the others null). With it: one row per distinct group (hashed; nulls
 * form one group, as in PostgreSQL), none over no input. The group values followed by the
 * aggregates' results form this node's input row for {@code quals} (HAVING) and
 * {@code targetList}.
 */
public record AggPlan(int id, Plan child, List<Expr> groupBy, List<AggCall> aggregates, List<Expr> quals,
    List<Expr> targetList, double estimatedRows, double estimatedCost) implements Plan {
  public AggPlan {
    groupBy = List.copyOf(groupBy);
    aggregates = List.copyOf(aggregates);
    quals = List.copyOf(quals);
    targetList = targetList == null ? null : List.copyOf(targetList);
  }

  /** The group columns' and the aggregates' types, which quals and the target list see. */
  @Override
  public List<ColumnType> inputTypes() {
    List<ColumnType> out = new java.util.ArrayList<>(groupBy.stream().map(Expr::type).toList());
    aggregates.forEach(a -> out.add(a.resultType()));
    return out;
  }

  @Override
  public List<Plan> children() {
    return List.of(child);
  }

  @Override
  public String label() {
    return groupBy.isEmpty() ? "Aggregate" : "HashAggregate";
  }
}
