package dev.parallax.executor.plan;

import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import java.util.List;

/**
 * A hash join: builds a hash table of the inner rows on {@code innerKeys}, then probes it with
 * each outer row's {@code outerKeys} (pairwise equal; a null key matches nothing), keeping the
 * pairs that also pass {@code joinQuals}. All join types. In memory for now.
 */
public record HashJoinPlan(int id, Plan outer, Plan inner, JoinType type, List<Expr> outerKeys, List<Expr> innerKeys,
    List<Expr> joinQuals, List<Expr> quals, List<Expr> targetList, double estimatedRows, double estimatedCost)
    implements JoinPlan {
  public HashJoinPlan {
    outerKeys = List.copyOf(outerKeys);
    innerKeys = List.copyOf(innerKeys);
    if (outerKeys.isEmpty() || outerKeys.size() != innerKeys.size()) {
      throw new IllegalArgumentException("a hash join needs one inner key per outer key");
    }
    for (int i = 0; i < outerKeys.size(); i++) {
      if (outerKeys.get(i).type() != innerKeys.get(i).type()) {
        throw new DatabaseException(SqlState.UNDEFINED_FUNCTION, "operator does not exist: "
            + outerKeys.get(i).type().sqlName() + " = " + innerKeys.get(i).type().sqlName());
      }
    }
    joinQuals = List.copyOf(joinQuals);
    quals = List.copyOf(quals);
    targetList = targetList == null ? null : List.copyOf(targetList);
  }

  @Override
  public String label() {
    return "Hash" + type.label() + " Join";
  }
}
