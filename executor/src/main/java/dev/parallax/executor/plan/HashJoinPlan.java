package dev.parallax.executor.plan;

import java.util.List;

/**
 * A hash join: builds a hash table of the inner rows on {@code innerKeys}, then probes it with
 * each outer row's {@code outerKeys} (pairwise equal; a null key matches nothing), keeping the
 * pairs that also pass {@code joinQuals}. All join types. Beyond the hash memory limit it joins in
 * batches through temporary files (see the executor's {@code HashJoinState}).
 */
public record HashJoinPlan(int id, Plan outer, Plan inner, JoinType type, List<Expr> outerKeys, List<Expr> innerKeys,
    List<Expr> joinQuals, List<Expr> quals, List<Expr> targetList, double estimatedRows, double estimatedCost)
    implements JoinPlan {
  public HashJoinPlan {
    outerKeys = List.copyOf(outerKeys);
    innerKeys = List.copyOf(innerKeys);
    JoinPlan.checkKeys(outerKeys, innerKeys, "hash join");
    joinQuals = List.copyOf(joinQuals);
    quals = List.copyOf(quals);
    targetList = targetList == null ? null : List.copyOf(targetList);
  }

  @Override
  public String label() {
    return "Hash" + type.label() + " Join";
  }
}
