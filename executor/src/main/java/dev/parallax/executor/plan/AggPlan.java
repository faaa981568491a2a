package dev.parallax.executor.plan;

import dev.parallax.mvcc.ColumnType;
import java.util.List;

/**
 * Aggregation. Without {@code groupBy} ({@link AggStrategy#PLAIN}): one row of the aggregates
 * over every input row, even when there is none (count 0, the others null). With it: one row per
 * distinct group (nulls form one group, as in PostgreSQL), none over no input, found by hashing
 * ({@link AggStrategy#HASHED}) or, over input sorted on the group keys, by comparing each row with
 * the one before ({@link AggStrategy#SORTED}). The group values followed by the aggregates'
 * results form this node's input row for {@code quals} (HAVING) and {@code targetList}.
 */
public record AggPlan(int id, Plan child, List<Expr> groupBy, List<AggCall> aggregates, List<Expr> quals,
    List<Expr> targetList, double estimatedRows, double estimatedCost, AggStrategy strategy) implements Plan {
  /** Plain without group keys, hashed with them. */
  public AggPlan(int id, Plan child, List<Expr> groupBy, List<AggCall> aggregates, List<Expr> quals,
      List<Expr> targetList, double estimatedRows, double estimatedCost) {
    this(id, child, groupBy, aggregates, quals, targetList, estimatedRows, estimatedCost,
        groupBy.isEmpty() ? AggStrategy.PLAIN : AggStrategy.HASHED);
  }

  public AggPlan {
    if ((strategy == AggStrategy.PLAIN) != groupBy.isEmpty()) {
      throw new IllegalArgumentException(strategy + " aggregation " + (groupBy.isEmpty() ? "needs" : "takes no") + " group keys");
    }
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
    return strategy.label();
  }
}
