package dev.parallax.executor.exec;

import dev.parallax.executor.plan.AggPlan;
import dev.parallax.executor.plan.HashJoinPlan;
import dev.parallax.executor.plan.NestLoopPlan;
import dev.parallax.executor.plan.LimitPlan;
import dev.parallax.executor.plan.Plan;
import dev.parallax.executor.plan.SeqScanPlan;
import dev.parallax.executor.plan.SortPlan;
import dev.parallax.executor.plan.ValuesPlan;
import java.util.HashSet;
import java.util.Set;

/** Executor start: builds the state tree that mirrors a plan and initialises it. */
public final class Executor {
  private Executor() {}

  /** Builds and initialises the state tree of {@code plan}; node ids must be unique. */
  public static PlanState start(Plan plan, ExecContext ctx) {
    if (!plan.children().isEmpty()) {
      checkIds(plan, new HashSet<>()); // a single node cannot repeat an id
    }
    PlanState root = build(plan, ctx);
    root.init();
    return root;
  }

  /**
   * Ends an execution started with {@link #start}: the state tree and what else the execution
   * holds (sub-queries' state trees). A {@link QueryCursor} does this when closed.
   */
  public static void end(PlanState root) {
    try {
      root.end();
    } finally {
      root.ctx.execParams().runEndActions();
    }
  }

  /** A cursor over the plan's rows; closing it ends the execution. */
  public static QueryCursor open(Plan plan, ExecContext ctx) {
    return new QueryCursor(start(plan, ctx));
  }

  static PlanState build(Plan plan, ExecContext ctx) {
    if (plan instanceof SeqScanPlan p) {
      return new SeqScanState(p, ctx);
    }
    if (plan instanceof dev.parallax.executor.plan.IndexScanPlan p) {
      return new IndexScanState(p, ctx);
    }
    if (plan instanceof ValuesPlan p) {
      return new ValuesState(p, ctx);
    }
    if (plan instanceof dev.parallax.executor.plan.FunctionScanPlan p) {
      return new FunctionScanState(p, ctx);
    }
    if (plan instanceof LimitPlan p) {
      return new LimitState(p, ctx, build(p.child(), ctx));
    }
    if (plan instanceof SortPlan p) {
      return new SortState(p, ctx, build(p.child(), ctx));
    }
    if (plan instanceof dev.parallax.executor.plan.ModifyTablePlan p) {
      return new ModifyTableState(p, ctx, build(p.child(), ctx));
    }
    if (plan instanceof dev.parallax.executor.plan.AppendPlan p) {
      return new AppendState(p, ctx, p.children().stream().map(c -> build(c, ctx)).toList());
    }
    if (plan instanceof dev.parallax.executor.plan.MaterialPlan p) {
      return new MaterialState(p, ctx, build(p.child(), ctx));
    }
    if (plan instanceof dev.parallax.executor.plan.LockRowsPlan p) {
      return new LockRowsState(p, ctx, build(p.child(), ctx));
    }
    if (plan instanceof dev.parallax.executor.plan.SubqueryScanPlan p) {
      return new SubqueryScanState(p, ctx, build(p.child(), ctx));
    }
    if (plan instanceof dev.parallax.executor.plan.MergeJoinPlan p) {
      return new MergeJoinState(p, ctx, build(p.outer(), ctx), build(p.inner(), ctx));
    }
    if (plan instanceof NestLoopPlan p) {
      return new NestLoopState(p, ctx, build(p.outer(), ctx), build(p.inner(), ctx));
    }
    if (plan instanceof HashJoinPlan p) {
      return new HashJoinState(p, ctx, build(p.outer(), ctx), build(p.inner(), ctx));
    }
    if (plan instanceof dev.parallax.executor.plan.MergeAppendPlan p) {
      return new MergeAppendState(p, ctx, p.children().stream().map(c -> build(c, ctx)).toList());
    }
    if (plan instanceof dev.parallax.executor.plan.ResultPlan p) {
      return new ResultState(p, ctx, p.child() == null ? null : build(p.child(), ctx));
    }
    AggPlan p = (AggPlan) plan;
    return new AggState(p, ctx, build(p.child(), ctx));
  }

  private static void checkIds(Plan plan, Set<Integer> seen) {
    if (!seen.add(plan.id())) {
      throw new IllegalArgumentException("plan node id " + plan.id() + " is used twice");
    }
    for (Plan c : plan.children()) {
      checkIds(c, seen);
    }
  }
}
