package dev.parallax.executor.exec;

import dev.parallax.executor.expr.ExprCompiler;
import dev.parallax.executor.expr.ExprState;
import dev.parallax.executor.plan.Expr;
import dev.parallax.executor.plan.Plan;
import java.util.List;

/**
 * The run-time counterpart of one plan node: built by {@link Executor#start}, mirroring the plan
 * tree. Subclasses produce input rows ({@link #produce}); this class applies the node's quals and
 * target list and keeps its metrics, so every node filters and projects the same way.
 *
 * <p>Lifecycle: {@code init} (once, children first), {@code next} until it returns null,
 * {@code rescan} to start over (a nested loop's inner side), {@code end} to release resources.
 */
public abstract class PlanState {
  protected final Plan plan;
  protected final ExecContext ctx;
  final NodeMetrics metrics = new NodeMetrics();
  private ExprState[] quals;
  private ExprState[] targets;
  private int[] plainColumns;
  private VirtualSlot projected;

  protected PlanState(Plan plan, ExecContext ctx) {
    this.plan = plan;
    this.ctx = ctx;
  }

  public Plan plan() {
    return plan;
  }

  public NodeMetrics metrics() {
    return metrics;
  }

  public abstract List<PlanState> children();

  /** Compiles the quals and target list; subclasses initialise themselves and their children after. */
  public void init() {
    List<Expr> q = plan.quals();
    quals = new ExprState[q.size()];
    for (int i = 0; i < quals.length; i++) {
      quals[i] = compile(q.get(i));
    }
    List<Expr> tl = plan.targetList();
    if (tl != null) {
      targets = new ExprState[tl.size()];
      plainColumns = new int[tl.size()];
      boolean allPlain = true;
      for (int i = 0; i < targets.length; i++) {
        targets[i] = compile(tl.get(i));
        if (tl.get(i) instanceof Expr.Column c) {
          plainColumns[i] = c.index();
        } else {
          allPlain = false;
        }
      }
      if (!allPlain) {
        plainColumns = null;
      }
      projected = new VirtualSlot(targets.length);
    }
    metrics.loops++;
    initNode();
    for (PlanState c : children()) {
      paramDeps.or(c.paramDeps);
    }
    rememberParamVersions();
  }

  /** The sub-queries of this node's expressions, in the order they were compiled (EXPLAIN shows them). */
  final java.util.List<SubPlanState> subPlans = new java.util.ArrayList<>();

  /** Internal parameters this node or any node below it reads. */
  final java.util.BitSet paramDeps = new java.util.BitSet();
  private long[] seenVersions = new long[0];

  /** Compiles an expression of this node, noting the internal parameters it reads. */
  protected final ExprState compile(Expr e) {
    dev.parallax.executor.expr.ExprProgram p = ExprCompiler.compile(e);
    for (int slot : p.execParams()) {
      paramDeps.set(slot);
    }
    ExprState state = new ExprState(p, ctx.params(), ctx.execParams());
    if (!p.subPlans().isEmpty()) {
      // Each sub-query gets its own state tree; this node depends on whatever it reads from above.
      state.bindSubPlans(sp -> {
        SubPlanState s = new SubPlanState(sp, ctx);
        paramDeps.or(s.outerDependencies());
        subPlans.add(s);
        return s;
      });
    }
    return state;
  }

  private void rememberParamVersions() {
    seenVersions = new long[paramDeps.length()];
    for (int s = paramDeps.nextSetBit(0); s >= 0; s = paramDeps.nextSetBit(s + 1)) {
      seenVersions[s] = ctx.execParams().version(s);
    }
  }

  /** Whether an internal parameter this subtree reads changed since it last started. */
  protected final boolean paramsChanged() {
    for (int s = paramDeps.nextSetBit(0); s >= 0; s = paramDeps.nextSetBit(s + 1)) {
      if (ctx.execParams().version(s) != seenVersions[s]) {
        return true;
      }
    }
    return false;
  }

  protected abstract void initNode();

  /** The next input row of this node (before its quals and target list), or null at the end. */
  protected abstract TupleSlot produce();

  /** The next output row, or null at the end. */
  public final TupleSlot next() {
    long start = ctx.analyze() ? System.nanoTime() : 0;
    TupleSlot out = null;
    while (true) {
      TupleSlot in = produce();
      if (in == null) {
        break;
      }
      if (passes(in)) {
        out = targets == null ? in : project(in);
        break;
      }
      metrics.removedByFilter++;
    }
    if (ctx.analyze()) {
      long now = System.nanoTime();
      metrics.totalNanos += now - start;
      if (out != null && metrics.startupNanos < 0) {
        metrics.startupNanos = metrics.totalNanos;
      }
    }
    if (out != null) {
      metrics.rows++;
    }
    return out;
  }

  private boolean passes(TupleSlot in) {
    for (ExprState q : quals) {
      if (!q.test(in)) {
        return false;
      }
    }
    return true;
  }

  private TupleSlot project(TupleSlot in) {
    if (plainColumns != null) {
      for (int i = 0; i < plainColumns.length; i++) {
        projected.set(i, in.get(plainColumns[i]));
      }
    } else {
      for (int i = 0; i < targets.length; i++) {
        projected.set(i, targets[i].value(in));
      }
    }
    return projected;
  }

  /** Starts the node over from its first row. */
  public void rescan() {
    metrics.loops++;
    rescanNode();
    rememberParamVersions();
  }

  protected abstract void rescanNode();

  /**
   * Before the first row: if an internal parameter this subtree reads was set after init (a
   * nested loop sets them from its first outer row), start over with it. Not counted as a loop.
   */
  void refreshParams() {
    if (paramsChanged()) {
      rescanNode();
      rememberParamVersions();
    }
  }

  /** Releases what the node holds; children too. */
  public abstract void end();
}
