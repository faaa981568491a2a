package dev.parallax.executor.plan;

import java.util.List;

/**
 * A merge join of two inputs already sorted ascending (NULLS LAST) on {@code outerKeys} and
 * {@code innerKeys}: walks both in step, joining each run of equal outer keys with the run of
 * equal inner keys (a null key matches nothing). Every join type; {@code joinQuals} further filter
 * the pairs (a pair failing them is not a match, so RIGHT / FULL / ANTI return its rows
 * unmatched). The planner puts a Sort under an input that is not already in key order.
 */
public record MergeJoinPlan(int id, Plan outer, Plan inner, JoinType type, List<Expr> outerKeys, List<Expr> innerKeys,
    List<Expr> joinQuals, List<Expr> quals, List<Expr> targetList, double estimatedRows, double estimatedCost)
    implements JoinPlan {
  public MergeJoinPlan {
    outerKeys = List.copyOf(outerKeys);
    innerKeys = List.copyOf(innerKeys);
    JoinPlan.checkKeys(outerKeys, innerKeys, "merge join");
    joinQuals = List.copyOf(joinQuals);
    quals = List.copyOf(quals);
    targetList = targetList == null ? null : List.copyOf(targetList);
  }

  @Override
  public String label() {
    return "Merge" + type.label() + " Join";
  }
}
