package dev.parallax.executor.plan;

import java.util.List;

/**
 * A nested loop join: for each outer row, (re)scan the inner side and keep the pairs that pass
 * {@code joinQuals}. {@code params} pass columns of the outer row to the inner side as internal
 * parameters ({@link Expr.OuterParam}) before each inner rescan, which is how a parameterised
 * inner index scan looks up just the matching rows. Supports INNER, LEFT, SEMI and ANTI.
 */
public record NestLoopPlan(int id, Plan outer, Plan inner, JoinType type, List<Expr> joinQuals, List<NestParam> params,
    List<Expr> quals, List<Expr> targetList, double estimatedRows, double estimatedCost) implements JoinPlan {
  /** Before each inner rescan, internal parameter {@code slot} takes outer column {@code outerColumn}. */
  public record NestParam(int outerColumn, int slot) {}

  public NestLoopPlan {
    if (type == JoinType.RIGHT || type == JoinType.FULL) {
      throw new IllegalArgumentException("a nested loop does " + type + " joins only by swapping its sides");
    }
    joinQuals = List.copyOf(joinQuals);
    params = List.copyOf(params);
    quals = List.copyOf(quals);
    targetList = targetList == null ? null : List.copyOf(targetList);
  }

  @Override
  public String label() {
    return "Nested Loop" + type.label() + (type == JoinType.INNER ? "" : " Join");
  }
}
